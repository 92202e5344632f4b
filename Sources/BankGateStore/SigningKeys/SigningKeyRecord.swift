public import BankGateCore

/// Where a signing key is in its life (the U-key, U盾): the steps its holder's bank and the
/// operators take with it.
public enum SigningKeyState: String, Sendable, Hashable, CaseIterable {
    /// Configured and seen by the gateway; it signs nothing until bound.
    case issued
    /// Bound to the bank's accounts and the operator role it signs for: it signs for those accounts.
    case bound
    /// Reported lost: it signs nothing from that moment; it can still be revoked or retired.
    case lost
    /// Revoked (by us or the bank's CA): it signs nothing; it can only be retired.
    case revoked
    /// Out of use for good (replaced by another key, or taken out of service). Nothing follows.
    case retired

    /// Whether a key in this state may sign.
    public var signs: Bool { self == .bound }

    /// The states this one may move to by an operator's action.
    public var successors: Set<SigningKeyState> {
        switch self {
        case .issued: [.bound, .lost, .revoked, .retired]
        case .bound: [.bound, .lost, .revoked, .retired]
        case .lost: [.revoked, .retired]
        case .revoked: [.retired]
        case .retired: []
        }
    }

    /// The audit action and event type of a move to this state: `key.bound`, `key.lost` …
    var action: String {
        switch self {
        case .issued: "key.issued"
        case .bound: "key.bound"
        case .lost: "key.lost"
        case .revoked: "key.revoked"
        case .retired: "key.retired"
        }
    }
}

/// A configured key as the store first records it (``PaymentStore/registerSigningKeys(_:at:)``).
public struct ConfiguredSigningKey: Sendable, Hashable {
    public var id: String
    public var bankId: String
    /// `rsa-sha256`, `sm2-sm3`.
    public var algorithm: String
    /// `file`, `pkcs12`, `pkcs11:<token label>`.
    public var material: String
    /// The binding the configuration declares (`accounts`, `role`): the key is recorded bound when
    /// first seen; nil: it is recorded `issued`.
    public var binding: SigningKeyBinding?

    public init(id: String, bankId: String, algorithm: String, material: String, binding: SigningKeyBinding? = nil) {
        self.id = id
        self.bankId = bankId
        self.algorithm = algorithm
        self.material = material
        self.binding = binding
    }
}

/// What a key is bound to: the accounts it signs for and the operator role that uses it.
public struct SigningKeyBinding: Sendable, Hashable {
    /// Account ids of the key's bank, at least one.
    public var accounts: [String]
    /// The operator role it signs for (`payments-approver`, `treasury` …), as the bank registered it.
    public var role: String
    /// The key this one replaces (a key change): that key retires when this one takes over.
    public var replaces: String?

    public init(accounts: [String], role: String, replaces: String? = nil) {
        self.accounts = accounts
        self.role = role
        self.replaces = replaces
    }
}

/// One signing key's life-cycle record.
public struct SigningKeyRecord: Sendable, Hashable {
    public var id: String
    public var bankId: String
    public var algorithm: String
    public var material: String
    public var state: SigningKeyState
    /// The accounts it is bound to (empty until bound).
    public var accounts: [String]
    public var role: String?
    /// The key it replaced, and the key that replaces it (a key change).
    public var replaces: String?
    public var replacedBy: String?
    /// The reason given with the last step.
    public var reason: String?
    public var issuedAt: Timestamp
    public var updatedAt: Timestamp

    public init(id: String, bankId: String, algorithm: String, material: String, state: SigningKeyState, accounts: [String],
                role: String?, replaces: String?, replacedBy: String?, reason: String?, issuedAt: Timestamp, updatedAt: Timestamp) {
        self.id = id
        self.bankId = bankId
        self.algorithm = algorithm
        self.material = material
        self.state = state
        self.accounts = accounts
        self.role = role
        self.replaces = replaces
        self.replacedBy = replacedBy
        self.reason = reason
        self.issuedAt = issuedAt
        self.updatedAt = updatedAt
    }

    /// Whether it may sign for `accountId` now: bound, and bound to that account (any of its
    /// accounts when `accountId` is nil, for messages that act for no account).
    public func signs(for accountId: String?) -> Bool {
        guard state.signs else { return false }
        guard let accountId else { return true }
        return accounts.contains(accountId)
    }
}

/// One audited step of a key's life (or a notice about it, such as `key.expiring.30d`).
public struct SigningKeyEvent: Sendable, Hashable {
    public var at: Timestamp
    public var actor: String
    public var action: String
    public var details: String?

    public init(at: Timestamp, actor: String, action: String, details: String?) {
        self.at = at
        self.actor = actor
        self.action = action
        self.details = details
    }
}
