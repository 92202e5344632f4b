import BankGateAdapters
import ArgumentParser
import BankGateAPI
import BankGateConfig
import BankGateSimulator
import Foundation
import Logging
import ServiceLifecycle
import BankGateRuntime
import UnixSignals

/// `bankgate serve`: runs the gateway until SIGTERM or SIGINT, then shuts down gracefully within
/// `[server] shutdown_grace_seconds`; SIGHUP reloads the configuration file (``ServeSignals``).
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the gateway daemon.",
        discussion: "With --demo: the demo configuration (config/demo.toml), an embedded SQLite store under var/demo and an in-process simulated bank for each http bank (and for ABC's tcp bank), so the README's walk-through works with no other step.")

    @Option(help: ArgumentHelp("The configuration file (TOML).", valueName: "file"))
    var config: String?

    @Flag(help: "Run the demo: demo configuration and in-process simulated banks.")
    var demo = false

    @Option(name: .customLong("log-level"),
            help: "trace, debug, info, notice, warning, error or critical; overrides [logging] level (default info).")
    var logLevel: String?

    func validate() throws {
        guard (config != nil) != demo else {
            throw ValidationError("give either --config FILE or --demo")
        }
        if let logLevel, Logger.Level(rawValue: logLevel) == nil { throw ValidationError("unknown --log-level \(logLevel)") }
    }

    func run() async throws {
        let configuration: BankGateConfiguration
        do {
            if demo {
                configuration = try BankGateConfiguration.load(path: try Self.demoConfigurationPath(),
                                                               baseDirectory: FileManager.default.currentDirectoryPath)
            } else {
                configuration = try BankGateConfiguration.load(path: config ?? "")
            }
        } catch let error as ConfigurationError {
            throw commandFailure("invalid configuration\n\(error)")
        }
        // Issue 12: log lines as `[logging]` says (logfmt or JSON), tokens and account numbers kept out.
        StructuredLogHandler.bootstrap(configuration, levelOverride: logLevel)
        var logger = Logger(label: "bankgate")
        logger.logLevel = Logger.Level(rawValue: logLevel ?? configuration.logging.level) ?? .info
        let trapped = await ServeSignals.trap()
        // The demo's simulated banks listen before any gateway service starts, so that the first
        // statement pull and the first send find them: they run in a group of their own, started
        // first and stopped after the gateway's.
        if demo { Self.exportDemoPasswords(configuration) }
        let banks = demo ? try demoBanks(configuration, logger: logger) : []
        let bankGroup = ServiceGroup(configuration: ServiceGroupConfiguration(
            services: banks.map { ServiceGroupConfiguration.ServiceConfiguration(service: $0) }, logger: logger))
        let bankTask = Task { try await bankGroup.run() }
        defer { bankTask.cancel() }
        for bank in banks where await bank.waitUntilListening() == nil {
            await bankGroup.triggerGracefulShutdown()
            try? await bankTask.value
            throw commandFailure("the simulated bank \(bank.options.listen.map { "\($0.host):\($0.port)" } ?? "") did not start")
        }

        let runtime: GatewayRuntime
        do {
            runtime = try GatewayRuntime(configuration: configuration, logger: logger)
        } catch let refusal as SigningKeyInventory.StartRefusal {
            await bankGroup.triggerGracefulShutdown()
            try? await bankTask.value
            throw commandFailure("\(refusal)")
        }
        try await runtime.assignTenants()
        if demo { runtime.reloader.resolveRelativePaths(against: FileManager.default.currentDirectoryPath) }
        // The signals are ours (``ServeSignals``): SIGTERM/SIGINT start the bounded graceful
        // shutdown, SIGHUP reloads the configuration.
        var groupConfiguration = ServiceGroupConfiguration(
            services: runtime.services().map { ServiceGroupConfiguration.ServiceConfiguration(service: $0) }, logger: logger)
        groupConfiguration.maximumGracefulShutdownDuration = .seconds(configuration.server.shutdownGraceSeconds)
        let group = ServiceGroup(configuration: groupConfiguration)
        let signals = ServeSignals(group: group, runtime: runtime, graceSeconds: configuration.server.shutdownGraceSeconds, logger: logger)
        let signalTask = Task { await signals.handle(trapped) }
        let outcome: Result<Void, any Error>
        do {
            try await group.run()
            outcome = .success(())
        } catch {
            // Past the grace the services are cancelled; what they throw then is the bound at work,
            // not a failure (the sends cut off stay recorded as sent).
            outcome = signals.graceExpired ? .success(()) : .failure(error)
            if signals.graceExpired { logger.notice("services cancelled at the end of the shutdown grace", metadata: ["error": "\(error)"]) }
        }
        signalTask.cancel()
        runtime.close()
        await bankGroup.triggerGracefulShutdown()
        try await bankTask.value
        try outcome.get()
    }

    /// One in-process simulator per http bank of the demo configuration, on the bank's URL port, and
    /// per tcp bank whose adapter has a simulator (abc) on the bank's address, with its HTTP side
    /// (`/sim/ledger`) on the next port.
    private func demoBanks(_ configuration: BankGateConfiguration, logger: Logger) throws -> [BankSimulatorService] {
        try configuration.banks.compactMap { bank -> BankSimulatorService? in
            let listen: ListenAddress
            var tcpListen: ListenAddress?
            switch bank.transport {
            case .http(let url):
                guard let components = URLComponents(string: url), let host = components.host, let port = components.port else {
                    return nil
                }
                listen = ListenAddress(host: host, port: port)
            case .tcp(let host, let port):
                guard SimulatorProfiles.usesTCP(profile: bank.adapter), port < 65_535 else { return nil }
                tcpListen = ListenAddress(host: host, port: port)
                listen = ListenAddress(host: host, port: port + 1)
            case .folder:
                return nil
            }
            // The bank's configured accounts exist from the start, so that the first statement pull
            // (before any payment) is answered rather than refused as an unknown account.
            let accounts = configuration.accounts.filter { $0.bank == bank.id }
                .map { SimulatedAccount.openedOnFirstUse(number: $0.number, currency: $0.currency) }
            // The simulator speaks the bank's format: its own profile where there is one (cmb, icbc …;
            // hsbc and bochk for the ISO 20022 adapter's profiles), else ISO 20022.
            let candidates = [bank.adapterOptions["profile"], bank.adapter].compactMap { $0 }
            let profile = candidates.first { SimulatorProfiles.names.contains($0) } ?? "iso20022"
            // A client that exchanges files (abc) keeps them in the bank's file_directory, which the
            // gateway writes to and reads from.
            let files = SimulatorProfiles.exchangesFiles(profile: profile) ? bank.adapterOptions["file_directory"] : nil
            let options = BankSimulatorOptions(listen: listen, tcpListen: tcpListen,
                                               dataDirectory: configuration.server.dataDirectory + "/bank-sim-\(bank.id)",
                                               openAccounts: accounts, profile: profile, fileDirectory: files)
            return try BankSimulatorService(options: options, logger: logger)
        }
    }

    /// The demo only: a bank whose password comes from the environment (`password_env`) and is not
    /// set there gets the password its simulator accepts (the `# export` line of its `--print-config`).
    static func exportDemoPasswords(_ configuration: BankGateConfiguration) {
        for bank in configuration.banks {
            guard let variable = bank.adapterOptions["password_env"], getenv(variable) == nil,
                  let printed = try? SimulatorProfiles.gatewayConfiguration(
                      profile: bank.adapter, listen: ListenAddress(host: "127.0.0.1", port: 1), dataDirectory: "") else { continue }
            for line in printed.split(separator: "\n") where line.hasPrefix("# export \(variable)=") {
                setenv(variable, String(line.dropFirst("# export \(variable)=".count)), 1)
            }
        }
    }

    /// `config/demo.toml` from the working directory, else beside the source tree of this executable.
    static func demoConfigurationPath() throws -> String {
        let fileManager = FileManager.default
        var candidates = [fileManager.currentDirectoryPath + "/config/demo.toml"]
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<5 {
            candidates.append(directory.appendingPathComponent("config/demo.toml").path)
            directory.deleteLastPathComponent()
        }
        guard let found = candidates.first(where: fileManager.fileExists(atPath:)) else {
            throw commandFailure("config/demo.toml not found; run from the bankgate checkout")
        }
        return found
    }
}

