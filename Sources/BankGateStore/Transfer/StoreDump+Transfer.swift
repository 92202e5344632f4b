import Foundation

extension StoreDump {
    /// Writes the store at `location` to a new file at `path` (0600; refused when it exists), from
    /// one consistent snapshot: a daemon may keep writing meanwhile. The store is only read.
    public static func export(from location: StoreLocation, to path: String) throws -> Summary {
        let db = try StoreConnection(location: location, readOnly: true)
        let output = try DumpFileWriter(creating: path)
        do {
            let summary = try db.inSnapshot { () throws -> Summary in
                try output.writeLine(header(dialect: db.dialect, migrations: try migrations(db)))
                var rows: [String: Int] = [:]
                for table in try tables(db) {
                    let count = try db.queryFirst("SELECT COUNT(*) AS n FROM \(quoted(table.name))") { try $0.int("n") } ?? 0
                    try output.writeLine(tableLine(table, rows: Int(count)))
                    let select = "SELECT \(table.columns.map(quoted).joined(separator: ", ")) FROM \(quoted(table.name)) ORDER BY 1"
                    var written = 0
                    _ = try db.query(select) { row in
                        var line = "["
                        for (index, column) in table.columns.enumerated() {
                            if index > 0 { line += "," }
                            appendJSON(try row.storedValue(column), to: &line)
                        }
                        line += "]"
                        try output.writeLine(line)
                        written += 1
                    }
                    // The snapshot cannot change between the count and the rows; a difference is a bug.
                    guard written == count else { throw Failure.malformed(line: 0, reason: "\(table.name) changed while it was read") }
                    rows[table.name] = written
                }
                try output.writeLine("{\"end\":{\"tables\":\(rows.count),\"rows\":\(rows.values.reduce(0, +))}}")
                return Summary(rows: rows)
            }
            try output.finish()
            return summary
        } catch {
            output.abandon()
            throw error
        }
    }

    /// Loads the dump at `path` into the store at `location`, which must be new (no data but the
    /// migrations' bookkeeping) and at the dump's migrations; creates and migrates it when it does
    /// not exist yet. Everything goes in one transaction: a damaged or cut-off dump leaves the
    /// store as it was. Sequences (PostgreSQL's `BIGSERIAL`) continue after the imported ids.
    public static func importDump(from path: String, into location: StoreLocation) async throws -> Summary {
        _ = try DumpFileReader(path: path)  // unreadable: said before the store is created
        let database = try StoreDatabase(location: location, migrations: Schema.migrations, readerCount: 1)
        defer { database.close() }
        return try await database.write { db in try load(try DumpFileReader(path: path), into: db) }
    }

    private static func load(_ reader: DumpFileReader, into db: StoreConnection) throws -> Summary {
        guard let headerLine = try reader.nextLine() else { throw Failure.malformed(line: 1, reason: "the file is empty") }
        let header = try decode(DumpHeader.self, headerLine, line: reader.lineNumber)
        guard header.format == format else { throw Failure.malformed(line: 1, reason: "format is not \(format)") }
        guard header.version == version else { throw Failure.malformed(line: 1, reason: "version \(header.version) is not \(version)") }
        let storeMigrations = try migrations(db)
        guard header.migrations.sorted() == storeMigrations else {
            throw Failure.migrationsDiffer(dump: header.migrations.sorted(), store: storeMigrations)
        }
        let targetTables = Dictionary(uniqueKeysWithValues: try tables(db).map { ($0.name, $0) })
        for table in targetTables.values.sorted(by: { $0.name < $1.name }) {
            let count = Int(try db.queryFirst("SELECT COUNT(*) AS n FROM \(quoted(table.name))") { try $0.int("n") } ?? 0)
            if count > (isSeededByMigrations(table.name) ? 1 : 0) { throw Failure.storeNotEmpty(table: table.name, rows: count) }
        }

        var rows: [String: Int] = [:]
        while true {
            guard let line = try reader.nextLine() else { throw Failure.truncated }
            let block = try decode(DumpBlock.self, line, line: reader.lineNumber)
            if let end = block.end {
                guard end.tables == rows.count, end.rows == rows.values.reduce(0, +) else {
                    throw Failure.malformed(line: reader.lineNumber, reason: "the last line counts \(end.rows) rows, the file holds "
                                            + "\(rows.values.reduce(0, +))")
                }
                break
            }
            guard let name = block.table, let columns = block.columns, let count = block.rows else {
                throw Failure.malformed(line: reader.lineNumber, reason: "expected a table line")
            }
            guard let target = targetTables[name] else { throw Failure.unknownTable(name) }
            if let missing = columns.first(where: { !target.columns.contains($0) }) {
                throw Failure.unknownColumn(table: name, column: missing)
            }
            // The migrations' cursor row gives way to the one exported.
            _ = try db.run("DELETE FROM \(quoted(name))")
            let insert = "INSERT INTO \(quoted(name)) (\(columns.map(quoted).joined(separator: ", "))) VALUES ("
                + Array(repeating: "?", count: columns.count).joined(separator: ", ") + ")"
            for _ in 0..<count {
                guard let rowLine = try reader.nextLine() else { throw Failure.truncated }
                let values = try decode([DumpValue].self, rowLine, line: reader.lineNumber)
                guard values.count == columns.count else {
                    throw Failure.malformed(line: reader.lineNumber, reason: "\(values.count) values for \(columns.count) columns of \(name)")
                }
                _ = try db.run(insert, values.map(\.sqlValue))
            }
            rows[name] = count
        }
        if try reader.nextLine() != nil { throw Failure.malformed(line: reader.lineNumber, reason: "lines after the last line") }
        if db.dialect == .postgres { try continueSequences(db) }
        return Summary(rows: rows)
    }

    /// Sets each `BIGSERIAL` sequence past the largest id imported, so that the next row inserted
    /// does not collide with one that came with the dump (SQLite takes the largest rowid on its own).
    private static func continueSequences(_ db: StoreConnection) throws {
        let serials = try db.query("""
            SELECT table_name::text AS t, column_name::text AS c FROM information_schema.columns
            WHERE table_schema = current_schema() AND column_default LIKE 'nextval(%' ORDER BY table_name
            """) { (table: try $0.text("t"), column: try $0.text("c")) }
        for serial in serials {
            _ = try db.query("""
                SELECT setval(pg_get_serial_sequence('\(quoted(serial.table))', '\(serial.column)'),
                              COALESCE((SELECT MAX(\(quoted(serial.column))) FROM \(quoted(serial.table))), 0) + 1, false) AS v
                """) { try $0.int("v") }
        }
    }

    // MARK: - Lines

    private struct DumpHeader: Decodable {
        var format: String
        var version: Int
        var migrations: [String]
    }

    private struct DumpBlock: Decodable {
        struct End: Decodable { var tables: Int; var rows: Int }
        var table: String?
        var columns: [String]?
        var rows: Int?
        var end: End?
    }

    /// One value of a row line: `null`, an integer, a string, or `{"base64": …}`.
    private struct DumpValue: Decodable {
        var sqlValue: SQLValue

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if container.decodeNil() {
                sqlValue = .null
            } else if let integer = try? container.decode(Int64.self) {
                sqlValue = .integer(integer)
            } else if let text = try? container.decode(String.self) {
                sqlValue = .text(text)
            } else {
                let bytes = try container.decode([String: String].self)
                guard let base64 = bytes["base64"], let data = Data(base64Encoded: base64) else {
                    throw DecodingError.dataCorruptedError(in: container, debugDescription: "not null, an integer, a string or {\"base64\"}")
                }
                sqlValue = .blob(Array(data))
            }
        }
    }

    private static func decode<T: Decodable>(_ type: T.Type, _ line: String, line number: Int) throws -> T {
        do {
            return try JSONDecoder().decode(type, from: Data(line.utf8))
        } catch {
            throw Failure.malformed(line: number, reason: "\(error)".prefix(200).description)
        }
    }

    private static func header(dialect: SQLDialect, migrations: [String]) -> String {
        var line = "{\"format\":\"\(format)\",\"version\":\(version),\"dialect\":\"\(dialect == .sqlite ? "sqlite" : "postgres")\",\"migrations\":["
        for (index, migration) in migrations.enumerated() {
            if index > 0 { line += "," }
            appendJSON(.text(migration), to: &line)
        }
        return line + "]}"
    }

    private static func tableLine(_ table: Table, rows: Int) -> String {
        var line = "{\"table\":"
        appendJSON(.text(table.name), to: &line)
        line += ",\"columns\":["
        for (index, column) in table.columns.enumerated() {
            if index > 0 { line += "," }
            appendJSON(.text(column), to: &line)
        }
        return line + "],\"rows\":\(rows)}"
    }

    /// Appends `value` as JSON: strings escaped (quote, backslash, control characters), bytes as base64.
    static func appendJSON(_ value: SQLValue, to line: inout String) {
        switch value {
        case .null: line += "null"
        case .integer(let integer): line += String(integer)
        case .blob(let bytes): line += "{\"base64\":\"" + Data(bytes).base64EncodedString() + "\"}"
        case .text(let text):
            line += "\""
            for scalar in text.unicodeScalars {
                switch scalar {
                case "\"": line += "\\\""
                case "\\": line += "\\\\"
                case "\n": line += "\\n"
                case "\r": line += "\\r"
                case "\t": line += "\\t"
                case _ where scalar.value < 0x20 || scalar.value == 0x2028 || scalar.value == 0x2029:
                    line += String(format: "\\u%04x", scalar.value)
                default: line.unicodeScalars.append(scalar)
                }
            }
            line += "\""
        }
    }
}

extension StoreConnection {
    /// Runs `body` in one read-only transaction that sees a single committed state of the database.
    func inSnapshot<T>(_ body: () throws -> T) throws -> T {
        switch dialect {
        case .sqlite: _ = try run("BEGIN")
        case .postgres: _ = try run("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        }
        do {
            let result = try body()
            _ = try run("COMMIT")
            return result
        } catch {
            _ = try? run("ROLLBACK")
            throw error
        }
    }
}

/// Writes a dump to a new file in large chunks, fsyncs it when finished, removes it when abandoned.
final class DumpFileWriter {
    private let path: String
    private let descriptor: Int32
    private var buffer: [UInt8] = []

    init(creating path: String) throws(StoreDump.Failure) {
        self.path = path
        descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw .cannotCreate(path: path, reason: String(cString: strerror(errno))) }
        buffer.reserveCapacity(1 << 20)
    }

    func writeLine(_ line: String) throws {
        buffer.append(contentsOf: line.utf8)
        buffer.append(UInt8(ascii: "\n"))
        if buffer.count >= 1 << 20 { try flush() }
    }

    func finish() throws {
        try flush()
        guard fsync(descriptor) == 0 else { throw StoreDump.Failure.cannotCreate(path: path, reason: String(cString: strerror(errno))) }
        close(descriptor)
    }

    func abandon() {
        close(descriptor)
        unlink(path)
    }

    private func flush() throws {
        var offset = 0
        while offset < buffer.count {
            let written = buffer[offset...].withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            if written < 0 {
                if errno == EINTR { continue }
                throw StoreDump.Failure.cannotCreate(path: path, reason: String(cString: strerror(errno)))
            }
            offset += written
        }
        buffer.removeAll(keepingCapacity: true)
    }
}

/// Reads a dump line by line in large chunks; a line must be UTF-8.
final class DumpFileReader {
    private let handle: FileHandle
    private var buffer: [UInt8] = []
    private var start = 0
    private var atEnd = false
    private(set) var lineNumber = 0

    init(path: String) throws(StoreDump.Failure) {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw .cannotRead(path: path, reason: "no such file or not readable") }
        self.handle = handle
    }

    deinit { try? handle.close() }

    func nextLine() throws -> String? {
        while true {
            if let newline = buffer[start...].firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: buffer[start..<newline], as: UTF8.self)
                start = newline + 1
                lineNumber += 1
                return line
            }
            if atEnd {
                guard start < buffer.count else { return nil }
                // A last line without its newline is a file cut short.
                throw StoreDump.Failure.truncated
            }
            buffer.removeFirst(start)
            start = 0
            let chunk = try handle.read(upToCount: 1 << 20) ?? Data()
            if chunk.isEmpty { atEnd = true } else { buffer.append(contentsOf: chunk) }
        }
    }
}
