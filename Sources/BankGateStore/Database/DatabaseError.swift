import CSQLite

/// An error from the database (SQLite or PostgreSQL), with the operation that failed. Never contains
/// bound values.
public struct DatabaseError: Error, Sendable, CustomStringConvertible {
    /// SQLite's (extended) result code; 0 for an error from PostgreSQL.
    public var code: Int32
    /// PostgreSQL's SQLSTATE (five characters), or `nil` for an error from SQLite.
    public var sqlState: String?
    /// The database's message and what we were doing.
    public var message: String

    public init(code: Int32, message: String) {
        self.code = code
        self.sqlState = nil
        self.message = message
    }

    init(code: Int32, sqlState: String?, message: String) {
        self.code = code
        self.sqlState = sqlState
        self.message = message
    }

    /// An error from PostgreSQL with its SQLSTATE.
    public init(sqlState: String, message: String) {
        self.code = 0
        self.sqlState = sqlState
        self.message = message
    }

    public var description: String {
        if let sqlState { return "PostgreSQL error \(sqlState): \(message)" }
        return "SQLite error \(code): \(message)"
    }

    /// Whether the error is a UNIQUE, PRIMARY KEY or other constraint violation.
    public var isConstraintViolation: Bool {
        if let sqlState { return sqlState.hasPrefix("23") }
        return code & 0xFF == SQLITE_CONSTRAINT
    }

    /// Whether the error says the database cannot store anything now (a full disk, an I/O error, a
    /// read-only or locked file, a transaction rolled back, a lost connection to the server) rather
    /// than that one statement was wrong: what readiness reports, and what a write after a bank call
    /// is retried through.
    public var isStorageFailure: Bool {
        if let sqlState {
            // Connection exceptions, insufficient resources (disk full, out of memory), operator
            // intervention (shutdown), system errors, transaction rollbacks (serialization failures,
            // deadlocks), read-only transactions (a standby), internal errors.
            return ["08", "53", "57", "58", "40", "XX"].contains(where: sqlState.hasPrefix) || sqlState == "25006"
        }
        switch code & 0xFF {
        case SQLITE_FULL, SQLITE_IOERR, SQLITE_READONLY, SQLITE_CANTOPEN, SQLITE_CORRUPT, SQLITE_NOTADB, SQLITE_NOMEM,
             SQLITE_ABORT, SQLITE_BUSY, SQLITE_LOCKED, SQLITE_PROTOCOL: return true
        default: return false
        }
    }

    /// What SQLite says when the disk is full (for fault injection in tests).
    package static let diskFull = DatabaseError(code: SQLITE_FULL, message: "database or disk is full")
    /// An error that is no storage failure (for fault injection in tests).
    package static let statementFailed = DatabaseError(code: SQLITE_ERROR, message: "injected statement failure")

    /// A grouped write whose transaction was rolled back before it could commit: not stored.
    static let transactionRolledBack = DatabaseError(code: SQLITE_ABORT, message: "transaction rolled back; nothing of it was committed")
    /// The database was closed before the work could run.
    static let closed = DatabaseError(code: SQLITE_MISUSE, message: "database is closed")
}
