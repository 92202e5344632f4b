import ArgumentParser
import BankGateConfig
import Foundation

extension StatementsCommand {
    /// `statements list ACCOUNT [--limit N]`: `GET /v1/accounts/{id}/statements`.
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list", abstract: "An account's statements received, with integrity and continuity.")
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "The account id.") var account: String
        @Option(help: "At most this many.") var limit: Int?
        @Flag(help: "Print the API's JSON instead of a table.") var json = false

        func run() async throws {
            try await runOperator { () async throws(OperatorFailure) in
                let client = try connection.client(preferring: [.accountsRead, .operate])
                let query = OperatorQuery([("limit", limit.map(String.init))])
                let body = try await client.get("/v1/accounts/\(OperatorClient.escape(account))/statements" + query.text)
                if json { return printRaw(body) }
                let statements = try JSONDocument(body).list("statements")
                guard !statements.isEmpty else { return print("No statements.") }
                var table = TextTable("STATEMENT", "KIND", "DATE", "FORMAT", "ENTRIES", "NEW", "INTEGRITY", "CONTINUITY", "REVIEW",
                                      "SOURCE", "RECEIVED")
                for statement in statements {
                    table.rows.append(["id", "report_kind", "date", "format", "entries", "new_entries", "integrity", "continuity",
                                       "review", "source", "received_at"].map { orDash(statement.string($0)) })
                }
                print(table.render())
            }
        }
    }

    /// `statements messages STATEMENT_ID`: `GET /v1/statements/{id}/messages` — the archived exchange
    /// that brought it (its bank exchange: `bankgate exchanges show`).
    struct Messages: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "messages", abstract: "The archived request and answer (or inbox file) that brought a statement.")
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "The statement id (stm_…).") var id: String
        @Flag(help: "Print the API's JSON (each message's bytes in base64 too).") var json = false

        func run() async throws {
            try await runOperator { () async throws(OperatorFailure) in
                let client = try connection.client(preferring: [.accountsRead, .operate])
                let body = try await client.get("/v1/statements/\(OperatorClient.escape(id))/messages")
                if json { return printRaw(body) }
                let messages = try JSONDocument(body).list("messages")
                guard !messages.isEmpty else { return print("No archived message for \(id).") }
                var lines: [String] = []
                for message in messages {
                    let status = message.string("http_status").map { " HTTP \($0)" } ?? ""
                    lines.append("--- \(orDash(message.string("direction"))) \(orDash(message.string("kind")))\(status) "
                                 + "at \(orDash(message.string("at"))), \(orDash(message.string("size"))) bytes, message \(orDash(message.string("id")))")
                    lines.append(message.string("body") ?? message.string("stored_file").map { "(kept in the data folder: \($0))" }
                                 ?? "(not UTF-8; base64:) " + orDash(message.string("body_base64")))
                }
                print(lines.joined(separator: "\n"))
            }
        }
    }
}
