import ArgumentParser
import BankGateConfig
import Foundation

extension StatementsCommand {
    /// `statements pull ACCOUNT [--kind end_of_day|intraday] [--from] [--to]`:
    /// `POST /v1/accounts/{id}/statements/pull` — ask the bank now and import the answer.
    struct Pull: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "pull", abstract: "Ask the account's bank for statements now and import them.")
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "The account id.") var account: String
        @Option(help: "end_of_day (default) or intraday.") var kind: String?
        @Option(help: "First day (YYYY-MM-DD); by default yesterday (today for intraday).") var from: String?
        @Option(help: "Last day (YYYY-MM-DD); by default --from.") var to: String?
        @Flag(help: "Print the API's JSON instead of a table.") var json = false

        func validate() throws {
            if let kind, !["end_of_day", "intraday"].contains(kind) { throw ValidationError("--kind must be end_of_day or intraday") }
        }

        func run() async throws {
            try await runOperator { () async throws(OperatorFailure) in
                let client = try connection.client(preferring: [.operate])
                let query = OperatorQuery([("kind", kind), ("from", from), ("to", to)])
                let body = try await client.post("/v1/accounts/\(OperatorClient.escape(account))/statements/pull" + query.text)
                if json { return printRaw(body) }
                let statements = try JSONDocument(body).list("statements")
                guard !statements.isEmpty else { return print("The bank had no statement for the period.") }
                var table = TextTable("STATEMENT", "BANK ID", "FORMAT", "ENTRIES", "NEW", "INTEGRITY", "CONTINUITY")
                for statement in statements {
                    table.rows.append(["id", "bank_statement_id", "format", "entries", "new_entries", "integrity", "continuity"]
                        .map { orDash(statement.string($0)) })
                }
                print(table.render())
            }
        }
    }
}
