/// Where a payment instruction stands. Spelled as on the wire and in the store.
public enum PaymentStatus: String, CaseIterable, Codable, Hashable, Sendable {
    case received
    case pendingApproval = "pending_approval"
    case scheduled
    case queued
    case sending
    case submitted
    case processing
    case completed
    case rejected
    case failed
    case unknown
    case held
    case cancelled
    case returned

    /// Terminal statuses: nothing happens to the payment on its own any more.
    public var isTerminal: Bool {
        switch self {
        case .completed, .rejected, .failed, .cancelled, .returned: true
        default: false
        }
    }

    /// Whether the payment may have reached the bank, so that it must never be sent blindly again.
    public var mayHaveReachedBank: Bool {
        switch self {
        case .sending, .submitted, .processing, .completed, .rejected, .unknown, .returned: true
        default: false
        }
    }
}

/// What causes a transition; recorded with each one in the payment's history.
public enum TransitionCause: String, Codable, Hashable, Sendable {
    /// The API accepted or changed the instruction.
    case api
    /// The dispatcher sent, retried or gave up.
    case dispatcher
    /// The bank answered: a status report or a status query.
    case bank
    /// Start-up recovery after a crash.
    case recovery
    /// An operator command.
    case `operator`
    /// The approvals a payment needed were not given in time (`[approvals] expire_after_minutes`).
    case approvalExpiry = "approval_expiry"
}
