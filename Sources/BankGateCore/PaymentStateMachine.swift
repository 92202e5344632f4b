/// The payment state machine as one table. Every status change in bankgate goes through
/// ``PaymentStateMachine/check(from:to:cause:)``; nothing else decides what is allowed.
public enum PaymentStateMachine {
    /// Allowed transitions: from → (to → causes that may take it).
    ///
    /// Reading guide:
    /// - `sending → queued` only for the dispatcher, and only when the transport proves nothing left
    ///   the machine (connection refused, DNS failure); any doubt goes to `unknown`.
    /// - `unknown → queued` only for the bank (a status query answered "never received").
    /// - `unknown → held` when the bank's duplicate-check memory may have expired: a person decides.
    /// - `received → held` at intake for a suspected duplicate; an operator releases (`held → queued`)
    ///   or cancels it.
    /// - `failed → queued` and `held → queued` only for an operator (`payments retry`); a released
    ///   duplicate that needs approvals goes `held → pending_approval` instead.
    /// - `pending_approval → queued` on the last approval needed (`→ scheduled` when its execution
    ///   day is later), `→ rejected` on a rejection or, for `approval_expiry`, when the approvals
    ///   were not given in time.
    /// - `received → scheduled` at intake for a later execution day (a cut-off, a holiday, a
    ///   requested date, a `batch_release` plan); `scheduled → queued` when its day begins or its plan runs.
    public static let table: [PaymentStatus: [PaymentStatus: Set<TransitionCause>]] = [
        .received: [
            .queued: [.api], .pendingApproval: [.api], .scheduled: [.api], .held: [.api],
            .rejected: [.api], .cancelled: [.api, .operator],
        ],
        .pendingApproval: [
            .queued: [.api, .operator], .scheduled: [.api, .operator], .rejected: [.api, .operator, .approvalExpiry], .cancelled: [.api, .operator],
        ],
        .scheduled: [
            .queued: [.dispatcher, .operator], .cancelled: [.api, .operator],
        ],
        .queued: [
            .sending: [.dispatcher], .cancelled: [.api, .operator], .held: [.operator, .dispatcher],
            .failed: [.dispatcher],
        ],
        .sending: [
            .submitted: [.bank], .processing: [.bank], .completed: [.bank], .rejected: [.bank],
            .queued: [.dispatcher], .failed: [.dispatcher], .unknown: [.dispatcher, .recovery],
        ],
        .submitted: [
            .processing: [.bank], .completed: [.bank], .rejected: [.bank], .returned: [.bank],
        ],
        .processing: [
            .completed: [.bank], .rejected: [.bank], .returned: [.bank],
        ],
        .unknown: [
            .submitted: [.bank], .processing: [.bank], .completed: [.bank], .rejected: [.bank],
            .queued: [.bank], .held: [.dispatcher],
        ],
        .held: [
            .queued: [.operator], .pendingApproval: [.operator], .cancelled: [.operator],
            .submitted: [.bank], .processing: [.bank], .completed: [.bank], .rejected: [.bank],
        ],
        .completed: [
            .returned: [.bank],
        ],
        .failed: [
            .queued: [.operator],
        ],
        .rejected: [:],
        .cancelled: [:],
        .returned: [:],
    ]

    /// Whether `cause` may move a payment from `from` to `to`.
    public static func allows(from: PaymentStatus, to: PaymentStatus, cause: TransitionCause) -> Bool {
        table[from]?[to]?.contains(cause) ?? false
    }

    /// Throws ``IllegalTransition`` unless the table allows the transition.
    public static func check(from: PaymentStatus, to: PaymentStatus, cause: TransitionCause) throws(IllegalTransition) {
        guard allows(from: from, to: to, cause: cause) else {
            throw IllegalTransition(from: from, to: to, cause: cause)
        }
    }
}

/// A status change the state table does not allow.
public struct IllegalTransition: Error, Hashable, Sendable, CustomStringConvertible {
    public let from: PaymentStatus
    public let to: PaymentStatus
    public let cause: TransitionCause

    public init(from: PaymentStatus, to: PaymentStatus, cause: TransitionCause) {
        self.from = from
        self.to = to
        self.cause = cause
    }

    public var description: String {
        "a payment in status \(from.rawValue) cannot move to \(to.rawValue) (by \(cause.rawValue))"
    }
}
