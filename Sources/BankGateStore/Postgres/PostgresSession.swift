public import BankGateCore
import Foundation
import Logging
import NIOCore
import NIOPosix
import PostgresNIO
import Synchronization

/// One connection to a PostgreSQL store, used the way the store uses an SQLite connection: from one
/// thread (the writer or a reader), statement by statement, blocking until the server answers.
///
/// Statements are the store's SQL, translated once per text by ``PostgresSQL``; arguments are sent
/// as untyped text (bytes as `bytea`), so the server types them by where they are used, as SQLite's
/// dynamic typing did. A lost connection is opened again before the next statement that is outside
/// a transaction; inside one, the transaction is lost and reported so (``inTransaction`` turns false).
final class PostgresSession {
    /// The advisory lock every write transaction takes (``StoreConnection/beginWriteTransaction()``):
    /// "bankgate" in ASCII.
    static let writeLockKey: Int64 = 0x62616E6B67617465

    private let location: PostgresLocation
    private let createsSchema: Bool
    private var connection: PostgresConnection
    private var templates: [String: StatementTemplate] = [:]
    private var rendered: [RenderKey: RenderedStatement] = [:]
    /// Whether a transaction is open on this connection (set by `BEGIN`, cleared by `COMMIT`,
    /// `ROLLBACK` and a lost connection).
    private(set) var inTransaction = false
    /// Rows changed by this connection since it opened.
    private(set) var totalChanges: Int64 = 0
    /// The statements prepared on the server (``PreparedStatementNames``); `nil` when this session
    /// runs every statement unnamed (a tool's connection, which may be used from a task).
    private var preparedNames: PreparedStatementNames?

    private static let logger = Logger(label: "bankgate.store.postgres", factory: { _ in SwiftLogNoOpLogHandler() })
    private static let connectionIDs = Atomic<Int>(0)

    /// Connects to `location`; with `createsSchema` (the store's own connections), its schema is
    /// created when missing. A read-only tool's connection leaves a missing schema missing.
    /// `preparesStatements`: statements run often are prepared on the server; only for a session
    /// used from a thread of its own (``PostgresConnection/runPrepared(name:sql:argumentTypes:bindings:logger:)``).
    init(location: PostgresLocation, createsSchema: Bool = true, preparesStatements: Bool = false) throws(DatabaseError) {
        self.location = location
        self.createsSchema = createsSchema
        preparedNames = preparesStatements ? PreparedStatementNames() : nil
        connection = try Self.connect(location, createsSchema: createsSchema)
    }

    deinit {
        try? connection.close().wait()
    }

    private static func connect(_ location: PostgresLocation, createsSchema: Bool) throws(DatabaseError) -> PostgresConnection {
        let configuration = PostgresConnection.Configuration(
            host: location.host, port: location.port, username: location.username, password: location.password,
            database: location.database, tls: .disable)
        let connection: PostgresConnection
        do {
            connection = try PostgresConnection.connect(
                on: PostgresStoreEventLoop.group.next(), configuration: configuration,
                id: connectionIDs.add(1, ordering: .relaxed).newValue, logger: logger).wait()
        } catch {
            throw Self.databaseError(error, "connect to \(location)")
        }
        if let schema = location.schema, createsSchema {
            // The name was checked to need no quoting (``PostgresLocation/isPlainName(_:)``).
            do {
                _ = try connection.query(PostgresQuery(unsafeSQL: "CREATE SCHEMA IF NOT EXISTS \(schema)"), logger: logger).wait()
            } catch {
                // Two connections creating the schema at once: one of them loses the race on the
                // catalogue's unique index, and the schema is there.
                guard let failure = error as? PSQLError, failure.serverInfo?[.sqlState] == "23505" else {
                    try? connection.close().wait()
                    throw Self.databaseError(error, "create schema \(schema)")
                }
            }
        }
        if let schema = location.schema {
            do {
                _ = try connection.query(PostgresQuery(unsafeSQL: "SET search_path TO \(schema)"), logger: logger).wait()
            } catch {
                try? connection.close().wait()
                throw Self.databaseError(error, "set search_path")
            }
        }
        return connection
    }

    /// Runs one or more statements without parameters, one after the other.
    func execute(_ sql: String) throws(DatabaseError) {
        for statement in PostgresSQL.statements(sql) {
            _ = try perform(statement, [], returnsRows: true)
        }
    }

    /// Runs a statement and returns how many rows it changed.
    func run(_ sql: String, _ arguments: [SQLValue]) throws(DatabaseError) -> Int {
        let changed = try perform(sql, arguments, returnsRows: false).changed
        totalChanges += Int64(changed)
        return changed
    }

    /// Runs independent writes (``WriteBatch``) in as few statements as possible: up to 32 of them,
    /// with at most 16,000 arguments (the protocol allows 65,535), become one
    /// `WITH w1 AS (…), w2 AS (…) …` whose parts PostgreSQL runs in order, each exactly once,
    /// against the same snapshot; foreign keys are checked at the end of the whole statement.
    func runCombined(_ statements: [(sql: String, arguments: [SQLValue])]) throws(DatabaseError) {
        var start = statements.startIndex
        while start < statements.endIndex {
            var end = start + 1
            var argumentCount = statements[start].arguments.count
            while end < statements.endIndex, end - start < 32, argumentCount + statements[end].arguments.count <= 16_000 {
                argumentCount += statements[end].arguments.count
                end += 1
            }
            if end - start == 1 {
                _ = try run(statements[start].sql, statements[start].arguments)
            } else {
                let chunk = statements[start..<end]
                _ = try run(combinedTemplate(chunk), chunk.flatMap(\.arguments))
            }
            start = end
        }
    }

    /// The cache key of the combined statement of `chunk`, its template made and cached under it:
    /// each part's placeholders numbered after the arguments of the parts before it.
    private func combinedTemplate(_ chunk: ArraySlice<(sql: String, arguments: [SQLValue])>) -> String {
        var key = "-- combined"
        for statement in chunk { key += "\n-- \(statement.arguments.count)\n" + statement.sql }
        guard templates[key] == nil else { return key }
        var parts: [StatementTemplate.Part] = [.text("WITH ")]
        var offset = 0
        for (position, statement) in chunk.enumerated() {
            let template = templates[statement.sql] ?? PostgresSQL.template(statement.sql)
            templates[statement.sql] = template
            let last = position == chunk.count - 1
            if !last { parts.append(.text(position == 0 ? "w\(position) AS (" : ", w\(position) AS (")) }
            if last { parts.append(.text(" ")) }
            for part in template.parts {
                switch part {
                case .text: parts.append(part)
                case .parameter(let number): parts.append(.parameter(number + offset))
                case .nullTest(let number, let isNull): parts.append(.nullTest(number + offset, isNull: isNull))
                }
            }
            if !last { parts.append(.text(")")) }
            offset += statement.arguments.count
        }
        templates[key] = StatementTemplate(parts: parts, parameterCount: offset)
        return key
    }

    /// Runs a query and maps its rows (at most `limit`).
    func query<T>(_ sql: String, _ arguments: [SQLValue], limit: Int = .max, _ map: (PostgresResultRow) throws -> T) throws -> [T] {
        let result = try perform(sql, arguments, returnsRows: true)
        totalChanges += Int64(result.changed)
        guard let first = result.rows.first else { return [] }
        let columns = PostgresResultColumns(first)
        var mapped: [T] = []
        mapped.reserveCapacity(min(result.rows.count, limit))
        for row in result.rows.prefix(limit) {
            mapped.append(try map(PostgresResultRow(cells: Array(row), columns: columns)))
        }
        return mapped
    }

    /// What a statement returned: its rows, and how many rows it changed.
    private struct Outcome {
        var rows: [PostgresRow]
        var changed: Int
    }

    /// Runs a statement, prepared (``PreparedStatementNames``) or unnamed. `returnsRows` is false
    /// when the caller wants no rows, only the count of rows changed (``run(_:_:)``).
    private func perform(_ sql: String, _ arguments: [SQLValue], returnsRows: Bool) throws(DatabaseError) -> Outcome {
        try reconnectIfLost()
        let statement = render(sql, arguments)
        var binds = PostgresBindings(capacity: statement.arguments.count)
        var byteArguments: [Int] = []
        for (position, index) in statement.arguments.enumerated() {
            switch index < arguments.count ? arguments[index] : .null {
            case .integer(let value): binds.append(UntypedText(text: String(value)))
            case .text(let value): binds.append(UntypedText(text: value))
            case .blob(let value):
                binds.append(ByteBuffer(bytes: value))
                byteArguments.append(position)
            case .null: binds.appendNull()
            }
        }
        if preparedNames != nil, let kind = statement.preparable, kind == .returnsRows || !returnsRows {
            let key = PreparedStatementNames.Key(sql: statement.sql, byteArguments: byteArguments)
            if let name = preparedNames?.name(for: key) {
                return try performPrepared(name: name, key: key, binds: binds, byteArguments: byteArguments, kind: kind)
            }
        }
        do {
            let result = try connection.query(PostgresQuery(unsafeSQL: statement.sql, binds: binds), logger: Self.logger).wait()
            noteTransactionControl(sql, committedTag: result.metadata.command)
            if result.metadata.command == "ROLLBACK", sql == "COMMIT" {
                // PostgreSQL answers COMMIT of a failed transaction with ROLLBACK: nothing was stored.
                throw DatabaseError(sqlState: "40000", message: "commit: the transaction had failed and was rolled back")
            }
            let changed = result.metadata.command == "SELECT" ? 0 : result.metadata.rows ?? 0
            return Outcome(rows: result.rows, changed: changed)
        } catch let error as DatabaseError {
            throw error
        } catch {
            throw failed(error, "statement")
        }
    }

    private func performPrepared(name: String, key: PreparedStatementNames.Key, binds: PostgresBindings,
                                 byteArguments: [Int], kind: PreparableKind) throws(DatabaseError) -> Outcome {
        var types = [PostgresDataType](repeating: .null, count: binds.count)
        for position in byteArguments { types[position] = .bytea }
        // postgres-nio answers a prepared statement's rows but not its command tag: a write is
        // prepared with `RETURNING 1`, one row for each row it changed.
        let sql = kind == .returnsRows ? key.sql : key.sql + "\nRETURNING 1"
        do {
            let rows = try connection.runPrepared(name: name, sql: sql, argumentTypes: types, bindings: binds, logger: Self.logger)
            preparedNames?.succeeded(key)
            return kind == .returnsRows ? Outcome(rows: rows, changed: 0) : Outcome(rows: [], changed: rows.count)
        } catch {
            preparedNames?.failed(key)
            throw failed(error, "statement")
        }
    }

    /// Which statements run prepared: a plain `SELECT` (it returns rows and changes none); from
    /// ``run(_:_:)``, an `INSERT`, `UPDATE`, `DELETE` or combined ``WriteBatch`` `WITH` that has no
    /// `RETURNING`, and neither a `;` nor a `--` that could hide the `RETURNING 1` it is prepared
    /// with. Transaction control, schema changes and everything else run unnamed.
    private enum PreparableKind {
        case returnsRows
        case changesRows
    }

    private static func preparableKind(_ sql: String) -> PreparableKind? {
        let head = sql.utf8.prefix(7)
        if head.elementsEqual("SELECT ".utf8) { return .returnsRows }
        let startsAsWrite = head.elementsEqual("INSERT ".utf8) || head.elementsEqual("UPDATE ".utf8)
            || head.elementsEqual("DELETE ".utf8) || sql.utf8.starts(with: "WITH w0 AS (".utf8)
        guard startsAsWrite, !sql.contains("RETURNING"), !sql.contains(";"), !sql.contains("--") else { return nil }
        return .changesRows
    }

    /// A statement as sent: its text, which argument each `$k` binds, and whether it may run prepared.
    private struct RenderedStatement {
        var sql: String
        var arguments: [Int]
        var preparable: PreparableKind?
    }

    private func render(_ sql: String, _ arguments: [SQLValue]) -> RenderedStatement {
        let template: StatementTemplate
        if let cached = templates[sql] {
            template = cached
        } else {
            template = PostgresSQL.template(sql)
            templates[sql] = template
        }
        let nulls = template.hasNullTests ? arguments.map { $0 == .null } : []
        let key = RenderKey(sql: sql, nulls: nulls)
        if let cached = rendered[key] { return cached }
        let text = template.render(nulls: nulls)
        let statement = RenderedStatement(sql: text.sql, arguments: text.arguments, preparable: Self.preparableKind(text.sql))
        rendered[key] = statement
        return statement
    }

    /// Follows the transaction state through the store's own control statements.
    private func noteTransactionControl(_ sql: String, committedTag: String?) {
        if sql == "COMMIT" || sql == "ROLLBACK" {
            inTransaction = false
        } else if sql.hasPrefix("BEGIN") {
            inTransaction = true
        }
    }

    private func reconnectIfLost() throws(DatabaseError) {
        guard connection.isClosed, !inTransaction else { return }
        let lost = connection
        connection = try Self.connect(location, createsSchema: createsSchema)
        preparedNames?.forgetAll()
        try? lost.close().wait()
    }

    /// The error as a ``DatabaseError``; a lost connection also ends the transaction.
    private func failed(_ error: any Error, _ operation: String) -> DatabaseError {
        let failure = Self.databaseError(error, operation)
        if connection.isClosed || failure.sqlState?.hasPrefix("08") == true { inTransaction = false }
        return failure
    }

    private static func databaseError(_ error: any Error, _ operation: String) -> DatabaseError {
        if let failure = error as? PSQLError {
            if let state = failure.serverInfo?[.sqlState] {
                let message = failure.serverInfo?[.message] ?? "server error"
                return DatabaseError(sqlState: state, message: "\(operation): \(message)")
            }
            return DatabaseError(sqlState: "08006", message: "\(operation): \(failure.code)")
        }
        return DatabaseError(sqlState: "08006", message: "\(operation): \(String(describing: error))")
    }

    private struct RenderKey: Hashable {
        var sql: String
        var nulls: [Bool]
    }
}

/// An argument sent as text with no type: the server types it by its use in the statement.
private struct UntypedText: PostgresDynamicTypeEncodable {
    var text: String
    var psqlType: PostgresDataType { .null }
    var psqlFormat: PostgresFormat { .text }
    func encode<JSONEncoder: PostgresJSONEncoder>(into byteBuffer: inout ByteBuffer, context: PostgresEncodingContext<JSONEncoder>) {
        byteBuffer.writeString(text)
    }
}
