public import BankGateCore

/// Electronic receipts and what they prove. Shares the payment store's database, so a receipt, its
/// links, its audit record and its `receipt.available` event are written in one transaction.
///
/// A receipt is stored once per account and bank identity (receipt number, else bank serial, else
/// the file's hash): storing it again finds the one stored before and adds no row.
public final class ReceiptStore: Sendable {
    let database: StoreDatabase

    /// A view of the receipt tables of `store`'s database.
    public init(sharing store: PaymentStore) {
        database = store.database
    }

    /// Stores a receipt with its links, its audit record (`receipt.stored`) and the event
    /// `receipt.available` (with the links). A receipt the account already has is not stored again:
    /// the stored one is returned, and only links it lacked are added (audited `receipt.linked`).
    public func insert(_ draft: ReceiptDraft, links: [ReceiptLinkDraft], at: Timestamp) async throws -> ReceiptInsertResult {
        try await database.write { db in
            let (changed, insertedID) = try db.runReturningID("""
                INSERT INTO receipts (bank_id, account_id, receipt_key, booking_date, amount_minor, currency, direction,
                    counterparty_name, counterparty_account, counterparty_bank, receipt_number, bank_serial, client_reference, kind,
                    purpose, content_type, sha256, size, origin, template, source_message_id, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (account_id, receipt_key) DO NOTHING
                """, [.text(draft.bankId), .text(draft.accountId), .text(draft.identity), .text(draft.bookingDate),
                      .integer(draft.amount.minorUnits), .text(draft.amount.currency.code), .text(draft.direction),
                      draft.counterpartyName.sqlValue, draft.counterpartyAccount.sqlValue, draft.counterpartyBank.sqlValue,
                      draft.receiptNumber.sqlValue, draft.bankSerial.sqlValue, draft.clientReference.sqlValue, draft.kind.sqlValue,
                      draft.purpose.sqlValue, .text(draft.contentType), .text(draft.sha256), .integer(draft.size),
                      .text(draft.origin.rawValue), draft.template.sqlValue, draft.sourceMessageId.sqlValue, .integer(at.milliseconds)])
            let inserted = changed == 1
            let row: Int64
            if inserted {
                row = insertedID
            } else {
                guard let existing = try db.queryFirst("SELECT id FROM receipts WHERE account_id = ? AND receipt_key = ?",
                                                       [.text(draft.accountId), .text(draft.identity)], { try $0.int("id") }) else {
                    throw StoreError.database("receipt \(draft.identity) vanished during its insert")
                }
                row = existing
            }
            let receiptId = "rcp_\(row)"
            var added = 0
            for link in links where try Self.addLink(db, receiptRow: row, link, at: at) {
                added += 1
                if !inserted {
                    try StoreJournal.audit(db, at: at, actor: "system", action: "receipt.linked", subject: ("receipt", receiptId),
                                           details: Self.describe(link))
                }
            }
            guard let record = try Self.load(db, row: row) else { throw StoreError.notFound("receipt") }
            if inserted {
                try StoreJournal.audit(db, at: at, actor: "system", action: "receipt.stored", subject: ("receipt", receiptId),
                                       details: "\(draft.origin.rawValue) \(draft.contentType) sha256 \(draft.sha256) for \(draft.accountId) "
                                           + "\(draft.bookingDate) \(draft.amount)"
                                           + (record.links.isEmpty ? "" : "; " + record.links.map { Self.describe($0) }.joined(separator: "; ")))
                try StoreJournal.appendEvent(db, type: "receipt.available",
                                             paymentId: record.links.first(where: { $0.confirmed && $0.paymentId != nil })?.paymentId,
                                             account: record.draft.accountId, at: at, payload: Self.eventPayload(record))
            }
            return ReceiptInsertResult(receipt: record, inserted: inserted, addedLinks: added)
        }
    }

    /// One receipt by id (`rcp_<n>`), with its links.
    public func receipt(id: String) async throws -> ReceiptRecord? {
        guard let row = ReceiptRecord.rowId(id) else { return nil }
        return try await database.read { db in try Self.load(db, row: row) }
    }

    /// Receipts matching `filter`, oldest first, after `cursor` (a receipt id), at most `limit`.
    public func receipts(_ filter: ReceiptFilter, after cursor: String?, limit: Int) async throws -> [ReceiptRecord] {
        let after = cursor.flatMap(ReceiptRecord.rowId) ?? 0
        let transactionRow: SQLValue = filter.transactionId.map { BankTransactionRecord.rowId($0).map(SQLValue.integer) ?? .integer(-1) } ?? .null
        let linked: SQLValue = filter.linked.map { .integer($0 ? 1 : 0) } ?? .null
        return try await database.read { db in
            let rows = try db.query("""
                SELECT r.id FROM receipts r
                WHERE r.id > ?1
                  AND (?2 IS NULL OR r.account_id = ?2)
                  AND (?3 IS NULL OR r.booking_date >= ?3)
                  AND (?4 IS NULL OR r.booking_date <= ?4)
                  AND (?5 IS NULL OR EXISTS (SELECT 1 FROM receipt_links l WHERE l.receipt_id = r.id AND l.payment_id = ?5))
                  AND (?6 IS NULL OR EXISTS (SELECT 1 FROM receipt_links l WHERE l.receipt_id = r.id AND l.transaction_id = ?6))
                  AND (?7 IS NULL OR ?7 = EXISTS (SELECT 1 FROM receipt_links l WHERE l.receipt_id = r.id AND l.confirmed = 1))
                  AND (?9 IS NULL OR r.account_id IN (SELECT value FROM json_each(?9)))
                ORDER BY r.id LIMIT ?8
                """, [.integer(after), filter.accountId.sqlValue, filter.fromDate.sqlValue, filter.toDate.sqlValue,
                      filter.paymentId.sqlValue, transactionRow, linked, .integer(Int64(max(0, limit))),
                      filter.accountIds.map { .text(PaymentStore.jsonArray($0)) } ?? .null], { try $0.int("id") })
            return try rows.compactMap { try Self.load(db, row: $0) }
        }
    }

    /// The account's receipt of bank identity `identity` (``ReceiptDraft/identity``), if stored.
    public func receipt(accountId: String, identity: String) async throws -> ReceiptRecord? {
        try await database.read { db in
            guard let row = try db.queryFirst("SELECT id FROM receipts WHERE account_id = ? AND receipt_key = ?",
                                              [.text(accountId), .text(identity)], { try $0.int("id") }) else { return nil }
            return try Self.load(db, row: row)
        }
    }

    /// The links of a receipt, oldest first.
    public func links(receiptId: String) async throws -> [ReceiptLink] {
        guard let row = ReceiptRecord.rowId(receiptId) else { return [] }
        return try await database.read { db in try Self.links(db, receiptRow: row) }
    }

    /// The receipts linked to `paymentId`, oldest first.
    public func receipts(paymentId: String) async throws -> [ReceiptRecord] {
        try await receipts(ReceiptFilter(paymentId: paymentId), after: nil, limit: 100)
    }

    // MARK: - Rows

    /// Adds `link` unless the receipt has it already; true when added.
    private static func addLink(_ db: StoreConnection, receiptRow: Int64, _ link: ReceiptLinkDraft, at: Timestamp) throws -> Bool {
        let transactionRow: SQLValue = link.transactionId.flatMap(BankTransactionRecord.rowId).map(SQLValue.integer) ?? .null
        guard link.paymentId != nil || transactionRow != .null else { return false }
        let present = try db.queryFirst("""
            SELECT 1 AS found FROM receipt_links WHERE receipt_id = ? AND payment_id IS ? AND transaction_id IS ?
            """, [.integer(receiptRow), link.paymentId.sqlValue, transactionRow], { try $0.int("found") })
        guard present == nil else { return false }
        try db.run("""
            INSERT INTO receipt_links (receipt_id, payment_id, transaction_id, method, confirmed, created_at) VALUES (?, ?, ?, ?, ?, ?)
            """, [.integer(receiptRow), link.paymentId.sqlValue, transactionRow, .text(link.method.rawValue),
                  .integer(link.confirmed ? 1 : 0), .integer(at.milliseconds)])
        return true
    }

    static func load(_ db: StoreConnection, row: Int64) throws -> ReceiptRecord? {
        guard var record = try db.queryFirst("""
            SELECT id, bank_id, account_id, booking_date, amount_minor, currency, direction, counterparty_name, counterparty_account,
                counterparty_bank, receipt_number, bank_serial, client_reference, kind, purpose, content_type, sha256, size, origin,
                template, source_message_id, created_at FROM receipts WHERE id = ?
            """, [.integer(row)], receipt) else { return nil }
        record.links = try links(db, receiptRow: row)
        return record
    }

    static func links(_ db: StoreConnection, receiptRow: Int64) throws -> [ReceiptLink] {
        try db.query("""
            SELECT receipt_id, payment_id, transaction_id, method, confirmed, created_at FROM receipt_links WHERE receipt_id = ? ORDER BY id
            """, [.integer(receiptRow)]) { row in
            try ReceiptLink(receiptId: "rcp_\(row.int("receipt_id"))", paymentId: row.optionalText("payment_id"),
                            transactionId: row.optionalInt("transaction_id").map { "btx_\($0)" }, method: row.value("method"),
                            confirmed: row.int("confirmed") == 1, createdAt: Timestamp(milliseconds: row.int("created_at")))
        }
    }

    static func receipt(_ row: StoreRow) throws -> ReceiptRecord {
        guard let currency = try Currency(code: row.text("currency")) else { throw StoreError.database("corrupt receipt row") }
        let draft = try ReceiptDraft(
            bankId: row.text("bank_id"), accountId: row.text("account_id"), bookingDate: row.text("booking_date"),
            amount: Money(minorUnits: row.int("amount_minor"), currency: currency), direction: row.text("direction"),
            counterpartyName: row.optionalText("counterparty_name"), counterpartyAccount: row.optionalText("counterparty_account"),
            counterpartyBank: row.optionalText("counterparty_bank"), receiptNumber: row.optionalText("receipt_number"),
            bankSerial: row.optionalText("bank_serial"), clientReference: row.optionalText("client_reference"),
            kind: row.optionalText("kind"), purpose: row.optionalText("purpose"), contentType: row.text("content_type"),
            sha256: row.text("sha256"), size: row.int("size"), origin: row.value("origin"), template: row.optionalText("template"),
            sourceMessageId: row.optionalInt("source_message_id"))
        return try ReceiptRecord(id: "rcp_\(row.int("id"))", draft: draft, createdAt: Timestamp(milliseconds: row.int("created_at")),
                                 links: [])
    }

    private static func describe(_ link: ReceiptLinkDraft) -> String {
        describe(paymentId: link.paymentId, transactionId: link.transactionId, method: link.method, confirmed: link.confirmed)
    }

    private static func describe(_ link: ReceiptLink) -> String {
        describe(paymentId: link.paymentId, transactionId: link.transactionId, method: link.method, confirmed: link.confirmed)
    }

    private static func describe(paymentId: String?, transactionId: String?, method: ReceiptLinkMethod, confirmed: Bool) -> String {
        let target = [paymentId, transactionId].compactMap { $0 }.joined(separator: " ")
        return "\(confirmed ? "linked" : "suggested") \(target) by \(method.rawValue)"
    }

    /// The `receipt.available` event: the receipt's filing fields and its links.
    static func eventPayload(_ record: ReceiptRecord) -> String {
        let draft = record.draft
        var json = JSONWriter(capacity: 768)
        json.beginObject()
        json.field("receipt_id", record.id)
        json.field("bank", draft.bankId)
        json.field("account", draft.accountId)
        json.field("booking_date", draft.bookingDate)
        json.field("amount", draft.amount.decimalString)
        json.field("currency", draft.amount.currency.code)
        json.field("direction", draft.direction)
        json.field("counterparty_name", draft.counterpartyName)
        json.field("counterparty_account", draft.counterpartyAccount)
        json.field("receipt_number", draft.receiptNumber)
        json.field("bank_serial", draft.bankSerial)
        json.field("client_reference", draft.clientReference)
        json.field("kind", draft.kind)
        json.field("content_type", draft.contentType)
        json.field("sha256", draft.sha256)
        json.field("size", draft.size)
        json.field("origin", draft.origin.rawValue)
        json.key("links")
        json.beginArray()
        for link in record.links {
            json.beginObject()
            json.field("payment_id", link.paymentId)
            json.field("transaction_id", link.transactionId)
            json.field("method", link.method.rawValue)
            json.key("confirmed")
            json.bool(link.confirmed)
            json.endObject()
        }
        json.endArray()
        json.endObject()
        return json.text
    }
}
