/// The bank's word on one transfer, already mapped to bankgate's canonical status.
public struct TransactionOutcome: Hashable, Sendable {
    /// The `EndToEndId` the outcome is about (`OrgnlEndToEndId`).
    public var endToEndId: String?
    /// The `InstrId` the outcome is about (`OrgnlInstrId`), when the bank gives it.
    public var instructionId: String?
    /// The bank's status code as sent, e.g. `ACSC`, `RJCT`.
    public var bankStatus: String
    /// What that code means for the payment: `submitted`, `processing`, `completed` or `rejected`.
    public var status: PaymentStatus
    /// A reason code such as `AC01` or `AM04`, when given.
    public var reasonCode: String?
    /// Free text from the bank, when given.
    public var reasonText: String?

    public init(endToEndId: String?, instructionId: String?, bankStatus: String, status: PaymentStatus,
                reasonCode: String? = nil, reasonText: String? = nil) {
        self.endToEndId = endToEndId
        self.instructionId = instructionId
        self.bankStatus = bankStatus
        self.status = status
        self.reasonCode = reasonCode
        self.reasonText = reasonText
    }
}

/// A status report from the bank about one of our messages (for ISO 20022: a pain.002).
public struct StatusReport: Hashable, Sendable {
    /// The report's own message id.
    public var reportId: String
    /// The id of our message it answers (`OrgnlMsgId`).
    public var originalMessageId: String
    /// The group status code, when given (`GrpSts`).
    public var groupStatus: String?
    /// The group status mapped to bankgate's status, applied to every transfer the report does not list.
    public var groupOutcome: TransactionOutcome?
    /// Per-transfer outcomes.
    public var transactions: [TransactionOutcome]

    public init(reportId: String, originalMessageId: String, groupStatus: String?,
                groupOutcome: TransactionOutcome?, transactions: [TransactionOutcome]) {
        self.reportId = reportId
        self.originalMessageId = originalMessageId
        self.groupStatus = groupStatus
        self.groupOutcome = groupOutcome
        self.transactions = transactions
    }

    /// The outcome for the transfer with `endToEndId`/`instructionId`: its own line, else the group's.
    public func outcome(endToEndId: String, instructionId: String) -> TransactionOutcome? {
        if let own = transactions.first(where: {
            ($0.instructionId != nil && $0.instructionId == instructionId) || $0.endToEndId == endToEndId
        }) {
            return own
        }
        return groupOutcome
    }
}

/// What a bank answered when asked for the status of one of our messages.
public enum StatusQueryAnswer: Hashable, Sendable {
    /// The bank knows the message and reports on it.
    case report(StatusReport)
    /// The bank states it never received a message with that id: safe to send again.
    case notReceived
    /// The answer does not settle the question (busy, unparsable, ambiguous): ask again later.
    case inconclusive(String)
}
