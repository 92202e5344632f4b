public import BankGateCore

/// CMB payroll (代发工资) through the engine: one `AgentRequest` (直接代发代扣, API 5.37.0 §4.2) per
/// batch, keyed by its `YURREF` (the message id, fixed before the first send), asked about by the same
/// `YURREF` with `NTAGCQRI` (代发代扣直连综合查询, §4.11), whose answer gives the batch's result and
/// each line's. Each line carries its transfer's instruction id (its last 20 characters) in `TRSDSP`
/// (注释), by which the answer's lines are tied to the transfers: each line's status is its own.
extension CMBAdapter: PayrollAdapter {
    /// `CMB.AgentRequest`.
    public var payrollMessageKind: String { "CMB.AgentRequest" }
    public var maxTransfersPerPayroll: Int { Self.maxPayrollLines }

    /// An `AgentRequest` for `message`: every transfer is one `SDKATDRQX`; the batch's purpose
    /// (`MEMO`) is the first line's purpose, else 代发工资.
    public func encodePayroll(_ message: PaymentMessage) throws(AdapterError) -> EncodedMessage {
        try encodePayroll(message, memo: Self.payrollMemo(message.transfers))
    }

    /// Each line written as it would be in the batch (with the batch's `MEMO`), named by API field.
    /// `MEMO` is the batch's only purpose: a line giving another purpose than the first line's is
    /// refused rather than dropped.
    public func payrollProblem(_ transfers: [CreditTransfer], debtor: DebtorAccount) -> (line: Int, problem: TransferFieldProblem)? {
        let memo = Self.payrollMemo(transfers)
        for (index, transfer) in transfers.enumerated() {
            if let purpose = transfer.details.purpose, purpose != memo {
                return (index, TransferFieldProblem(
                    field: "purpose",
                    message: "purpose: a CMB payroll has one purpose for the whole batch (SDKATSRQX/MEMO): give the first line's or none"))
            }
            let problem = IntakeProbe.problem(transfer, debtor: debtor, bank: "CMB", reference: "BGI0",
                                              apiFields: Self.payrollAPIFields) { message throws(AdapterError) in
                try encodePayroll(message, memo: memo)
            }
            if let problem { return (index, problem) }
        }
        return nil
    }

    /// `MEMO` when no line gives a purpose.
    static let defaultPayrollMemo = "代发工资"

    /// The batch's `MEMO`: the first line's purpose, else 代发工资.
    static func payrollMemo(_ transfers: [CreditTransfer]) -> String {
        transfers.lazy.compactMap(\.details.purpose).first ?? defaultPayrollMemo
    }

    /// The API field behind each `AgentRequest` field.
    static let payrollAPIFields: [String: String] = [
        "SDKATDRQX/ACCNBR": "creditor.account", "SDKATDRQX/CLTNAM": "creditor.name", "SDKATDRQX/TRSAMT": "amount",
        "SDKATDRQX/BNKFLG": "same_bank", "SDKATDRQX/EACBNK": "creditor.bank_name", "SDKATDRQX/EACCTY": "creditor.address.town",
        "SDKATDRQX/TRSDSP": "remittance_info", "SDKATSRQX/MEMO": "purpose", "SDKATSRQX/DBTACC": "debtor_account",
        "SDKATSRQX/BBKNBR": "debtor_account", "SDKATSRQX/CCYNBR": "currency",
    ]

    /// Whether `query` asks about a payroll batch (by its `YURREF`, the message id) rather than a transfer.
    func isPayrollQuery(_ query: StatusQuery) -> Bool { query.originalKind == payrollMessageKind }
}

extension CMBAdapter {
    /// `AgentRequest` takes 1 to 6000 `SDKATDRQX` (confirmed: API 5.37.0 §4.2).
    public static let maxPayrollLines = 6000
    /// `BUSCOD` of 代发工资 (payroll; `N03020` is other 代发, `N03030` 代扣).
    static let payrollBusinessCode = "N03010"
    /// `TRSTYP` of 代发工资 (the default of 附录 A.45).
    static let payrollTransactionType = "BYSA"
    /// `SUM`: the most digits of the batch total in minor units.
    static let maxPayrollTotalDigits = 17
    /// `TRSDSP` (注释) of a line: 20 bytes.
    static let maxLineNoteBytes = 20

    /// What a line's `TRSDSP` carries of its transfer's instruction id: its last 20 characters. A
    /// gateway instruction id is `BGI` and 20 characters (the time and 55 random bits), so these tell
    /// the lines of a batch apart; a shorter id is written whole.
    static func lineNote(_ instructionId: String) -> String {
        String(instructionId.suffix(maxLineNoteBytes))
    }

    /// Writes a payroll batch (`AgentRequest`: `SDKATSRQX` with `BUSCOD=N03010`, `TRSTYP=BYSA`, the
    /// paying account, `SUM`, `TOTAL`, `YURREF`, `MEMO`; then one `SDKATDRQX` per transfer).
    ///
    /// `YURREF` is the message id: CMB checks it for duplicates, so a resend of the same batch is
    /// refused instead of paying twice. Each line's `TRSDSP` (注释, 20 bytes) carries the transfer's
    /// instruction id (its last 20 characters, ``lineNote(_:)``), which the status answer repeats per line; the line therefore has no room for
    /// a remittance text, and one is refused. No `EPTDAT`: 直接代发 takes no execution date.
    /// - Parameter memo: the batch's purpose (`MEMO`, 42 bytes of GBK).
    /// - Throws: ``AdapterError`` located at the field (`SDKATDRQX/CLTNAM`) for text GBK cannot carry,
    ///   a field over its byte limit, or a field the format requires that the line lacks.
    public func encodePayroll(_ message: PaymentMessage, memo: String) throws(AdapterError) -> EncodedMessage {
        let transfers = message.transfers
        let header = "SDKATSRQX"
        guard (1...Self.maxPayrollLines).contains(transfers.count) else {
            throw AdapterError("an AgentRequest takes 1 to \(Self.maxPayrollLines) lines, not \(transfers.count)")
        }
        guard message.debtor.currency.code == "CNY" else {
            throw AdapterError("CMB payroll is in CNY only (CCYNBR 10)", location: header + "/CCYNBR")
        }
        let branch = try branchCode(message.debtor, location: header + "/BBKNBR")
        var total: Int64 = 0
        for transfer in transfers {
            try Self.checkPayrollAmount(transfer.amount)
            let (sum, overflow) = total.addingReportingOverflow(transfer.amount.minorUnits)
            guard !overflow, String(sum).utf8.count <= Self.maxPayrollTotalDigits else {
                throw AdapterError("the batch total has more than \(Self.maxPayrollTotalDigits) digits", location: header + "/SUM")
            }
            total = sum
        }
        var request = try CMBRequestWriter(function: "AgentRequest", loginName: loginName)
        request.open(header)
        try request.field("BUSCOD", Self.payrollBusinessCode, record: header, type: .code, maxBytes: 6)
        try request.field("BUSMOD", Self.directPaymentBusinessMode, record: header, type: .code, maxBytes: 5)
        try request.field("TRSTYP", Self.payrollTransactionType, record: header, type: .code, maxBytes: 4)
        try request.field("DBTACC", message.debtor.number, record: header, type: .account, maxBytes: 35)
        try request.field("BBKNBR", branch, record: header, type: .code, maxBytes: 2)
        try request.field("SUM", Money(minorUnits: total, currency: message.debtor.currency).decimalString, record: header,
                          type: .code, maxBytes: Self.maxPayrollTotalDigits + 1)
        try request.field("TOTAL", String(transfers.count), record: header, type: .digits, maxBytes: 4)
        try request.field("CCYNBR", "10", record: header, type: .code, maxBytes: 2)
        try request.field("YURREF", message.messageId, record: header, type: .code, maxBytes: 30)
        try request.field("MEMO", memo, record: header, type: .text, maxBytes: 42)
        request.close(header)
        for transfer in transfers {
            try Self.writePayrollLine(transfer, into: &request)
        }
        return EncodedMessage(kind: "CMB.AgentRequest", contentType: Self.contentType,
                              fileName: Self.fileName("AgentRequest", message.messageId), bytes: try request.finish())
    }

    /// A line's amount: positive, in CNY, at most ``maxAmountDigits`` digits.
    private static func checkPayrollAmount(_ amount: Money) throws(AdapterError) {
        let location = "SDKATDRQX/TRSAMT"
        guard amount.currency.code == "CNY" else { throw AdapterError("amount not in CNY", location: location) }
        guard amount.minorUnits > 0 else { throw AdapterError("amount must be positive", location: location) }
        guard String(amount.minorUnits).utf8.count <= maxAmountDigits else {
            throw AdapterError("amount has more than \(maxAmountDigits) digits", location: location)
        }
    }

    /// One `SDKATDRQX`, fields in the order of the API documentation.
    private static func writePayrollLine(_ transfer: CreditTransfer, into request: inout CMBRequestWriter) throws(AdapterError) {
        let record = "SDKATDRQX"
        guard let sameBank = transfer.details.sameBank else {
            throw AdapterError("CMB requires to know whether the employee banks with CMB (same_bank)", location: record + "/BNKFLG")
        }
        if let remittance = transfer.remittanceInfo, !remittance.isEmpty {
            throw AdapterError("a CMB payroll line carries no remittance text: its 注释 holds the line's reference",
                               location: record + "/TRSDSP")
        }
        let creditor = transfer.creditor
        request.open(record)
        try request.field("ACCNBR", creditor.account, record: record, type: .account, maxBytes: 35)
        try request.field("CLTNAM", creditor.name, record: record, type: .text, maxBytes: 62)
        try request.field("TRSAMT", transfer.amount.decimalString, record: record, type: .code, maxBytes: 17)
        try request.field("BNKFLG", sameBank ? "Y" : "N", record: record, type: .code, maxBytes: 1)
        if !sameBank {
            guard let bank = creditor.bankAndBranchText else {
                throw AdapterError("CMB requires the employee's bank for another bank (BNKFLG=N)", location: record + "/EACBNK")
            }
            try request.field("EACBNK", bank, record: record, type: .text, maxBytes: 62)
            guard let city = creditor.address?.town, !city.isEmpty else {
                throw AdapterError("CMB requires the city of the employee's account for another bank (BNKFLG=N)",
                                   location: record + "/EACCTY")
            }
            try request.field("EACCTY", city, record: record, type: .text, maxBytes: 62)
        }
        try request.field("TRSDSP", lineNote(transfer.instructionId), record: record, type: .code, maxBytes: maxLineNoteBytes)
        request.close(record)
    }

    /// Asks for a payroll batch's result and its lines by the batch's `YURREF` (`NTAGCQRI`,
    /// 代发代扣直连综合查询, API 5.37.0 §4.11: `NTAGCQRIY` with `BUSCOD`, `YURREF`).
    ///
    /// Chosen over `NTAGCINY` (batch summary by `YURREF`) and `GetAgentDetail`/`NTAGDINF` (lines by
    /// the bank's `REQNBR`): it needs only our reference, which is all bankgate has after a lost
    /// answer, and answers the summary and the lines in one exchange. The continuation fields
    /// (`BTHNBR`, `TRXSEQ`, `HISTAG`) are not sent: the first page is asked for.
    public func encodePayrollStatusQuery(reference: String) throws(AdapterError) -> EncodedMessage {
        let record = "NTAGCQRIY"
        var request = try CMBRequestWriter(function: "NTAGCQRI", loginName: loginName)
        request.open(record)
        try request.field("BUSCOD", Self.payrollBusinessCode, record: record, type: .code, maxBytes: 6)
        try request.field("YURREF", reference, record: record, type: .code, maxBytes: 30)
        request.close(record)
        return EncodedMessage(kind: "CMB.NTAGCQRI", contentType: Self.contentType,
                              fileName: Self.fileName("NTAGCQRI", reference), bytes: try request.finish())
    }
}
