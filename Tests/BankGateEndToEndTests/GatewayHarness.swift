import BankGateCore
import BankGateAdapters
import BankGateAPI
import BankGateConfig
import BankGateSimulator
import BankGateTestSupport
import BankGateTransport
import Foundation
import Logging
import ServiceLifecycle
import XCTest
import BankGateRuntime

/// A gateway and a simulated bank in this process, on loopback ports chosen by the system.
final class GatewayHarness: @unchecked Sendable {
    /// The clock of every gateway and simulated bank the end-to-end tests start: real time moved to
    /// midday UTC of the day the tests began, so their "today" holds for the whole run, whatever
    /// the date and hour.
    static let clock = MiddayClock()
    /// The clock's calendar date.
    static var today: String { clock.today }

    let directory: URL
    let client = HTTPClient(timeoutMilliseconds: 20_000)
    let token = "e2e-token-0123456789abcdef"
    private(set) var apiPort = 0
    private(set) var bankPort = 0
    /// The simulated client's file folder, for a profile whose client exchanges files (abc).
    private(set) var clientFileDirectory: String?
    private var groups: [ServiceGroup] = []
    private var tasks: [Task<Void, any Error>] = []
    private var runtime: GatewayRuntime?
    /// The gateway started, to drive its services directly (a receipt pull tick …).
    var gateway: GatewayRuntime? { runtime }
    /// The gateway's logger (the simulator keeps ``logger``): a test may capture its lines.
    var gatewayLogger: Logger = GatewayHarness.logger

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("bankgate-e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    /// A harness on the folder of an earlier one (stopped with ``stopKeepingFiles()``): a restart
    /// on the same store.
    init(directory: URL) {
        self.directory = directory
    }

    static var logger: Logger {
        var logger = Logger(label: "e2e")
        logger.logLevel = ProcessInfo.processInfo.environment["BANKGATE_TEST_LOG"].flatMap(Logger.Level.init(rawValue:)) ?? .critical
        return logger
    }

    /// Starts the simulated bank (unless `bankURL` is given) and the gateway.
    func start(accounts: String? = nil, faults: FaultSettings = FaultSettings(), bankURL: String? = nil,
               folderExchange: Bool = false, extraBankKeys: String = "", extraConfig: String = "",
               signatureFiles: SimulatorSignatureFiles = SimulatorSignatureFiles()) async throws {
        var url = bankURL
        let outbox = directory.appendingPathComponent("to-bank").path
        let inbox = directory.appendingPathComponent("from-bank").path
        if folderExchange {
            let sim = try BankSimulatorService(
                options: BankSimulatorOptions(dataDirectory: directory.appendingPathComponent("sim").path,
                                              faults: faults, inbox: outbox, outbox: inbox),
                clock: Self.clock, logger: Self.logger)
            run([sim])
        } else if url == nil {
            var accountsFile: String?
            if let accounts {
                accountsFile = directory.appendingPathComponent("accounts.json").path
                try accounts.write(toFile: accountsFile!, atomically: true, encoding: .utf8)
            }
            let sim = try BankSimulatorService(
                options: BankSimulatorOptions(listen: ListenAddress(host: "127.0.0.1", port: 0),
                                              dataDirectory: directory.appendingPathComponent("sim").path,
                                              accountsFile: accountsFile, faults: faults, signatureFiles: signatureFiles),
                clock: Self.clock, logger: Self.logger)
            run([sim])
            guard let port = await sim.waitUntilListening() else { throw HarnessError("simulator did not start") }
            bankPort = port
            url = "http://127.0.0.1:\(port)"
        }
        let toml = Self.configuration(listen: "127.0.0.1:0", dataDirectory: directory.appendingPathComponent("gateway").path,
                                      token: token, transport: folderExchange ? "transport = \"folder\"\noutbox_dir = \"\(outbox)\"\ninbox_dir = \"\(inbox)\"" : "transport = \"http\"\nurl = \"\(url!)\"",
                                      bankKeys: Self.bankKeys(overriddenBy: extraBankKeys), extra: extraConfig)
        let configuration = try BankGateConfiguration.parse(toml, fileName: "e2e.toml", baseDirectory: directory.path)
        let runtime = try GatewayRuntime(configuration: configuration, clock: Self.clock, logger: gatewayLogger)
        self.runtime = runtime
        run(runtime.services())
        apiPort = await runtime.waitUntilListening()
    }

    /// Starts the simulated bank of `profile` and a gateway configured with what the simulator's
    /// `--print-config` prints (its `[[banks]]` and `[[accounts]]`), plus the test defaults of a bank.
    /// A profile reached over TCP (abc) gets its client port too (`--tcp-listen`, port 0), and so does
    /// one that may be (ccb) with `overTCP`: the gateway then reaches it over that port.
    /// `openAccounts` are opened in the simulator's ledger at start (a closed creditor account …);
    /// `adjustPrinted` may change the printed configuration first (a test's wrong key). A profile
    /// whose client exchanges files (abc) serves them by FTP (`--ftp-listen`, port 0), or with
    /// `filesOverFTP` false from its folder, which the gateway then shares (`file_directory`).
    func start(profile: String, faults: FaultSettings = FaultSettings(), extraBankKeys: String = "",
               openAccounts: [SimulatedAccount] = [], overTCP: Bool = false, filesOverFTP: Bool = true,
               gatewayClock: (any WallClock)? = nil, adjustPrinted: (String) -> String = { $0 }) async throws {
        let usesTCP = SimulatorProfiles.usesTCP(profile: profile) || overTCP
        let ftp = filesOverFTP && SimulatorProfiles.exchangesFiles(profile: profile)
        let options = BankSimulatorOptions(listen: ListenAddress(host: "127.0.0.1", port: 0),
                                           tcpListen: usesTCP ? ListenAddress(host: "127.0.0.1", port: 0) : nil,
                                           dataDirectory: directory.appendingPathComponent("sim").path, faults: faults,
                                           openAccounts: openAccounts, profile: profile,
                                           ftpListen: ftp ? ListenAddress(host: "127.0.0.1", port: 0) : nil)
        clientFileDirectory = options.clientFileDirectory
        let sim = try BankSimulatorService(options: options, clock: Self.clock, logger: Self.logger)
        run([sim])
        guard let port = await sim.waitUntilListening() else { throw HarnessError("simulator did not start") }
        bankPort = port
        var tcpListen: ListenAddress?
        if usesTCP {
            guard let tcpPort = await sim.waitUntilTCPListening() else { throw HarnessError("simulator's TCP port did not open") }
            tcpListen = ListenAddress(host: "127.0.0.1", port: tcpPort)
        }
        var ftpListen: ListenAddress?
        if ftp {
            guard let ftpPort = await sim.waitUntilFTPListening() else { throw HarnessError("simulator's FTP port did not open") }
            ftpListen = ListenAddress(host: "127.0.0.1", port: ftpPort)
        }
        let printed = adjustPrinted(try SimulatorProfiles.gatewayConfiguration(
            profile: profile, listen: ListenAddress(host: "127.0.0.1", port: port), tcpListen: tcpListen, ftpListen: ftpListen,
            dataDirectory: directory.appendingPathComponent("sim").path))
        Self.exportSecrets(printed)
        let toml = Self.profileConfiguration(printed: printed, dataDirectory: directory.appendingPathComponent("gateway").path,
                                             token: token, bankKeys: Self.bankKeys(overriddenBy: extraBankKeys))
        let configuration = try BankGateConfiguration.parse(toml, fileName: "e2e-\(profile).toml", baseDirectory: directory.path)
        let runtime = try GatewayRuntime(configuration: configuration, clock: gatewayClock ?? Self.clock, logger: gatewayLogger)
        self.runtime = runtime
        run(runtime.services())
        apiPort = await runtime.waitUntilListening()
    }

    /// Sets the variables a printed configuration asks for (`# export NAME=value`: the passwords
    /// the simulator accepts, named by `password_env`), for this process and what it starts.
    static func exportSecrets(_ printed: String) {
        for line in printed.split(separator: "\n") where line.hasPrefix("# export ") {
            let assignment = line.dropFirst("# export ".count)
            guard let equals = assignment.firstIndex(of: "=") else { continue }
            setenv(String(assignment[..<equals]), String(assignment[assignment.index(after: equals)...]), 1)
        }
    }

    /// A whole configuration around a simulator's printed `[[banks]]` and `[[accounts]]`: `bankKeys`
    /// go into the bank's table (after its `url`, or its `address` over TCP), the tokens are those of ``configuration(listen:dataDirectory:token:transport:bankKeys:extra:)``.
    static func profileConfiguration(printed: String, dataDirectory: String, token: String, bankKeys: String) -> String {
        var lines: [String] = []
        var inserted = false
        for line in printed.split(separator: "\n", omittingEmptySubsequences: false) {
            lines.append(String(line))
            if !inserted, line.hasPrefix("url = ") || line.hasPrefix("address = ") {
                lines.append(bankKeys)
                inserted = true
            }
        }
        return """
            [server]
            listen = "127.0.0.1:0"
            data_dir = "\(dataDirectory)"

            [[tokens]]
            name = "treasury"
            token = "\(token)"
            scopes = ["payments:write", "payments:read", "operate", "events:read", "accounts:read", "accounts:write", "keys:admin", "receipts:read"]

            [dispatch]
            poll_interval_ms = 50

            \(lines.joined(separator: "\n"))
            """
    }

    /// A gateway configuration with one bank `sim`, the account `acme-eur` and the tokens `treasury`
    /// (all scopes) and `reader` (payments:read only); `server`: more `[server]` lines.
    static func configuration(listen: String, dataDirectory: String, token: String, transport: String,
                              bankKeys: String, server: String = "", extra: String = "") -> String {
        """
        [server]
        listen = "\(listen)"
        data_dir = "\(dataDirectory)"
        \(server)

        [[tokens]]
        name = "treasury"
        token = "\(token)"
        scopes = ["payments:write", "payments:read", "operate", "events:read", "accounts:read", "accounts:write", "keys:admin", "receipts:read"]

        [[tokens]]
        name = "reader"
        token = "reader-token-0123456789"
        scopes = ["payments:read"]

        [[banks]]
        id = "sim"
        adapter = "iso20022"
        \(transport)
        \(bankKeys)

        [[accounts]]
        id = "acme-eur"
        bank = "sim"
        number = "DE89370400440532013000"
        bank_code = "COBADEFFXXX"
        name = "ACME Trading GmbH"
        currency = "EUR"

        [dispatch]
        poll_interval_ms = 50
        \(extra)
        """
    }

    /// The test defaults for a bank, with `extra` lines replacing keys of the same name.
    static func bankKeys(overriddenBy extra: String) -> String {
        let defaults = ["max_in_flight = 8", "request_timeout_ms = 3000", "status_query_interval_ms = 100",
                        "backoff_base_ms = 100", "backoff_max_ms = 1000"]
        let overridden = Set(extra.split(separator: "\n").compactMap { $0.split(separator: "=").first?.trimmingCharacters(in: .whitespaces) })
        let kept = defaults.filter { !overridden.contains(String($0.split(separator: " ")[0])) }
        return (kept + [extra]).joined(separator: "\n")
    }

    private func run(_ services: [any Service]) {
        let group = ServiceGroup(configuration: ServiceGroupConfiguration(
            services: services.map { ServiceGroupConfiguration.ServiceConfiguration(service: $0) }, logger: Self.logger))
        groups.append(group)
        tasks.append(Task { try await group.run() })
    }

    func stop() async {
        await stopKeepingFiles()
        try? FileManager.default.removeItem(at: directory)
    }

    /// Stops the gateway and the simulator and leaves their files, for a restart on them.
    func stopKeepingFiles() async {
        for group in groups.reversed() { await group.triggerGracefulShutdown() }
        for task in tasks { _ = try? await task.value }
        runtime?.close()
    }

    // MARK: - HTTP

    struct Answer {
        var status: Int
        var json: [String: Any]
        var headers: HTTPResponse
    }

    @discardableResult
    func call(_ method: String, _ path: String, body: Any? = nil, rawBody: [UInt8]? = nil, key: String? = nil,
              token: String? = nil, port: Int? = nil, headers extraHeaders: [(String, String)] = []) async throws -> Answer {
        var headers = [("Authorization", "Bearer \(token ?? self.token)"), ("Content-Type", "application/json")] + extraHeaders
        if let key { headers.append(("Idempotency-Key", key)) }
        let bytes = try rawBody ?? body.map { Array(try JSONSerialization.data(withJSONObject: $0)) }
        let response = try await client.send(method: method, url: "http://127.0.0.1:\(port ?? apiPort)\(path)",
                                              headers: headers, body: bytes)
        let json = (try? JSONSerialization.jsonObject(with: Data(response.body))) as? [String: Any] ?? [:]
        return Answer(status: response.status, json: json, headers: response)
    }

    /// Polls the payment until `predicate` holds for its status, or fails after `seconds`.
    func waitForPayment(_ id: String, seconds: Double = 20, until predicate: (String) -> Bool) async throws -> [String: Any] {
        let deadline = Date().addingTimeInterval(seconds)
        while true {
            let answer = try await call("GET", "/v1/payments/\(id)")
            if let status = answer.json["status"] as? String, predicate(status) { return answer.json }
            if Date() > deadline { throw HarnessError("payment \(id) stuck in \(answer.json["status"] ?? "?")") }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    /// Waits until the payment has been tried at least once and is back in `queued`.
    func waitUntilAttempted(_ id: String) async throws -> [String: Any] {
        try await waitForPaymentJSON(id) { ($0["attempts"] as? Int ?? 0) >= 1 && $0["status"] as? String == "queued" }
    }

    func waitForPaymentJSON(_ id: String, seconds: Double = 20, until predicate: ([String: Any]) -> Bool) async throws -> [String: Any] {
        let deadline = Date().addingTimeInterval(seconds)
        while true {
            let answer = try await call("GET", "/v1/payments/\(id)")
            if predicate(answer.json) { return answer.json }
            if Date() > deadline { throw HarnessError("payment \(id) never matched: \(answer.json["status"] ?? "?")") }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    /// The simulator's executed transfers.
    func ledger() async throws -> [[String: Any]] {
        let response = try await client.send(method: "GET", url: "http://127.0.0.1:\(bankPort)/sim/ledger", headers: [], body: nil)
        let json = try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any]
        return json?["transfers"] as? [[String: Any]] ?? []
    }

    static func payment(amount: String = "12.34", creditor: String = "GB82WEST12345698765432", e2e: String? = nil) -> [String: Any] {
        var body: [String: Any] = [
            "debtor_account": "acme-eur", "amount": amount, "currency": "EUR",
            "creditor": ["name": "Müller & Söhne GmbH", "account": creditor, "bank_code": "WESTGB2L"],
            "remittance_info": "Invoice <42>",
        ]
        if let e2e { body["end_to_end_id"] = e2e }
        return body
    }
}

struct HarnessError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
