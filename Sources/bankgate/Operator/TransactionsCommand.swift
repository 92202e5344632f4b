import ArgumentParser
import BankGateConfig

/// `bankgate transactions [list] ACCOUNT …` (an account's transactions) and `transactions show ID`
/// (`GET /v1/transactions/{id}`: one transaction and its matches).
struct TransactionsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "transactions", abstract: "Bank transactions: an account's page (list, the default) or one with its matches (show).",
        subcommands: [TransactionsListCommand.self, Show.self], defaultSubcommand: TransactionsListCommand.self)

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "show", abstract: "Show one bank transaction with its matches and suggestions.")

        @OptionGroup var connection: ConnectionOptions

        @Argument(help: "The transaction id.")
        var id: String

        @Flag(help: "Print the API's JSON.")
        var json = false

        func run() async throws {
            try await runOperator { () async throws(OperatorFailure) in
                let client = try connection.client(preferring: [.accountsRead, .operate])
                let body = try await client.get("/v1/transactions/\(OperatorClient.escape(id))")
                if json { return printRaw(body) }
                print(Self.render(try JSONDocument(body)))
            }
        }

        /// The transaction's members as `name: value` lines, then its matches as a table.
        static func render(_ document: JSONDocument) -> String {
            var text = labelledLines(document.fields("transaction").map { ($0.name, $0.text) })
            let matches = document.list("matches")
            guard !matches.isEmpty else { return text + "\n\nNo matches." }
            var table = TextTable("MATCH", "STATE", "KIND", "TARGET", "SCORE", "DECIDED BY", "CREATED")
            for match in matches {
                table.add(orDash(match.string("id")), orDash(match.string("state")), orDash(match.string("kind")),
                          "\(orDash(match.string("target_kind"))) \(orDash(match.string("target_id")))",
                          match.string("score_permille").map { "\($0)‰" } ?? "-", orDash(match.string("decided_by")),
                          orDash(match.string("created_at")))
            }
            text += "\n\nMatches\n" + table.render()
            return text
        }
    }
}
