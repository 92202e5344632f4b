import Foundation

/// A store written to a file table by table, to move it from one database to another
/// (`bankgate export` / `bankgate import`): SQLite to PostgreSQL, or back.
///
/// The file is JSON Lines:
/// - a header, `{"format":"bankgate-store-dump","version":1,"dialect":"sqlite","migrations":[…]}`,
///   naming the migrations the store had (the importing store must have the same);
/// - per table, `{"table":"payments","columns":["id",…],"rows":n}`, then its `n` rows, each a JSON
///   array of its values in column order: `null`, an integer, a string, or `{"base64":"…"}` for bytes;
/// - a last line `{"end":{"tables":t,"rows":r}}`, so that a file cut short is refused.
///
/// Tables come parents first (a table another references by a foreign key before it), rows in the
/// order of their first column (the id: a message before the answer that refers to it), so that a
/// database enforcing foreign keys takes them as they come. Values are copied as stored: the audit
/// chain's hashes still verify, the outbox sequence and every id keep their numbers.
public enum StoreDump {
    /// The header's `format`.
    public static let format = "bankgate-store-dump"
    /// The header's `version`; an importer refuses other versions.
    public static let version = 1

    /// What a dump held: rows per table.
    public struct Summary: Sendable, Equatable {
        /// Rows per table, for every table in the dump (empty ones too).
        public var rows: [String: Int]
        /// All rows.
        public var totalRows: Int { rows.values.reduce(0, +) }
    }

    /// Why a dump cannot be written or read back.
    public enum Failure: Error, Equatable, CustomStringConvertible {
        /// The file to write exists already, or cannot be created.
        case cannotCreate(path: String, reason: String)
        /// The file cannot be read.
        case cannotRead(path: String, reason: String)
        /// The file is not a dump of this format and version, or is damaged at `line`.
        case malformed(line: Int, reason: String)
        /// The file ends before its last line: it was cut short.
        case truncated
        /// The dump's store and the importing store are at different migrations.
        case migrationsDiffer(dump: [String], store: [String])
        /// The importing store already holds data (`table` has rows).
        case storeNotEmpty(table: String, rows: Int)
        /// The importing store has no such table or column.
        case unknownTable(String)
        case unknownColumn(table: String, column: String)

        public var description: String {
            switch self {
            case .cannotCreate(let path, let reason): "cannot create \(path): \(reason)"
            case .cannotRead(let path, let reason): "cannot read \(path): \(reason)"
            case .malformed(let line, let reason): "not a bankgate store dump (line \(line)): \(reason)"
            case .truncated: "the dump ends before its last line: it was cut short"
            case .migrationsDiffer(let dump, let store):
                "the dump was written at \(dump.count) migrations (last \(dump.last ?? "none")), the store is at \(store.count) "
                    + "(last \(store.last ?? "none")): export and import with the same bankgate version"
            case .storeNotEmpty(let table, let rows):
                "the store to import into already holds data (\(rows) rows in \(table)): import into a new, empty store"
            case .unknownTable(let table): "the store to import into has no table \(table)"
            case .unknownColumn(let table, let column): "the store to import into has no column \(table).\(column)"
            }
        }
    }

    /// The tables a store keeps but a dump leaves out: the migrations (the importing store has its own).
    static let excludedTables: Set<String> = ["schema_migrations"]

    /// Tables the migrations fill with one bookkeeping row (a cursor at 0), which an empty store has.
    static func isSeededByMigrations(_ table: String) -> Bool { table.hasSuffix("_cursor") }
}

// MARK: - The catalog of a store, on either database

extension StoreDump {
    /// A table and its columns in their order.
    struct Table: Equatable {
        var name: String
        var columns: [String]
    }

    /// The store's tables (without ``excludedTables``), parents before the tables that refer to them.
    static func tables(_ db: StoreConnection) throws -> [Table] {
        let names: [String]
        var parents: [String: Set<String>] = [:]
        switch db.dialect {
        case .sqlite:
            names = try db.query("""
                SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite!_%' ESCAPE '!' ORDER BY name
                """) { try $0.text("name") }
            for name in names {
                parents[name] = Set(try db.query("SELECT \"table\" AS parent FROM pragma_foreign_key_list(?)", [.text(name)]) {
                    try $0.text("parent")
                })
            }
        case .postgres:
            names = try db.query("""
                SELECT table_name::text AS name FROM information_schema.tables
                WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name
                """) { try $0.text("name") }
            // Each table's foreign keys from the catalogue, table by table (its index on `conrelid`):
            // `information_schema.constraint_column_usage` reads every constraint of the database,
            // which took 25 s on a server with 3,000 schemas.
            for name in names {
                parents[name] = Set(try db.query("""
                    SELECT DISTINCT parent.relname::text AS parent FROM pg_constraint AS k
                    JOIN pg_class AS parent ON parent.oid = k.confrelid
                    WHERE k.conrelid = to_regclass(quote_ident(?::text)) AND k.contype = 'f'
                    """, [.text(name)]) { try $0.text("parent") })
            }
        }
        var ordered: [String] = []
        var placed: Set<String> = []
        func place(_ name: String, visiting: Set<String>) {
            guard !placed.contains(name), !visiting.contains(name) else { return }
            for parent in (parents[name] ?? []).sorted() where parent != name { place(parent, visiting: visiting.union([name])) }
            placed.insert(name)
            ordered.append(name)
        }
        for name in names where !excludedTables.contains(name) { place(name, visiting: []) }
        return try ordered.filter { names.contains($0) }.map { Table(name: $0, columns: try columns(db, of: $0)) }
    }

    /// The columns of `table` in their order.
    static func columns(_ db: StoreConnection, of table: String) throws -> [String] {
        switch db.dialect {
        case .sqlite:
            try db.query("SELECT name FROM pragma_table_info(?) ORDER BY cid", [.text(table)]) { try $0.text("name") }
        case .postgres:
            try db.query("""
                SELECT column_name::text AS name FROM information_schema.columns
                WHERE table_schema = current_schema() AND table_name = ? ORDER BY ordinal_position
                """, [.text(table)]) { try $0.text("name") }
        }
    }

    /// The names of the migrations applied to the store, sorted.
    static func migrations(_ db: StoreConnection) throws -> [String] {
        try db.query("SELECT name FROM schema_migrations") { try $0.text("name") }.sorted()
    }

    static func quoted(_ identifier: String) -> String { "\"" + identifier.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
}
