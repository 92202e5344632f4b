/// The SQL dialect a connection speaks. The store writes SQL that both accept where it can (`ON
/// CONFLICT`, `RETURNING`, `COALESCE`, `CAST(… AS BIGINT)`); the PostgreSQL session translates the
/// few forms that differ (see ``PostgresSQL``).
public enum SQLDialect: Sendable {
    case sqlite
    case postgres
}

/// One connection to the store's database, SQLite or PostgreSQL. Not thread-safe: it lives on one
/// thread (the writer, or a reader).
///
/// Statements use `?` (or `?N`) placeholders and ``SQLValue`` arguments; rows are read through
/// ``StoreRow`` by column name.
public final class StoreConnection {
    enum Backend {
        case sqlite(SQLiteSession)
        case postgres(PostgresSession)
    }

    let backend: Backend
    /// Whether the running job opened the transaction itself (a PostgreSQL reader's snapshot).
    private var jobOwnsTransaction = false
    /// Whether a group's write transaction is open (``beginWriteTransaction()``…``endWriteTransaction()``).
    private(set) var inGroupTransaction = false
    /// The audit chain's last record as this connection wrote it in the open group transaction:
    /// appends after the first of a group need not read it again. Forgotten when a job is rolled
    /// back and when the transaction ends (another instance may append between two transactions).
    var auditHead: AuditChain.Head?

    init(_ backend: Backend) { self.backend = backend }

    /// Opens (creating if needed) the SQLite database at `path` in WAL mode with `synchronous=FULL`.
    public convenience init(path: String, readOnly: Bool = false) throws(DatabaseError) {
        self.init(.sqlite(try SQLiteSession(path: path, readOnly: readOnly)))
    }

    /// Opens a connection of its own to the database at `location` (SQLite file or PostgreSQL
    /// schema), outside a ``StoreDatabase``'s threads: for tools and tests that read or repair the
    /// store directly. `readOnly` makes every transaction on it read-only, and creates nothing (not
    /// even a missing PostgreSQL schema).
    public convenience init(location: StoreLocation, readOnly: Bool = false) throws(DatabaseError) {
        switch location {
        case .sqlite(let path):
            try self.init(path: path, readOnly: readOnly)
        case .postgres(let postgres):
            let session = try PostgresSession(location: postgres, createsSchema: !readOnly)
            if readOnly { try session.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY") }
            self.init(.postgres(session))
        }
    }

    /// The dialect of the database behind this connection.
    public var dialect: SQLDialect {
        switch backend {
        case .sqlite: .sqlite
        case .postgres: .postgres
        }
    }

    /// Runs one or more statements without parameters (schema, transaction control).
    public func execute(_ sql: String) throws(DatabaseError) {
        switch backend {
        case .sqlite(let session): try session.execute(sql)
        case .postgres(let session): try session.execute(sql)
        }
    }

    /// Runs a statement with bound parameters and returns the number of rows it changed.
    @discardableResult
    public func run(_ sql: String, _ arguments: [SQLValue] = []) throws(DatabaseError) -> Int {
        switch backend {
        case .sqlite(let session): try session.run(sql, arguments)
        case .postgres(let session): try session.run(sql, arguments)
        }
    }

    /// Runs the statements of `batch` (see ``WriteBatch`` for which statements may share one): one
    /// after the other on SQLite, where a statement costs no round trip; on PostgreSQL as few
    /// statements as possible, each a `WITH` of data-modifying parts, so one round trip each.
    public func runBatch(_ batch: WriteBatch) throws(DatabaseError) {
        switch backend {
        case .sqlite(let session):
            for statement in batch.statements { _ = try session.run(statement.sql, statement.arguments) }
        case .postgres(let session):
            try session.runCombined(batch.statements)
        }
        if inGroupTransaction, let head = batch.auditHead { auditHead = head }
    }

    /// Runs a query and maps each row.
    public func query<T>(_ sql: String, _ arguments: [SQLValue] = [], _ map: (StoreRow) throws -> T) throws -> [T] {
        switch backend {
        case .sqlite(let session): try session.query(sql, arguments) { try map(StoreRow(storage: .sqlite($0))) }
        case .postgres(let session): try session.query(sql, arguments) { try map(StoreRow(storage: .postgres($0))) }
        }
    }

    /// The first row of a query, or `nil`.
    public func queryFirst<T>(_ sql: String, _ arguments: [SQLValue] = [], _ map: (StoreRow) throws -> T) throws -> T? {
        switch backend {
        case .sqlite(let session): try session.queryFirst(sql, arguments) { try map(StoreRow(storage: .sqlite($0))) }
        case .postgres(let session): try session.query(sql, arguments, limit: 1) { try map(StoreRow(storage: .postgres($0))) }.first
        }
    }

    /// Runs an `INSERT` into a table keyed by an integer `id` and returns how many rows it inserted
    /// (0 when `ON CONFLICT … DO NOTHING` skipped it) and the new row's id (0 when none).
    public func runReturningID(_ sql: String, _ arguments: [SQLValue] = []) throws -> (changed: Int, id: Int64) {
        let ids = try query(sql + " RETURNING id", arguments) { try $0.int("id") }
        return (ids.count, ids.first ?? 0)
    }

    /// Rows changed since the connection opened.
    var totalChanges: Int64 {
        switch backend {
        case .sqlite(let session): session.totalChanges
        case .postgres(let session): session.totalChanges
        }
    }

    /// Whether no transaction is open: true outside `BEGIN`…`COMMIT`, and again after the database
    /// rolled a transaction back on its own (SQLite after `SQLITE_FULL`, `SQLITE_IOERR`…; PostgreSQL
    /// when the connection was lost).
    var isAutocommit: Bool {
        switch backend {
        case .sqlite(let session): session.isAutocommit
        case .postgres(let session): !session.inTransaction
        }
    }

    /// Begins one job (one `read` or `write` body): a savepoint inside the group's transaction, so
    /// that a failing body rolls back alone. Outside a transaction (a reader), SQLite's savepoint
    /// is a transaction of its own; on PostgreSQL the job opens a read-only snapshot transaction, so
    /// that every query of one read sees the same committed state, as on SQLite.
    func beginJob() throws(DatabaseError) {
        if case .postgres(let session) = backend, !session.inTransaction {
            try session.run("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY", [])
            jobOwnsTransaction = true
        } else {
            try run("SAVEPOINT job")
        }
    }

    /// Ends a job whose body succeeded (its changes join the group's transaction).
    ///
    /// On PostgreSQL, where every statement is a round trip, a writer's savepoint is left open
    /// rather than released: the next job's savepoint of the same name hides it, a rollback goes
    /// back to the latest one only, and the group's COMMIT releases them all. Their number is
    /// bounded by the group's size (``StoreDatabase``'s `maxGroupSize` for PostgreSQL).
    func releaseJob() throws(DatabaseError) {
        if jobOwnsTransaction {
            jobOwnsTransaction = false
            try run("COMMIT")
        } else if case .postgres = backend, inGroupTransaction {
            return
        } else {
            try run("RELEASE job")
        }
    }

    /// Undoes a failed job's changes. When its savepoint cannot be rolled back alone, the whole
    /// transaction is, so that no part of the failed body is ever committed.
    func rollBackJob() {
        auditHead = nil
        if jobOwnsTransaction {
            jobOwnsTransaction = false
            _ = try? run("ROLLBACK")
            return
        }
        do {
            try run("ROLLBACK TO job")
            try run("RELEASE job")
        } catch {
            _ = try? run("ROLLBACK")
        }
    }

    /// Begins the write transaction of a group. SQLite takes its write lock at once (`BEGIN
    /// IMMEDIATE`); PostgreSQL takes the store's write lock, an advisory lock held to the end of the
    /// transaction, so that writes of every instance sharing the database are serialized as SQLite's
    /// are (the audit chain and the outbox sequence rely on one writer at a time).
    func beginWriteTransaction() throws(DatabaseError) {
        auditHead = nil
        switch backend {
        case .sqlite(let session): try session.run("BEGIN IMMEDIATE", [])
        case .postgres(let session):
            try session.run("BEGIN", [])
            try session.run("SELECT pg_advisory_xact_lock(\(PostgresSession.writeLockKey))", [])
        }
        inGroupTransaction = true
    }

    /// The group's transaction has ended (committed or rolled back): what was known of it is forgotten.
    func endWriteTransaction() {
        inGroupTransaction = false
        auditHead = nil
    }
}
