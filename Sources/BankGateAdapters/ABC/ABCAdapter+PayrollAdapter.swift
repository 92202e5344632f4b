public import BankGateCore

/// ABC payroll through the engine: the `CFRT03` data file uploaded to the client, then the request
/// naming it, keyed by the batch's `ReqSeqNo` (the message id); its status by `CQRT04` with that
/// `ReqSeqNo` as `CmeSeqNo` (**assumed**: no public source shows `CQRT04` for a payroll; `CQRT02`,
/// the payroll result query, is not public enough to implement). ABC's answer for the batch is
/// every line's: the format gives no per-line result.
extension ABCAdapter: PayrollFileAdapter {
    /// `ABC.CFRT03`.
    public var payrollMessageKind: String { "ABC.CFRT03" }
    /// **Assumed** 1,000 lines: no public source gives `CFRT03`'s limit.
    public var maxTransfersPerPayroll: Int { Self.maxPayrollLines }

    /// The most lines of one payroll (assumed).
    public static let maxPayrollLines = 1_000

    /// Without a way to the client's files, a payroll cannot be sent: refused at intake.
    public var payrollUnavailableReason: String? {
        reachesClientFiles ? nil : "its data file must be uploaded to the client first: configure file_transfer or file_directory"
    }

    /// The framed `CFRT03` request (``encodePayrollExchange(_:)``).
    public func encodePayroll(_ message: PaymentMessage) throws(AdapterError) -> EncodedMessage {
        try encodePayrollExchange(message).request
    }

    /// The fixed-width data file (``encodePayrollExchange(_:)``), named as the request names it.
    public func payrollFile(for message: PaymentMessage) throws(AdapterError) -> EncodedMessage {
        try encodePayrollExchange(message).file
    }

    /// Each line written as it would be in the file, named by API field.
    public func payrollProblem(_ transfers: [CreditTransfer], debtor: DebtorAccount) -> (line: Int, problem: TransferFieldProblem)? {
        for (index, transfer) in transfers.enumerated() {
            let problem = IntakeProbe.problem(transfer, debtor: debtor, bank: "ABC", apiFields: Self.payrollAPIFields) {
                message throws(AdapterError) in try encodePayrollExchange(message).request
            }
            if let problem { return (index, problem) }
        }
        return nil
    }

    /// The API field behind each column of the file and field of the request.
    static let payrollAPIFields: [String: String] = [
        "name": "creditor.name", "account": "creditor.account", "amount": "amount", "note": "remittance_info",
        "Amt": "amount", "DbAccNo": "debtor_account", "DbAccName": "debtor_account", "DbProv": "debtor_account",
        "DbCur": "currency",
    ]

    /// Whether `query` asks about a payroll batch (by its `ReqSeqNo`, the message id) rather than a transfer.
    func isPayrollQuery(_ query: StatusQuery) -> Bool { query.originalKind == payrollMessageKind }

    /// `outcomes` (about the batch's `ReqSeqNo`) as the batch's group outcome, which every line takes.
    static func payrollReport(_ outcomes: [TransactionOutcome], messageId: String, reportId: String) -> StatusReport? {
        guard var group = outcomes.first(where: { $0.instructionId == messageId }) else { return nil }
        group.instructionId = nil
        return StatusReport(reportId: reportId, originalMessageId: messageId, groupStatus: group.bankStatus,
                            groupOutcome: group, transactions: [])
    }
}
