public import BankGateCore
import BankGateCrypto

/// One record of the audit trail as it is chained: its content, the hash of its predecessor and
/// its own hash.
public struct AuditRecord: Sendable, Hashable {
    public var id: Int64
    public var at: Timestamp
    public var actor: String
    public var action: String
    public var subjectKind: String
    public var subjectId: String
    public var details: String?
    /// The ``hash`` of the record before it (``AuditChain/genesis`` for the first record).
    public var previousHash: String
    /// SHA-256 (hex) of ``canonicalContent``.
    public var hash: String

    public init(id: Int64, at: Timestamp, actor: String, action: String, subjectKind: String, subjectId: String,
                details: String?, previousHash: String, hash: String) {
        self.id = id
        self.at = at
        self.actor = actor
        self.action = action
        self.subjectKind = subjectKind
        self.subjectId = subjectId
        self.details = details
        self.previousHash = previousHash
        self.hash = hash
    }

    /// The bytes the record's hash is taken over: a version tag, then every field — the id and
    /// the predecessor's hash included — as `<length>:<UTF-8 bytes>\n` (`-\n` for an absent
    /// `details`), so that no two different records share them.
    public var canonicalContent: [UInt8] {
        var bytes = Array("bankgate-audit-v1\n".utf8)
        func field(_ text: String?) {
            guard let text else { bytes.append(contentsOf: Array("-\n".utf8)); return }
            let utf8 = Array(text.utf8)
            bytes.append(contentsOf: Array("\(utf8.count):".utf8))
            bytes.append(contentsOf: utf8)
            bytes.append(0x0A)
        }
        for value in [String(id), String(at.milliseconds), actor, action, subjectKind, subjectId] { field(value) }
        field(details)
        field(previousHash)
        return bytes
    }

    /// The hash ``canonicalContent`` has: SHA-256 applied twice (the SHA-256 of its 32-byte
    /// SHA-256 digest), as every chain since `bankgate-audit-v1` was written.
    public var computedHash: String { SHA256.hex(SHA256.digest(canonicalContent)) }
}

/// The audit trail as a hash chain: every record holds its predecessor's hash and the hash of its
/// own canonical content, so a record altered, removed or inserted in the database breaks the
/// chain at that record (``AuditChainVerifier``). Records are appended only through
/// ``append(_:at:actor:action:subject:details:)``, in the transaction of the change they record.
enum AuditChain {
    /// The predecessor hash of the first record.
    static let genesis = String(repeating: "0", count: 64)

    /// The chain's last record: its id and hash.
    struct Head: Sendable, Equatable {
        var id: Int64
        var hash: String
    }

    /// Appends a record after the chain's last one and returns it.
    @discardableResult
    static func append(_ db: StoreConnection, at: Timestamp, actor: String, action: String,
                       subject: (kind: String, id: String), details: String?) throws -> AuditRecord {
        var batch = WriteBatch()
        let record = try append(db, into: &batch, at: at, actor: actor, action: action, subject: subject, details: details)
        try db.runBatch(batch)
        return record
    }

    /// Adds the INSERT of a record after the chain's last one to `batch`, and returns the record.
    /// The last one is the batch's own last record, else the one this connection's group
    /// transaction appended last, else the one stored: read once per group transaction.
    @discardableResult
    static func append(_ db: StoreConnection, into batch: inout WriteBatch, at: Timestamp, actor: String, action: String,
                       subject: (kind: String, id: String), details: String?) throws -> AuditRecord {
        let head = try batch.auditHead ?? (db.inGroupTransaction ? db.auditHead : nil) ?? storedHead(db)
        var record = AuditRecord(id: head.id + 1, at: at, actor: actor, action: action, subjectKind: subject.kind,
                                 subjectId: subject.id, details: details, previousHash: head.hash, hash: "")
        record.hash = record.computedHash
        batch.add("""
            INSERT INTO audit_log (id, at, actor, action, subject_kind, subject_id, details, previous_hash, hash)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, [.integer(record.id), .integer(at.milliseconds), .text(actor), .text(action), .text(subject.kind),
                  .text(subject.id), details.sqlValue, .text(record.previousHash), .text(record.hash)])
        batch.auditHead = Head(id: record.id, hash: record.hash)
        return record
    }

    /// The last record stored (``genesis`` before the first; an unchained record's hash is taken
    /// as ``genesis`` too).
    private static func storedHead(_ db: StoreConnection) throws -> Head {
        try db.queryFirst("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1") {
            Head(id: try $0.int("id"), hash: try $0.optionalText("hash") ?? genesis)
        } ?? Head(id: 0, hash: genesis)
    }

    /// Chains the records written before the chain existed (migration `012_audit_chain`), in id
    /// order, from ``genesis``.
    static func chainExisting(_ db: StoreConnection) throws {
        var previous = genesis
        var after: Int64 = 0
        while true {
            let page = try db.query("""
                SELECT id, at, actor, action, subject_kind, subject_id, details FROM audit_log
                WHERE id > ? ORDER BY id LIMIT 1000
                """, [.integer(after)]) { row in
                AuditRecord(id: try row.int("id"), at: Timestamp(milliseconds: try row.int("at")), actor: try row.text("actor"),
                            action: try row.text("action"), subjectKind: try row.text("subject_kind"),
                            subjectId: try row.text("subject_id"), details: try row.optionalText("details"),
                            previousHash: "", hash: "")
            }
            for var record in page {
                record.previousHash = previous
                record.hash = record.computedHash
                try db.run("UPDATE audit_log SET previous_hash = ?, hash = ? WHERE id = ?",
                           [.text(record.previousHash), .text(record.hash), .integer(record.id)])
                previous = record.hash
            }
            guard let last = page.last else { return }
            after = last.id
        }
    }

    /// Reads records `fromId...toId` (at most `limit`), in id order.
    static func records(_ db: StoreConnection, after: Int64, through: Int64 = .max, limit: Int) throws -> [AuditRecord] {
        try db.query("""
            SELECT id, at, actor, action, subject_kind, subject_id, details, previous_hash, hash FROM audit_log
            WHERE id > ? AND id <= ? ORDER BY id LIMIT ?
            """, [.integer(after), .integer(through), .integer(Int64(limit))]) { row in
            AuditRecord(id: try row.int("id"), at: Timestamp(milliseconds: try row.int("at")), actor: try row.text("actor"),
                        action: try row.text("action"), subjectKind: try row.text("subject_kind"),
                        subjectId: try row.text("subject_id"), details: try row.optionalText("details"),
                        previousHash: try row.optionalText("previous_hash") ?? "", hash: try row.optionalText("hash") ?? "")
        }
    }
}
