public import BankGateCore

/// Receipt exports (`receipt_exports`): each step of an export — asked for, started, ready, failed,
/// queued again after an interruption — in one transaction with its audit record (subject kind
/// `receipt_export`, action `receipt_export.<step>`). Progress while it runs is a figure, not a
/// step: it is updated without an audit record. Shares the payment store's database.
public final class ReceiptExportStore: Sendable {
    let database: StoreDatabase

    /// A view of the export table of `store`'s database.
    public init(sharing store: PaymentStore) {
        database = store.database
    }

    /// Records a new export, `queued`, with its audit record (actor: the token that asked).
    public func create(accountIds: [String], fromDate: String, toDate: String, receiptCount: Int64, requestedBy: String,
                       at: Timestamp) async throws -> ReceiptExportRecord {
        try await database.write { db in
            let insertedID = try db.runReturningID("""
                INSERT INTO receipt_exports (requested_by, accounts, from_date, to_date, state, receipt_count, progress_permille, created_at)
                VALUES (?, ?, ?, ?, 'queued', ?, 0, ?)
                """, [.text(requestedBy), .text(accountIds.joined(separator: "\n")), .text(fromDate), .text(toDate),
                      .integer(receiptCount), .integer(at.milliseconds)]).id
            let row = insertedID
            try StoreJournal.audit(db, at: at, actor: requestedBy, action: "receipt_export.created", subject: ("receipt_export", "rex_\(row)"),
                                   details: "accounts \(accountIds.joined(separator: ", ")) booked \(fromDate) to \(toDate): "
                                       + "\(receiptCount) receipts")
            guard let record = try Self.load(db, row: row) else { throw StoreError.notFound("receipt export") }
            return record
        }
    }

    /// The export `id`, or nil.
    public func export(id: String) async throws -> ReceiptExportRecord? {
        guard let row = ReceiptExportRecord.rowId(id) else { return nil }
        return try await database.read { db in try Self.load(db, row: row) }
    }

    /// Exports, newest first, before `cursor` (an export id), at most `limit`.
    public func exports(before cursor: String?, limit: Int) async throws -> [ReceiptExportRecord] {
        let before = cursor.flatMap(ReceiptExportRecord.rowId) ?? Int64.max
        return try await database.read { db in
            try db.query("SELECT * FROM receipt_exports WHERE id < ? ORDER BY id DESC LIMIT ?",
                         [.integer(before), .integer(Int64(max(0, limit)))], Self.record)
        }
    }

    /// The oldest queued export, now `running` (audited `receipt_export.started`); nil when none waits.
    public func startNext(at: Timestamp) async throws -> ReceiptExportRecord? {
        try await database.write { db in
            guard let row = try db.queryFirst("SELECT id FROM receipt_exports WHERE state = 'queued' ORDER BY id LIMIT 1", [],
                                              { try $0.int("id") }) else { return nil }
            try db.run("UPDATE receipt_exports SET state = 'running', started_at = ?, progress_permille = 0 WHERE id = ?",
                       [.integer(at.milliseconds), .integer(row)])
            try StoreJournal.audit(db, at: at, actor: "system", action: "receipt_export.started", subject: ("receipt_export", "rex_\(row)"),
                                   details: nil)
            return try Self.load(db, row: row)
        }
    }

    /// Records how far a running export is (thousandths); not a step, not audited.
    public func updateProgress(id: String, permille: Int) async throws {
        guard let row = ReceiptExportRecord.rowId(id) else { return }
        _ = try await database.write { db in
            try db.run("UPDATE receipt_exports SET progress_permille = ? WHERE id = ? AND state = 'running'",
                       [.integer(Int64(min(1000, max(0, permille)))), .integer(row)])
        }
    }

    /// A running export is `ready` with what it wrote (audited `receipt_export.ready`).
    public func complete(id: String, outcome: ReceiptExportOutcome, at: Timestamp) async throws -> ReceiptExportRecord {
        try await finish(id: id, at: at, action: "receipt_export.ready",
                         details: "\(outcome.receiptCount) receipts, \(outcome.bytes) bytes, sha256 \(outcome.sha256)") { db, row in
            try db.run("""
                UPDATE receipt_exports SET state = 'ready', receipt_count = ?, bytes = ?, sha256 = ?, file_name = ?, progress_permille = 1000,
                    finished_at = ? WHERE id = ?
                """, [.integer(outcome.receiptCount), .integer(outcome.bytes), .text(outcome.sha256), .text(outcome.fileName),
                      .integer(at.milliseconds), .integer(row)])
        }
    }

    /// A running export `failed` with `code` and `message` (audited `receipt_export.failed`).
    public func fail(id: String, code: String, message: String, at: Timestamp) async throws -> ReceiptExportRecord {
        try await finish(id: id, at: at, action: "receipt_export.failed", details: "\(code): \(message)") { db, row in
            try db.run("""
                UPDATE receipt_exports SET state = 'failed', error_code = ?, error_message = ?, finished_at = ? WHERE id = ?
                """, [.text(code), .text(message), .integer(at.milliseconds), .integer(row)])
        }
    }

    /// Every `running` export back to `queued` (audited `receipt_export.requeued` with `reason`):
    /// at start, for those a crash interrupted, and at a shutdown for the one it stopped.
    /// Returns their ids.
    @discardableResult
    public func requeueRunning(reason: String, at: Timestamp) async throws -> [String] {
        try await database.write { db in
            let rows = try db.query("SELECT id FROM receipt_exports WHERE state = 'running' ORDER BY id", [], { try $0.int("id") })
            for row in rows {
                try db.run("UPDATE receipt_exports SET state = 'queued', started_at = NULL, progress_permille = 0 WHERE id = ?",
                           [.integer(row)])
                try StoreJournal.audit(db, at: at, actor: "system", action: "receipt_export.requeued",
                                       subject: ("receipt_export", "rex_\(row)"), details: reason)
            }
            return rows.map { "rex_\($0)" }
        }
    }

    private func finish(id: String, at: Timestamp, action: String, details: String,
                        _ update: @escaping @Sendable (StoreConnection, Int64) throws -> Void) async throws -> ReceiptExportRecord {
        guard let row = ReceiptExportRecord.rowId(id) else { throw StoreError.notFound("receipt export") }
        return try await database.write { db in
            guard let current = try Self.load(db, row: row) else { throw StoreError.notFound("receipt export") }
            guard current.state == .running else {
                throw StoreError.invalidState("receipt export \(id) is \(current.state.rawValue), not running")
            }
            try update(db, row)
            try StoreJournal.audit(db, at: at, actor: "system", action: action, subject: ("receipt_export", id), details: details)
            guard let record = try Self.load(db, row: row) else { throw StoreError.notFound("receipt export") }
            return record
        }
    }

    static func load(_ db: StoreConnection, row: Int64) throws -> ReceiptExportRecord? {
        try db.queryFirst("SELECT * FROM receipt_exports WHERE id = ?", [.integer(row)], record)
    }

    static func record(_ row: StoreRow) throws -> ReceiptExportRecord {
        try ReceiptExportRecord(
            id: "rex_\(row.int("id"))", requestedBy: row.text("requested_by"),
            accountIds: row.text("accounts").split(separator: "\n").map(String.init), fromDate: row.text("from_date"),
            toDate: row.text("to_date"), state: row.value("state"), receiptCount: row.int("receipt_count"),
            bytes: row.optionalInt("bytes"), sha256: row.optionalText("sha256"), fileName: row.optionalText("file_name"),
            errorCode: row.optionalText("error_code"), errorMessage: row.optionalText("error_message"),
            progressPermille: Int(row.int("progress_permille")), createdAt: Timestamp(milliseconds: row.int("created_at")),
            startedAt: row.optionalInt("started_at").map { Timestamp(milliseconds: $0) },
            finishedAt: row.optionalInt("finished_at").map { Timestamp(milliseconds: $0) })
    }
}
