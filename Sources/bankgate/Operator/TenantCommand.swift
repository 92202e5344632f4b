import ArgumentParser
import BankGateConfig

/// `bankgate tenant show`: `GET /v1/tenant` (scope `admin`), the caller's tenant, its accounts and tokens.
struct TenantCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tenant", abstract: "The calling token's tenant (scope admin).", subcommands: [Show.self])

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "show", abstract: "Show the tenant, the accounts it may read and its tokens (never a secret).")

        @OptionGroup var connection: ConnectionOptions

        @Flag(help: "Print the API's JSON.")
        var json = false

        func run() async throws {
            try await runOperator { () async throws(OperatorFailure) in
                let body = try await connection.client(preferring: [.admin]).get("/v1/tenant")
                if json { return printRaw(body) }
                print(Self.render(try JSONDocument(body)))
            }
        }

        static func render(_ tenant: JSONDocument) -> String {
            var text = labelledLines([("Tenant", orDash(tenant.string("id"))), ("Name", orDash(tenant.string("name"))),
                                      ("Partitioned", orDash(tenant.string("partitioned")))])
            var accounts = TextTable("ACCOUNT", "BANK", "CURRENCY", "ACTIVE")
            for account in tenant.list("accounts") {
                accounts.add(orDash(account.string("id")), orDash(account.string("bank")), orDash(account.string("currency")),
                             orDash(account.string("active")))
            }
            text += "\n\nAccounts\n" + (accounts.rows.isEmpty ? "None." : accounts.render())
            var tokens = TextTable("TOKEN", "SCOPES", "PAY FROM", "READ ACCOUNTS", "RATE LIMIT")
            for token in tenant.list("tokens") {
                let rate = token.string("rate_limit_per_second").map { "\($0)/s burst \(orDash(token.string("rate_limit_burst")))" }
                tokens.add(orDash(token.string("name")), orDash(token.strings("scopes")?.joined(separator: ",")),
                           orDash(token.strings("pay_from")?.joined(separator: ",")),
                           orDash(token.strings("read_accounts")?.joined(separator: ",")), orDash(rate))
            }
            return text + "\n\nTokens\n" + (tokens.rows.isEmpty ? "None." : tokens.render())
        }
    }
}
