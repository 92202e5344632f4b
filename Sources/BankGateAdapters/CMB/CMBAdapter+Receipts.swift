public import BankGateCore
import BankGateXML
import BankGateStatements

extension CMBAdapter {
    /// `SDKCSFDFBRT` answers at most "one month" (`CSRRCFDFY0`: 日期间隔不能超过一个月); 28 days is
    /// within a month whichever month it starts in.
    public static let maxReceiptQueryDays = 28

    /// `RRCFLG` values: 1 未打印 (not printed yet), 2 已打印 (printed).
    public enum ReceiptPrintFlag: String, Sendable {
        case notPrinted = "1"
        case printed = "2"
    }

    /// Asks for the e-receipts of `account` from `fromDate` to `toDate` (`YYYY-MM-DD`, inclusive,
    /// at most ``maxReceiptQueryDays``): `SDKCSFDFBRT` (查询电子回单信息, API 5.37.0 §2.7) with
    /// `CSRRCFDFY0` `EACNBR`, `BEGDAT`, `ENDDAT`, `RRCFLG` and, to ask for one kind, `RRCCOD`.
    ///
    /// Unlike the other queries `CSRRCFDFY0` names no branch (`BBKNBR`).
    /// - Parameters:
    ///   - printFlag: `RRCFLG`; every published client sends 1 (not printed), the default.
    ///   - receiptCode: `RRCCOD`, a receipt code such as `HD002013`; `nil` for every kind.
    public func encodeReceiptQuery(account: DebtorAccount, fromDate: String, toDate: String,
                                   printFlag: ReceiptPrintFlag = .notPrinted, receiptCode: String? = nil,
                                   queryId: String) throws(AdapterError) -> EncodedMessage {
        EncodedMessage(kind: "CMB.SDKCSFDFBRT", contentType: Self.contentType, fileName: Self.fileName("SDKCSFDFBRT", queryId),
                       bytes: try receiptRequest("SDKCSFDFBRT", account: account, fromDate: fromDate, toDate: toDate,
                                                 printFlag: printFlag, receiptCode: receiptCode))
    }

    /// Asks the front-end to save the receipts of the same selection as images
    /// (`SDKCSFDFBRTIMG`, 查询电子回单信息(保存图片), §2.8). The images are written on the front-end
    /// machine; the answer carries none (read it with ``decodeReceiptImageAnswer(_:)``).
    public func encodeReceiptImageRequest(account: DebtorAccount, fromDate: String, toDate: String,
                                          printFlag: ReceiptPrintFlag = .notPrinted, receiptCode: String? = nil,
                                          queryId: String) throws(AdapterError) -> EncodedMessage {
        EncodedMessage(kind: "CMB.SDKCSFDFBRTIMG", contentType: Self.contentType,
                       fileName: Self.fileName("SDKCSFDFBRTIMG", queryId),
                       bytes: try receiptRequest("SDKCSFDFBRTIMG", account: account, fromDate: fromDate, toDate: toDate,
                                                 printFlag: printFlag, receiptCode: receiptCode))
    }

    private func receiptRequest(_ function: String, account: DebtorAccount, fromDate: String, toDate: String,
                                printFlag: ReceiptPrintFlag, receiptCode: String?) throws(AdapterError) -> [UInt8] {
        let record = "CSRRCFDFY0"
        let begin = try Self.bankDate(fromDate, location: record + "/BEGDAT")
        let end = try Self.bankDate(toDate, location: record + "/ENDDAT")
        guard let first = Timestamp.parseDate(fromDate), let last = Timestamp.parseDate(toDate), first <= last else {
            throw AdapterError("the end date is before the begin date", location: record + "/ENDDAT")
        }
        let days = (last.milliseconds - first.milliseconds) / 86_400_000 + 1
        guard days <= Int64(Self.maxReceiptQueryDays) else {
            throw AdapterError("\(days) days, over the receipt query's limit of \(Self.maxReceiptQueryDays)",
                               location: record + "/ENDDAT")
        }
        var request = try CMBRequestWriter(function: function, loginName: loginName)
        request.open(record)
        try request.field("EACNBR", account.number, record: record, type: .account, maxBytes: 35)
        try request.field("BEGDAT", begin, record: record, type: .code, maxBytes: 8)
        try request.field("ENDDAT", end, record: record, type: .code, maxBytes: 8)
        try request.field("RRCFLG", printFlag.rawValue, record: record, type: .code, maxBytes: 1)
        if let receiptCode {
            try request.field("RRCCOD", receiptCode, record: record, type: .code, maxBytes: 8)
        }
        request.close(record)
        return try request.finish()
    }

    /// Reads the answer to `SDKCSFDFBRTIMG`: `ERRMSG` (回单图片查询成功!) when `RETCOD=0`.
    /// - Throws: ``AdapterError`` with the return code otherwise.
    public func decodeReceiptImageAnswer(_ bytes: [UInt8]) throws(AdapterError) -> String? {
        try Self.successfulAnswer(bytes).errorMessage
    }

    /// Reads the answer to `SDKCSFDFBRT`: one ``BankReceipt`` per receipt record the codec knows
    /// (see ``receiptLayouts``), joined by `ISTNBR` (打印实例号, the receipt number) to its
    /// `CSRRCFDFZ1` summary, which gives `TRSSEQ` (流水号: the bank serial, `REFNBR` of the
    /// transaction details), `ITMCOD` (回单代码, the kind) and `CHKCOD` (验证码).
    ///
    /// The client reference is read from `NARTX1` (扩展摘要) of a sent payment (`CPRRCSNDX1`) that
    /// names its enterprise-banking business (`REFTCD`), and `TRSREF` of an agency payment
    /// (**assumed**, see adapters/cmb/README.md). Records of a kind not listed (`AGFEERRCZ2` fee
    /// items …) are left out; every field a receipt has beyond the common ones is in
    /// ``BankReceipt/extraFields`` under its CMB name. The front-end hands over no documents:
    /// receipts are data.
    /// - Throws: ``AdapterError`` for `RETCOD` other than 0, a currency the table does not know, an
    ///   amount or a date that cannot be read, or a receipt without amount or date.
    public func decodeReceiptAnswer(_ bytes: [UInt8], account: DebtorAccount) throws(AdapterError) -> [BankReceipt] {
        let answer = try Self.successfulAnswer(bytes)
        var summaries: [String: XMLNode] = [:]
        for summary in answer.records("CSRRCFDFZ1") {
            if let number = CMBAnswer.text(summary.child("ISTNBR")) { summaries[number] = summary }
        }
        var receipts: [BankReceipt] = []
        for (offset, record) in answer.records.enumerated() {
            guard let layout = Self.receiptLayouts[record.name] else { continue }
            receipts.append(try receipt(record, layout: layout, summaries: summaries, account: account,
                                        location: "\(record.name)[\(offset + 1)]"))
        }
        return receipts
    }

    private func receipt(_ record: XMLNode, layout: ReceiptLayout, summaries: [String: XMLNode], account: DebtorAccount,
                         location: String) throws(AdapterError) -> BankReceipt {
        func text(_ name: String?) -> String? { name.flatMap { CMBAnswer.text(record.child($0)) } }
        let code = text(layout.currency) ?? "10"
        guard let currencyCode = Self.currencies[code], let currency = Currency(code: currencyCode) else {
            throw AdapterError("unknown currency code \(code)", location: location + "/" + layout.currency)
        }
        guard let amountText = text(layout.amount) else { throw AdapterError("missing amount", location: location + "/" + layout.amount) }
        let amount: Money
        do {
            amount = try Money(parsing: amountText, currency: currency)
        } catch {
            throw AdapterError("amount \(error.description)", location: location + "/" + layout.amount)
        }
        guard let date = text(layout.date) else { throw AdapterError("missing date", location: location + "/" + layout.date) }
        let bookingDate = try Self.isoDate(date, location: location + "/" + layout.date)
        let direction: CreditDebit
        switch layout.direction {
        case .debit: direction = .debit
        case .credit: direction = .credit
        case .debitWhenPayer(let payerField):
            direction = text(payerField) == account.number ? .debit : .credit
        case .code(let field):
            switch text(field) {
            case "C": direction = .credit
            case "D": direction = .debit
            default: throw AdapterError("\(field) is neither C nor D", location: location + "/" + field)
            }
        }
        let party = direction == .debit ? layout.payee : layout.payer
        let number = text("ISTNBR")
        let summary = number.flatMap { summaries[$0] }
        func summaryText(_ name: String) -> String? { CMBAnswer.text(summary?.child(name)) }
        var clientReference: String?
        if let field = layout.clientReference, layout.clientReferenceWhen.map({ text($0) != nil }) ?? true {
            clientReference = text(field)
        }
        var extra: [String: String] = [:]
        for child in record.children {
            if let value = CMBAnswer.text(child), !layout.mapped.contains(child.name) { extra[child.name] = value }
        }
        for name in ["CHKCOD", "SPLC40"] { if let value = summaryText(name) { extra[name] = value } }
        return BankReceipt(
            receiptNumber: number, bankSerial: summaryText("TRSSEQ") ?? text(layout.serial), clientReference: clientReference,
            accountNumber: text(layout.account) ?? account.number, bookingDate: bookingDate,
            amount: Money(minorUnits: abs(amount.minorUnits), currency: currency), direction: direction,
            counterparty: Counterparty(name: text(party.name), account: text(party.account)),
            counterpartyBankName: text(party.bank), purpose: text(layout.purpose),
            kind: summaryText("ITMCOD") ?? text("RRCTYP") ?? record.name, extraFields: extra)
    }

    /// Where one kind of CMB receipt record keeps each common field.
    struct ReceiptLayout: Sendable {
        enum Direction: Sendable {
            case debit, credit
            /// Debit when the field (the payer's account) is ours.
            case debitWhenPayer(String)
            /// `C`/`D` in the field.
            case code(String)
        }

        struct Party: Sendable {
            var name: String?
            var account: String?
            var bank: String?
        }

        var direction: Direction
        var amount: String
        var currency: String
        var date: String
        var serial: String?
        var account: String?
        var payer: Party
        var payee: Party
        var purpose: String?
        var clientReference: String? = nil
        /// The client reference is read only when this field is present.
        var clientReferenceWhen: String? = nil

        /// The fields the common ones are read from (the rest go to the extra fields).
        var mapped: Set<String> {
            var names: Set<String> = [amount, currency, date, "ISTNBR"]
            for name in [serial, account, payer.name, payer.account, payer.bank, payee.name, payee.account, payee.bank, purpose,
                         clientReference] {
                if let name { names.insert(name) }
            }
            return names
        }
    }

    /// The receipt records of `SDKCSFDFBRT` the codec reads, with their fields as the published SDK
    /// lists them (sinri/CMBFirmBankSDK, API 5.37.0).
    static let receiptLayouts: [String: ReceiptLayout] = {
        let sender = ReceiptLayout.Party(name: "SNDEAN", account: "SNDEAC", bank: "SNDEAB")
        let receiver = ReceiptLayout.Party(name: "RCVEAN", account: "RCVEAC", bank: "RCVEAB")
        return [
            // 对公付款回单: a payment we sent.
            "CPRRCSNDX1": ReceiptLayout(direction: .debit, amount: "TRSAMT", currency: "CCYNBR", date: "ISUDAT", serial: "TRSNBR",
                                        account: "SNDEAC", payer: sender, payee: receiver, purpose: "NARTXT",
                                        clientReference: "NARTX1", clientReferenceWhen: "REFTCD"),
            // 对公收款回单: a payment we received.
            "CPRRCRCVX1": ReceiptLayout(direction: .credit, amount: "TRSAMT", currency: "CCYNBR", date: "ISUDAT", serial: "TRSNBR",
                                        account: "RCVEAC", payer: sender, payee: receiver, purpose: "NARTXT"),
            // 对公退款回单: a payment of ours returned; the money comes back from the payee.
            "CPRRCRTNX1": ReceiptLayout(direction: .credit, amount: "TRSAMT", currency: "CCYNBR", date: "RTNDAT", serial: "TRSNBR",
                                        account: "RTNEAC", payer: receiver, payee: sender, purpose: "NARTXT"),
            // 转账回单.
            "CSTRFPRTX0": ReceiptLayout(direction: .debitWhenPayer("SNDEAC"), amount: "TRSAMT", currency: "CCYNBR", date: "ISUDAT",
                                        serial: "REFNBR", account: nil, payer: sender, payee: receiver, purpose: "NARTXT"),
            // 代发/代扣回单.
            "AGNCBPAYZ1": ReceiptLayout(direction: .debitWhenPayer("PAYEAC"), amount: "TRXAMT", currency: "CCYNBR", date: "TRXDAT",
                                        serial: "TRXNBR", account: nil,
                                        payer: .init(name: "PAYNAM", account: "PAYEAC", bank: nil),
                                        payee: .init(name: "RCVNAM", account: "RCVEAC", bank: nil), purpose: "TRXRMK",
                                        clientReference: "TRSREF"),
            // 扣费回单: a fee booked on the account (金额码 C/D).
            "ABFEEPRTZ1": ReceiptLayout(direction: .code("AMTCOD"), amount: "AMTTRS", currency: "CCYNBR", date: "SYSDAT",
                                        serial: "TRXSET", account: "ACCNBR",
                                        payer: .init(name: nil, account: nil, bank: "BRNNAM"),
                                        payee: .init(name: nil, account: nil, bank: "BRNNAM"), purpose: "NARSMT"),
            // 代理业务收费回单.
            "AGFEERRCZ1": ReceiptLayout(direction: .debit, amount: "TRXAMT", currency: "CCYNBR", date: "TRXDAT", serial: "TRXNBR",
                                        account: "FEEEAC", payer: .init(name: "EACNAM", account: "FEEEAC", bank: nil),
                                        payee: .init(name: nil, account: nil, bank: nil), purpose: "TRXRMK"),
        ]
    }()
}

extension CMBAdapter: ReceiptQueryAdapter {
    public var maxReceiptQueryDays: Int { Self.maxReceiptQueryDays }
    /// CMB books in China time (UTC+8).
    public var bookingDayUTCOffsetMinutes: Int { 480 }

    /// `SDKCSFDFBRT` with `RRCFLG=1`; no paging is known, so `continuation` is not used.
    public func encodeReceiptQuery(account: DebtorAccount, fromDate: String, toDate: String, continuation: String?,
                                   queryId: String, createdAt: Timestamp) throws(AdapterError) -> EncodedMessage {
        try encodeReceiptQuery(account: account, fromDate: fromDate, toDate: toDate, queryId: queryId)
    }

    /// One page: ``decodeReceiptAnswer(_:account:)``.
    public func decodeReceiptQueryPage(_ bytes: [UInt8], account: DebtorAccount) throws(AdapterError) -> ReceiptQueryPage {
        ReceiptQueryPage(receipts: try decodeReceiptAnswer(bytes, account: account))
    }

    /// `nil`: the front-end saves receipt images on its own disk (`SDKCSFDFBRTIMG`) and answers
    /// without them, so a receipt of the front-end is data.
    public func encodeReceiptDocumentRequest(for receipt: BankReceipt, account: DebtorAccount, queryId: String,
                                             createdAt: Timestamp) throws(AdapterError) -> EncodedMessage? {
        nil
    }

    /// There is no document answer to read (see ``encodeReceiptDocumentRequest(for:account:queryId:createdAt:)``).
    public func decodeReceiptDocument(_ bytes: [UInt8]) throws(AdapterError) -> ReceiptDocument {
        throw AdapterError("CMB's front-end answers carry no receipt documents (SDKCSFDFBRTIMG saves images on the front-end)")
    }
}
