/// Writes gathered to be run together (``StoreConnection/runBatch(_:)``): on PostgreSQL one
/// statement, so one round trip to the server, instead of one per write.
///
/// Only writes that are independent of each other belong in one batch: no statement reads what
/// another one of the batch writes, and no two change the same row. INSERTs of new rows and
/// UPDATEs of distinct rows are; an UPDATE of a row inserted by the same batch is not (on
/// PostgreSQL every part of the batch sees the database as it was before the batch).
public struct WriteBatch: Sendable {
    /// The statements in the order they were added (and run, on SQLite).
    public private(set) var statements: [(sql: String, arguments: [SQLValue])] = []
    /// The audit chain's head after the audit records of this batch (``AuditChain``): an append
    /// into a batch cannot read the records the batch has not written yet. A batch holding audit
    /// records is run before any audit record is appended outside it.
    var auditHead: AuditChain.Head?

    public init() {}

    public var isEmpty: Bool { statements.isEmpty }

    /// Adds a statement (an INSERT, or an UPDATE of rows no other statement of the batch touches).
    public mutating func add(_ sql: String, _ arguments: [SQLValue] = []) {
        statements.append((sql, arguments))
    }

    mutating func removeAll() {
        statements.removeAll(keepingCapacity: true)
    }
}
