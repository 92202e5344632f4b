import ArgumentParser
import BankGateAdapters
import BankGateConfig
import BankGateCore
import BankGateRuntime
import BankGateStore
import Foundation

/// `bankgate audit verify|export|head`: the hash-chained audit trail, read straight from the
/// database file (read-only; the daemon may run or not), so that it can be checked by someone who
/// does not trust the daemon.
struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "The hash-chained audit trail: verify it, export an excerpt that verifies on its own, show its head.",
        subcommands: [Verify.self, Export.self, Head.self]
    )

    /// The database the trail is in: the configuration's store (`server.database`, else
    /// `<data_dir>/bankgate.sqlite`), or a file.
    struct DatabaseOptions: ParsableArguments {
        @Option(name: .customLong("config"), help: ArgumentHelp("Read the trail of this configuration's data directory.", valueName: "file"))
        var configPath: String?

        @Option(help: ArgumentHelp("Read the trail of this database instead: a SQLite file, or a postgres:// URL.", valueName: "path-or-url"))
        var database: String?

        @Flag(help: "Read the trail of `bankgate serve --demo` (its data directory under the current folder).")
        var demo = false

        func open() throws(OperatorFailure) -> StoreConnection {
            let location: StoreLocation
            if let database {
                // A file, or a PostgreSQL URL (as `export` and `import` take it).
                guard let named = StoreLocation(databaseArgument: database) else {
                    throw OperatorFailure(message: "--database: not a PostgreSQL URL: \(database)", exitCode: OperatorFailure.usage)
                }
                location = named
            } else if demo {
                do {
                    location = try StoreLocation(configuration: BankGateConfiguration.load(
                        path: try ServeCommand.demoConfigurationPath(), baseDirectory: FileManager.default.currentDirectoryPath))
                } catch {
                    throw OperatorFailure(message: "cannot read the demo configuration: \(error)", exitCode: OperatorFailure.usage)
                }
            } else if let configPath {
                do {
                    location = try StoreLocation(configuration: BankGateConfiguration.load(path: configPath))
                } catch {
                    throw OperatorFailure(message: "cannot use \(configPath): \(error)", exitCode: OperatorFailure.usage)
                }
            } else {
                throw OperatorFailure(message: "give --config FILE, --database PATH or --demo", exitCode: OperatorFailure.usage)
            }
            if case .sqlite(let path) = location, !FileManager.default.fileExists(atPath: path) {
                throw OperatorFailure(message: "no database at \(path)", exitCode: OperatorFailure.usage)
            }
            let db: StoreConnection
            let holdsStore: Bool
            do {
                db = try StoreConnection(location: location, readOnly: true)
                // A PostgreSQL schema is there even when no bankgate has created its store yet.
                if case .postgres = location { holdsStore = try PaymentStore.holdsStore(db) } else { holdsStore = true }
            } catch {
                throw OperatorFailure(message: "cannot open \(location.displayName): \(error)", exitCode: OperatorFailure.usage)
            }
            guard holdsStore else {
                throw OperatorFailure(message: "no database at \(location.displayName)", exitCode: OperatorFailure.usage)
            }
            return db
        }
    }

    /// `audit verify [--config F | --database P] [--head ID:HASH]` or `audit verify --excerpt FILE`.
    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "verify",
            abstract: "Walk the chain and name the first record altered, removed or inserted (exit status 6).")

        @OptionGroup var source: DatabaseOptions

        @Option(help: ArgumentHelp("A chain head the daemon logged (`audit chain head` lines): the trail must still hold it.",
                                   valueName: "id:hash"))
        var head: String?

        @Option(help: ArgumentHelp("Verify an exported excerpt on its own instead of the database.", valueName: "file"))
        var excerpt: String?

        func run() async throws {
            try await runOperator { () throws(OperatorFailure) in
                let result: AuditVerification
                if let excerpt {
                    result = try Self.verifyExcerpt(excerpt)
                } else {
                    let expected = try head.map { text throws(OperatorFailure) in try Self.parseHead(text) }
                    let db = try source.open()
                    do {
                        result = try AuditTrail.verify(db, expectedHead: expected)
                    } catch {
                        throw OperatorFailure(message: "cannot read the audit trail: \(error)", exitCode: OperatorFailure.apiError)
                    }
                }
                if let problem = result.firstBreak {
                    print("audit trail broken at record \(problem.recordId) (\(problem.kind.rawValue)): \(problem.detail)")
                    print("\(result.checked) records checked")
                    throw OperatorFailure(message: "the audit trail does not verify", exitCode: OperatorFailure.auditBroken)
                }
                if let last = result.head {
                    print("audit trail intact: \(result.checked) records, head \(last.id):\(last.hash)")
                } else {
                    print("audit trail intact: no records")
                }
            }
        }

        static func parseHead(_ text: String) throws(OperatorFailure) -> (id: Int64, hash: String) {
            let parts = text.split(separator: ":", maxSplits: 1)
            guard parts.count == 2, let id = Int64(parts[0]), id > 0, parts[1].utf8.count == 64,
                  parts[1].utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }) else {
                throw OperatorFailure(message: "--head must be ID:HASH (a record id and its 64 hex digit hash)", exitCode: OperatorFailure.usage)
            }
            return (id, String(parts[1]))
        }

        static func verifyExcerpt(_ path: String) throws(OperatorFailure) -> AuditVerification {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw OperatorFailure(message: "cannot read \(path)", exitCode: OperatorFailure.usage)
            }
            let text = String(decoding: data, as: UTF8.self)
            do {
                return try AuditExcerpt.verify(lines: text.split(separator: "\n", omittingEmptySubsequences: false))
            } catch {
                throw OperatorFailure(message: "\(path): \(error)", exitCode: OperatorFailure.usage)
            }
        }
    }

    /// `audit export --from D --to D [--output FILE]`: the records of those days (UTC) as an excerpt.
    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "export",
            abstract: "Write the records of a period as JSON lines with the hashes that verify them on their own.")

        @OptionGroup var source: DatabaseOptions

        @Option(help: "The first day, YYYY-MM-DD (UTC).") var from: String
        @Option(help: "The last day, YYYY-MM-DD (UTC).") var to: String
        @Option(help: ArgumentHelp("Write to this file (default: standard output).", valueName: "file")) var output: String?

        func run() async throws {
            try await runOperator { () throws(OperatorFailure) in
                guard let start = Timestamp.parseDate(from) else {
                    throw OperatorFailure(message: "--from must be a YYYY-MM-DD date", exitCode: OperatorFailure.usage)
                }
                guard let lastDay = Timestamp.parseDate(to), lastDay >= start else {
                    throw OperatorFailure(message: "--to must be a YYYY-MM-DD date on or after --from", exitCode: OperatorFailure.usage)
                }
                let end = lastDay.adding(milliseconds: 86_400_000 - 1)
                let db = try source.open()
                guard let handle = Self.openOutput(output) else {
                    throw OperatorFailure(message: "cannot write \(output ?? "standard output")", exitCode: OperatorFailure.usage)
                }
                do {
                    let written = try Self.write(db, from: start, to: end, to: handle)
                    try handle.synchronize()
                    FileHandle.standardError.write(Data("\(written) audit records from \(from) to \(to)\n".utf8))
                } catch let failure as OperatorFailure {
                    throw failure
                } catch {
                    throw OperatorFailure(message: "cannot export: \(error)", exitCode: OperatorFailure.apiError)
                }
            }
        }

        static func openOutput(_ path: String?) -> FileHandle? {
            guard let path else { return FileHandle.standardOutput }
            guard FileManager.default.createFile(atPath: path, contents: nil) else { return nil }
            return FileHandle(forWritingAtPath: path)
        }

        /// Writes the header and every record whose id lies between the period's first and last
        /// record (those written in between on a clock that stepped back included: an excerpt must
        /// be a contiguous stretch of the chain to verify).
        static func write(_ db: StoreConnection, from: Timestamp, to: Timestamp, to handle: FileHandle) throws -> Int {
            guard let range = try AuditTrail.idRange(db, from: from, to: to) else {
                handle.write(Data((AuditExcerpt.header(firstId: 0, lastId: 0, records: 0, anchor: AuditTrail.genesis,
                                                        head: AuditTrail.genesis) + "\n").utf8))
                return 0
            }
            let first = try AuditTrail.records(db, after: range.lowerBound - 1, through: range.lowerBound, limit: 1).first
            let last = try AuditTrail.records(db, after: range.upperBound - 1, through: range.upperBound, limit: 1).first
            let count = try db.queryFirst("SELECT COUNT(*) AS n FROM audit_log WHERE id BETWEEN ? AND ?",
                                          [.integer(range.lowerBound), .integer(range.upperBound)]) { try $0.int("n") } ?? 0
            handle.write(Data((AuditExcerpt.header(firstId: range.lowerBound, lastId: range.upperBound, records: Int(count),
                                                    anchor: first?.previousHash ?? "", head: last?.hash ?? "") + "\n").utf8))
            var after = range.lowerBound - 1
            var written = 0
            while true {
                let page = try AuditTrail.records(db, after: after, through: range.upperBound, limit: 2_000)
                guard let tail = page.last else { break }
                var chunk = ""
                for record in page { chunk += AuditExcerpt.line(record) + "\n" }
                handle.write(Data(chunk.utf8))
                written += page.count
                after = tail.id
            }
            return written
        }
    }

    /// `audit head`: the chain's last record, as the daemon logs it.
    struct Head: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "head", abstract: "Print the chain's last record id and hash.")

        @OptionGroup var source: DatabaseOptions

        func run() async throws {
            try await runOperator { () throws(OperatorFailure) in
                let db = try source.open()
                do {
                    guard let head = try AuditTrail.head(db) else { return print("no audit records") }
                    print("\(head.id):\(head.hash) at \(head.at.iso8601)")
                } catch {
                    throw OperatorFailure(message: "cannot read the audit trail: \(error)", exitCode: OperatorFailure.apiError)
                }
            }
        }
    }
}
