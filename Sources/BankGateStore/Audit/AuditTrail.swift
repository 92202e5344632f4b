public import BankGateCore

/// What a walk of the audit chain found.
public struct AuditVerification: Sendable {
    /// Records checked (up to and including the first break).
    public var checked: Int
    /// The last record of an intact chain (`nil` for an empty trail or a broken one).
    public var head: AuditRecord?
    /// The first record at which the chain does not hold; `nil`: intact.
    public var firstBreak: AuditChainBreak?

    public var isIntact: Bool { firstBreak == nil }
}

/// The audit trail read back: its head, a walk of the whole chain, and excerpts that can be
/// verified on their own. Works on any connection — the daemon's readers, or a read-only
/// connection of `bankgate audit verify` to the database file while the daemon is down.
public enum AuditTrail {
    /// Records read per page while walking.
    static let pageSize = 2_000
    /// The predecessor hash of the chain's first record (64 zeros).
    public static let genesis = AuditChain.genesis

    /// The chain's last record, `nil` for an empty trail.
    public static func head(_ db: StoreConnection) throws -> AuditRecord? {
        let last = try db.queryFirst("SELECT MAX(id) AS id FROM audit_log") { try $0.optionalInt("id") } ?? nil
        guard let last else { return nil }
        return try AuditChain.records(db, after: last - 1, limit: 1).first
    }

    /// Walks the whole chain from its first record and names the first record that was altered,
    /// removed or inserted. With `expectedHead` (an id and hash a log line recorded), also checks
    /// that the chain still holds that record with that hash.
    public static func verify(_ db: StoreConnection, expectedHead: (id: Int64, hash: String)? = nil) throws -> AuditVerification {
        var verifier = AuditChainVerifier()
        var after: Int64 = 0
        walk: while true {
            let page = try AuditChain.records(db, after: after, limit: pageSize)
            for record in page where !verifier.check(record) { break walk }
            guard let last = page.last else { break }
            after = last.id
        }
        if let expectedHead {
            let found = try AuditChain.records(db, after: expectedHead.id - 1, through: expectedHead.id, limit: 1).first
            verifier.expectHead(id: expectedHead.id, hash: expectedHead.hash, found: found)
        }
        return AuditVerification(checked: verifier.checked, head: verifier.head, firstBreak: verifier.firstBreak)
    }

    /// The records written from `from` to `to` (inclusive, milliseconds), in id order, `limit`
    /// at a time after record `after`.
    public static func records(_ db: StoreConnection, from: Timestamp, to: Timestamp, after: Int64, limit: Int) throws -> [AuditRecord] {
        // Ids grow with time only roughly (a clock may step back): select by time, walk by id.
        try db.query("""
            SELECT id, at, actor, action, subject_kind, subject_id, details, previous_hash, hash FROM audit_log
            WHERE id > ? AND at >= ? AND at <= ? ORDER BY id LIMIT ?
            """, [.integer(after), .integer(from.milliseconds), .integer(to.milliseconds), .integer(Int64(limit))]) { row in
            AuditRecord(id: try row.int("id"), at: Timestamp(milliseconds: try row.int("at")), actor: try row.text("actor"),
                        action: try row.text("action"), subjectKind: try row.text("subject_kind"),
                        subjectId: try row.text("subject_id"), details: try row.optionalText("details"),
                        previousHash: try row.optionalText("previous_hash") ?? "", hash: try row.optionalText("hash") ?? "")
        }
    }

    /// The records with ids `first...last`, `limit` at a time after `after`.
    public static func records(_ db: StoreConnection, after: Int64, through last: Int64, limit: Int) throws -> [AuditRecord] {
        try AuditChain.records(db, after: after, through: last, limit: limit)
    }

    /// The first and last id of the records written from `from` to `to`, `nil` when there are none.
    public static func idRange(_ db: StoreConnection, from: Timestamp, to: Timestamp) throws -> ClosedRange<Int64>? {
        let bounds = try db.queryFirst("SELECT MIN(id) AS first, MAX(id) AS last FROM audit_log WHERE at >= ? AND at <= ?",
                                       [.integer(from.milliseconds), .integer(to.milliseconds)]) {
            (try $0.optionalInt("first"), try $0.optionalInt("last"))
        }
        guard let first = bounds?.0, let last = bounds?.1 else { return nil }
        return first...last
    }
}
