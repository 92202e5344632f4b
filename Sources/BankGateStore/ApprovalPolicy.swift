public import BankGateCore

/// Which payments need approvals at intake (``ApprovalRule``), and how long they wait for them.
///
/// The need is decided per approval unit, the set of payments approved or rejected as one act: a
/// single payment alone, a batch (or payroll) as a whole — every payment of it waits with the
/// largest need any of them has, since a bank message is sent whole and a batch is approved whole.
public struct ApprovalPolicy: Sendable, Hashable {
    public var rules: [ApprovalRule]
    /// How long a payment waits for its approvals before it is rejected (`approval_expired`).
    public var expireAfterMilliseconds: Int64

    public init(rules: [ApprovalRule], expireAfterMilliseconds: Int64) {
        self.rules = rules
        self.expireAfterMilliseconds = expireAfterMilliseconds
    }

    /// No rule: no payment needs an approval.
    public static let none = ApprovalPolicy(rules: [], expireAfterMilliseconds: 86_400_000)

    public var isOn: Bool { !rules.isEmpty }

    /// What one request's payments need: the approvals count and the names of the rules matched,
    /// the same for every payment of a batch; `nil` when none is needed.
    func need(_ db: StoreConnection, _ payments: [PaymentDraft], kind: PaymentKind, at: Timestamp) throws -> ApprovalNeed? {
        guard isOn, !payments.isEmpty else { return nil }
        let batch = kind == .single ? nil : BatchFacts(amounts: payments.map(\.amount))
        var needed = 0
        var names: [String] = []
        var known: [String: Bool] = [:]
        for draft in payments {
            let subject = ApprovalSubject(debtorAccountId: draft.debtorAccountId, creditorAccount: draft.creditor.account,
                                          amount: draft.amount, kind: kind)
            for rule in rules where !names.contains(rule.name) {
                let matched = try rule.matches(subject, batch: batch, at: at) {
                    let key = draft.debtorAccountId + "\u{1F}" + draft.creditor.account
                    if let answer = known[key] { return answer }
                    let answer = try Self.isNewCreditor(db, debtorAccountId: draft.debtorAccountId, creditorAccount: draft.creditor.account)
                    known[key] = answer
                    return answer
                }
                guard matched else { continue }
                needed = max(needed, rule.approvals)
                if !names.contains(rule.name) { names.append(rule.name) }
            }
        }
        guard needed > 0 else { return nil }
        return ApprovalNeed(approvals: needed, rules: names, expiresAt: at.adding(milliseconds: expireAfterMilliseconds))
    }

    /// A creditor never paid before from the debtor account: no earlier payment from it to that
    /// creditor account reached `completed` (a returned one did too, before it was returned).
    static func isNewCreditor(_ db: StoreConnection, debtorAccountId: String, creditorAccount: String) throws -> Bool {
        try db.queryFirst("""
            SELECT 1 AS paid FROM payments
            WHERE debtor_account_id = ? AND creditor_account = ? AND status IN ('completed', 'returned') LIMIT 1
            """, [.text(debtorAccountId), .text(creditorAccount)]) { try $0.int("paid") } == nil
    }
}

/// What a request's payments need before they are queued.
struct ApprovalNeed {
    var approvals: Int
    var rules: [String]
    var expiresAt: Timestamp

    var reason: String {
        "awaiting \(approvals) approval\(approvals == 1 ? "" : "s") (rules: \(rules.joined(separator: ", ")))"
    }
}

/// An approver's decision.
public enum ApprovalDecision: String, Sendable, Hashable {
    case approve, reject
}

/// One recorded decision on a payment.
public struct ApprovalRecord: Sendable, Hashable {
    public var principal: String
    public var decision: ApprovalDecision
    public var note: String?
    public var at: Timestamp

    public init(principal: String, decision: ApprovalDecision, note: String?, at: Timestamp) {
        self.principal = principal
        self.decision = decision
        self.note = note
        self.at = at
    }
}

/// The approval facts of a payment that needed approvals.
public struct PaymentApproval: Sendable, Hashable {
    /// How many approvals from distinct principals it needs.
    public var needed: Int
    /// The rules it matched.
    public var rules: [String]
    /// When it is rejected if still pending (`nil` while it is held before it waits).
    public var expiresAt: Timestamp?
    /// The token that submitted it (never its approver).
    public var submittedBy: String?
    /// The decisions recorded, oldest first (loaded for one payment and for the pending list).
    public var decisions: [ApprovalRecord]

    public init(needed: Int, rules: [String], expiresAt: Timestamp?, submittedBy: String?, decisions: [ApprovalRecord] = []) {
        self.needed = needed
        self.rules = rules
        self.expiresAt = expiresAt
        self.submittedBy = submittedBy
        self.decisions = decisions
    }

    /// The approvals given so far.
    public var given: Int { decisions.filter { $0.decision == .approve }.count }
}

/// What an approval or rejection acts on: one payment, or a whole batch.
public enum ApprovalTarget: Sendable, Hashable {
    case payment(String)
    case batch(String)
}

/// Why a decision is refused.
public enum ApprovalRefusal: Error, Sendable, Hashable {
    case notFound
    /// No payment of the target is pending approval.
    case notPendingApproval(PaymentStatus)
    /// The principal submitted the payment.
    case ownPayment
    /// The principal already decided on it.
    case alreadyDecided
    /// The payment belongs to a batch, which is decided as a whole.
    case decidedByBatch(String)
}

/// What a decision did.
public struct ApprovalOutcome: Sendable, Hashable {
    /// The payments decided on, as they are now.
    public var payments: [PaymentRecord]
    /// Approvals given (this one included) and needed.
    public var given: Int
    public var needed: Int
}
