import ArgumentParser
import BankGateConfig
import Foundation

extension AccountsCommand {
    /// `accounts list [--json]`: `GET /v1/accounts`.
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list", abstract: "List the configured accounts with status, last statement and last balance.")
        @OptionGroup var connection: ConnectionOptions
        @Flag(help: "Print the API's JSON instead of a table.") var json = false

        func run() async throws {
            try await runOperator { () async throws(OperatorFailure) in
                let client = try connection.client(preferring: [.operate, .accountsRead])
                let body = try await client.get("/v1/accounts")
                if json { return printRaw(body) }
                let accounts = try JSONDocument(body).list("accounts")
                guard !accounts.isEmpty else { return Swift.print("No accounts.") }
                var table = TextTable("ID", "BANK", "CURRENCY", "TENANT", "STATUS", "LAST STATEMENT", "PERIOD END", "RECEIVED",
                                      "LAST BALANCE")
                for account in accounts {
                    let statement = account.child("last_statement"), balance = account.child("last_balance")
                    let balanceText = balance.map {
                        "\(orDash($0.string("amount"))) \(orDash($0.string("currency"))) \(orDash($0.string("type"))) \(orDash($0.string("date")))"
                    }
                    table.rows.append([orDash(account.string("id")), orDash(account.string("bank")), orDash(account.string("currency")),
                                       orDash(account.string("tenant")), orDash(account.string("status")),
                                       orDash(statement?.string("id")), orDash(statement?.string("period_end")),
                                       orDash(statement?.string("received_at")), orDash(balanceText)])
                }
                Swift.print(table.render())
            }
        }
    }
}
