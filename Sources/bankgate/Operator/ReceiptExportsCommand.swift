import ArgumentParser
import BankGateConfig

/// `bankgate receipt-exports list|show|get`: the receipt exports (`GET /v1/receipt-exports`, `…/{id}`,
/// `…/{id}/file`). `receipts export` creates one (`POST /v1/receipt-exports`) and waits for it.
struct ReceiptExportsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "receipt-exports", abstract: "Receipt exports made with `receipts export`: list, show, download.",
        subcommands: [List.self, Show.self, Get.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List exports, newest first, one page at a time.")
        @OptionGroup var connection: ConnectionOptions
        @Option(help: "Exports per page, 1 to 500.") var limit: Int?
        @Option(help: "The next_cursor of the previous page.") var cursor: String?
        @Flag(help: "Print the API's JSON.") var json = false

        func validate() throws {
            if let limit, !(1...500).contains(limit) { throw ValidationError("--limit must be from 1 to 500") }
        }

        func run() async throws {
            try await runOperator { () async throws(OperatorFailure) in
                let client = try connection.client(preferring: [.receiptsRead, .operate])
                let body = try await client.get("/v1/receipt-exports" + OperatorQuery([("limit", limit.map(String.init)), ("cursor", cursor)]).text)
                if json { return printRaw(body) }
                let page = try JSONDocument(body)
                let exports = page.list("exports")
                guard !exports.isEmpty else { return print("No receipt exports.") }
                var table = TextTable("ID", "STATE", "ACCOUNTS", "FROM", "TO", "RECEIPTS", "BYTES", "CREATED")
                for export in exports {
                    table.add(orDash(export.string("id")), orDash(export.string("state")),
                              orDash(export.strings("accounts")?.joined(separator: ",")), orDash(export.string("from")),
                              orDash(export.string("to")), orDash(export.string("receipt_count")), orDash(export.string("bytes")),
                              orDash(export.string("created_at")))
                }
                var text = table.render()
                if let next = page.string("next_cursor") { text += "\n\nMore: --cursor \(next)" }
                print(text)
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "show", abstract: "Show one export: its state, progress, size and SHA-256.")
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "The export id.") var id: String
        @Flag(help: "Print the API's JSON.") var json = false

        func run() async throws {
            try await runOperator { () async throws(OperatorFailure) in
                let client = try connection.client(preferring: [.receiptsRead, .operate])
                let body = try await client.get("/v1/receipt-exports/\(OperatorClient.escape(id))")
                if json { return printRaw(body) }
                let export = try JSONDocument(body)
                let error = export.child("error")
                print(labelledLines([
                    ("Export", orDash(export.string("id"))), ("State", orDash(export.string("state"))),
                    ("Progress", export.string("progress_percent").map { "\($0)%" }),
                    ("Accounts", orDash(export.strings("accounts")?.joined(separator: ", "))),
                    ("Booked", "\(orDash(export.string("from"))) to \(orDash(export.string("to")))"),
                    ("Receipts", export.string("receipt_count")), ("Bytes", export.string("bytes")),
                    ("SHA-256", export.string("sha256")), ("Requested by", export.string("requested_by")),
                    ("Created", export.string("created_at")), ("Started", export.string("started_at")),
                    ("Finished", export.string("finished_at")),
                    ("Error", error.map { "\(orDash($0.string("message"))) (\(orDash($0.string("code"))))" }),
                    ("Download", export.string("download")),
                ]))
            }
        }
    }

    struct Get: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "get", abstract: "Download a ready export's ZIP, checked against its SHA-256.")
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "The export id.") var id: String
        @Option(help: "Where to write the ZIP (default: <id>.zip).") var output: String?

        func run() async throws {
            try await runOperator { () async throws(OperatorFailure) in
                let client = try connection.client(preferring: [.receiptsRead, .operate])
                let export = try JSONDocument(try await client.get("/v1/receipt-exports/\(OperatorClient.escape(id))"))
                guard export.string("state") == "ready", let download = export.string("download") else {
                    throw OperatorFailure(message: "export \(id) is \(orDash(export.string("state"))), not ready", exitCode: OperatorFailure.apiError)
                }
                let file = output ?? "\(id).zip"
                let written = try await ReceiptDownload.fetch(client, download, to: file, expectedSHA256: export.string("sha256"))
                print("\(file): \(orDash(export.string("receipt_count"))) receipts, \(written.bytes) bytes, sha256 \(written.sha256) (checked)")
            }
        }
    }
}
