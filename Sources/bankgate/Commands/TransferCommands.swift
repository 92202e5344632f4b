import ArgumentParser
import BankGateAdapters
import BankGateConfig
import BankGateRuntime
import BankGateStore
import Foundation

/// `bankgate export --config F --to FILE`: writes the whole store to a dump file, from one snapshot,
/// while the daemon may run; `bankgate import` loads it into another store (SQLite to PostgreSQL).
struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write the whole store to a dump file (JSON Lines, 0600), from one consistent snapshot; the daemon may run.",
        discussion: """
            The dump holds every table but the migrations, values as stored: `bankgate import` loads it into a new store on \
            either database, where the audit chain still verifies. Files the store keeps outside the database (large inbox \
            files under <data_dir>/archive) are not in the dump: copy them with the data folder.
            """)

    @OptionGroup var store: TransferStoreOptions

    @Option(help: ArgumentHelp("The dump file to write (must not exist).", valueName: "file"))
    var to: String

    func run() async throws {
        try await runOperator { () throws(OperatorFailure) in
            let location = try store.location()
            try store.requireStore(at: location)
            let summary: StoreDump.Summary
            do {
                summary = try StoreDump.export(from: location, to: to)
            } catch {
                throw OperatorFailure(message: "cannot export \(location.displayName) to \(to): \(error)", exitCode: OperatorFailure.apiError)
            }
            print("exported \(location.displayName) to \(to): \(summary.totalRows) rows in \(summary.rows.count) tables")
            let archivedFiles = store.countStoredFiles(at: location)
            if archivedFiles > 0 {
                print("note: \(archivedFiles) archived inbox files are kept under the data folder, not in the dump: copy its archive/ folder too")
            }
        }
    }
}

/// `bankgate import --config F --from FILE`: loads a dump into a new, empty store (created when it
/// does not exist), in one transaction, then checks the audit chain there.
struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Load a dump written by bankgate export into a new, empty store (SQLite or PostgreSQL), then verify its audit chain.",
        discussion: """
            Refused when the store already holds data or is at other migrations than the dump (export and import with the \
            same bankgate version). One transaction: a damaged or cut-off dump leaves the store as it was. Stop the daemons \
            of the store being imported into until it is done.
            """)

    @OptionGroup var store: TransferStoreOptions

    @Option(help: ArgumentHelp("The dump file (written by bankgate export).", valueName: "file"))
    var from: String

    func run() async throws {
        try await runOperator { () throws(OperatorFailure) in
            let location = try store.location()
            let summary: StoreDump.Summary
            do {
                summary = try await StoreDump.importDump(from: from, into: location)
            } catch let failure as StoreDump.Failure {
                throw OperatorFailure(message: "cannot import \(from): \(failure)", exitCode: OperatorFailure.apiError)
            } catch {
                throw OperatorFailure(message: "cannot import \(from) into \(location.displayName): \(error)", exitCode: OperatorFailure.apiError)
            }
            print("imported \(from) into \(location.displayName): \(summary.totalRows) rows in \(summary.rows.count) tables")
            do {
                let db = try StoreConnection(location: location, readOnly: true)
                let verification = try AuditTrail.verify(db)
                if let problem = verification.firstBreak {
                    throw OperatorFailure(message: "the imported audit trail is broken at record \(problem.recordId) "
                                          + "(\(problem.kind.rawValue)): \(problem.detail)", exitCode: OperatorFailure.auditBroken)
                }
                print("audit trail intact: \(verification.checked) records" + (verification.head.map { ", head \($0.id):\($0.hash)" } ?? ""))
            } catch let failure as OperatorFailure {
                throw failure
            } catch {
                throw OperatorFailure(message: "cannot verify the imported audit trail: \(error)", exitCode: OperatorFailure.apiError)
            }
        }
    }
}

/// Which store `export` and `import` work on: a configuration's (`[server] database`, else
/// `<data_dir>/bankgate.sqlite`), or `--database` with an SQLite file or a `postgres://` URL.
struct TransferStoreOptions: ParsableArguments {
    @Option(name: .customLong("config"), help: ArgumentHelp("Use this configuration's store.", valueName: "file"))
    var configPath: String?

    @Option(help: ArgumentHelp("An SQLite database file, or a PostgreSQL URL (postgres://user@host:port/db?schema=s).",
                               valueName: "path-or-url"))
    var database: String?

    func validate() throws {
        guard (database != nil) != (configPath != nil) else { throw ValidationError("give either --config FILE or --database PATH-OR-URL") }
    }

    func location() throws(OperatorFailure) -> StoreLocation {
        if let database {
            guard let location = StoreLocation(databaseArgument: database) else {
                throw OperatorFailure(message: "--database: not a PostgreSQL URL: \(database)", exitCode: OperatorFailure.usage)
            }
            return location
        }
        do {
            return try StoreLocation(configuration: BankGateConfiguration.load(path: configPath ?? ""))
        } catch {
            throw OperatorFailure(message: "cannot use \(configPath ?? ""): \(error)", exitCode: OperatorFailure.usage)
        }
    }

    /// Refuses a location that holds no store (a missing file, a schema no bankgate created).
    func requireStore(at location: StoreLocation) throws(OperatorFailure) {
        if case .sqlite(let path) = location, !FileManager.default.fileExists(atPath: path) {
            throw OperatorFailure(message: "no database at \(path)", exitCode: OperatorFailure.usage)
        }
        let holdsStore: Bool
        do {
            holdsStore = try PaymentStore.holdsStore(StoreConnection(location: location, readOnly: true))
        } catch {
            throw OperatorFailure(message: "cannot open \(location.displayName): \(error)", exitCode: OperatorFailure.usage)
        }
        guard holdsStore else { throw OperatorFailure(message: "no store at \(location.displayName)", exitCode: OperatorFailure.usage) }
    }

    /// How many archived messages are files under the data folder rather than rows.
    func countStoredFiles(at location: StoreLocation) -> Int64 {
        guard let db = try? StoreConnection(location: location, readOnly: true) else { return 0 }
        return (try? db.queryFirst("SELECT COUNT(*) AS n FROM bank_messages WHERE stored_file IS NOT NULL") { try $0.int("n") } ?? 0) ?? 0
    }
}
