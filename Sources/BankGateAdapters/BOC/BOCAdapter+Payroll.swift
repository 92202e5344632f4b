public import BankGateCore

/// BOC payroll through the engine: a `b2e0078` batch keyed by its `insid` (the message id), asked
/// about by the same `insid` with `b2e0007`; BOC's answer for that `insid` is the whole batch's.
extension BOCAdapter: PayrollAdapter {
    /// `BOC.b2e0078`.
    public var payrollMessageKind: String { "BOC.b2e0078" }
    public var maxTransfersPerPayroll: Int { Self.maxPayrollLines }

    /// The batch summary (`furinfo`) when no line gives a purpose.
    static let defaultPayrollSummary = "代发工资"

    /// A `b2e0078` for `message`: to BOC accounts (`crdtyp` 7) when every line is marked same-bank,
    /// else through CNAPS (6), where every line needs the creditor bank's code; the summary is the
    /// first line's purpose, else 代发工资.
    public func encodePayroll(_ message: PaymentMessage) throws(AdapterError) -> EncodedMessage {
        try encodePayroll(message, channel: Self.payrollChannel(message.transfers), summary: Self.payrollSummary(message.transfers),
                          token: Self.sessionPlaceholder)
    }

    /// Each line written as it would be in the batch (the batch's channel and summary), named by API field.
    public func payrollProblem(_ transfers: [CreditTransfer], debtor: DebtorAccount) -> (line: Int, problem: TransferFieldProblem)? {
        let channel = Self.payrollChannel(transfers), summary = Self.payrollSummary(transfers)
        for (index, transfer) in transfers.enumerated() {
            let problem = IntakeProbe.problem(transfer, debtor: debtor, bank: "BOC", apiFields: Self.payrollAPIFields) {
                message throws(AdapterError) in try encodePayroll(message, channel: channel, summary: summary, token: Self.sessionPlaceholder)
            }
            if let problem { return (index, problem) }
        }
        return nil
    }

    /// `crdtyp` 7 (BOC accounts) when every line is marked same-bank, else 6 (CNAPS).
    static func payrollChannel(_ transfers: [CreditTransfer]) -> BOCPayrollChannel {
        transfers.allSatisfy { $0.details.sameBank == true } ? .bocAccounts : .otherBanksCNAPS
    }

    /// The batch's `furinfo`: the first line's purpose, else 代发工资.
    static func payrollSummary(_ transfers: [CreditTransfer]) -> String {
        transfers.lazy.compactMap(\.details.purpose).first ?? defaultPayrollSummary
    }

    /// The API field behind each `b2e0078-rq` field.
    static let payrollAPIFields: [String: String] = [
        "detail/toname": "creditor.name", "detail/toactn": "creditor.account", "detail/furinfo": "purpose",
        "detail/tobank": "creditor.bank_name", "detail/toibkn": "creditor.bank_code", "detail/pydamt": "amount",
        "fractn/actacn": "debtor_account", "fractn/fribkn": "debtor_account", "fractn/actnam": "debtor_account",
        "pybcur": "currency", "furinfo": "purpose",
    ]

    /// Whether `query` asks about a payroll batch (by its message id) rather than transfers.
    func isPayrollQuery(_ query: StatusQuery) -> Bool { query.originalKind == payrollMessageKind }

    /// `outcomes` as a report of the batch `messageId`: the outcome BOC gives for the batch's `insid`
    /// applies to every line.
    static func payrollReport(_ outcomes: [TransactionOutcome], messageId: String, reportId: String) -> StatusReport? {
        guard let batch = outcomes.first(where: { $0.instructionId == messageId }) else { return nil }
        var group = batch
        group.instructionId = nil
        return StatusReport(reportId: reportId, originalMessageId: messageId, groupStatus: batch.bankStatus,
                            groupOutcome: group, transactions: [])
    }
}
