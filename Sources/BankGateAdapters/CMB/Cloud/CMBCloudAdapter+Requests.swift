public import BankGateCore

extension CMBCloudAdapter {
    /// The request document of `function`: `{"request":{"body":…,"head":{"funcode","reqid","userid"}},
    /// "signature":{"sigdat":"__signature_sigdat__","sigtim":…}}` in canonical form, ready for the
    /// signer. The placeholder is what CMB's clients sign and what ``seal(_:signature:at:)`` replaces.
    /// - Parameters:
    ///   - requestId: our id of the request (message or query id); `reqid` is the China time of
    ///     `createdAt` to the millisecond followed by it (**assumed** form: the published clients
    ///     write a timestamp and a unique suffix).
    func request(function: String, body: JSONValue, requestId: String, createdAt: Timestamp) -> EncodedMessage {
        let millis = String((createdAt.milliseconds % 1000 + 1000) % 1000)
        let reqid = Self.chinaDateTime(createdAt) + String(repeating: "0", count: 3 - millis.count) + millis + requestId
        let document = CMBCloudJSON.object([
            ("request", CMBCloudJSON.object([
                ("body", body),
                ("head", CMBCloudJSON.object([("funcode", .string(function)), ("reqid", .string(reqid)),
                                              ("userid", .string(userID))])),
            ])),
            ("signature", CMBCloudJSON.object([("sigdat", .string(Self.signaturePlaceholder)),
                                               ("sigtim", .string(Self.chinaDateTime(createdAt)))])),
        ])
        return EncodedMessage(kind: "CMB." + function, contentType: Self.requestContentType,
                              fileName: CMBAdapter.fileName(function, requestId, suffix: "json"), bytes: CMBCloudJSON.canonical(document))
    }

    /// A text field checked against its type and its limit in GBK bytes, located `record/name`.
    static func field(_ name: String, _ value: String, record: String, type: BankFieldType,
                      maxBytes: Int) throws(AdapterError) -> (String, JSONValue) {
        try encoding.checkField(value, type: type, maxBytes: maxBytes, location: record + "/" + name)
        return (name, .string(value))
    }

    /// A single payment (`BB1PAYOP`, 企银支付单笔经办): `bb1paybmx1` with `busCod` N02030 and the
    /// business mode, and one `bb1payopx1`.
    ///
    /// `yurRef`, CMB's duplicate-checked business reference, is the transfer's `instructionId`:
    /// fixed before the first send and reused on every resend, so a resend the bank already has is
    /// refused as a duplicate instead of paying twice.
    /// - Throws: ``AdapterError`` located at the field (`bb1payopx1/crtNam`) for text GBK cannot
    ///   carry, a field over its limit, or a field the format requires that the payment lacks.
    public func encodePayment(_ message: PaymentMessage) throws(AdapterError) -> EncodedMessage {
        guard message.transfers.count == 1, let transfer = message.transfers.first else {
            throw AdapterError("BB1PAYOP carries exactly one transfer, not \(message.transfers.count)")
        }
        let record = "bb1payopx1"
        guard message.debtor.currency.code == "CNY", transfer.amount.currency.code == "CNY" else {
            throw AdapterError("CMB payments are in CNY only (ccyNbr 10)", location: record + "/ccyNbr")
        }
        let amount = transfer.amount
        guard amount.minorUnits > 0 else { throw AdapterError("amount must be positive", location: record + "/trsAmt") }
        guard String(amount.minorUnits).utf8.count <= Self.maxAmountDigits else {
            throw AdapterError("amount has more than \(Self.maxAmountDigits) digits", location: record + "/trsAmt")
        }
        guard let purpose = transfer.details.purpose, !purpose.isEmpty else {
            throw AdapterError("CMB requires a purpose (用途)", location: record + "/nusAge")
        }
        guard let sameBank = transfer.details.sameBank else {
            throw AdapterError("CMB requires to know whether the creditor banks with CMB (same_bank)", location: record + "/bnkFlg")
        }
        let creditor = transfer.creditor
        var fields: [(String, JSONValue)] = [
            try Self.field("yurRef", transfer.instructionId, record: record, type: .code, maxBytes: 30),
            try Self.field("dbtAcc", message.debtor.number, record: record, type: .account, maxBytes: 35),
            try Self.field("crtAcc", creditor.account, record: record, type: .account, maxBytes: 35),
            try Self.field("crtNam", creditor.name, record: record, type: .text, maxBytes: 62),
            ("ccyNbr", .string("10")),
            ("trsAmt", .string(amount.decimalString)),
            ("bnkFlg", .string(sameBank ? "Y" : "N")),
            try Self.field("nusAge", purpose, record: record, type: .text, maxBytes: 62),
            ("eptDat", .string(try CMBAdapter.bankDate(message.requestedExecutionDate, location: record + "/eptDat"))),
            // 100001 普通汇兑, the documented default.
            ("trsTyp", .string("100001")),
        ]
        if let remittance = transfer.remittanceInfo, !remittance.isEmpty {
            fields.append(try Self.field("busNar", remittance, record: record, type: .text, maxBytes: 200))
        }
        if sameBank {
            // 行内收方账号户名校验: the bank refuses a CMB account whose holder is not the name given.
            fields.append(("rcvChk", .string("1")))
        } else {
            // Settlement channel: G 普通, Q 快速.
            fields.append(("stlChn", .string(transfer.details.priority == .urgent ? "Q" : "G")))
            if let code = creditor.bankCode, CNAPS.isValid(code) {
                fields.append(try Self.field("brdNbr", code, record: record, type: .code, maxBytes: 12))
            }
        }
        if let bank = creditor.bankAndBranchText {
            fields.append(try Self.field("crtBnk", bank, record: record, type: .text, maxBytes: 62))
        } else if !sameBank && !fields.contains(where: { $0.0 == "brdNbr" }) {
            throw AdapterError("CMB requires the creditor's bank name or CNAPS code for another bank (bnkFlg=N)",
                               location: record + "/crtBnk")
        }
        if let address = creditor.address.map(\.singleLineText), !address.isEmpty {
            fields.append(try Self.field("crtAdr", address, record: record, type: .text, maxBytes: 62))
        }
        let body = CMBCloudJSON.object([
            ("bb1paybmx1", .array([CMBCloudJSON.object([("busCod", .string(Self.paymentBusinessCode)),
                                                        ("busMod", .string(businessMode))])])),
            (record, .array([CMBCloudJSON.object(fields)])),
        ])
        return request(function: "BB1PAYOP", body: body, requestId: transfer.instructionId, createdAt: message.createdAt)
    }

    /// The status of a payment by its `yurRef` (`BB1PAYQR`, 企银支付业务查询: `bb1payqrx1` with
    /// `busCod` and `yurRef`).
    public func encodeStatusQuery(reference: String, queryId: String, createdAt: Timestamp) throws(AdapterError) -> EncodedMessage {
        let record = "bb1payqrx1"
        let query = CMBCloudJSON.object([("busCod", .string(Self.paymentBusinessCode)),
                                         try Self.field("yurRef", reference, record: record, type: .code, maxBytes: 30)])
        return request(function: "BB1PAYQR", body: CMBCloudJSON.object([(record, .array([query]))]),
                       requestId: queryId, createdAt: createdAt)
    }

    /// An account's balances (`NTQACINF`, 账户详细信息查询: `ntqacinfx` with `accnbr`, `bbknbr`).
    public func encodeBalanceQuery(account: DebtorAccount, queryId: String, createdAt: Timestamp) throws(AdapterError) -> EncodedMessage {
        let record = "ntqacinfx"
        let query = CMBCloudJSON.object([
            try Self.field("accnbr", account.number, record: record, type: .account, maxBytes: 35),
            ("bbknbr", .string(try branchCode(account, location: record + "/bbknbr"))),
        ])
        return request(function: "NTQACINF", body: CMBCloudJSON.object([(record, .array([query]))]),
                       requestId: queryId, createdAt: createdAt)
    }

    /// An account's transactions of one day (`DCTRSINF`, 账户交易信息查询: `bbknbr`, `accnbr`,
    /// `trsdat`, and `trsseq` to continue after the previous page).
    public func encodeTransactionQuery(account: DebtorAccount, fromDate: String, toDate: String, continuation: String?,
                                       queryId: String, createdAt: Timestamp) throws(AdapterError) -> EncodedMessage {
        guard fromDate == toDate else {
            throw AdapterError("DCTRSINF asks for one day at a time, not \(fromDate)…\(toDate)", location: "trsdat")
        }
        var fields: [(String, JSONValue)] = [
            try Self.field("accnbr", account.number, record: "body", type: .account, maxBytes: 35),
            ("bbknbr", .string(try branchCode(account, location: "body/bbknbr"))),
            ("trsdat", .string(try CMBAdapter.bankDate(fromDate, location: "body/trsdat"))),
        ]
        if let continuation {
            fields.append(try Self.field("trsseq", continuation, record: "body", type: .code, maxBytes: 60))
        }
        return request(function: "DCTRSINF", body: CMBCloudJSON.object(fields), requestId: queryId, createdAt: createdAt)
    }
}
