import ArgumentParser
import BankGateConfig

/// `bankgate whoami`: `GET /v1/whoami`, the calling token's name, scopes and tenant.
struct WhoamiCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "whoami", abstract: "Show the calling token: its name, scopes and tenant (never its secret).")

    @OptionGroup var connection: ConnectionOptions

    @Flag(help: "Print the API's JSON.")
    var json = false

    func run() async throws {
        try await runOperator { () async throws(OperatorFailure) in
            let body = try await connection.client().get("/v1/whoami")
            if json { return printRaw(body) }
            let token = try JSONDocument(body)
            print(labelledLines([("Token", orDash(token.string("name"))),
                                 ("Scopes", orDash(token.strings("scopes")?.joined(separator: ", "))),
                                 ("Tenant", orDash(token.string("tenant")))]))
        }
    }
}
