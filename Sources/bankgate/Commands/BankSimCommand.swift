import ArgumentParser
import BankGateSimulator
import Logging
import ServiceLifecycle
import UnixSignals

/// `bankgate bank-sim`: runs the ISO 20022 bank simulator (HTTP and/or folder mode) until SIGTERM/SIGINT.
/// Flags, routes, rules and faults are described in `adapters/iso20022/SIMULATOR.md`.
struct BankSimCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bank-sim",
        abstract: "Run a simulated ISO 20022 bank with a durable ledger and fault injection.",
        discussion: "Give --listen for HTTP (POST /payments, POST /status, POST /reports, GET /sim/statements, "
            + "GET /sim/ledger, GET /sim/accounts, GET /healthz), or --inbox and --outbox for folder mode, or both. "
            + "POST /reports takes a camt.060 and answers one end-of-day statement per day (camt.053 or MT940) "
            + "or an intraday camt.052; statements add simulated incoming credits and can carry the statement "
            + "faults below, all drawn per (seed, account, day).")

    @Option(help: ArgumentHelp("Listen for HTTP on HOST:PORT (port 0 picks a free port).", valueName: "host:port"))
    var listen: String?

    @Option(name: .customLong("data-dir"), help: ArgumentHelp("Directory of the ledger sim.sqlite.", valueName: "dir"))
    var dataDirectory = "var/bank-sim"

    @Option(help: ArgumentHelp("JSON array of {number, currency, balance, status} accounts, loaded at start.",
                               valueName: "file"))
    var accounts: String?

    @Option(help: "Seed of the fault generator, for reproducible faults.")
    var seed: UInt64?

    @Option(name: .customLong("latency-ms"), help: "Delay added before every answer, in milliseconds.")
    var latencyMilliseconds = 0

    @Option(name: .customLong("fail-rate"), help: "Share of payments answered HTTP 500 without execution (0 to 1).")
    var failRate = 0.0

    @Option(name: .customLong("drop-after-execute-rate"),
            help: "Share of payments executed, then answered by dropping the connection (0 to 1).")
    var dropAfterExecuteRate = 0.0

    @Option(name: .customLong("malformed-rate"),
            help: "Share of payments executed, then answered with a broken body (0 to 1).")
    var malformedRate = 0.0

    @Option(name: .customLong("maintenance-every-s"), help: "Length of the maintenance period in seconds.")
    var maintenanceEverySeconds: Int?

    @Option(name: .customLong("maintenance-duration-s"),
            help: "Maintenance (HTTP 503) during the first this-many seconds of every period.")
    var maintenanceDurationSeconds: Int?

    @Option(name: .customLong("statement-gap-rate"),
            help: "Share of (account, day) statements left out of the first answer covering them, delivered later (0 to 1).")
    var statementGapRate = 0.0

    @Option(name: .customLong("duplicate-entry-rate"),
            help: "Share of (account, day) statements listing one entry twice; balances ignore the copy (0 to 1).")
    var duplicateEntryRate = 0.0

    @Option(name: .customLong("late-entry-rate"),
            help: "Share of (account, day) whose last debit is booked in the next day's statement (0 to 1).")
    var lateEntryRate = 0.0

    @Option(name: .customLong("incoming-credits-per-day"),
            help: "Most simulated incoming customer payments per account and day, in statements only (0 to 99).")
    var incomingCreditsPerDay = 2

    @Option(help: ArgumentHelp("Folder mode: directory polled for *.xml messages.", valueName: "dir"))
    var inbox: String?

    @Option(help: ArgumentHelp("Folder mode: directory the pain.002 answers are written to.", valueName: "dir"))
    var outbox: String?

    func validate() throws {
        let options = try makeOptions()
        if let path = options.accountsFile {
            do {
                _ = try AccountsFile.load(path: path)
            } catch {
                throw ValidationError(error.message)
            }
        }
    }

    func run() async throws {
        var logger = Logger(label: "bankgate.bank-sim")
        logger.logLevel = .info
        let service: BankSimulatorService
        do {
            service = try BankSimulatorService(options: try makeOptions(), logger: logger)
        } catch let error as BankSimulatorOptionsError {
            throw ValidationError(error.message)
        }
        let group = ServiceGroup(configuration: .init(
            services: [service], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }

    /// The simulator options from the flags, checked; problems become ArgumentParser validation errors.
    private func makeOptions() throws -> BankSimulatorOptions {
        do {
            let options = BankSimulatorOptions(
                listen: try listen.map { text throws(BankSimulatorOptionsError) in try ListenAddress(parsing: text) },
                dataDirectory: dataDirectory,
                accountsFile: accounts,
                faults: FaultSettings(
                    seed: seed, latencyMilliseconds: latencyMilliseconds, failRate: failRate,
                    dropAfterExecuteRate: dropAfterExecuteRate, malformedRate: malformedRate,
                    maintenanceEverySeconds: maintenanceEverySeconds,
                    maintenanceDurationSeconds: maintenanceDurationSeconds,
                    statementGapRate: statementGapRate, duplicateEntryRate: duplicateEntryRate,
                    lateEntryRate: lateEntryRate, incomingCreditsPerDay: incomingCreditsPerDay),
                inbox: inbox,
                outbox: outbox)
            try options.validate()
            return options
        } catch {
            throw ValidationError(error.message)
        }
    }
}
