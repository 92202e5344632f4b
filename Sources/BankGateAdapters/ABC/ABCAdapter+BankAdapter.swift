public import BankGateConfig
public import BankGateCore

/// ABC as a bank adapter of the engine: one transfer per message (`CFRT01` own accounts, `CFRT02`
/// other organisations) over TCP to the 银企通平台 with its 7-byte frame, status by `CQRT04`;
/// balances by `CQRA06`, transactions by `CQRA10` and its detail file, payroll by `CFRT03` and its
/// data file (``DetailFileAdapter``, ``PayrollFileAdapter``: the files move through the bank's
/// `file_transfer` or `file_directory`).
extension ABCAdapter: BankAdapter {
    /// `abc`.
    public var name: String { "abc" }
    public var capabilities: Set<AdapterCapability> { [.payment, .payroll, .statusQuery, .balance, .statement] }
    public var maxTransfersPerMessage: Int { Self.maxTransfersPerMessage }
    public var maxAmountDigits: Int { Self.maxAmountDigits }
    public var maxControlSumDigits: Int { Self.maxAmountDigits }
    /// **Assumed** 30 days: no source says how long ABC refuses a reused `ReqSeqNo`.
    public var duplicateCheckWindowMilliseconds: Int64 { 30 * 86_400_000 }
    /// No duplicate code is published (a refusal is an unknown code, read as unknown and asked).
    public var duplicateRefusalReasonCodes: Set<String> { [] }
    /// `ABC.CFRT02`.
    public var paymentMessageKind: String { "ABC.CFRT02" }
    /// `ABC.answer`.
    public var answerKind: String { "ABC.answer" }

    public func encodePayment(_ message: PaymentMessage) throws(AdapterError) -> EncodedMessage {
        try encodePayment(message, payee: .organisation)
    }

    /// The frame is whole when its header's length has arrived.
    public func isCompleteAnswer(_ bytes: [UInt8]) -> Bool {
        (try? Self.unframe(bytes)) != nil
    }

    /// The transfer written as it would be sent, named by API field.
    public func intakeProblem(_ transfer: CreditTransfer, debtor: DebtorAccount) -> TransferFieldProblem? {
        IntakeProbe.problem(transfer, debtor: debtor, bank: "ABC", reference: "BGI0", apiFields: Self.apiFields) { message throws(AdapterError) in
            try encodePayment(message)
        }
    }

    /// The API field behind each field.
    static let apiFields: [String: String] = [
        "CrAccName": "creditor.name", "CrAccNo": "creditor.account", "WhyUse": "purpose", "Postscript": "remittance_info",
        "CrBankName": "creditor.bank_name", "CrBankNo": "creditor.bank_code", "Amt": "amount", "DbAccNo": "debtor_account",
        "OthBankFlag": "same_bank",
    ]

    /// `CQRT04` for the message's one transfer, or for a payroll batch by its `ReqSeqNo` (the
    /// message id), under its debtor account.
    public func encodeStatusQuery(_ query: StatusQuery) throws(AdapterError) -> EncodedMessage {
        let reference = isPayrollQuery(query) ? query.originalMessageId : query.transfers.first?.instructionId
        guard let reference, let debtor = query.debtor else {
            throw AdapterError("a CQRT04 names the transfer's ReqSeqNo and its debtor account", location: "Cmp/CmeSeqNo")
        }
        return try encodeStatusQuery(reference: reference, account: debtor, queryId: query.queryId, requestedAt: query.createdAt)
    }

    public func decodeStatusReport(_ bytes: [UInt8]) throws(AdapterError) -> StatusReport {
        throw AdapterError("ABC answers name transfers (ReqSeqNo), not messages: there are no status report files")
    }

    public func disposition(httpStatus: Int, body: [UInt8]) -> SendDisposition {
        disposition(answer: body, reference: Self.echoedReference(body) ?? "")
    }

    /// The answer about the message's one transfer. An answer that echoes its `ReqSeqNo` is keyed by
    /// it; one that does not is about the only transfer the message carried (a group outcome). An
    /// answer echoing the message id answers a payroll batch: the batch's outcome, every line's.
    public func decodePaymentAnswer(_ bytes: [UInt8], sentMessageId: String) throws(AdapterError) -> StatusReport {
        let echoed = Self.echoedReference(bytes)
        switch decodePaymentAnswer(bytes, reference: echoed ?? "") {
        case .outcomes(let outcomes):
            if echoed == sentMessageId,
               let payroll = Self.payrollReport(outcomes, messageId: sentMessageId, reportId: "CFRT03 answer") {
                return payroll
            }
            return StatusReport(reportId: "ABC answer", originalMessageId: sentMessageId, groupStatus: nil,
                                groupOutcome: echoed == nil ? outcomes.first : nil, transactions: echoed == nil ? [] : outcomes)
        case .retryLater(let reason), .unknown(let reason):
            throw AdapterError(reason)
        }
    }

    /// `CQRT04`'s result for the transfer (or payroll batch) asked about. No "never received" answer
    /// is published.
    public func interpretStatusQueryAnswer(httpStatus: Int, body: [UInt8], query: StatusQuery) -> StatusQueryAnswer {
        let payroll = isPayrollQuery(query)
        guard let reference = payroll ? query.originalMessageId : query.transfers.first?.instructionId else {
            return .inconclusive("no transfer asked about")
        }
        switch decodePaymentAnswer(body, reference: reference) {
        case .outcomes(let outcomes) where payroll:
            guard let report = Self.payrollReport(outcomes, messageId: reference, reportId: "CQRT04 answer") else {
                return .inconclusive("the answer does not name the payroll batch's ReqSeqNo")
            }
            return .report(report)
        case .outcomes(let outcomes):
            return .report(StatusReport(reportId: "CQRT04 answer", originalMessageId: query.originalMessageId,
                                        groupStatus: nil, groupOutcome: nil, transactions: outcomes))
        case .retryLater(let reason), .unknown(let reason):
            return .inconclusive(reason)
        }
    }

    /// The `ReqSeqNo` an answer echoes, if any.
    static func echoedReference(_ bytes: [UInt8]) -> String? {
        (try? ABCAnswer.read(bytes))?.requestId
    }
}

extension ABCAdapter: ConfiguredAdapter {
    /// `abc`.
    public static var adapterName: String { "abc" }
    /// `corporate_no` (`CorpNo`), `operator_no` (`OpNo`), optional `frame_flag` (`0` or `1`, the
    /// header's first character); per account `province_code` (`DbProv`, two digits). The client's
    /// files (detail files, payroll data files) move through `file_transfer` (`ftp://host:port/path/`
    /// with `file_user` and `file_password_env`) or `file_directory` (its folder mounted here).
    public static var configurationKeys: AdapterVocabulary.Entry {
        AdapterVocabulary.Entry(bankKeys: [.init("corporate_no", required: true), .init("operator_no", required: true),
                                           .init("frame_flag", required: false)] + fileTransferKeys,
                                accountKeys: [.init("province_code", required: true)])
    }

    /// The keys of the bank's file transfer, all optional: without either `file_transfer` or
    /// `file_directory`, ABC accounts cannot be pulled and payrolls cannot be sent.
    public static let fileTransferKeys: [AdapterVocabulary.Key] = [
        .init("file_transfer", required: false), .init("file_user", required: false),
        .init("file_password_env", required: false), .init("file_directory", required: false, isPath: true),
    ]

    public static func make(bank: BankConfig, accounts: [AccountConfig],
                            environment: [String: String]) throws(AdapterSetupError) -> ABCAdapter {
        guard case .tcp = bank.transport else {
            throw AdapterSetupError("ABC's 银企通平台 is reached over TCP: transport = \"tcp\" with address = \"host:port\"")
        }
        guard let corporate = bank.adapterOptions["corporate_no"], let operatorNumber = bank.adapterOptions["operator_no"] else {
            throw AdapterSetupError("corporate_no and operator_no are required")
        }
        guard let flag = ABCFrameFlag(rawValue: bank.adapterOptions["frame_flag"] ?? "1") else {
            throw AdapterSetupError("frame_flag must be 0 or 1")
        }
        let options = bank.adapterOptions
        if options["file_transfer"] != nil && options["file_directory"] != nil {
            throw AdapterSetupError("file_transfer and file_directory are two ways to reach the client's files: give one")
        }
        if options["file_transfer"] == nil && (options["file_user"] != nil || options["file_password_env"] != nil) {
            throw AdapterSetupError("file_user and file_password_env go with file_transfer = \"ftp://host:port/path/\"")
        }
        var provinces: [String: String] = [:]
        for account in accounts {
            guard let province = account.adapterOptions["province_code"], province.utf8.count == 2,
                  province.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
                throw AdapterSetupError("account \(account.id): province_code must be ABC's two-digit province code (DbProv)")
            }
            provinces[account.number] = province
        }
        var adapter = ABCAdapter(corporateNumber: corporate, operatorNumber: operatorNumber, provinceCodes: provinces, frameFlag: flag)
        adapter.reachesClientFiles = options["file_transfer"] != nil || options["file_directory"] != nil
        return adapter
    }
}
