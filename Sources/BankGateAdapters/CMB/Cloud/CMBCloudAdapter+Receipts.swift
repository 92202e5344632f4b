public import BankGateCore
import BankGateStatements

extension CMBCloudAdapter: ReceiptQueryAdapter {
    /// The file format `DCSIGREC` is asked for (`primod`).
    public static let receiptFileFormat = "PDF"

    /// The receipts are listed from `DCTRSINF`, which asks for one day.
    public var maxReceiptQueryDays: Int { 1 }
    /// CMB books in China time (UTC+8).
    public var bookingDayUTCOffsetMinutes: Int { 480 }

    /// The cloud API has no receipt list with structured data (`ASYCALHD` makes a print task whose
    /// result is a file URL): the receipts of a day are its transactions, asked with `DCTRSINF`
    /// (``encodeTransactionQuery(account:fromDate:toDate:continuation:queryId:createdAt:)``), and each
    /// one's document with `DCSIGREC`.
    public func encodeReceiptQuery(account: DebtorAccount, fromDate: String, toDate: String, continuation: String?,
                                   queryId: String, createdAt: Timestamp) throws(AdapterError) -> EncodedMessage {
        try encodeTransactionQuery(account: account, fromDate: fromDate, toDate: toDate, continuation: continuation,
                                   queryId: queryId, createdAt: createdAt)
    }

    /// One receipt per `ntqactrsz2` of a `DCTRSINF` answer: `refnbr` the bank serial, `yurref` the
    /// client reference, the counterparty, `naryur` the purpose, `trscod` the kind, and the document
    /// key `<etydat>|<refnbr>`, which ``encodeReceiptDocumentRequest(for:account:queryId:createdAt:)``
    /// sends as `quedat` and `trsseq`. A transaction without `refnbr` has no document key.
    public func decodeReceiptQueryPage(_ bytes: [UInt8], account: DebtorAccount) throws(AdapterError) -> ReceiptQueryPage {
        let page = try decodeTransactionQueryPage(bytes, account: account, statementId: "DCTRSINF")
        let receipts = page.transactions.map { transaction -> BankReceipt in
            let bookingDate = transaction.bookingDate ?? ""
            var extra: [String: String] = [:]
            if let text = transaction.additionalInformation { extra["narext"] = text }
            if let balance = transaction.balanceAfter { extra["trsblv"] = balance.decimalString }
            return BankReceipt(
                bankSerial: transaction.bankReference, clientReference: transaction.instructionId,
                accountNumber: account.number, bookingDate: bookingDate, amount: transaction.amount,
                direction: transaction.creditDebit, counterparty: transaction.counterparty,
                purpose: transaction.remittanceInformation, kind: transaction.transactionCode.proprietary,
                extraFields: extra,
                documentKey: transaction.bankReference.map { bookingDate.replacingDashes() + "|" + $0 })
        }
        return ReceiptQueryPage(receipts: receipts, continuation: page.continuation)
    }

    /// `DCSIGREC` (单笔回单查询): `eacnbr`, `quedat` (the booking date), `trsseq` (the transaction's
    /// serial) from the receipt's document key, `primod` ``receiptFileFormat``; `nil` without a key.
    public func encodeReceiptDocumentRequest(for receipt: BankReceipt, account: DebtorAccount, queryId: String,
                                             createdAt: Timestamp) throws(AdapterError) -> EncodedMessage? {
        guard let key = receipt.documentKey else { return nil }
        let parts = key.split(separator: "|", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 2, parts[0].utf8.count == 8, !parts[1].isEmpty else {
            throw AdapterError("a CMB cloud receipt key is <YYYYMMDD>|<serial>", location: "body/trsseq")
        }
        let date = try CMBAdapter.isoDate(parts[0], location: "body/quedat")
        let body = CMBCloudJSON.object([
            try Self.field("eacnbr", account.number, record: "body", type: .account, maxBytes: 35),
            ("primod", .string(Self.receiptFileFormat)),
            ("quedat", .string(date.replacingDashes())),
            try Self.field("trsseq", parts[1], record: "body", type: .code, maxBytes: 60),
        ])
        return request(function: "DCSIGREC", body: body, requestId: queryId, createdAt: createdAt)
    }

    /// Reads a trusted `DCSIGREC` answer: `fildat`, the Base64 of the file, its content type read
    /// from its bytes (``ReceiptDocument/init(sniffing:zipContentType:)``; a ZIP is an OFD).
    /// - Throws: ``AdapterError`` for an answer not trusted or not successful, or without a file.
    public func decodeReceiptDocument(_ bytes: [UInt8]) throws(AdapterError) -> ReceiptDocument {
        let answer = try successfulAnswer(bytes)
        let record = answer.body
        guard let data = CMBCloudAnswer.text(record, "fildat") else {
            throw AdapterError("the answer carries no file", location: "response.body.fildat")
        }
        guard let file = Base64.decode(Array(data.utf8)), !file.isEmpty else {
            throw AdapterError("fildat is not Base64", location: "response.body.fildat")
        }
        return ReceiptDocument(sniffing: file, zipContentType: "application/ofd")
    }

    /// `istnbr` (the receipt's print instance number) and `checod` (its check code) of a trusted
    /// `DCSIGREC` answer, when given.
    public func decodeReceiptDocumentIdentity(_ bytes: [UInt8]) throws(AdapterError) -> (receiptNumber: String?, checkCode: String?) {
        let answer = try successfulAnswer(bytes)
        let record = answer.body
        return (CMBCloudAnswer.text(record, "istnbr"), CMBCloudAnswer.text(record, "checod"))
    }
}
