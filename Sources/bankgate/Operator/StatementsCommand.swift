import ArgumentParser
import BankGateConfig
import BankGateCore
import BankGateStatements
import Foundation

/// `bankgate statements parse|upload|accept|pull|list|messages`: read a statement file locally, or work with the daemon.
struct StatementsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "statements",
        abstract: "Parse bank statements (camt.052/053/054, MT940/942), or upload, pull and list them through the daemon.",
        subcommands: [Parse.self, Upload.self, Accept.self, Pull.self, List.self, Messages.self]
    )

    /// `--format auto|camt|mt940`.
    enum FormatOption: String, ExpressibleByArgument, CaseIterable {
        case auto, camt, mt940

        var parserFormat: StatementParser.Format {
            switch self {
            case .auto: .auto
            case .camt: .camt
            case .mt940: .mt940
            }
        }
    }

    /// `statements parse FILE`: prints the normalized transactions and a summary; reads the file as a
    /// stream, so any size works (a ZIP archive, up to 64 MiB, is unpacked in memory and its members
    /// read in order, each announced by a `member` line). Malformed input ends with the line or element at fault and exit 1;
    /// so does a statement whose balances do not add up (opening + entries ≠ closing, MT942 totals ≠
    /// entries), after it is printed, unless `--allow-inconsistent`.
    struct Parse: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "parse",
            abstract: "Print a statement file's normalized transactions and a summary (no daemon needed).")

        @Argument(help: "The statement file.")
        var file: String

        @Option(help: "auto (default), camt or mt940.")
        var format: FormatOption = .auto

        @Flag(help: "One JSON object per line: statement, transaction…, and a last summary line.")
        var json = false

        @Flag(help: "Exit 0 even when a statement's balances do not add up (it is printed either way).")
        var allowInconsistent = false

        func run() throws {
            guard FileManager.default.isReadableFile(atPath: file) else {
                FileHandle.standardError.write(Data("error: cannot read \(file)\n".utf8))
                throw ExitCode(2)
            }
            let output = BufferedOutput()
            var printer = StatementLinePrinter.utf8(mode: json ? .jsonLines : .text, write: output.write)
            do {
                if StatementArchiveInput.isArchive(file) {
                    try StatementArchiveInput.parse(file, format: format.parserFormat, json: json, printer: &printer) { (text: String) in
                        output.write(text)
                    }
                } else {
                    try StatementParser.parse(file: file, format: format.parserFormat, visitor: &printer)
                }
                printer.finish()
                output.flush()
            } catch {
                output.flush()
                FileHandle.standardError.write(Data("error: \(file): \(error)\n".utf8))
                throw ExitCode(1)
            }
            guard allowInconsistent || printer.inconsistencies.isEmpty else {
                for statement in printer.inconsistencies {
                    let message = "error: \(file): statement \(statement.statementId) does not add up: "
                        + statement.difference + "\n"
                    FileHandle.standardError.write(Data(message.utf8))
                }
                FileHandle.standardError.write(Data("(--allow-inconsistent accepts it)\n".utf8))
                throw ExitCode(1)
            }
        }
    }

    /// `statements upload FILE`: `POST /v1/statements`.
    struct Upload: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "upload", abstract: "Send a statement file to the daemon to be stored and reconciled.")

        @OptionGroup var connection: ConnectionOptions

        @Argument(help: "The statement file (at most 64 MiB; larger files go through the bank's inbox folder).")
        var file: String

        @Option(help: "The account id the statement must be for.")
        var account: String?

        @Option(help: "auto (default), camt or mt940.")
        var format: FormatOption = .auto

        @Flag(help: "Print the API's JSON.")
        var json = false

        func run() async throws {
            try await runOperator { () async throws(OperatorFailure) in
                guard let data = FileManager.default.contents(atPath: file) else {
                    throw OperatorFailure(message: "cannot read \(file)", exitCode: OperatorFailure.usage)
                }
                let client = try connection.client(preferring: [.accountsWrite])
                var path = "/v1/statements?format=\(format.rawValue)"
                if let account { path += "&account=\(OperatorClient.escape(account))" }
                let body = try await client.post(path, body: Array(data), contentType: "application/octet-stream")
                if json { return printRaw(body) }
                let statements = try JSONDocument(body).list("statements")
                // A ZIP upload: each statement names the member it came from.
                let members = statements.contains { $0.string("member") != nil }
                var table = TextTable("STATEMENT", "BANK ID", "ACCOUNT", "FORMAT", "ENTRIES", "NEW", "INTEGRITY", "CONTINUITY")
                if members { table.headers.insert("MEMBER", at: 0) }
                for statement in statements {
                    let columns = [orDash(statement.string("id")), orDash(statement.string("bank_statement_id")),
                                   orDash(statement.string("account")), orDash(statement.string("format")),
                                   orDash(statement.string("entries")), orDash(statement.string("new_entries")),
                                   orDash(statement.string("integrity")), orDash(statement.string("continuity"))]
                    table.rows.append(members ? [orDash(statement.string("member"))] + columns : columns)
                }
                print(table.render())
            }
        }
    }

    /// `statements accept stm_… [--reason TEXT]`
    struct Accept: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Accept a quarantined statement as it is: its entries and balances count from now on (audited).")

        @OptionGroup var connection: ConnectionOptions

        @Argument(help: "The statement id (stm_…), as listed by `reconcile exceptions`.")
        var id: String

        @Option(help: "Why it is accepted (kept in the audit log).")
        var reason: String?

        @Flag(help: "Print the API's JSON.")
        var json = false

        func run() async throws {
            try await runOperator { () async throws(OperatorFailure) in
                let client = try connection.client(preferring: [.operate])
                let body = try await client.post("/v1/statements/\(OperatorClient.escape(id))/accept",
                                                 json: reason.map { [JSONMember(key: "reason", value: .string($0))] } ?? [])
                if json { return printRaw(body) }
                let statement = try JSONDocument(body)
                print("\(orDash(statement.string("id"))) \(orDash(statement.string("review"))): "
                      + orDash(statement.string("review_reason")))
            }
        }
    }
}

/// Standard output with a large buffer: a statement of millions of entries prints millions of lines,
/// written out 256 KiB at a time with `write(2)` on descriptor 1.
final class BufferedOutput {
    private static let flushSize = 1 << 18
    private var buffer: [UInt8] = []

    init() { buffer.reserveCapacity(Self.flushSize + 4096) }

    /// Appends one of the printer's lines (they carry their own newline).
    func write(_ bytes: UnsafeBufferPointer<UInt8>) {
        buffer.append(contentsOf: bytes)
        if buffer.count >= Self.flushSize { flush() }
    }

    /// Appends text (the `member` lines of an archive).
    func write(_ text: String) {
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= Self.flushSize { flush() }
    }

    /// Writes out what is buffered; what a failing standard output (a closed pipe) refuses is dropped.
    func flush() {
        guard !buffer.isEmpty else { return }
        _ = buffer.withUnsafeBytes { FileDescriptorOutput.writeAll(1, $0) }
        buffer.removeAll(keepingCapacity: true)
    }
}

