/// The schema's migrations as `bankgate doctor` compares them with a database file.
extension PaymentStore {
    /// The names of every migration this build applies, in order.
    public static var migrationNames: [String] { Schema.migrations.map(\.name) }

    /// Whether the database on `db` holds a store at all (its `schema_migrations` table): a
    /// PostgreSQL schema that no bankgate has migrated yet does not.
    public static func holdsStore(_ db: StoreConnection) throws -> Bool {
        let sql = switch db.dialect {
        case .sqlite: "SELECT 1 AS found FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'"
        case .postgres:
            "SELECT 1 AS found FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = 'schema_migrations'"
        }
        return try db.queryFirst(sql) { _ in true } ?? false
    }

    /// The migrations this build would still apply to the database on `db` (none: current), and
    /// those the database has that this build does not know (a newer bankgate wrote it).
    public static func migrationDifference(_ db: StoreConnection) throws -> (pending: [String], unknown: [String]) {
        let applied = try db.query("SELECT name FROM schema_migrations ORDER BY name") { try $0.text("name") }
        let known = Set(migrationNames)
        let appliedSet = Set(applied)
        return (migrationNames.filter { !appliedSet.contains($0) }, applied.filter { !known.contains($0) })
    }
}
