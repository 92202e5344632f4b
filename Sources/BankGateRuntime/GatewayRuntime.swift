public import BankGateAPI
public import BankGateConfig
import BankGateCrypto
public import BankGateCore
public import BankGateEngine
public import BankGateStore
import Foundation
import Hummingbird
public import Logging
public import ServiceLifecycle
import Synchronization
import BankGateTransport

/// The whole gateway assembled from a configuration: the store, the API's listener, tokens and
/// metrics, and the generation of bank connections, engine and jobs built from the banks and
/// accounts (``GatewayGeneration``), which a reload may replace while the rest runs on. The one
/// composition root; `bankgate serve` and the end-to-end tests both build it here.
public struct GatewayRuntime: Sendable {
    /// The configuration in force (a reload replaces it).
    public var configuration: BankGateConfiguration { reloader.configuration }
    public let store: PaymentStore
    /// The clock every service runs on.
    let clock: any WallClock
    /// The API's connections: open ones against `max_connections`, and those refused or cut.
    public let connections: ConnectionGate
    /// The API's deadlines and connection limit, from `[server]` and the open-file limit.
    let connectionPolicy: APIConnectionPolicy
    /// HTTPS (and client certificates) for the API, from `[server] tls_*`; `nil`: plain HTTP.
    let apiTLS: APITLS?
    private let listening: PortAnnouncement
    private let logger: Logger
    /// Issue 12: the metrics (`GET /metrics`) and the banks' health (`GET /v1/queue`).
    public let metrics: MetricsExposition
    /// The API's tokens in force and the configuration's state (`GET /v1/configuration`).
    public let access: LiveAccess
    /// Reloads the configuration file as a whole (`bankgate serve` on SIGHUP).
    public let reloader: ConfigurationReloader
    /// Runs the generation in force and switches to the next one a reload builds.
    let generations: GenerationRunner
    /// The `[server]` part of the configuration: only a restart changes it.
    private let server: ServerConfig
    /// What every generation shares.
    private let shared: GatewayShared

    /// The generation in force: bank connections, engine, account side and jobs.
    var generation: GatewayGeneration { generations.current }
    public var dispatcher: DispatcherService { generation.dispatcher }
    public var engine: GatewayEngine { generation.engine }
    /// Statements, reconciliation and webhooks.
    public var reports: AccountReports { generation.reports }
    /// Scheduled statement pulls; also the operator's "pull now".
    public var statementPulls: StatementPullService { generation.statementPulls }
    /// Electronic receipts: pulls on demand, listing and files (`/v1/receipts`).
    public var receipts: ReceiptDesk { generation.receipts }
    /// Receipt exports (`/v1/receipt-exports`): ZIPs under `<data_dir>/exports`, written in the background.
    public var receiptExports: ReceiptExportService { generation.receiptExports }
    /// Receipt pulls on schedule, after payments complete, and again after failures.
    public var receiptPulls: ReceiptPullScheduler { generation.receiptPulls }
    /// The configured signing keys as inspected when the generation was built; the banks whose
    /// adapters sign with a key of ours sign with these (``KeySigner``).
    public var signingKeys: [SigningKeyStatus] { generation.signingKeys }
    /// The signing keys' life cycle: `/v1/keys`, and the configured keys recorded at start.
    public var keyDesk: SigningKeyDesk { generation.keyDesk }
    /// The `[[alerts]]` rules evaluated (`/v1/alerts`).
    public var alerts: AlertService { generation.alerts }
    /// The `[[schedules]]` plans run (`/v1/schedules`).
    public var schedules: ScheduleService { generation.schedules }

    /// Checks the signing keys, opens the store under `server.data_dir` (creating it) and builds
    /// every service. Starts nothing.
    ///
    /// Throws ``SigningKeyInventory/StartRefusal`` (before touching the data folder) when a
    /// configured key is unreadable, does not match its certificate, or its certificate has expired
    /// or is not valid yet; logs a warning for each key within 30 days of expiry. `environment`
    /// (the process's when nil) holds the keys' `passphrase_env` variables.
    public init(configuration: BankGateConfiguration, clock: any WallClock = SystemClock(), logger: Logger,
                environment: [String: String]? = nil) throws {
        // The keys first, so that an unusable one refuses the start before the data folder is touched.
        let signingKeys = try GatewayGeneration.checkKeys(configuration, clock: clock, environment: environment, logger: logger)
        self.apiTLS = try configuration.server.tls.map { config in
            do { return try APITLS(config) } catch {
                throw APITLSLoadFailure(certificate: config.certificateFile, privateKey: config.privateKeyFile,
                                        clientCA: config.clientCAFile, underlying: "\(error)")
            }
        }
        try Self.makePrivateDirectory(configuration.server.dataDirectory)
        let (webhookSecrets, keyOrigin) = try SecretKeySource.box(for: configuration.server)
        if case .createdFile(let path) = keyOrigin {
            logger.notice("created the key that seals webhook secrets; keep a copy of it with the database's backups",
                          metadata: ["file": "\(path)"])
        }
        let store = try Self.openPrivateStore(configuration)
        // Issue 12: every bank call timed and watched, for the metrics and `GET /v1/queue`.
        let metrics = MetricsExposition(store: store, bankIds: configuration.banks.map(\.id), accountIds: configuration.accounts.map(\.id),
                                        clock: clock, logger: logger)
        let fingerprint = ConfigurationFingerprint(configuration)
        let access = LiveAccess(tokens: configuration.tokens, tenants: configuration.tenantDirectory, clock: clock,
                                state: ConfigurationState(path: fingerprint.path, sha256: fingerprint.sha256, loadedAt: clock.now()))
        var sharedLocation: PostgresLocation?
        if configuration.server.database != nil, case .postgres(let location) = store.location { sharedLocation = location }
        // Receipt files under `<data_dir>/receipts`, kept by their hash.
        let shared = GatewayShared(store: store, clock: clock, logger: logger, metrics: metrics, webhookSecrets: webhookSecrets,
                                   receiptFiles: try ContentAddressedFiles(directory: configuration.server.dataDirectory + "/receipts"),
                                   access: access, strictTransportSecurity: apiTLS != nil, sharedStoreLocation: sharedLocation)
        let first = try GatewayGeneration(configuration: configuration, shared: shared, environment: environment,
                                          signingKeys: signingKeys)
        let generations = GenerationRunner(first: first, graceSeconds: configuration.server.shutdownGraceSeconds, access: access,
                                           clock: clock, logger: logger)
        self.store = store
        self.clock = clock
        self.metrics = metrics
        self.access = access
        self.generations = generations
        self.shared = shared
        self.server = configuration.server
        self.connectionPolicy = APIConnectionPolicy(server: configuration.server)
        self.connections = ConnectionGate(policy: connectionPolicy, logger: logger)
        self.listening = PortAnnouncement()
        self.logger = logger
        self.reloader = ConfigurationReloader(configuration: configuration, access: access, generations: generations,
                                              intakeFence: shared.intakeFence,
                                              rebuild: { fresh in try GatewayGeneration(configuration: fresh, shared: shared,
                                                                                        environment: environment) },
                                              metrics: metrics, store: store, clock: clock, logger: logger)
    }

    /// Gives the store the configured tenants of the accounts, so that each event appended is
    /// marked with its account's tenant (nothing without `[[tenants]]`). Run before ``services()``.
    public func assignTenants() async throws {
        let directory = configuration.tenantDirectory
        try await store.assignTenants(directory.isPartitioned ? directory.tenantOfAccount : [:], at: clock.now())
    }

    /// Creates the data folder 0700 (its parents as usual), or narrows an existing one to 0700; refuses
    /// one that can be neither used nor made (``DataDirectory/problem(_:)``) in words an operator can act on.
    static func makePrivateDirectory(_ path: String) throws {
        if let problem = DataDirectory.problem(path) { throw problem }
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        guard chmod(path, 0o700) == 0 else {
            throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: path])
        }
    }

    /// Opens the store with its database, WAL and shared-memory files created 0600: they hold
    /// payments, account data and webhook secrets. The narrower umask lasts only while the store
    /// opens (it is process-wide, and nothing else runs yet), so the folders made for a bank's
    /// file agent afterwards keep the usual modes.
    static func openPrivateStore(_ configuration: BankGateConfiguration) throws -> PaymentStore {
        let previousMask = umask(0o077)
        defer { umask(previousMask) }
        // Leases matter only where instances share a database: the one named by `[server] database`.
        let leasing = configuration.server.database.map { _ in
            WorkLeasing(owner: configuration.server.instanceId ?? "\(ProcessInfo.processInfo.hostName):\(configuration.server.port)",
                        durationMilliseconds: Int64(configuration.server.leaseSeconds) * 1_000)
        }
        let store = try PaymentStore(location: StoreLocation(configuration: configuration), directory: configuration.server.dataDirectory,
                                     maxGroupSize: configuration.dispatch.groupCommitMaxBatch, leasing: leasing)
        for bank in configuration.banks {
            store.learnAccountStatus(bankId: bank.id,
                                     fromReasonCodes: bank.effectiveAccountStatusCodes.compactMapValues(AccountStatus.init(rawValue:)))
        }
        return store
    }

    /// The services to run, in start order: the generation in force (the dispatcher first
    /// recovers interrupted sends), then the API.
    public func services() -> [any Service] {
        let listening = self.listening
        let logger = self.logger
        let server = self.server
        let policy = connectionPolicy
        if let wanted = server.maxConnections, wanted > policy.maxConnections {
            logger.warning("max_connections lowered to keep file descriptors for the store and the banks",
                           metadata: ["max_connections": "\(wanted)", "in_force": "\(policy.maxConnections)",
                                      "open_file_limit": "\(APIConnectionPolicy.openFileLimit())"])
        }
        let application = Application(
            responder: GenerationResponder(runner: generations),
            server: APIServer.httpServer(policy: policy, gate: connections, tls: apiTLS),
            configuration: ApplicationConfiguration(address: .hostname(server.host, port: server.port), serverName: "bankgate"),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? server.port
                logger.info("bankgate API listening", metadata: ["host": "\(server.host)", "port": "\(port)",
                                                                 "tls": "\(server.tls == nil ? "off" : server.tls?.clientCAFile == nil ? "on" : "mutual")"])
                listening.announce(port)
            },
            logger: logger)
        // The watches over the whole store run once, whatever the generation: the audit chain's
        // (which records the configuration loaded at start) and the receipt files'.
        let auditWatch = AuditChainWatch(store: store, clock: clock, logger: logger, configurationLoaded: ConfigurationFingerprint(configuration))
        let generations = self.generations
        let receiptWatch = ReceiptIntegrityWatch(receipts: { generations.current.receipts }, logger: logger)
        return [generations, receiptWatch, shared.singleton("audit-watch", auditWatch), application]
    }

    /// The bank calls in flight per bank, across the generation in force and, during a switch,
    /// the one still finishing its sends.
    public func sendsInFlight() -> [String: Int] {
        var inFlight: [String: Int] = [:]
        for generation in generations.withSendsInFlight {
            for (bank, lane) in generation.dispatcher.laneSnapshots() where lane.inFlight > 0 { inFlight[bank, default: 0] += lane.inFlight }
        }
        return inFlight
    }

    /// Waits until the API listens and returns its port (useful with `listen = "127.0.0.1:0"`).
    public func waitUntilListening() async -> Int { await listening.wait() }

    /// Closes the store; call after the services have stopped.
    public func close() { store.close() }
}

/// The API's TLS material could not be loaded: start-up stops, naming the files.
public struct APITLSLoadFailure: Error, CustomStringConvertible {
    public var certificate: String
    public var privateKey: String
    public var clientCA: String?
    public var underlying: String

    public var description: String {
        "cannot load the API's TLS material (tls_certificate \(certificate), tls_private_key \(privateKey)"
            + (clientCA.map { ", tls_client_ca \($0)" } ?? "") + "): \(underlying)"
    }
}

/// Announces a listening port once, to any number of waiters.
final class PortAnnouncement: Sendable {
    private let state = Mutex<(port: Int?, waiters: [CheckedContinuation<Int, Never>])>((nil, []))

    func announce(_ port: Int) {
        let waiters = state.withLock { state in
            state.port = port
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume(returning: port) }
    }

    func wait() async -> Int {
        await withCheckedContinuation { continuation in
            let port = state.withLock { state -> Int? in
                if let port = state.port { return port }
                state.waiters.append(continuation)
                return nil
            }
            if let port { continuation.resume(returning: port) }
        }
    }
}
