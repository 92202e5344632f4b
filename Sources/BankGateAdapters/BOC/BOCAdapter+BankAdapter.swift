public import BankGateConfig
public import BankGateCore
public import BankGateStatements

/// BOC as a bank adapter of the engine: a signed-in session (`b2e0001` token in every message),
/// `b2e0009` transfers (up to 99 per message), status by `b2e0007` (the `insid`s), balances by
/// `b2e0005` and transactions by `b2e0035` (paged by record number).
extension BOCAdapter: AccountQueryAdapter, SessionAdapter {
    /// `boc`.
    public var name: String { "boc" }
    public var capabilities: Set<AdapterCapability> { [.payment, .batchPayment, .payroll, .statusQuery, .balance, .statement] }
    public var maxTransfersPerMessage: Int { Self.maxTransfersPerMessage }
    public var maxAmountDigits: Int { Self.maxAmountDigits }
    public var maxControlSumDigits: Int { 17 }
    /// **Assumed** 30 days: no source says how long BOC refuses a reused `insid`.
    public var duplicateCheckWindowMilliseconds: Int64 { 30 * 86_400_000 }
    /// No duplicate code is published: a refusal of a reused `insid` is an unknown code, read as
    /// unknown and asked.
    public var duplicateRefusalReasonCodes: Set<String> { [] }
    /// `BOC.b2e0009`.
    public var paymentMessageKind: String { "BOC.b2e0009" }
    /// `BOC.answer`.
    public var answerKind: String { "BOC.answer" }
    /// Everything goes to `…/B2EP/XmlServlet`, which reads `trncod`.
    public var httpPaths: HTTPPaths { .single }
    /// No limit is published for `b2e0035`; the pull asks a month at most.
    public var maxTransactionQueryDays: Int { 31 }

    public func encodePayment(_ message: PaymentMessage) throws(AdapterError) -> EncodedMessage {
        try encodePayment(message, token: Self.sessionPlaceholder)
    }

    // MARK: Session

    public func encodeSignIn(password: String, at time: Timestamp, messageId: String) throws(AdapterError) -> EncodedMessage {
        try encodeSignIn(operatorPassword: password, customerTime: time, messageId: messageId)
    }

    public func readSessionToken(_ answer: [UInt8]) throws(AdapterError) -> String {
        let signIn = try decodeSignInAnswer(answer)
        guard signIn.isSignedIn, let token = signIn.token else {
            throw AdapterError("not signed in: \(signIn.status.code) \(signIn.status.message ?? "")", location: "trn-b2e0001-rs/status")
        }
        return token
    }

    /// The message with `head/token` = `token` in place of ``sessionPlaceholder``.
    public func withSession(_ message: EncodedMessage, token: String) throws(AdapterError) -> EncodedMessage {
        guard token.utf8.count <= Self.maxTokenLength, token.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F && $0 != 0x3C && $0 != 0x26 }) else {
            throw AdapterError("the session token is not printable ASCII of at most \(Self.maxTokenLength) bytes", location: "head/token")
        }
        let placeholder = Array("<token>\(Self.sessionPlaceholder)</token>".utf8)
        guard let range = message.bytes.firstRange(of: placeholder) else { return message }
        var signed = message
        signed.bytes.replaceSubrange(range, with: Array("<token>\(token)</token>".utf8))
        return signed
    }

    public func requiresNewSession(_ answer: [UInt8]) -> Bool { requiresSignIn(answer) }

    /// The message as sent with its session token blanked.
    public func archivableBytes(_ message: EncodedMessage) -> [UInt8] {
        guard let open = message.bytes.firstRange(of: Array("<token>".utf8)),
              let close = message.bytes[open.upperBound...].firstRange(of: Array("</token>".utf8)) else { return message.bytes }
        var bytes = message.bytes
        bytes.replaceSubrange(open.upperBound..<close.lowerBound, with: Array("******".utf8))
        return bytes
    }

    // MARK: Intake, status

    /// The transfer written as it would be sent, named by API field.
    public func intakeProblem(_ transfer: CreditTransfer, debtor: DebtorAccount) -> TransferFieldProblem? {
        IntakeProbe.problem(transfer, debtor: debtor, bank: "BOC", reference: "BGI0", apiFields: Self.apiFields) { message throws(AdapterError) in
            try encodePayment(message)
        }
    }

    /// The API field behind each `b2e0009-rq` field.
    static let apiFields: [String: String] = [
        "toactn/toname": "creditor.name", "toactn/actacn": "creditor.account", "furinfo": "purpose",
        "toactn/tobknm": "creditor.bank_name", "toactn/toaddr": "creditor.address", "toactn/toibkn": "creditor.bank_code",
        "trnamt": "amount", "priolv": "priority", "fractn/actacn": "debtor_account", "fractn/fribkn": "debtor_account",
    ]

    /// `b2e0007` by the transfers' `insid`s, or by the batch's for a payroll.
    public func encodeStatusQuery(_ query: StatusQuery) throws(AdapterError) -> EncodedMessage {
        let references = isPayrollQuery(query) ? [query.originalMessageId] : query.transfers.map(\.instructionId)
        return try encodeStatusQuery(references: references, token: Self.sessionPlaceholder, queryId: query.queryId)
    }

    /// BOC's answers name transfers by `insid`: read with ``decodePaymentAnswer(_:sentMessageId:)``.
    public func decodeStatusReport(_ bytes: [UInt8]) throws(AdapterError) -> StatusReport {
        throw AdapterError("BOC answers name transfers (insid), not messages: there are no status report files")
    }

    public func decodePaymentAnswer(_ bytes: [UInt8], sentMessageId: String) throws(AdapterError) -> StatusReport {
        switch decodePaymentAnswer(bytes) {
        case .outcomes(let outcomes):
            if let payroll = Self.payrollReport(outcomes, messageId: sentMessageId, reportId: "b2e0078 answer") { return payroll }
            return StatusReport(reportId: "b2e0009 answer", originalMessageId: sentMessageId, groupStatus: nil,
                                groupOutcome: nil, transactions: outcomes)
        case .signInRequired(let reason), .retryLater(let reason), .refused(let reason), .unknown(let reason):
            throw AdapterError(reason)
        }
    }

    /// `b2e0007`'s outcomes for the `insid`s asked about. No "never received" answer of BOC is
    /// published, so none is read as one: a payment BOC does not know stays unknown and is held
    /// for an operator once the duplicate window has passed.
    public func interpretStatusQueryAnswer(httpStatus: Int, body: [UInt8], query: StatusQuery) -> StatusQueryAnswer {
        guard httpStatus == 200 else { return .inconclusive("HTTP \(httpStatus) from BOC") }
        switch decodePaymentAnswer(body) {
        case .outcomes(let outcomes):
            if isPayrollQuery(query) {
                guard let payroll = Self.payrollReport(outcomes, messageId: query.originalMessageId, reportId: "b2e0007 answer") else {
                    return .inconclusive("the answer does not name the payroll batch's insid")
                }
                return .report(payroll)
            }
            let asked = Set(query.transfers.map(\.instructionId))
            let known = outcomes.filter { asked.contains($0.instructionId ?? "") }
            guard !known.isEmpty else { return .inconclusive("the answer names none of the insid asked about") }
            return .report(StatusReport(reportId: "b2e0007 answer", originalMessageId: query.originalMessageId,
                                        groupStatus: nil, groupOutcome: nil, transactions: known))
        case .signInRequired(let reason), .retryLater(let reason), .refused(let reason), .unknown(let reason):
            return .inconclusive(reason)
        }
    }

    // MARK: Accounts

    public func encodeBalanceQuery(account: DebtorAccount, queryId: String, createdAt: Timestamp) throws(AdapterError) -> EncodedMessage {
        try encodeBalanceQuery(account: account, token: Self.sessionPlaceholder, queryId: queryId)
    }

    public func decodeBalanceAnswer(_ bytes: [UInt8], account: DebtorAccount, asOf date: String) throws(AdapterError) -> [StatementBalance] {
        guard let record = try decodeBalanceAnswer(bytes).first(where: { $0.account == account.number }) else {
            throw AdapterError("the answer has no balances for the account asked about", location: "b2e0005-rs/account")
        }
        return record.statementBalances(asOf: date)
    }

    /// `continuation` is the next page's first record number (`begnum`).
    public func encodeTransactionQuery(account: DebtorAccount, fromDate: String, toDate: String, continuation: String?,
                                       queryId: String, createdAt: Timestamp) throws(AdapterError) -> EncodedMessage {
        let first = try continuation.map { text throws(AdapterError) -> Int in
            guard let number = Int(text), number >= 1 else { throw AdapterError("not a record number", location: "begnum") }
            return number
        } ?? 1
        return try encodeTransactionQuery(account: account, fromDate: fromDate, toDate: toDate, token: Self.sessionPlaceholder,
                                          queryId: queryId, firstRecord: first)
    }

    public func decodeTransactionQueryPage(_ bytes: [UInt8], account: DebtorAccount,
                                           statementId: String) throws(AdapterError) -> TransactionQueryPage {
        let page = try decodeTransactionPage(bytes, account: account, statementId: statementId, firstRecord: 1)
        return TransactionQueryPage(transactions: page.transactions, continuation: page.nextRecord.map(String.init))
    }
}

extension BOCAdapter: ConfiguredAdapter {
    /// `boc`.
    public static var adapterName: String { "boc" }
    /// `terminal_id` (`termid`), `customer_id` (`custid`), `operator_id` (`cusopr`), `password_env`
    /// (the environment variable holding the operator's sign-in password); per account
    /// `branch_number`, BOC's five-digit 联行号 (`fribkn`).
    public static var configurationKeys: AdapterVocabulary.Entry {
        AdapterVocabulary.Entry(bankKeys: [.init("terminal_id", required: true), .init("customer_id", required: true),
                                           .init("operator_id", required: true), .init("password_env", required: true)],
                                accountKeys: [.init("branch_number", required: true)])
    }

    public static func make(bank: BankConfig, accounts: [AccountConfig],
                            environment: [String: String]) throws(AdapterSetupError) -> BOCAdapter {
        guard let terminal = bank.adapterOptions["terminal_id"], let customer = bank.adapterOptions["customer_id"],
              let operatorId = bank.adapterOptions["operator_id"] else {
            throw AdapterSetupError("terminal_id, customer_id and operator_id are required")
        }
        var branches: [String: String] = [:]
        for account in accounts {
            guard let branch = account.adapterOptions["branch_number"], branch.utf8.count == 5,
                  branch.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
                throw AdapterSetupError("account \(account.id): branch_number must be BOC's five-digit 联行号 (fribkn)")
            }
            guard account.currency.code == "CNY" else { throw AdapterSetupError("account \(account.id): BOC transfers are in CNY") }
            branches[account.number] = branch
        }
        return BOCAdapter(terminalId: terminal, customerId: customer, operatorId: operatorId, branchNumbers: branches)
    }
}
