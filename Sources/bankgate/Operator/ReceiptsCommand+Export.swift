import ArgumentParser
import BankGateConfig
import BankGateCore
import Foundation

extension ReceiptsCommand {
    /// `receipts export --account A [--account B] --from D --to D [--output FILE]`: asks the daemon for
    /// a ZIP of the receipts, follows it with a progress bar (plain lines when standard error is not
    /// a terminal), and downloads it checked against its SHA-256.
    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "export",
            abstract: "Export accounts' receipts of a date range as one ZIP with an index (CSV and JSON), and download it.")

        @OptionGroup var connection: ConnectionOptions

        @Option(name: .customLong("account"), help: "An account id (repeat the option for several).")
        var accounts: [String]

        @Option(help: "Booked on or after, YYYY-MM-DD.") var from: String
        @Option(help: "Booked on or before, YYYY-MM-DD.") var to: String

        @Option(help: "Where to write the ZIP (default: receipts-<from>-<to>.zip).")
        var output: String?

        @Option(help: "Seconds between two looks at the export while it is written.")
        var pollSeconds: Double = 1

        func validate() throws {
            guard !accounts.isEmpty else { throw ValidationError("give at least one --account") }
            guard pollSeconds > 0 else { throw ValidationError("--poll-seconds must be positive") }
        }

        func run() async throws {
            try await runOperator { () async throws(OperatorFailure) in
                let client = try connection.client(preferring: [.receiptsRead, .operate])
                let created = try JSONDocument(try await client.post("/v1/receipt-exports", json: [
                    JSONMember(key: "accounts", value: .array(accounts.map(JSONValue.string))),
                    JSONMember(key: "from", value: .string(from)),
                    JSONMember(key: "to", value: .string(to)),
                ]))
                guard let id = created.string("id") else {
                    throw OperatorFailure(message: "the daemon's answer names no export", exitCode: OperatorFailure.apiError)
                }
                let count = orDash(created.string("receipt_count"))
                var progress = ProgressDisplay(title: "export \(id)", total: 100)
                progress.advance(to: 0, note: "\(count) receipts, queued")
                var export = created
                while true {
                    let state = export.string("state") ?? "?"
                    if state == "ready" || state == "failed" { break }
                    do {
                        try await Task.sleep(for: .milliseconds(Int(pollSeconds * 1000)))
                    } catch {
                        throw OperatorFailure(message: "stopped", exitCode: OperatorFailure.apiError)
                    }
                    export = try JSONDocument(try await client.get("/v1/receipt-exports/\(OperatorClient.escape(id))"))
                    let percent = Int(export.string("progress_percent") ?? "") ?? 0
                    progress.advance(to: percent, note: "\(orDash(export.string("receipt_count"))) receipts, \(orDash(export.string("state")))")
                }
                guard export.string("state") == "ready", let sha256 = export.string("sha256"), let download = export.string("download") else {
                    progress.finish(note: "failed")
                    let error = export.child("error")
                    throw OperatorFailure(message: "export \(id) failed: \(orDash(error?.string("message"))) (\(orDash(error?.string("code"))))",
                                          exitCode: OperatorFailure.apiError)
                }
                progress.advance(to: 100, note: "\(orDash(export.string("receipt_count"))) receipts written; downloading")
                let file = output ?? "receipts-\(from)-\(to).zip"
                let written = try await ReceiptDownload.fetch(client, download, to: file, expectedSHA256: sha256)
                progress.finish(note: "downloaded")
                print("\(file): \(orDash(export.string("receipt_count"))) receipts, \(written.bytes) bytes, sha256 \(written.sha256) (checked)")
            }
        }
    }
}
