public import BankGateCore
import BankGateXML
import BankGateStatements

/// One e-receipt as ICBC names it: the receipt key a `QHISD` transaction carries (`Toutfo`,
/// `地区号|网点号|柜员号|主机交易流水号`) and the day it was booked.
public struct ICBCReceiptKey: Sendable, Hashable {
    public var areaCode: String
    public var netCode: String
    public var tellerNumber: String
    public var serialNumber: String
    /// `YYYY-MM-DD`.
    public var date: String

    /// Reads `地区号|网点号|柜员号|主机交易流水号`; `nil` when it does not have four parts with the
    /// area, the branch and the serial filled in.
    public init?(toutfo: String, date: String) {
        let parts = toutfo.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 4, !parts[0].isEmpty, !parts[1].isEmpty, !parts[3].isEmpty else { return nil }
        (areaCode, netCode, tellerNumber, serialNumber) = (parts[0], parts[1], parts[2], parts[3])
        self.date = date
    }

    /// The key as `Toutfo` writes it.
    public var toutfo: String { [areaCode, netCode, tellerNumber, serialNumber].joined(separator: "|") }
}

extension ICBCAdapter: ReceiptQueryAdapter {
    /// As `QHISD`, which the receipt list is made from.
    public var maxReceiptQueryDays: Int { maxTransactionQueryDays }
    /// ICBC books in China time (UTC+8).
    public var bookingDayUTCOffsetMinutes: Int { 480 }

    /// ICBC's receipt queries (`BATEBILL`, `DownEBill`) name each receipt by its key, which only the
    /// transaction details give: the receipts of a period are its `QHISD` transactions (paged by
    /// `NextTag`), each with its `Toutfo` as the document key.
    public func encodeReceiptQuery(account: DebtorAccount, fromDate: String, toDate: String, continuation: String?,
                                   queryId: String, createdAt: Timestamp) throws(AdapterError) -> EncodedMessage {
        try encodeTransactionQuery(account: account, fromDate: fromDate, toDate: toDate, queryId: queryId, createdAt: createdAt,
                                   nextTag: continuation)
    }

    /// One receipt per `QHISD` record: `OnlySequence` the bank serial, `Ref` the client reference,
    /// the counterparty (`RecipName`, `RecipAccNo`, `RecipBkName1`), the purpose, `TrxCode` the kind,
    /// and `Toutfo` the document key (none without one).
    public func decodeReceiptQueryPage(_ bytes: [UInt8], account: DebtorAccount) throws(AdapterError) -> ReceiptQueryPage {
        let page = try decodeTransactionPage(bytes, account: account, statementId: "QHISD")
        let answer = try Self.successfulAnswer(bytes)
        let records = answer.records
        var receipts: [BankReceipt] = []
        for (offset, transaction) in page.transactions.enumerated() {
            let record = offset < records.count ? records[offset] : nil
            func text(_ name: String) -> String? { ICBCAnswer.text(record?.child(name)) }
            var extra: [String: String] = [:]
            for name in ["Summary", "Time", "TrxCode", "VouhNo", "Balance"] { if let value = text(name) { extra[name] = value } }
            let key = transaction.accountServicerReference.flatMap { ICBCReceiptKey(toutfo: $0, date: transaction.bookingDate ?? "") }
            receipts.append(BankReceipt(
                bankSerial: transaction.bankReference, clientReference: transaction.instructionId, accountNumber: account.number,
                bookingDate: transaction.bookingDate ?? "", amount: transaction.amount, direction: transaction.creditDebit,
                counterparty: transaction.counterparty, counterpartyBankName: text("RecipBkName1") ?? text("RecipBkName"),
                purpose: transaction.remittanceInformation, kind: transaction.transactionCode.proprietary, extraFields: extra,
                documentKey: key?.toutfo))
        }
        return ReceiptQueryPage(receipts: receipts, continuation: page.nextTag)
    }

    /// `DownEBill` for the receipt's key and booking date (``encodeReceiptDownload(receiptKey:workDate:account:queryId:createdAt:)``;
    /// signed by the NetSafe Client); `nil` for a receipt without a key.
    public func encodeReceiptDocumentRequest(for receipt: BankReceipt, account: DebtorAccount, queryId: String,
                                             createdAt: Timestamp) throws(AdapterError) -> EncodedMessage? {
        guard let key = receipt.documentKey else { return nil }
        return try encodeReceiptDownload(receiptKey: key, workDate: receipt.bookingDate, account: account, queryId: queryId,
                                         createdAt: createdAt)
    }

    /// Reads a `DownEBill` answer. **Assumed** layout (no public source shows one; designed the way
    /// ICBC's other answers are): `pub/RetCode` 0, then `out/FileName` (the receipt file's name) and
    /// `out/FileContent` (the file, Base64); the content type is read from the bytes (a ZIP is an OFD).
    /// - Throws: ``AdapterError`` for a `RetCode` other than 0 or an answer without a readable file.
    public func decodeReceiptDocument(_ bytes: [UInt8]) throws(AdapterError) -> ReceiptDocument {
        let answer = try Self.successfulAnswer(bytes)
        guard let content = ICBCAnswer.text(answer.out?.child("FileContent")) else {
            throw AdapterError("the answer carries no file", location: "out/FileContent")
        }
        guard let file = Base64.decode(Array(content.utf8)), !file.isEmpty else {
            throw AdapterError("FileContent is not Base64", location: "out/FileContent")
        }
        return ReceiptDocument(sniffing: file, zipContentType: "application/ofd")
    }

    // MARK: - BATEBILL

    /// Receipts in one `BATEBILL` (assumed: no public source states ICBC's limit).
    public static let maxReceiptsPerBatch = 50

    /// Asks for the e-receipts named by `keys` (`BATEBILL`, 电子回单批量查询): `in/SignTime`,
    /// `TotalNum`, and per key an `rd` with `iSeqno`, `AreaCode`, `NetCode`, `TranDate`, `AccNo`,
    /// `TranSerial`, `AcctSeq` (empty), `CurrType` (fields of the published integration code).
    ///
    /// `TranSerial` is the teller number followed by the host serial (**assumed** from the published
    /// examples: teller `20297` and serial `000851` against `TranSerial` `20297000851`). The request
    /// has `SignTime` and is signed by the NetSafe Client.
    public func encodeReceiptBatchQuery(keys: [ICBCReceiptKey], account: DebtorAccount, queryId: String,
                                        createdAt: Timestamp) throws(AdapterError) -> EncodedMessage {
        guard (1...Self.maxReceiptsPerBatch).contains(keys.count) else {
            throw AdapterError("BATEBILL takes 1 to \(Self.maxReceiptsPerBatch) receipts, not \(keys.count)", location: "in/TotalNum")
        }
        var request = try ICBCRequestWriter(transCode: "BATEBILL", adapter: self, packageId: queryId, createdAt: createdAt)
        let (day, time) = Self.chinaTime(createdAt)
        try request.field("SignTime", day + time, record: "in", type: .code, maxBytes: 17)
        try request.field("TotalNum", String(keys.count), record: "in", type: .code, maxBytes: 6)
        for (offset, key) in keys.enumerated() {
            request.open("rd")
            try request.field("iSeqno", String(offset + 1), record: "rd", type: .code, maxBytes: 8)
            try request.field("AreaCode", key.areaCode, record: "rd", type: .code, maxBytes: 5)
            try request.field("NetCode", key.netCode, record: "rd", type: .code, maxBytes: 5)
            try request.field("TranDate", try Self.bankDate(key.date, location: "rd/TranDate"), record: "rd", type: .code, maxBytes: 8)
            try request.field("AccNo", account.number, record: "rd", type: .account, maxBytes: 34)
            try request.field("TranSerial", key.tellerNumber + key.serialNumber, record: "rd", type: .code, maxBytes: 30)
            request.empty("AcctSeq")
            try request.field("CurrType", Self.renminbi, record: "rd", type: .code, maxBytes: 3)
            request.close("rd")
        }
        return EncodedMessage(kind: "ICBC.BATEBILL", contentType: Self.documentContentType,
                              fileName: Self.fileName("BATEBILL", queryId), bytes: try request.finish())
    }

    /// Reads a `BATEBILL` answer: one ``BankReceipt`` per `out/rd` whose `iRetCode` is empty or 0,
    /// with `EbillSerialno` (电子回单号码) the receipt number, `BankSerialNo` (银行交易流水号) the
    /// bank serial, `PayAmt` in fen, the side by whether `PayAccount` is ours, the other party's
    /// name, account and bank, `TransDate` (记账日期) the booking date, `UseCN`, else `PostScript`,
    /// else `Summary` the purpose, `BusType` the kind, and the other fields under their ICBC names.
    /// `keys` (the request's, in order) give each receipt its document key through `iSeqno`.
    /// - Throws: ``AdapterError`` for a `RetCode` other than 0, or a receipt whose amount or date cannot be read.
    public func decodeReceiptBatchAnswer(_ bytes: [UInt8], account: DebtorAccount,
                                         keys: [ICBCReceiptKey] = []) throws(AdapterError) -> [BankReceipt] {
        let answer = try Self.successfulAnswer(bytes)
        let currency = account.currency
        var receipts: [BankReceipt] = []
        let mapped: Set<String> = ["EbillSerialno", "BankSerialNo", "PayAmt", "PayAccount", "PayAcctName", "PayBankName",
                                   "RecAccount", "RecAcctName", "RecBankName", "TransDate", "UseCN", "BusType", "iSeqno",
                                   "iRetCode", "iRetMsg", "Result", "CurrType"]
        for (offset, record) in answer.records.enumerated() {
            let location = "out/rd[\(offset + 1)]"
            func text(_ name: String) -> String? { ICBCAnswer.text(record.child(name)) }
            if let code = text("iRetCode"), code != "0" { continue }
            if let code = text("CurrType"), Self.currencies[code] != currency.code {
                throw AdapterError("currency \(code) is not the account's \(currency.code)", location: location + "/CurrType")
            }
            guard let amountText = text("PayAmt") else { throw AdapterError("missing amount", location: location + "/PayAmt") }
            let amount = try Self.fen(amountText, currency: currency, location: location + "/PayAmt")
            guard let date = text("TransDate") else { throw AdapterError("missing TransDate", location: location) }
            let bookingDate = try Self.isoDate(date, location: location + "/TransDate")
            let direction: CreditDebit = text("PayAccount") == account.number ? .debit : .credit
            let side = direction == .debit ? "Rec" : "Pay"
            var extra: [String: String] = [:]
            for child in record.children {
                if let value = ICBCAnswer.text(child), !mapped.contains(child.name) { extra[child.name] = value }
            }
            let sequence = text("iSeqno").flatMap(Int.init)
            let key = sequence.flatMap { $0 >= 1 && $0 <= keys.count ? keys[$0 - 1] : nil }
            receipts.append(BankReceipt(
                receiptNumber: text("EbillSerialno"), bankSerial: text("BankSerialNo"), accountNumber: account.number,
                bookingDate: bookingDate, amount: Money(minorUnits: abs(amount.minorUnits), currency: currency), direction: direction,
                counterparty: Counterparty(name: text(side + "AcctName"), account: text(side + "Account")),
                counterpartyBankName: text(side + "BankName"),
                purpose: text("UseCN") ?? text("PostScript") ?? text("Summary"), kind: text("BusType"), extraFields: extra,
                documentKey: key?.toutfo))
        }
        return receipts
    }
}
