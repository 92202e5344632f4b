import BankGateCore
import Hummingbird

/// The ISO 20022 bank (`--profile iso20022`, the default): pain.001 in, pain.002.001.10 out, status
/// queries, camt.060 statement requests, folder mode. See `adapters/iso20022/SIMULATOR.md`.
struct ISO20022Profile: SimulatorProfile {
    /// The `--profile` value.
    static let profileName = "iso20022"

    var name: String { Self.profileName }

    var supportsFolderMode: Bool { true }

    /// One EUR account with 1,000,000.00. Every other valid account still opens on first use
    /// (without an accounts file).
    var accounts: [ProfileAccount] {
        [ProfileAccount(id: "sim-iso-eur", number: "FR7630006000011234567890189", name: "ACME Trading SARL",
                        bankCode: "AGRIFRPPXXX", branchCode: nil,
                        openingBalance: Money(minorUnits: 100_000_000, currency: Currency(code: "EUR")!))]
    }

    func addRoutes(to router: Router<SimulatorRequestContext>, bank: SimulatedBank) {
        router.post("payments") { request, context -> Response in
            var request = request
            let body = try await request.collectBody(upTo: ISO20022BankCodec.maxMessageBytes)
            let answer = await bank.receivePayment(Array(buffer: body))
            return try await SimulatorHTTPRoutes.deliver(answer, context: context)
        }
        router.post("status") { request, context -> Response in
            var request = request
            let body = try await request.collectBody(upTo: ISO20022BankCodec.maxMessageBytes)
            let answer = await bank.answerStatusQuery(Array(buffer: body))
            return try await SimulatorHTTPRoutes.deliver(answer, context: context)
        }
        router.post("reports") { request, context -> Response in
            var request = request
            let body = try await request.collectBody(upTo: ISO20022BankCodec.maxMessageBytes)
            let answer = await bank.answerReportRequest(Array(buffer: body))
            return try await SimulatorHTTPRoutes.deliver(answer, context: context)
        }
        router.get("sim/statements") { request, context -> Response in
            let query = request.uri.queryParameters
            let answer = await bank.answerStatementQuery(
                account: query.get("account"), from: query.get("from"), to: query.get("to"), format: query.get("format"))
            return try await SimulatorHTTPRoutes.deliver(answer, context: context)
        }
    }

    func gatewayConfiguration(endpoints: SimulatorEndpoints) -> String {
        let url = endpoints.url
        var tables = TOMLTables()
        tables.arrayTable("banks", ["id": "sim-iso", "adapter": "iso20022", "pain001_version": "pain.001.001.09",
                                    "transport": "http", "url": url])
        for account in accounts {
            tables.arrayTable("accounts", ["id": account.id, "bank": "sim-iso", "number": account.number,
                                           "bank_code": account.bankCode, "name": account.name,
                                           "currency": account.openingBalance.currency.code])
        }
        return tables.text
    }
}
