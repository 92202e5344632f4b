import CSQLite

/// One SQLite connection. Not thread-safe: it lives on one thread (the writer, or a reader).
final class SQLiteSession {
    private let handle: OpaquePointer
    private var statements: [String: PreparedStatement] = [:]

    /// Process-wide SQLite settings (see `bankgate_sqlite3_configure`), applied before the first open.
    private static let configured: Int32 = bankgate_sqlite3_configure()

    /// Opens (creating if needed) the database at `path` in WAL mode with `synchronous=FULL`.
    init(path: String, readOnly: Bool = false) throws(DatabaseError) {
        _ = Self.configured
        var db: OpaquePointer?
        let flags = readOnly
            ? SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX
            : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
        let rc = sqlite3_open_v2(path, &db, flags, nil)
        guard rc == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "cannot open"
            sqlite3_close(db)
            throw DatabaseError(code: rc, message: "open: \(message)")
        }
        handle = db
        sqlite3_busy_timeout(db, 10_000)
        sqlite3_extended_result_codes(db, 1)
        if !readOnly {
            try execute("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;")
        }
        // Temporary storage in memory. Above all this keeps the savepoint sub-journal (the pages a
        // grouped write changes, kept so that one failing body can be rolled back alone) off disk:
        // with the default it spills to a temporary file after 64 KiB and then costs two write
        // syscalls per changed page per write. It is never used for crash recovery (the WAL is),
        // so durability is unchanged.
        try execute("PRAGMA temp_store=MEMORY;")
    }

    deinit {
        for statement in statements.values { sqlite3_finalize(statement.handle) }
        sqlite3_close_v2(handle)
    }

    /// Runs one or more statements without parameters (schema, pragmas, transaction control).
    func execute(_ sql: String) throws(DatabaseError) {
        var error: UnsafeMutablePointer<CChar>?
        let rc = sqlite3_exec(handle, sql, nil, nil, &error)
        if rc != SQLITE_OK {
            let message = error.map { String(cString: $0) } ?? "exec failed"
            sqlite3_free(error)
            throw DatabaseError(code: rc, message: message)
        }
    }

    /// Runs a statement with bound parameters and returns the number of rows it changed.
    @discardableResult
    func run(_ sql: String, _ arguments: [SQLValue] = []) throws(DatabaseError) -> Int {
        let statement = try prepared(sql, arguments).handle
        defer { sqlite3_reset(statement) }
        let rc = sqlite3_step(statement)
        guard rc == SQLITE_DONE || rc == SQLITE_ROW else { throw error(rc, "step") }
        return Int(sqlite3_changes(handle))
    }

    /// Runs a query and maps each row.
    func query<T>(_ sql: String, _ arguments: [SQLValue] = [],
                         _ map: (SQLiteRow) throws -> T) throws -> [T] {
        let prepared = try prepared(sql, arguments)
        let statement = prepared.handle
        defer { sqlite3_reset(statement) }
        var rows: [T] = []
        while true {
            let rc = sqlite3_step(statement)
            if rc == SQLITE_DONE { break }
            guard rc == SQLITE_ROW else { throw error(rc, "step") }
            rows.append(try map(SQLiteRow(statement: statement, columns: prepared.columns)))
        }
        return rows
    }

    /// The first row of a query, or `nil`.
    func queryFirst<T>(_ sql: String, _ arguments: [SQLValue] = [],
                              _ map: (SQLiteRow) throws -> T) throws -> T? {
        let prepared = try prepared(sql, arguments)
        let statement = prepared.handle
        defer { sqlite3_reset(statement) }
        let rc = sqlite3_step(statement)
        if rc == SQLITE_DONE { return nil }
        guard rc == SQLITE_ROW else { throw error(rc, "step") }
        return try map(SQLiteRow(statement: statement, columns: prepared.columns))
    }

    /// Rows changed since the connection opened.
    var totalChanges: Int64 { sqlite3_total_changes64(handle) }

    /// The rowid of the last inserted row.
    var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }

    /// Whether no transaction is open: true outside `BEGIN`…`COMMIT`, and again after SQLite rolled
    /// a transaction back on its own (after `SQLITE_FULL`, `SQLITE_IOERR`, `SQLITE_NOMEM`, some
    /// `SQLITE_BUSY`, or a `ROLLBACK`).
    var isAutocommit: Bool { sqlite3_get_autocommit(handle) != 0 }

    private func prepared(_ sql: String, _ arguments: [SQLValue]) throws(DatabaseError) -> PreparedStatement {
        let prepared: PreparedStatement
        if let cached = statements[sql] {
            prepared = cached
            sqlite3_clear_bindings(prepared.handle)
        } else {
            var raw: OpaquePointer?
            let rc = sqlite3_prepare_v3(handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &raw, nil)
            guard rc == SQLITE_OK, let raw else { throw error(rc, "prepare") }
            prepared = PreparedStatement(handle: raw, columns: SQLiteColumns(statement: raw))
            statements[sql] = prepared
        }
        let statement = prepared.handle
        for (offset, value) in arguments.enumerated() {
            let index = Int32(offset + 1)
            let rc: Int32
            switch value {
            case .integer(let v): rc = sqlite3_bind_int64(statement, index, v)
            case .text(var v):
                // The string's own UTF-8 bytes with their length (SQLite copies them: transient). Text
                // with a NUL is refused, as PostgreSQL refuses it: SQLite would keep it, and it would
                // be cut at the NUL when read back.
                rc = v.withUTF8 { bytes in
                    guard !bytes.contains(0) else { return SQLITE_MISMATCH }
                    return bytes.withMemoryRebound(to: CChar.self) { text in
                        sqlite3_bind_text(statement, index, text.baseAddress ?? SQLiteSession.emptyText, Int32(text.count),
                                          SQLiteSession.transient)
                    }
                }
                if rc == SQLITE_MISMATCH {
                    throw DatabaseError(code: SQLITE_MISMATCH, message: "bind: text argument \(index) holds a NUL character")
                }
            case .blob(let v):
                rc = v.withUnsafeBytes { sqlite3_bind_blob(statement, index, $0.baseAddress, Int32($0.count), SQLiteSession.transient) }
            case .null: rc = sqlite3_bind_null(statement, index)
            }
            guard rc == SQLITE_OK else { throw error(rc, "bind") }
        }
        return prepared
    }

    private func error(_ rc: Int32, _ operation: String) -> DatabaseError {
        DatabaseError(code: sqlite3_extended_errcode(handle), message: "\(operation): \(String(cString: sqlite3_errmsg(handle)))")
    }

    nonisolated(unsafe) static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
    /// What an empty text argument points to (an empty buffer may have no address, and a null
    /// pointer would bind NULL).
    nonisolated(unsafe) static let emptyText: UnsafePointer<CChar> = {
        let byte = UnsafeMutablePointer<CChar>.allocate(capacity: 1)
        byte.initialize(to: 0)
        return UnsafePointer(byte)
    }()
}

/// A statement prepared once per connection and kept, with the names of its result columns.
private struct PreparedStatement {
    let handle: OpaquePointer
    let columns: SQLiteColumns
}

/// The positions of a prepared statement's result columns by name (`sqlite3_column_name`: the
/// `AS` alias, else the column's own name without its table), read once when it is prepared.
final class SQLiteColumns {
    /// Position by name; a name that two columns share maps to `nil` (ambiguous).
    private let positions: [String: Int32?]

    init(statement: OpaquePointer) {
        var positions: [String: Int32?] = [:]
        for column in 0..<sqlite3_column_count(statement) {
            guard let name = sqlite3_column_name(statement, column).map({ String(cString: $0) }) else { continue }
            positions[name] = positions[name] == nil ? .some(column) : .some(nil)
        }
        self.positions = positions
    }

    /// The position of `name`, or a ``StoreError/database(_:)`` naming it when the statement has no
    /// such column or more than one.
    func position(_ name: String) throws(StoreError) -> Int32 {
        switch positions[name] {
        case .some(.some(let column)): column
        case .some(.none): throw StoreError.database("column \(name) is ambiguous in the query")
        case .none: throw StoreError.database("no column \(name) in the query")
        }
    }
}

/// A row of an SQLite query result, valid only inside the mapping closure (see ``StoreRow``).
struct SQLiteRow {
    let statement: OpaquePointer
    let columns: SQLiteColumns

    /// The column as an integer (0 for NULL).
    func int(_ name: String) throws(StoreError) -> Int64 { sqlite3_column_int64(statement, try columns.position(name)) }
    /// The column as an integer, or `nil` for NULL.
    func optionalInt(_ name: String) throws(StoreError) -> Int64? {
        let column = try columns.position(name)
        return isNull(column) ? nil : sqlite3_column_int64(statement, column)
    }
    /// The column as text ("" for NULL).
    func text(_ name: String) throws(StoreError) -> String { text(at: try columns.position(name)) }
    /// The column as text, or `nil` for NULL.
    func optionalText(_ name: String) throws(StoreError) -> String? {
        let column = try columns.position(name)
        return isNull(column) ? nil : text(at: column)
    }
    /// The column as bytes.
    func blob(_ name: String) throws(StoreError) -> [UInt8] {
        let column = try columns.position(name)
        let count = Int(sqlite3_column_bytes(statement, column))
        guard count > 0, let pointer = sqlite3_column_blob(statement, column) else { return [] }
        return Array(UnsafeRawBufferPointer(start: pointer, count: count))
    }
    /// Whether the column is NULL.
    func isNull(_ name: String) throws(StoreError) -> Bool { isNull(try columns.position(name)) }
    /// The column in its stored type; a REAL (which no bankgate table holds) as its text.
    func storedValue(_ name: String) throws(StoreError) -> SQLValue {
        let column = try columns.position(name)
        switch sqlite3_column_type(statement, column) {
        case SQLITE_NULL: return .null
        case SQLITE_INTEGER: return .integer(sqlite3_column_int64(statement, column))
        case SQLITE_BLOB: return .blob(try blob(name))
        default: return .text(text(at: column))
        }
    }

    private func text(at column: Int32) -> String {
        guard let pointer = sqlite3_column_text(statement, column) else { return "" }
        return String(cString: pointer)
    }

    private func isNull(_ column: Int32) -> Bool { sqlite3_column_type(statement, column) == SQLITE_NULL }
}
