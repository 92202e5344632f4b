import ArgumentParser
import BankGateConfig
import BankGateStore
import Foundation

extension ReceiptsCommand {
    /// `receipts show ID [--json]`: one receipt's filing fields, file and links.
    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "show", abstract: "One receipt: its fields, its file and its links.")

        @OptionGroup var connection: ConnectionOptions

        @Argument(help: "The receipt id (rcp_…).") var id: String
        @Flag(help: "Print the API's JSON.") var json = false

        func run() async throws {
            try await runOperator { () async throws(OperatorFailure) in
                let client = try connection.client(preferring: [.receiptsRead, .operate])
                let body = try await client.get("/v1/receipts/\(OperatorClient.escape(id))")
                if json { return printRaw(body) }
                let receipt = try JSONDocument(body)
                var table = TextTable("FIELD", "VALUE")
                for key in ["id", "bank", "account", "booking_date", "direction", "amount", "currency", "counterparty_name",
                            "counterparty_account", "counterparty_bank", "receipt_number", "bank_serial", "client_reference", "kind",
                            "purpose", "origin", "template", "content_type", "size", "sha256", "created_at"] {
                    table.add(key, orDash(receipt.string(key)))
                }
                print(table.render())
                var links = TextTable("PAYMENT", "TRANSACTION", "METHOD", "CONFIRMED")
                for link in receipt.list("links") {
                    links.add(orDash(link.string("payment_id")), orDash(link.string("transaction_id")), orDash(link.string("method")),
                              orDash(link.string("confirmed")))
                }
                print(receipt.list("links").isEmpty ? "no links" : links.render())
            }
        }
    }

    /// `receipts get ID [--output FILE]`: the document as kept, checked against its `Digest`.
    struct Get: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "get", abstract: "Download a receipt's document as kept, checked against its SHA-256.")

        @OptionGroup var connection: ConnectionOptions

        @Argument(help: "The receipt id (rcp_…).") var id: String
        @Option(help: "Where to write it (default: <id><extension of its content type>).") var output: String?

        func run() async throws {
            try await runOperator { () async throws(OperatorFailure) in
                let client = try connection.client(preferring: [.receiptsRead, .operate])
                let receipt = try JSONDocument(try await client.get("/v1/receipts/\(OperatorClient.escape(id))"))
                let file = output ?? (id + ReceiptDraft.fileExtension(contentType: receipt.string("content_type") ?? ""))
                let written = try await ReceiptDownload.fetch(client, "/v1/receipts/\(OperatorClient.escape(id))/file", to: file,
                                                              expectedSHA256: nil)
                guard written.sha256 == receipt.string("sha256") else {
                    unlink(file)
                    throw OperatorFailure(message: "the document hashes to \(written.sha256), not to the receipt's \(orDash(receipt.string("sha256")))",
                                          exitCode: OperatorFailure.receiptsAltered)
                }
                print("\(file): \(written.bytes) bytes, sha256 \(written.sha256) (checked)")
            }
        }
    }
}
