import BankGateCore
public import BankGateStore
import Glibc

/// The index of a receipt export, written to two files beside the ZIP as the receipts are read
/// from the store (never all held): `index.csv` (RFC 4180: a header, fields quoted where they must
/// be, CRLF line ends, UTF-8) and `index.json` (`{"export": {…}, "receipts": [ … ], "receipt_count": n}`).
/// Per receipt: its filing fields (amounts as decimal strings in the currency's exponent), its
/// links (payment, bank transaction, method, confirmed), and its file in the ZIP with content
/// type, size and SHA-256. ``finish()`` hands what the ZIP is made of to ``ReceiptArchiveWriter``.
///
/// Not `Sendable`: one task fills it.
public final class ReceiptArchiveIndex {
    /// The CSV's columns, in order.
    public static let csvColumns = [
        "receipt_id", "account", "bank", "booking_date", "direction", "amount", "currency", "counterparty_name",
        "counterparty_account", "counterparty_bank", "receipt_number", "bank_serial", "client_reference", "kind", "purpose",
        "payment_ids", "transaction_ids", "links", "file", "content_type", "size", "sha256",
    ]

    private let csv: BufferedFile
    private let json: BufferedFile
    private var documents: [ReceiptArchiveContents.Document] = []

    /// Starts `<directory>/.<exportId>.index.csv` and `.json` (replacing stale ones).
    public init(directory: String, exportId: String, accountIds: [String], fromDate: String, toDate: String) throws(ReceiptArchiveError) {
        csv = try BufferedFile(creating: "\(directory)/.\(exportId).index.csv")
        json = try BufferedFile(creating: "\(directory)/.\(exportId).index.json")
        try csv.write(Self.csvLine(Self.csvColumns))
        var head = JSONWriter(capacity: 256)
        head.beginObject()
        head.key("export")
        head.beginObject()
        head.field("id", exportId)
        head.field("accounts", accountIds)
        head.field("from", fromDate)
        head.field("to", toDate)
        head.endObject()
        head.key("receipts")
        head.beginArray()
        try json.write(head.bytes)
    }

    /// The receipts indexed so far.
    public var count: Int { documents.count }

    /// Adds `receipt` to both indexes and its file to the ZIP's documents.
    public func append(_ receipt: ReceiptRecord) throws(ReceiptArchiveError) {
        let draft = receipt.draft
        let fileName = "documents/\(receipt.id)\(draft.fileExtension)"
        let paymentIds = Self.unique(receipt.links.compactMap(\.paymentId))
        let transactionIds = Self.unique(receipt.links.compactMap(\.transactionId))
        let links = receipt.links.map { link in
            [link.paymentId, link.transactionId].compactMap { $0 }.joined(separator: " ") + " \(link.method.rawValue) "
                + (link.confirmed ? "confirmed" : "suggested")
        }
        try csv.write(Self.csvLine([
            receipt.id, draft.accountId, draft.bankId, draft.bookingDate, draft.direction, draft.amount.decimalString,
            draft.amount.currency.code, draft.counterpartyName ?? "", draft.counterpartyAccount ?? "", draft.counterpartyBank ?? "",
            draft.receiptNumber ?? "", draft.bankSerial ?? "", draft.clientReference ?? "", draft.kind ?? "", draft.purpose ?? "",
            paymentIds.joined(separator: ";"), transactionIds.joined(separator: ";"), links.joined(separator: ";"), fileName,
            draft.contentType, String(draft.size), draft.sha256,
        ]))
        try json.write(Array((documents.isEmpty ? "\n" : ",\n").utf8))
        var entry = JSONWriter(capacity: 1024)
        entry.beginObject()
        entry.field("receipt_id", receipt.id)
        entry.field("account", draft.accountId)
        entry.field("bank", draft.bankId)
        entry.field("booking_date", draft.bookingDate)
        entry.field("direction", draft.direction)
        entry.field("amount", draft.amount.decimalString)
        entry.field("currency", draft.amount.currency.code)
        entry.field("counterparty_name", draft.counterpartyName)
        entry.field("counterparty_account", draft.counterpartyAccount)
        entry.field("counterparty_bank", draft.counterpartyBank)
        entry.field("receipt_number", draft.receiptNumber)
        entry.field("bank_serial", draft.bankSerial)
        entry.field("client_reference", draft.clientReference)
        entry.field("kind", draft.kind)
        entry.field("purpose", draft.purpose)
        entry.field("payment_ids", paymentIds)
        entry.field("transaction_ids", transactionIds)
        entry.key("links")
        entry.beginArray()
        for link in receipt.links {
            entry.beginObject()
            entry.field("payment_id", link.paymentId)
            entry.field("transaction_id", link.transactionId)
            entry.field("method", link.method.rawValue)
            entry.key("confirmed")
            entry.bool(link.confirmed)
            entry.endObject()
        }
        entry.endArray()
        entry.field("file", fileName)
        entry.field("content_type", draft.contentType)
        entry.field("size", draft.size)
        entry.field("sha256", draft.sha256)
        entry.endObject()
        try json.write(entry.bytes)
        documents.append(.init(receiptId: receipt.id, name: fileName, sha256: draft.sha256, size: draft.size))
    }

    /// Ends both files (flushed and closed) and returns what the ZIP is made of.
    public func finish() throws(ReceiptArchiveError) -> ReceiptArchiveContents {
        try csv.close()
        try json.write(Array("\n],\"receipt_count\":\(documents.count)}\n".utf8))
        try json.close()
        return ReceiptArchiveContents(csvPath: csv.path, jsonPath: json.path, documents: documents)
    }

    /// Removes both files (after the ZIP is written, or when it is given up).
    public func remove() {
        csv.abandon()
        json.abandon()
        unlink(csv.path)
        unlink(json.path)
    }

    /// One CSV record (RFC 4180): a field with a comma, a quote, CR or LF is quoted, its quotes doubled.
    /// One line of `index.csv`: every field through ``CSVField`` (a counterparty's name cannot become
    /// a spreadsheet formula), the amount column as it is.
    static func csvLine(_ fields: [String]) -> [UInt8] {
        let amount = csvColumns.firstIndex(of: "amount")
        var line = fields.enumerated().map { index, field in
            CSVField.escape(field, neutralizingFormulas: index != amount)
        }.joined(separator: ",")
        line += "\r\n"
        return Array(line.utf8)
    }

    private static func unique(_ ids: [String]) -> [String] {
        var seen = Set<String>()
        return ids.filter { seen.insert($0).inserted }
    }
}

/// What a receipt export's ZIP is made of: the two index files and each receipt's document.
public struct ReceiptArchiveContents: Sendable, Hashable {
    /// A receipt's kept file, as it goes into the ZIP.
    public struct Document: Sendable, Hashable {
        public var receiptId: String
        /// `documents/<receipt id><extension>`.
        public var name: String
        public var sha256: String
        public var size: Int64
    }

    public var csvPath: String
    public var jsonPath: String
    public var documents: [Document]
}

/// A file written through a 256 KB buffer (the index of a large export, without holding it).
final class BufferedFile {
    let path: String
    private var descriptor: Int32
    private var buffer: [UInt8] = []
    private static let capacity = 256 * 1024

    init(creating path: String) throws(ReceiptArchiveError) {
        self.path = path
        unlink(path)
        descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw ReceiptArchiveError.write("cannot create \(path): errno \(errno)") }
        buffer.reserveCapacity(Self.capacity)
    }

    deinit { abandon() }

    func write(_ bytes: [UInt8]) throws(ReceiptArchiveError) {
        buffer += bytes
        if buffer.count >= Self.capacity { try flush() }
    }

    func close() throws(ReceiptArchiveError) {
        try flush()
        guard Glibc.close(descriptor) == 0 else { throw ReceiptArchiveError.write("cannot close \(path): errno \(errno)") }
        descriptor = -1
    }

    /// Closes without writing what is buffered.
    func abandon() {
        if descriptor >= 0 { Glibc.close(descriptor) }
        descriptor = -1
        buffer = []
    }

    private func flush() throws(ReceiptArchiveError) {
        guard descriptor >= 0 else { throw ReceiptArchiveError.write("\(path) is closed already") }
        var written = 0
        while written < buffer.count {
            let count = buffer.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress! + written, $0.count - written) }
            if count < 0 {
                if errno == EINTR { continue }
                throw ReceiptArchiveError.write("cannot write \(path): errno \(errno)")
            }
            written += count
        }
        buffer.removeAll(keepingCapacity: true)
    }
}
