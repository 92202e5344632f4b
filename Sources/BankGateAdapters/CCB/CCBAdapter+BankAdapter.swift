public import BankGateConfig
public import BankGateCore
public import BankGateStatements

/// CCB as a bank adapter of the engine: one transfer per message (`6W8010` to CCB, `6W8060` to
/// another bank) posted as the 外联客户端's form (`requestXml=`), status by `6W0600`
/// (`REQUEST_SN1`), balances by `6W0100` and transactions by `6WY101` (paged).
extension CCBAdapter: AccountQueryAdapter {
    /// `ccb`.
    public var name: String { "ccb" }
    /// Single payments, status queries, balances and transaction details (no batch message); payroll
    /// (one `6W1303` per line) when a 代发代扣 agreement is configured.
    public var capabilities: Set<AdapterCapability> {
        payrollAgreement == nil ? [.payment, .statusQuery, .balance, .statement] : [.payment, .payroll, .statusQuery, .balance, .statement]
    }
    public var maxTransfersPerMessage: Int { Self.maxTransfersPerMessage }
    public var maxAmountDigits: Int { Self.maxAmountDigits }
    public var maxControlSumDigits: Int { Self.maxAmountDigits }
    /// **Assumed** 30 days: no source says how long CCB refuses a reused `REQUEST_SN`.
    public var duplicateCheckWindowMilliseconds: Int64 { 30 * 86_400_000 }
    /// `0130Z110B144` 记录重复: read as unknown by the codec, then asked.
    public var duplicateRefusalReasonCodes: Set<String> { ["0130Z110B144"] }
    /// `REQUEST_SN`: digits only, at most 16.
    public var clientReferenceFormat: ClientReferenceFormat { .digits }
    /// `CCB.6W8010` (to CCB; `6W8060` to another bank).
    public var paymentMessageKind: String { "CCB." + Self.sameBankTransferCode }
    /// `CCB.answer`.
    public var answerKind: String { "CCB.answer" }
    /// The 外联客户端 has one URL and reads `TX_CODE`.
    public var httpPaths: HTTPPaths { .single }
    /// No limit is known for `6WY101`; the pull asks a month at most.
    public var maxTransactionQueryDays: Int { 31 }

    /// The 外联客户端's form: `requestXml=` and the percent-encoded GB2312 document; over the raw
    /// TCP port, the document as it is.
    public func seal(_ message: EncodedMessage, signature: [UInt8]?, at time: Timestamp) throws(AdapterError) -> EncodedMessage {
        guard !overRawSocket else { return message }
        return EncodedMessage(kind: message.kind, contentType: Self.formContentType, fileName: message.fileName,
                              bytes: Self.envelope(message), urlQuery: message.urlQuery)
    }

    /// The form as sent, its `PASSWORD` blanked: the password never reaches the archive.
    public func archivableBytes(_ message: EncodedMessage) -> [UInt8] {
        let prefix = Array((Self.formField + "=").utf8)
        guard message.bytes.starts(with: prefix), let document = Self.percentDecoded(message.bytes[prefix.count...]) else {
            return Self.redactingPassword(message.bytes)
        }
        var redacted = message
        redacted.bytes = Self.redactingPassword(document)
        return Self.envelope(redacted)
    }

    /// `application/x-www-form-urlencoded` value → bytes (`+` is a space); `nil` when malformed.
    static func percentDecoded(_ text: ArraySlice<UInt8>) -> [UInt8]? {
        var out: [UInt8] = []
        out.reserveCapacity(text.count)
        var index = text.startIndex
        func hex(_ byte: UInt8) -> UInt8? {
            switch byte {
            case 0x30...0x39: byte - 0x30
            case 0x41...0x46: byte - 0x37
            case 0x61...0x66: byte - 0x57
            default: nil
            }
        }
        while index < text.endIndex {
            let byte = text[index]
            if byte == UInt8(ascii: "%") {
                guard index + 2 < text.endIndex, let high = hex(text[index + 1]), let low = hex(text[index + 2]) else { return nil }
                out.append(high << 4 | low)
                index += 3
            } else {
                out.append(byte == UInt8(ascii: "+") ? 0x20 : byte)
                index += 1
            }
        }
        return out
    }

    /// The transfer written as it would be sent: GB2312 and its byte limits, and what CCB needs,
    /// named by API field.
    public func intakeProblem(_ transfer: CreditTransfer, debtor: DebtorAccount) -> TransferFieldProblem? {
        IntakeProbe.problem(transfer, debtor: debtor, bank: "CCB", reference: "1", apiFields: Self.apiFields) { message throws(AdapterError) in
            try encodePayment(message)
        }
    }

    /// The API field behind each transfer field.
    static let apiFields: [String: String] = [
        "RECV_ACC_NAME": "creditor.name", "RECV_ACCNO": "creditor.account", "USEOF": "purpose", "REM1": "remittance_info",
        "REM2": "remittance_info", "RECV_OPENACC_DEPT": "creditor.bank_name", "AMOUNT": "amount", "PAY_ACCNO": "debtor_account",
        "RECV_UBANKNO": "creditor.bank_code",
    ]

    /// `6W0600` for the message's one transfer, `6W1503` for a 代发 line (`REQUEST_SN1` = its `REQUEST_SN`).
    public func encodeStatusQuery(_ query: StatusQuery) throws(AdapterError) -> EncodedMessage {
        guard let reference = query.transfers.first?.instructionId else {
            throw AdapterError("a CCB status query names the transfer's REQUEST_SN", location: "TX_INFO/REQUEST_SN1")
        }
        if query.originalKind == payrollMessageKind {
            return try encodePayrollStatusQuery(reference: reference, queryId: query.queryId)
        }
        return try encodeStatusQuery(reference: reference, queryId: query.queryId)
    }

    /// CCB's answers name the transfer by `REQUEST_SN`: read with ``decodePaymentAnswer(_:sentMessageId:)``.
    public func decodeStatusReport(_ bytes: [UInt8]) throws(AdapterError) -> StatusReport {
        throw AdapterError("CCB answers name transfers (REQUEST_SN), not messages: there are no status report files")
    }

    /// The transfer's outcome, as a report about `sentMessageId`.
    public func decodePaymentAnswer(_ bytes: [UInt8], sentMessageId: String) throws(AdapterError) -> StatusReport {
        switch decodePaymentAnswer(bytes) {
        case .outcomes(let outcomes):
            return StatusReport(reportId: "CCB answer", originalMessageId: sentMessageId, groupStatus: nil,
                                groupOutcome: nil, transactions: outcomes)
        case .retryLater(let reason), .refused(let reason), .notReceived(let reason), .unknown(let reason):
            throw AdapterError(reason)
        }
    }

    /// `6W0600`'s answer: `0130Z110BB22` 查询不到交易 → not received (resent only within the
    /// duplicate window, and CCB refuses a reused `REQUEST_SN`); an outcome → a report.
    public func interpretStatusQueryAnswer(httpStatus: Int, body: [UInt8], query: StatusQuery) -> StatusQueryAnswer {
        guard httpStatus == 200 else { return .inconclusive("HTTP \(httpStatus) from the 外联客户端") }
        switch decodePaymentAnswer(body, reference: query.transfers.first?.instructionId) {
        case .outcomes(let outcomes):
            return .report(StatusReport(reportId: "6W0600 answer", originalMessageId: query.originalMessageId,
                                        groupStatus: nil, groupOutcome: nil, transactions: outcomes))
        case .notReceived:
            return .notReceived
        case .retryLater(let reason), .refused(let reason), .unknown(let reason):
            return .inconclusive(reason)
        }
    }

    public func encodeBalanceQuery(account: DebtorAccount, queryId: String, createdAt: Timestamp) throws(AdapterError) -> EncodedMessage {
        try encodeBalanceQuery(account: account, queryId: queryId)
    }

    public func decodeBalanceAnswer(_ bytes: [UInt8], account: DebtorAccount, asOf date: String) throws(AdapterError) -> [StatementBalance] {
        let balance = try decodeBalanceAnswer(bytes)
        guard balance.account == account.number else {
            throw AdapterError("the answer is about another account", location: "TX_INFO/ACC_NO")
        }
        return balance.statementBalances(asOf: date)
    }

    /// `continuation` is `<PAGE>|<POSTSTR>` of the next page.
    public func encodeTransactionQuery(account: DebtorAccount, fromDate: String, toDate: String, continuation: String?,
                                       queryId: String, createdAt: Timestamp) throws(AdapterError) -> EncodedMessage {
        var page: CCBPageRequest?
        if let continuation {
            let parts = continuation.split(separator: "|", maxSplits: 1, omittingEmptySubsequences: false)
            guard let number = parts.first.flatMap({ Int($0) }) else {
                throw AdapterError("not a page continuation", location: "TX_INFO/PAGE")
            }
            page = CCBPageRequest(number: number, position: parts.count > 1 && !parts[1].isEmpty ? String(parts[1]) : nil)
        }
        return try encodeTransactionQuery(account: account, fromDate: fromDate, toDate: toDate, queryId: queryId, page: page)
    }

    public func decodeTransactionQueryPage(_ bytes: [UInt8], account: DebtorAccount,
                                      statementId: String) throws(AdapterError) -> TransactionQueryPage {
        let page: CCBTransactionPage = try decodeTransactionPage(bytes, account: account, statementId: statementId)
        return TransactionQueryPage(transactions: page.transactions,
                                    continuation: page.next.map { "\($0.number)|\($0.position ?? "")" })
    }
}

extension CCBAdapter: ConfiguredAdapter {
    /// `ccb`.
    public static var adapterName: String { "ccb" }
    /// `customer_id` (`CUST_ID`), `user_id` (`USER_ID`) and `password_env`: the environment variable
    /// holding `PASSWORD` (never in the configuration file, never archived); for payroll, the 代发代扣
    /// agreement: `payroll_bill_code` (`BILL_CODE`), `payroll_purpose_code` (`USEOF_CODE`, default
    /// `00000001` 工资) and `payroll_approval` (`"yes"`: `FLOW_FLAG=1`, each line approved in online banking).
    public static var configurationKeys: AdapterVocabulary.Entry {
        AdapterVocabulary.Entry(bankKeys: [.init("customer_id", required: true), .init("user_id", required: true),
                                           .init("password_env", required: true), .init("payroll_bill_code", required: false),
                                           .init("payroll_purpose_code", required: false), .init("payroll_approval", required: false)])
    }

    /// `USEOF_CODE` of a payroll when the configuration gives none: 工资 (**assumed** code, as in
    /// the published requests).
    public static let defaultPayrollPurposeCode = "00000001"

    public static func make(bank: BankConfig, accounts: [AccountConfig],
                            environment: [String: String]) throws(AdapterSetupError) -> CCBAdapter {
        guard let customer = bank.adapterOptions["customer_id"], let user = bank.adapterOptions["user_id"] else {
            throw AdapterSetupError("customer_id and user_id are required")
        }
        let password = try AdapterRegistry.secret("password_env", of: bank, in: environment)
        for account in accounts where account.currency.code != "CNY" {
            throw AdapterSetupError("account \(account.id): CCB transfers are in CNY only (CUR_TYPE 01)")
        }
        var adapter = CCBAdapter(customerId: customer, operatorId: user, password: password)
        if let billCode = bank.adapterOptions["payroll_bill_code"] {
            let approval = bank.adapterOptions["payroll_approval"] ?? "no"
            guard ["yes", "no"].contains(approval) else { throw AdapterSetupError("payroll_approval is \"yes\" or \"no\"") }
            adapter.payrollAgreement = CCBPayrollAgreement(
                billCode: billCode, purposeCode: bank.adapterOptions["payroll_purpose_code"] ?? defaultPayrollPurposeCode,
                requiresApproval: approval == "yes")
        } else if bank.adapterOptions["payroll_purpose_code"] != nil || bank.adapterOptions["payroll_approval"] != nil {
            throw AdapterSetupError("payroll_purpose_code and payroll_approval need payroll_bill_code")
        }
        if case .tcp = bank.transport { adapter.overRawSocket = true }
        return adapter
    }
}
