public import BankGateConfig
public import BankGateCore
public import BankGateStatements

/// ICBC as a bank adapter of the engine: `PAYENT` packages signed by the NetSafe Client's sign port
/// and posted as its form, status by `QPAYENT` (the package id), payroll by `PAYPER` asked about with
/// `QPAYPER` (ICBCAdapter+Payroll.swift), balances by `QACCBAL` and transactions by `QHISD` (paged by `NextTag`).
extension ICBCAdapter: AccountQueryAdapter, SigningServiceAdapter {
    /// `icbc`.
    public var name: String { "icbc" }
    /// Payments (up to 30 per package), payroll (up to 500 lines), status queries, balances, transaction
    /// details and e-receipts (`QHISD` keys, `DownEBill`, `BATEBILL`: ICBCAdapter+Receipts.swift).
    public var capabilities: Set<AdapterCapability> { [.payment, .batchPayment, .payroll, .statusQuery, .balance, .statement, .receipts] }
    public var maxTransfersPerMessage: Int { Self.maxTransfersPerMessage }
    public var maxAmountDigits: Int { Self.maxAmountDigits }
    /// `TotalAmt` is in fen like each amount: 30 amounts of 15 digits stay under 17.
    public var maxControlSumDigits: Int { 17 }
    /// **Assumed** 30 days: no source says how long ICBC refuses a reused `fSeqno` (`B0012`).
    public var duplicateCheckWindowMilliseconds: Int64 { 30 * 86_400_000 }
    /// `B0012` (duplicate package id): read as unknown by the codec, then asked.
    public var duplicateRefusalReasonCodes: Set<String> { ["B0012"] }
    /// `ICBC.PAYENT`.
    public var paymentMessageKind: String { "ICBC.PAYENT" }
    /// `ICBC.answer`.
    public var answerKind: String { "ICBC.answer" }
    /// Everything goes to the NetSafe Client's servlet (the configured URL), which reads `TransCode`.
    public var httpPaths: HTTPPaths { .single }
    /// `QHISD` takes any range; the pull asks a month at most.
    public var maxTransactionQueryDays: Int { 31 }

    /// Documents with `<SignTime>` (`PAYENT`, `DownEBill`) are signed by the NetSafe Client.
    public func needsSignature(_ message: EncodedMessage) -> Bool { Self.needsSignature(message.bytes) }

    /// The NetSafe Client's form: `reqData` is the document, or its signed package; the URL query
    /// carries `userID`, `PackageID` and `SendTime`.
    public func seal(_ message: EncodedMessage, signature: [UInt8]?, at time: Timestamp) throws(AdapterError) -> EncodedMessage {
        let post = try envelope(message, sendTime: time, signature: signature)
        return EncodedMessage(kind: message.kind, contentType: post.contentType, fileName: message.fileName, bytes: post.body,
                              urlQuery: post.query)
    }

    public func signingServiceRequest(_ message: EncodedMessage) -> (contentType: String, body: [UInt8]) {
        let request = Self.signRequest(message)
        return (request.contentType, request.body)
    }

    public func signature(fromSigningServiceAnswer body: [UInt8]) throws(AdapterError) -> [UInt8] {
        try Self.readSignature(body)
    }

    /// The transfer written as it would be sent (a `PAYENT` of one): GBK and its byte limits, and
    /// what ICBC needs for another bank, named by API field.
    public func intakeProblem(_ transfer: CreditTransfer, debtor: DebtorAccount) -> TransferFieldProblem? {
        IntakeProbe.problem(transfer, debtor: debtor, bank: "ICBC", reference: "BGI0", apiFields: Self.apiFields) { message throws(AdapterError) in
            try encodePayment(message)
        }
    }

    /// The API field behind each `PAYENT` record field.
    static let apiFields: [String: String] = [
        "RecAccNameCN": "creditor.name", "RecAccNo": "creditor.account", "UseCN": "purpose", "PostScript": "remittance_info",
        "RecBankName": "creditor.bank_name", "RecCityName": "creditor.address.town", "RecBankNo": "creditor.bank_code",
        "SysIOFlg": "same_bank", "PayAmt": "amount", "PayType": "priority", "PayAccNo": "debtor_account",
    ]

    /// `QPAYENT` for the package sent, `QPAYPER` for a payroll package.
    public func encodeStatusQuery(_ query: StatusQuery) throws(AdapterError) -> EncodedMessage {
        if isPayrollQuery(query) {
            return try encodePayrollStatusQuery(packageId: query.originalMessageId, queryId: query.queryId, createdAt: query.createdAt)
        }
        return try encodeStatusQuery(packageId: query.originalMessageId, queryId: query.queryId, createdAt: query.createdAt)
    }

    /// ICBC's answers name transfers by `Ref`, not our message: read with ``decodePaymentAnswer(_:sentMessageId:)``.
    public func decodeStatusReport(_ bytes: [UInt8]) throws(AdapterError) -> StatusReport {
        throw AdapterError("ICBC answers name transfers (Ref), not messages: there are no status report files")
    }

    public func disposition(httpStatus: Int, body: [UInt8]) -> SendDisposition {
        disposition(httpStatus: httpStatus, body: body, instructionIds: [])
    }

    /// The `PAYENT` answer's outcomes, keyed by `Ref` (our instruction id), as a report about `sentMessageId`.
    public func decodePaymentAnswer(_ bytes: [UInt8], sentMessageId: String) throws(AdapterError) -> StatusReport {
        switch decodePaymentAnswer(bytes, instructionIds: []) {
        case .outcomes(let outcomes):
            return StatusReport(reportId: "PAYENT answer", originalMessageId: sentMessageId, groupStatus: nil,
                                groupOutcome: nil, transactions: outcomes)
        case .retryLater(let reason), .refused(let reason), .unknown(let reason):
            throw AdapterError(reason)
        }
    }

    /// What a `QPAYENT` (or, for a payroll, `QPAYPER`) answer says of the package asked about:
    /// - HTTP other than 200, or an answer that cannot be read → inconclusive;
    /// - `B0116` (no record) → **not received**: ICBC has no package with this `fSeqno`. A resend
    ///   within the duplicate window is safe even if that were wrong: ICBC refuses a second package
    ///   with the same `fSeqno` (`B0012`), which is then asked about again;
    /// - records → their outcomes (transfers it does not list keep their status).
    public func interpretStatusQueryAnswer(httpStatus: Int, body: [UInt8], query: StatusQuery) -> StatusQueryAnswer {
        guard httpStatus == 200 else { return .inconclusive("HTTP \(httpStatus) from the NetSafe Client") }
        if let answer = try? ICBCAnswer.read(body), answer.returnCode == Self.noRecordCode {
            return .notReceived
        }
        switch decodePaymentAnswer(body, instructionIds: query.transfers.map(\.instructionId)) {
        case .outcomes(let outcomes):
            let asked = Set(query.transfers.map(\.instructionId))
            return .report(StatusReport(reportId: isPayrollQuery(query) ? "QPAYPER answer" : "QPAYENT answer",
                                        originalMessageId: query.originalMessageId,
                                        groupStatus: nil, groupOutcome: nil,
                                        transactions: outcomes.filter { asked.isEmpty || asked.contains($0.instructionId ?? "") }))
        case .retryLater(let reason), .refused(let reason), .unknown(let reason):
            return .inconclusive(reason)
        }
    }

    /// `B0116`: 无此记录.
    static let noRecordCode = "B0116"

    public func encodeTransactionQuery(account: DebtorAccount, fromDate: String, toDate: String, continuation: String?,
                                       queryId: String, createdAt: Timestamp) throws(AdapterError) -> EncodedMessage {
        try encodeTransactionQuery(account: account, fromDate: fromDate, toDate: toDate, queryId: queryId, createdAt: createdAt,
                                   nextTag: continuation)
    }

    public func decodeTransactionQueryPage(_ bytes: [UInt8], account: DebtorAccount,
                                      statementId: String) throws(AdapterError) -> TransactionQueryPage {
        let page = try decodeTransactionPage(bytes, account: account, statementId: statementId, firstSequence: 1)
        return TransactionQueryPage(transactions: page.transactions, continuation: page.nextTag)
    }

    /// The `QACCBAL` record of `account`.
    public func decodeBalanceAnswer(_ bytes: [UInt8], account: DebtorAccount, asOf date: String) throws(AdapterError) -> [StatementBalance] {
        guard let record = try decodeBalanceAnswer(bytes).first(where: { $0.account == account.number }) else {
            throw AdapterError("the answer has no balances for the account asked about", location: "out/rd/AccNo")
        }
        return record.statementBalances(asOf: date)
    }
}

extension ICBCAdapter: ConfiguredAdapter {
    /// `icbc`.
    public static var adapterName: String { "icbc" }
    /// `group_cis` (`CIS`), `certificate_id` (`ID`) and `sign_url` (the NetSafe Client's sign port).
    public static var configurationKeys: AdapterVocabulary.Entry {
        AdapterVocabulary.Entry(bankKeys: [.init("group_cis", required: true), .init("certificate_id", required: true),
                                           .init("sign_url", required: true)])
    }

    /// The codec with the group's CIS number and the NetSafe Client's certificate id; CNY accounts only.
    public static func make(bank: BankConfig, accounts: [AccountConfig],
                            environment: [String: String]) throws(AdapterSetupError) -> ICBCAdapter {
        guard let cis = bank.adapterOptions["group_cis"], let certificate = bank.adapterOptions["certificate_id"] else {
            throw AdapterSetupError("group_cis and certificate_id are required")
        }
        for account in accounts where account.currency.code != "CNY" {
            throw AdapterSetupError("account \(account.id): ICBC payments are in CNY only (CurrType 001)")
        }
        return ICBCAdapter(groupCIS: cis, certificateId: certificate)
    }
}
