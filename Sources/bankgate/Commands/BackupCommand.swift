import ArgumentParser
import BankGateAdapters
import BankGateConfig
import BankGateStore
import Foundation

/// `bankgate backup --database D --to FILE`: a consistent copy of the store through SQLite's online
/// backup API, safe while the daemon runs and writes; checked before it is reported written.
struct BackupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Copy the store to a new file while the daemon runs (SQLite online backup), then check the copy.",
        discussion: "The copy holds every payment committed when the backup began. It is one self-contained SQLite file (0600); it is checked with PRAGMA integrity_check and the audit chain is verified. Keep the webhook secret key (secret.key) with it.")

    @OptionGroup var store: StoreFileOptions

    @Option(help: ArgumentHelp("The backup file to write (must not exist).", valueName: "file"))
    var to: String

    func run() async throws {
        try await runOperator { () throws(OperatorFailure) in
            let database = try store.path()
            try requireFolder(of: to, for: "the backup file")
            let copy: SQLiteBackup.Copy
            do {
                copy = try SQLiteBackup.copy(from: database, to: to)
            } catch {
                throw OperatorFailure(message: "cannot back up \(database) to \(to): \(error)", exitCode: OperatorFailure.apiError)
            }
            let verdict = try StoreFileCheck.verify(to)
            print("backup written: \(to) (\(copy.bytes) bytes, \(copy.pages) pages) from \(database)")
            print(verdict)
        }
    }
}

/// `bankgate restore --from FILE --database D`: puts a verified backup in place of the store; only
/// while no daemon has the store open.
struct RestoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Replace the store with a backup, after checking it (integrity and audit chain); the daemon must be stopped.",
        discussion: "The backup is copied beside the store and checked there; only then is it moved in place. The replaced database is kept as <database>.before-restore-<time>. Refused while a process has the store open.")

    @OptionGroup var store: StoreFileOptions

    @Option(help: ArgumentHelp("The backup file (written by bankgate backup).", valueName: "file"))
    var from: String

    func run() async throws {
        try await runOperator { () throws(OperatorFailure) in
            let database = try store.path(mustExist: false)
            guard FileManager.default.fileExists(atPath: from) else {
                throw OperatorFailure(message: "no backup at \(from)", exitCode: OperatorFailure.usage)
            }
            try requireFolder(of: database, for: "the database")
            guard !SQLiteBackup.isInUse(database) else {
                throw OperatorFailure(message: "\(database) is open in a running process (bankgate serve?): stop the daemon "
                                      + "(systemctl stop bankgate) and run restore again", exitCode: OperatorFailure.apiError)
            }
            let staged = database + ".restoring"
            try? FileManager.default.removeItem(atPath: staged)
            do {
                try FileManager.default.copyItem(atPath: from, toPath: staged)
                chmod(staged, 0o600)
                try Self.synchronize(staged)
            } catch {
                throw OperatorFailure(message: "cannot copy \(from) beside \(database): \(error)", exitCode: OperatorFailure.apiError)
            }
            let verdict: String
            do throws(OperatorFailure) {
                verdict = try StoreFileCheck.verify(staged)
            } catch {
                try? FileManager.default.removeItem(atPath: staged)
                throw error
            }
            let kept = try Self.moveAside(database)
            guard rename(staged, database) == 0 else {
                throw OperatorFailure(message: "cannot move the backup into place at \(database): \(String(cString: strerror(errno)))",
                                      exitCode: OperatorFailure.apiError)
            }
            try? Self.synchronize((database as NSString).deletingLastPathComponent)
            print("restored \(database) from \(from)")
            print(verdict)
            if let kept { print("the replaced database is kept as \(kept)") }
        }
    }

    /// Moves an existing database (and a WAL or shared-memory file left beside it) to
    /// `<database>.before-restore-<time>`; returns that name, or `nil` when there was none.
    static func moveAside(_ database: String) throws(OperatorFailure) -> String? {
        guard FileManager.default.fileExists(atPath: database) else { return nil }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        let kept = database + ".before-restore-" + formatter.string(from: Date())
        for suffix in ["", "-wal", "-shm"] where FileManager.default.fileExists(atPath: database + suffix) {
            guard rename(database + suffix, kept + suffix) == 0 else {
                throw OperatorFailure(message: "cannot move \(database + suffix) aside: \(String(cString: strerror(errno)))",
                                      exitCode: OperatorFailure.apiError)
            }
        }
        return kept
    }

    /// fsync of a file or a folder.
    static func synchronize(_ path: String) throws {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { throw CocoaError(.fileReadNoPermission, userInfo: [NSFilePathErrorKey: path]) }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else { throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path]) }
    }
}

/// Which store file a local command works on: `--database PATH` or the configuration's
/// `<data_dir>/bankgate.sqlite`.
struct StoreFileOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The store's database file.", valueName: "path"))
    var database: String?

    @Option(name: .customLong("config"), help: ArgumentHelp("Use this configuration's data directory (bankgate.sqlite).", valueName: "file"))
    var configPath: String?

    func validate() throws {
        guard (database != nil) != (configPath != nil) else { throw ValidationError("give either --database PATH or --config FILE") }
    }

    func path(mustExist: Bool = true) throws(OperatorFailure) -> String {
        var path = database ?? ""
        if let configPath {
            do {
                path = try BankGateConfiguration.load(path: configPath).server.dataDirectory + "/bankgate.sqlite"
            } catch {
                throw OperatorFailure(message: "cannot use \(configPath): \(error)", exitCode: OperatorFailure.usage)
            }
        }
        if mustExist, !FileManager.default.fileExists(atPath: path) {
            throw OperatorFailure(message: "no database at \(path)", exitCode: OperatorFailure.usage)
        }
        return path
    }
}

/// The checks a backup passes before it is reported written or put in place.
enum StoreFileCheck {
    /// `PRAGMA integrity_check`, a store's tables, and the audit chain; returns the summary line.
    static func verify(_ path: String) throws(OperatorFailure) -> String {
        let problems: [String]
        do {
            problems = try SQLiteBackup.integrityProblems(of: path)
        } catch {
            throw OperatorFailure(message: "\(path) cannot be checked: \(error)", exitCode: OperatorFailure.apiError)
        }
        guard problems.isEmpty else {
            throw OperatorFailure(message: "\(path) fails the integrity check: \(problems.prefix(5).joined(separator: "; "))",
                                  exitCode: OperatorFailure.apiError)
        }
        do {
            let db = try StoreConnection(path: path, readOnly: true)
            let migrations = try db.queryFirst("SELECT COUNT(*) AS n FROM schema_migrations") { try $0.int("n") } ?? 0
            let verification = try AuditTrail.verify(db)
            if let problem = verification.firstBreak {
                throw OperatorFailure(message: "\(path): the audit trail is broken at record \(problem.recordId) "
                                      + "(\(problem.kind.rawValue)): \(problem.detail)", exitCode: OperatorFailure.auditBroken)
            }
            let head = verification.head.map { "head \($0.id):\($0.hash)" } ?? "no records"
            return "integrity ok; \(migrations) migrations; audit trail intact: \(verification.checked) records, \(head)"
        } catch let failure as OperatorFailure {
            throw failure
        } catch {
            throw OperatorFailure(message: "\(path) is not a bankgate store: \(error)", exitCode: OperatorFailure.apiError)
        }
    }
}

/// Refuses (usage, status 2) a file whose folder does not exist, naming the folder rather than
/// leaving SQLite or Foundation to report the file that could not be made.
func requireFolder(of path: String, for what: String) throws(OperatorFailure) {
    let folder = (path as NSString).deletingLastPathComponent
    var isFolder: ObjCBool = false
    guard FileManager.default.fileExists(atPath: folder.isEmpty ? "." : folder, isDirectory: &isFolder), isFolder.boolValue else {
        throw OperatorFailure(message: "the folder of \(what), \(folder), does not exist: create it (mkdir -m 0700 \(folder)) "
                              + "or name another path", exitCode: OperatorFailure.usage)
    }
}
