public import BankGateCore

/// Where an expected payment stands; the raw values are the spellings in the database and the API.
public enum ExpectedPaymentStatus: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// Waiting for its money inside its window.
    case open
    /// A bank transaction was matched to it (confirmed).
    case matched
    /// Its window ended without a match (it can still be matched).
    case overdue
    /// Cancelled by the business.
    case cancelled

    public var description: String { rawValue }
}

/// Where a match stands; the raw values are the spellings in the database and the API.
public enum MatchState: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case confirmed
    /// Proposed by the matcher, waiting for an operator.
    case suggested
    /// A suggestion an operator turned down.
    case rejected
    /// A confirmed match undone by an operator.
    case unmatched

    public var description: String { rawValue }
}

/// Incoming money the business expects on one of its accounts.
public struct ExpectedPaymentRecord: Sendable, Hashable {
    /// `exp_…`.
    public var id: String
    public var accountId: String
    public var currency: Currency
    /// The amount, or the range it may fall in (equal bounds for an exact amount), minor units.
    public var amountMin: Int64
    public var amountMax: Int64
    public var counterpartyName: String?
    public var counterpartyAccount: String?
    /// A reference to look for in the incoming transaction (end-to-end id, structured reference or text).
    public var reference: String?
    /// `YYYY-MM-DD`, inclusive.
    public var windowFrom: String
    public var windowTo: String
    public var status: ExpectedPaymentStatus
    public var client: String
    public var createdAt: Timestamp
    public var updatedAt: Timestamp

    public init(id: String, accountId: String, currency: Currency, amountMin: Int64, amountMax: Int64, counterpartyName: String?,
                counterpartyAccount: String?, reference: String?, windowFrom: String, windowTo: String, status: ExpectedPaymentStatus,
                client: String, createdAt: Timestamp, updatedAt: Timestamp) {
        self.id = id
        self.accountId = accountId
        self.currency = currency
        self.amountMin = amountMin
        self.amountMax = amountMax
        self.counterpartyName = counterpartyName
        self.counterpartyAccount = counterpartyAccount
        self.reference = reference
        self.windowFrom = windowFrom
        self.windowTo = windowTo
        self.status = status
        self.client = client
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

/// What a match links a bank transaction to.
public enum MatchTarget: Sendable, Hashable {
    case payment(String)
    case expectedPayment(String)

    /// `payment` or `expected_payment`.
    public var kind: String {
        switch self {
        case .payment: "payment"
        case .expectedPayment: "expected_payment"
        }
    }

    public var id: String {
        switch self {
        case .payment(let id), .expectedPayment(let id): id
        }
    }

    public init?(kind: String, id: String) {
        switch kind {
        case "payment": self = .payment(id)
        case "expected_payment": self = .expectedPayment(id)
        default: return nil
        }
    }
}

/// A decision of the matcher (or an operator) to record.
public struct MatchProposal: Sendable, Hashable {
    /// `btx_<n>`.
    public var transactionId: String
    public var target: MatchTarget
    /// `exact`, `suggested` or `manual`.
    public var kind: String
    /// 0…1000.
    public var scorePermille: Int
    public var reasons: [String]

    public init(transactionId: String, target: MatchTarget, kind: String, scorePermille: Int, reasons: [String]) {
        self.transactionId = transactionId
        self.target = target
        self.kind = kind
        self.scorePermille = scorePermille
        self.reasons = reasons
    }
}

/// A stored match between a bank transaction and a payment or expected payment.
public struct MatchRecord: Sendable, Hashable {
    /// `mat_<n>`.
    public var id: String
    public var transactionId: String
    public var target: MatchTarget
    public var kind: String
    public var scorePermille: Int
    public var reasons: [String]
    public var state: MatchState
    public var createdAt: Timestamp
    public var decidedAt: Timestamp?
    public var decidedBy: String?

    public init(id: String, transactionId: String, target: MatchTarget, kind: String, scorePermille: Int, reasons: [String],
                state: MatchState, createdAt: Timestamp, decidedAt: Timestamp?, decidedBy: String?) {
        self.id = id
        self.transactionId = transactionId
        self.target = target
        self.kind = kind
        self.scorePermille = scorePermille
        self.reasons = reasons
        self.state = state
        self.createdAt = createdAt
        self.decidedAt = decidedAt
        self.decidedBy = decidedBy
    }

    /// The integer row id behind ``id``.
    public static func rowId(_ id: String) -> Int64? {
        guard id.hasPrefix("mat_") else { return nil }
        return Int64(id.dropFirst(4))
    }
}

/// One of our payments that a bank transaction may book: what the matcher needs of it.
public struct PaymentMatchCandidate: Sendable, Hashable {
    public var id: String
    public var accountId: String
    public var amount: Money
    public var endToEndId: String
    public var instructionId: String
    public var messageId: String
    public var executionDate: String
    public var creditorName: String
    public var creditorAccount: String
    public var remittanceInfo: String?
    public var status: PaymentStatus

    public init(id: String, accountId: String, amount: Money, endToEndId: String, instructionId: String, messageId: String,
                executionDate: String, creditorName: String, creditorAccount: String, remittanceInfo: String?,
                status: PaymentStatus) {
        self.id = id
        self.accountId = accountId
        self.amount = amount
        self.endToEndId = endToEndId
        self.instructionId = instructionId
        self.messageId = messageId
        self.executionDate = executionDate
        self.creditorName = creditorName
        self.creditorAccount = creditorAccount
        self.remittanceInfo = remittanceInfo
        self.status = status
    }
}

/// An entry of the audit log (changes other than payment transitions).
public struct AuditEntry: Sendable, Hashable {
    public var id: Int64
    public var at: Timestamp
    public var actor: String
    public var action: String
    public var subjectKind: String
    public var subjectId: String
    public var details: String?

    public init(id: Int64, at: Timestamp, actor: String, action: String, subjectKind: String, subjectId: String, details: String?) {
        self.id = id
        self.at = at
        self.actor = actor
        self.action = action
        self.subjectKind = subjectKind
        self.subjectId = subjectId
        self.details = details
    }
}
