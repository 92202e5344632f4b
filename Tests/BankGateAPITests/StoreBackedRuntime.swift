import BankGateAdapters
import BankGateAPI
import BankGateConfig
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import BankGateTestSupport
import BankGateRuntime

/// The real gateway for intake tests that need the store: the API over ``GatewayEngine`` and a
/// SQLite store in a temporary folder, on a fixed clock. No service runs, so accepted payments stay
/// queued.
enum StoreBackedRuntime {
    /// A runtime with one EUR account `acc-eur` at the bank `sim` (a closed port), plus the
    /// `[[accounts]]` tables in `extraAccounts`; the folder to remove afterwards.
    static func make(named name: String, extraAccounts: String = "") throws -> (directory: URL, runtime: GatewayRuntime) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("bankgate-\(name)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let toml = """
            [server]
            listen = "127.0.0.1:0"
            data_dir = "\(directory.appendingPathComponent("data").path)"

            [[tokens]]
            name = "erp"
            token = "\(TestTokens.writer)"
            scopes = ["payments:write", "payments:read"]

            [[banks]]
            id = "sim"
            adapter = "iso20022"
            transport = "http"
            url = "http://127.0.0.1:9"

            [[accounts]]
            id = "acc-eur"
            bank = "sim"
            number = "DE89370400440532013000"
            bank_code = "COBADEFFXXX"
            name = "ACME Trading GmbH"
            currency = "EUR"
            \(extraAccounts)
            """
        let configuration = try BankGateConfiguration.parse(toml, fileName: "\(name).toml", baseDirectory: directory.path)
        var logger = Logger(label: "\(name)-tests")
        logger.logLevel = .critical
        let runtime = try GatewayRuntime(configuration: configuration, clock: FixedClock(instant: APIHarness.today), logger: logger)
        return (directory, runtime)
    }

    /// Runs `test` against the router over `runtime`'s engine.
    static func run(_ runtime: GatewayRuntime, _ test: @escaping @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        let router = APIServer.makeRouter(gateway: runtime.engine, tokens: TestTokens.all, maxBodyBytes: 1_048_576,
                                          clock: FixedClock(instant: APIHarness.today))
        try await Application(router: router).test(.router) { client in try await test(client) }
    }
}
