public import BankGateCore
import BankGateXML
public import BankGateConfig
public import BankGateStatements

/// CMB as a bank adapter of the engine: payments by `DCPAYMNT`, status per transfer by `NTQRYSTY`
/// (its `YURREF`), payroll by `AgentRequest` asked about with `NTAGCQRI` (CMBAdapter+Payroll.swift),
/// balances by `GetAccInfo` and transactions by `GetTransInfo`.
extension CMBAdapter: AccountQueryAdapter {
    /// `cmb`.
    public var name: String { "cmb" }
    /// Payments (up to 30 per message), payroll (up to 6000 lines), status queries, balances, transaction
    /// details and e-receipts (`SDKCSFDFBRT`, CMBAdapter+Receipts.swift).
    public var capabilities: Set<AdapterCapability> { [.payment, .batchPayment, .payroll, .statusQuery, .balance, .statement, .receipts] }
    public var maxTransfersPerMessage: Int { Self.maxTransfersPerMessage }
    public var maxAmountDigits: Int { Self.maxAmountDigits }
    /// CMB carries no control sum; the engine's bound only has to hold 30 amounts of 15 digits.
    public var maxControlSumDigits: Int { 17 }
    /// **Assumed** 30 days: no source says how long CMB refuses a reused `YURREF`; `NTQRYSTY` searches
    /// 90 days back. Configurable per bank (`duplicate_check_window_hours`).
    public var duplicateCheckWindowMilliseconds: Int64 { 30 * 86_400_000 }
    /// `NCB4241` 业务参考号重复 (per transfer; the codec already reads it as `unknown`).
    public var duplicateRefusalReasonCodes: Set<String> { ["NCB4241"] }
    /// `NTQRYSTY` takes one `YURREF`.
    public var statusQueryScope: StatusQueryScope { .transfer }
    /// The front-end program has one URL and reads `FUNNAM`.
    public var httpPaths: HTTPPaths { .single }
    /// `CMB.answer`.
    public var answerKind: String { "CMB.answer" }
    public var maxTransactionQueryDays: Int { Self.maxTransactionQueryDays }
    /// `CMB.DCPAYMNT`.
    public var paymentMessageKind: String { "CMB.DCPAYMNT" }

    /// The transfer written as it would be sent (a `DCPAYMNT` of one, with a stand-in reference):
    /// a character GBK cannot carry, a text over its GBK byte limit, or a field CMB needs for another
    /// bank (`CRTBNK`, `CRTADR`) is named by its API field.
    public func intakeProblem(_ transfer: CreditTransfer, debtor: DebtorAccount) -> TransferFieldProblem? {
        IntakeProbe.problem(transfer, debtor: debtor, bank: "CMB", reference: "BGI0", apiFields: Self.apiFields) { message throws(AdapterError) in
            try encodePayment(message)
        }
    }

    /// The API field behind each `DCOPDPAYX` field.
    static let apiFields: [String: String] = [
        "DCOPDPAYX/CRTNAM": "creditor.name", "DCOPDPAYX/CRTACC": "creditor.account", "DCOPDPAYX/NUSAGE": "purpose",
        "DCOPDPAYX/BUSNAR": "remittance_info", "DCOPDPAYX/CRTBNK": "creditor.bank_name", "DCOPDPAYX/CRTADR": "creditor.address",
        "DCOPDPAYX/BNKFLG": "same_bank", "DCOPDPAYX/TRSAMT": "amount", "DCOPDPAYX/BRDNBR": "creditor.bank_code",
        "DCOPDPAYX/CCYNBR": "amount.currency", "DCOPDPAYX/DBTACC": "debtor_account", "DCOPDPAYX/DBTBBK": "debtor_account",
    ]

    /// `NTQRYSTY` for the one transfer `query` names, searching around the day it was first sent;
    /// `NTAGCQRI` by the batch's `YURREF` for a payroll.
    public func encodeStatusQuery(_ query: StatusQuery) throws(AdapterError) -> EncodedMessage {
        if isPayrollQuery(query) { return try encodePayrollStatusQuery(reference: query.originalMessageId) }
        guard query.transfers.count == 1, let transfer = query.transfers.first else {
            throw AdapterError("a CMB status query names exactly one transfer (YURREF), not \(query.transfers.count)",
                               location: "NTQRYSTYX1/YURREF")
        }
        return try encodeStatusQuery(reference: transfer.instructionId, sentOn: query.firstSentAt.dateString)
    }

    /// CMB's answers do not name our message; they are read with ``decodePaymentAnswer(_:sentMessageId:)``.
    public func decodeStatusReport(_ bytes: [UInt8]) throws(AdapterError) -> StatusReport {
        throw AdapterError("CMB answers name transfers (YURREF), not messages: there are no status report files")
    }

    /// The `DCPAYMNT` answer's outcomes, keyed by `YURREF` (``TransactionOutcome/instructionId``),
    /// as a report about `sentMessageId`; the `AgentRequest` answer as the batch's group outcome.
    public func decodePaymentAnswer(_ bytes: [UInt8], sentMessageId: String) throws(AdapterError) -> StatusReport {
        if Self.isPayrollAnswer(bytes) { return try payrollReport(bytes, sentMessageId: sentMessageId) }
        switch decodePaymentAnswer(bytes) {
        case .outcomes(let outcomes):
            return StatusReport(reportId: "DCPAYMNT answer", originalMessageId: sentMessageId, groupStatus: nil,
                                groupOutcome: nil, transactions: outcomes)
        case .retryLater(let reason), .refused(let reason), .unknown(let reason):
            throw AdapterError(reason)
        }
    }

    /// What an `NTQRYSTY` answer says of the one transfer asked about:
    /// - HTTP other than 200, or an answer that cannot be read → inconclusive;
    /// - `RETCOD=0` without any `NTQPAYQYZ` record → **not received**: CMB searched the dates around
    ///   the send for this `YURREF` and has no payment with it (see adapters/cmb/README.md);
    /// - a record for the `YURREF` → its outcome; records only about other references → inconclusive.
    ///
    /// A payroll's `NTAGCQRI` answer is read by ``interpretPayrollStatusAnswer(httpStatus:body:query:)``.
    public func interpretStatusQueryAnswer(httpStatus: Int, body: [UInt8], query: StatusQuery) -> StatusQueryAnswer {
        if isPayrollQuery(query) { return interpretPayrollStatusAnswer(httpStatus: httpStatus, body: body, query: query) }
        guard httpStatus == 200 else { return .inconclusive("HTTP \(httpStatus) from the front-end") }
        guard let reference = query.transfers.first?.instructionId else {
            return .inconclusive("a CMB status query names one transfer")
        }
        if let answer = try? CMBAnswer.read(body), codes.category(.returnCode, answer.returnCode) == .ok,
           answer.records.allSatisfy({ $0.name != "NTQPAYQYZ" && $0.name != "NTQPAYRQZ" }) {
            return .notReceived
        }
        switch decodePaymentAnswer(body) {
        case .outcomes(let outcomes):
            guard let outcome = outcomes.first(where: { $0.instructionId == reference }) else {
                return .inconclusive("the answer names other references than \(reference)")
            }
            return .report(StatusReport(reportId: "NTQRYSTY answer", originalMessageId: query.originalMessageId,
                                        groupStatus: nil, groupOutcome: nil, transactions: [outcome]))
        case .retryLater(let reason), .refused(let reason), .unknown(let reason):
            return .inconclusive(reason)
        }
    }

    public func encodeTransactionQuery(account: DebtorAccount, fromDate: String, toDate: String, continuation: String?,
                                       queryId: String, createdAt: Timestamp) throws(AdapterError) -> EncodedMessage {
        try encodeTransactionQuery(account: account, fromDate: fromDate, toDate: toDate, queryId: queryId)
    }

    /// No paging is known for `GetTransInfo` (see the README): one page.
    public func decodeTransactionQueryPage(_ bytes: [UInt8], account: DebtorAccount,
                                        statementId: String) throws(AdapterError) -> TransactionQueryPage {
        TransactionQueryPage(transactions: try decodeTransactionAnswer(bytes, account: account, statementId: statementId))
    }

    public func encodeBalanceQuery(account: DebtorAccount, queryId: String, createdAt: Timestamp) throws(AdapterError) -> EncodedMessage {
        try encodeBalanceQuery(account: account, queryId: queryId)
    }

    /// The `NTQACINFZ` record of `account`, as `PRCD`, `ITBD` and `ITAV`.
    public func decodeBalanceAnswer(_ bytes: [UInt8], account: DebtorAccount, asOf date: String) throws(AdapterError) -> [StatementBalance] {
        let records = try decodeBalanceAnswer(bytes)
        guard let record = records.first(where: { $0.account == account.number }) else {
            throw AdapterError("the answer has no balances for the account asked about", location: "NTQACINFZ/ACCNBR")
        }
        return record.statementBalances(asOf: date)
    }
}

extension CMBAdapter: ConfiguredAdapter {
    /// `cmb`.
    public static var adapterName: String { "cmb" }
    /// `login_name` (`LGNNAM`) on the bank; `branch_code` (`BBKNBR`, two digits) on each account.
    public static var configurationKeys: AdapterVocabulary.Entry {
        AdapterVocabulary.Entry(bankKeys: [.init("login_name", required: true)],
                                accountKeys: [.init("branch_code", required: true)])
    }

    /// The codec with the bank's login name and its accounts' branch codes; CNY accounts only.
    public static func make(bank: BankConfig, accounts: [AccountConfig],
                            environment: [String: String]) throws(AdapterSetupError) -> CMBAdapter {
        guard let login = bank.adapterOptions["login_name"] else { throw AdapterSetupError("login_name is required") }
        var branches: [String: String] = [:]
        for account in accounts {
            guard let branch = account.adapterOptions["branch_code"],
                  branch.utf8.count == 2, branch.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
                throw AdapterSetupError("account \(account.id): branch_code must be CMB's two-digit branch number (分行号)")
            }
            guard account.currency.code == "CNY" else {
                throw AdapterSetupError("account \(account.id): CMB direct payments are in CNY only")
            }
            branches[account.number] = branch
        }
        return CMBAdapter(loginName: login, branchCodes: branches)
    }
}
