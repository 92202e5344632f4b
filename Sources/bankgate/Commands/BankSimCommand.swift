import ArgumentParser
import BankGateSimulator
import Logging
import ServiceLifecycle
import UnixSignals

/// `bankgate bank-sim`: runs a simulated bank (HTTP and/or folder mode) until SIGTERM/SIGINT, speaking the
/// format of `--profile`. Flags, routes, rules and faults are described in `adapters/iso20022/SIMULATOR.md`
/// and, for `--profile cmb`, `icbc`, `ccb`, `boc`, `abc`, `adapters/<profile>/SIMULATOR.md`.
struct BankSimCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bank-sim",
        abstract: "Run a simulated bank (ISO 20022, CMB, ICBC, CCB, BOC, ABC) with a durable ledger and fault injection.",
        discussion: "--profile iso20022 (the default): "
            + "give --listen for HTTP (POST /payments, POST /status, POST /reports, GET /sim/statements, "
            + "GET /sim/ledger, GET /sim/accounts, GET /healthz), or --inbox and --outbox for folder mode, or both. "
            + "POST /reports takes a camt.060 and answers one end-of-day statement per day (camt.053 or MT940) "
            + "or an intraday camt.052; statements add simulated incoming credits and can carry the statement "
            + "faults below, all drawn per (seed, account, day). "
            + "--profile cmb: CMB's front-end program (前置机): GBK XML posted to any path of --listen. "
            + "--profile cmb-cloud: CMB's cloud API v2: SM4-encrypted, SM2-signed JSON forms posted to any path; "
            + "its keys are made under --data-dir/cmb-cloud and --print-config also prints the [[keys]] entry. "
            + "--profile icbc: ICBC's NetSafe Client: the encryption port POST /servlet/ICBCCMPAPIReqServlet and the "
            + "sign port POST /sign on --listen. "
            + "--profile ccb: CCB's 外联客户端: the form field requestXml (GB2312 XML) posted to any path. "
            + "--profile boc: BOC's B2E server: UTF-8 bocb2e XML posted to /B2EP/XmlServlet, with b2e0001 sign-in. "
            + "--profile abc: ABC's 银企通平台 client: framed GBK ap XML on the raw TCP port --tcp-listen (one request "
            + "per connection); --listen serves only /sim/ledger, /sim/accounts and /healthz; the client's files "
            + "(CQRA10 detail files, CFRT03 payroll files) are in --file-directory (default: client-files under "
            + "--data-dir), also served by FTP on --ftp-listen. "
            + "--profile hsbc, --profile bochk: the ISO 20022 bank as HSBC Hong Kong or BOCHK (their accounts, "
            + "pain.001.001.03, profile = \"hsbc\"/\"bochk\" printed). "
            + "--verify-certificate, --signing-key and --signing-certificate (iso20022, hsbc, bochk): XML signatures checked on "
            + "pain.001 and put on every XML answer. "
            + "--print-config prints the [[banks]] and [[accounts]] a gateway needs to reach the simulator, and exits.")

    @Option(help: ArgumentHelp("The bank's wire format: \(SimulatorProfiles.names.joined(separator: ", ")).",
                               valueName: "name"))
    var profile = "iso20022"

    @Flag(name: .customLong("print-config"),
          help: "Print the gateway's [[banks]] and [[accounts]] TOML for this simulator and exit.")
    var printConfig = false

    @Option(help: ArgumentHelp("Listen for HTTP on HOST:PORT (port 0 picks a free port).", valueName: "host:port"))
    var listen: String?

    @Option(name: .customLong("tcp-listen"),
            help: ArgumentHelp("--profile abc: the client's raw TCP port, HOST:PORT (port 0 picks a free port).",
                               valueName: "host:port"))
    var tcpListen: String?

    @Option(name: .customLong("ftp-listen"),
            help: ArgumentHelp("--profile abc: the client's FTP server for its files, HOST:PORT (port 0 picks a free port).",
                               valueName: "host:port"))
    var ftpListen: String?

    @Option(name: .customLong("file-directory"),
            help: ArgumentHelp("--profile abc: the client's file folder (default: client-files under --data-dir).",
                               valueName: "dir"))
    var fileDirectory: String?

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

    @Option(name: .customLong("session-minutes"),
            help: "--profile boc: how long a sign-in (b2e0001) token stays valid, in minutes (1 to 1440).")
    var sessionMinutes = 30

    @Option(name: .customLong("verify-certificate"),
            help: ArgumentHelp("--profile iso20022: refuse every pain.001 not signed (XML-DSig) with this certificate's key (PEM).",
                               valueName: "file"))
    var verifyCertificate: String?

    @Option(name: .customLong("signing-key"),
            help: ArgumentHelp("--profile iso20022: sign every XML answer with this RSA key (unencrypted PEM).", valueName: "file"))
    var signingKey: String?

    @Option(name: .customLong("signing-certificate"),
            help: ArgumentHelp("--profile iso20022: the certificate of --signing-key (PEM), written into the answers' KeyInfo.",
                               valueName: "file"))
    var signingCertificate: String?

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
        let options = try makeOptions()
        if printConfig {
            do {
                print(try SimulatorProfiles.gatewayConfiguration(options: options), terminator: "")
            } catch {
                throw ValidationError(error.message)
            }
            return
        }
        var logger = Logger(label: "bankgate.bank-sim")
        logger.logLevel = .info
        let service: BankSimulatorService
        do {
            service = try BankSimulatorService(options: options, logger: logger)
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
                tcpListen: try tcpListen.map { text throws(BankSimulatorOptionsError) in
                    try ListenAddress(parsing: text, option: "--tcp-listen")
                },
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
                outbox: outbox,
                profile: profile,
                sessionMinutes: sessionMinutes,
                signatureFiles: SimulatorSignatureFiles(verifyCertificate: verifyCertificate, signingKey: signingKey,
                                                        signingCertificate: signingCertificate),
                ftpListen: try ftpListen.map { text throws(BankSimulatorOptionsError) in
                    try ListenAddress(parsing: text, option: "--ftp-listen")
                },
                fileDirectory: fileDirectory)
            try options.validate()
            return options
        } catch {
            throw ValidationError(error.message)
        }
    }
}
