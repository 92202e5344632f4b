/// The schema's migrations as `bankgate doctor` compares them with a database file.
extension PaymentStore {
    /// The names of every migration this build applies, in order.
    public static var migrationNames: [String] { Schema.migrations.map(\.name) }

    /// The migrations this build would still apply to the database on `db` (none: current), and
    /// those the database has that this build does not know (a newer bankgate wrote it).
    public static func migrationDifference(_ db: StoreConnection) throws -> (pending: [String], unknown: [String]) {
        let applied = try db.query("SELECT name FROM schema_migrations ORDER BY name") { try $0.text("name") }
        let known = Set(migrationNames)
        let appliedSet = Set(applied)
        return (migrationNames.filter { !appliedSet.contains($0) }, applied.filter { !known.contains($0) })
    }
}
