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

/// The whole gateway assembled from a configuration: the store, one dispatcher lane per bank, the
/// engine and the HTTP API. The one composition root; `bankgate serve` and the end-to-end tests
/// both build it here.
public struct GatewayRuntime: Sendable {
    public let configuration: BankGateConfiguration
    public let store: PaymentStore
    /// The clock every service runs on.
    let clock: any WallClock
    public let dispatcher: DispatcherService
    public let engine: GatewayEngine
    /// Statements, reconciliation and webhooks.
    public let reports: AccountReports
    let webhookSender: WebhookSender
    let reconciler: ReconcilerService
    /// Scheduled statement pulls; also the operator's "pull now".
    public let statementPulls: StatementPullService
    /// Electronic receipts: pulls on demand, listing and files (`/v1/receipts`).
    public let receipts: ReceiptDesk
    /// Receipt exports (`/v1/receipt-exports`): ZIPs under `<data_dir>/exports`, written in the background.
    public let receiptExports: ReceiptExportService
    /// Receipt pulls on schedule, after payments complete, and again after failures.
    public let receiptPulls: ReceiptPullScheduler
    /// The API's connections: open ones against `max_connections`, and those refused or cut.
    public let connections: ConnectionGate
    /// The API's deadlines and connection limit, from `[server]` and the open-file limit.
    let connectionPolicy: APIConnectionPolicy
    /// HTTPS (and client certificates) for the API, from `[server] tls_*`; `nil`: plain HTTP.
    let apiTLS: APITLS?
    /// The configured signing keys as inspected at start-up; the banks whose adapters sign with a
    /// key of ours sign with these (``KeySigner``).
    public let signingKeys: [SigningKeyStatus]
    /// The signing keys' life cycle: `/v1/keys`, and the configured keys recorded at start.
    public let keyDesk: SigningKeyDesk
    /// The `[[alerts]]` rules evaluated (`/v1/alerts`).
    public let alerts: AlertService
    /// The `[[schedules]]` plans run (`/v1/schedules`).
    public let schedules: ScheduleService
    private let listening: PortAnnouncement
    private let logger: Logger
    /// Issue 12: the metrics (`GET /metrics`) and the banks' health (`GET /v1/queue`).
    public let metrics: MetricsExposition
    // Issue 12, running it for real: the API's tokens in force, replaced whole by a reload (SIGHUP).
    /// The API's tokens in force and the configuration's state (`GET /v1/configuration`).
    public let access: LiveAccess
    /// Reloads the configuration file as a whole (`bankgate serve` on SIGHUP).
    public let reloader: ConfigurationReloader

    /// Checks the signing keys, opens the store under `server.data_dir` (creating it) and builds
    /// every service. Starts nothing.
    ///
    /// Throws ``SigningKeyInventory/StartRefusal`` (before touching the data folder) when a
    /// configured key is unreadable, does not match its certificate, or its certificate has expired
    /// or is not valid yet; logs a warning for each key within 30 days of expiry. `environment`
    /// (the process's when nil) holds the keys' `passphrase_env` variables.
    public init(configuration: BankGateConfiguration, clock: any WallClock = SystemClock(), logger: Logger,
                environment: [String: String]? = nil) throws {
        self.signingKeys = try SigningKeyInventory.checkForStart(configuration, at: clock.now(), environment: environment) { key in
            logger.warning("signing key certificate to renew", metadata: ["key": "\(key.config.id)", "bank": "\(key.config.bank)",
                                                                         "state": "\(key.stateText)",
                                                                         "not_after": "\(key.facts?.notAfter.iso8601Seconds ?? "-")"])
        }
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
        self.metrics = metrics
        let connections = metrics.metered(try BankConnections.make(configuration, signingKeys: signingKeys, clock: clock,
                                                                   keyStates: store))
        for (bank, table) in BankConnections.codeTables(connections) {
            logger.info("bank code table", metadata: ["bank": "\(bank)", "table": "\(table)"])
        }
        let reports = AccountReports(store: store, accounts: configuration.accounts.map { $0.debtorAccount() }, clock: clock,
                                     logger: logger, webhookSecrets: webhookSecrets,
                                     maxArchiveUnpackedBytes: configuration.server.maxArchiveUnpackedBytes)
        let dispatcher = DispatcherService(connections: connections, store: store, clock: clock, logger: logger,
                                           pollIntervalMilliseconds: configuration.dispatch.pollIntervalMilliseconds,
                                           statementSink: reports, visibility: metrics.visibility)
        self.configuration = configuration
        self.store = store
        self.clock = clock
        self.dispatcher = dispatcher
        self.engine = GatewayEngine(configuration: configuration, connections: connections, store: store,
                                    dispatcher: dispatcher, clock: clock, logger: logger, visibility: metrics.visibility)
        self.reports = reports
        self.keyDesk = SigningKeyDesk(store: store, configuration: configuration, clock: clock, logger: logger)
        self.statementPulls = StatementPullService(configuration: configuration, connections: connections, reports: reports,
                                                   clock: clock, logger: logger)
        // Receipt files under `<data_dir>/receipts`, kept by their hash; every receipt template is
        // parsed now, so one that cannot be read refuses start-up (naming its file and line).
        let receiptFiles = try ContentAddressedFiles(directory: configuration.server.dataDirectory + "/receipts")
        self.receipts = ReceiptDesk(pulls: try ReceiptPullService(configuration: configuration, connections: connections, payments: store,
                                                                  receipts: ReceiptStore(sharing: store), files: receiptFiles,
                                                                  clock: clock, logger: logger))
        self.receiptExports = try ReceiptExportService(exports: ReceiptExportStore(sharing: store), receipts: ReceiptStore(sharing: store),
                                                       files: receiptFiles, directory: configuration.server.dataDirectory + "/exports",
                                                       accountIds: configuration.accounts.map(\.id), clock: clock, logger: logger)
        self.receiptPulls = ReceiptPullScheduler(pulls: receipts.pulls)
        self.webhookSender = WebhookSender(store: reports.webhooks, poster: HTTPWebhookPoster(), clock: clock, logger: logger)
        self.reconciler = ReconcilerService(reports: reports, logger: logger)
        self.alerts = Self.makeAlertService(configuration, store: store, dispatcher: dispatcher, clock: clock, logger: logger)
        self.schedules = Self.makeScheduleService(configuration, store: store, engine: engine, statementPulls: statementPulls,
                                                  reports: reports, clock: clock, logger: logger)
        self.connectionPolicy = APIConnectionPolicy(server: configuration.server)
        self.connections = ConnectionGate(policy: connectionPolicy, logger: logger)
        self.listening = PortAnnouncement()
        self.logger = logger
        let fingerprint = ConfigurationFingerprint(configuration)
        self.access = LiveAccess(tokens: configuration.tokens, tenants: configuration.tenantDirectory, clock: clock,
                                 state: ConfigurationState(path: fingerprint.path, sha256: fingerprint.sha256, loadedAt: clock.now()))
        self.reloader = ConfigurationReloader(configuration: configuration, access: access, engine: engine, alerts: alerts,
                                              schedules: schedules, store: store, clock: clock, logger: logger)
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

    /// The PostgreSQL store this instance shares with others (`[server] database`), or `nil`.
    var sharedStoreLocation: PostgresLocation? {
        guard configuration.server.database != nil, case .postgres(let location) = store.location else { return nil }
        return location
    }

    /// The services to run, in start order: the dispatcher (which first recovers interrupted sends),
    /// the reconciler and the webhook sender, then the API.
    public func services() -> [any Service] {
        let listening = self.listening
        let logger = self.logger
        let metrics = self.metrics
        let server = configuration.server
        let policy = connectionPolicy
        if let wanted = server.maxConnections, wanted > policy.maxConnections {
            logger.warning("max_connections lowered to keep file descriptors for the store and the banks",
                           metadata: ["max_connections": "\(wanted)", "in_force": "\(policy.maxConnections)",
                                      "open_file_limit": "\(APIConnectionPolicy.openFileLimit())"])
        }
        let application = Application(
            router: APIServer.makeRouter(gateway: engine, reports: reports, statementPulls: statementPulls, receipts: receipts,
                                         keys: keyDesk, receiptExports: receiptExports, alerts: alerts, schedules: schedules,
                                         operatorDesk: OperatorDesk(store: store, gateway: engine, accounts: configuration.accounts,
                                                                    bankIds: configuration.banks.map(\.id)),
                                         accessFailures: AccessFailureLog(recorder: AuditedAccessFailures(store: store, clock: clock,
                                                                                                          logger: logger),
                                                                          clock: clock),
                                         visibility: APIVisibility(metrics: metrics.visibility.metrics, metricsPublic: server.metricsPublic,
                                                                   exposition: { [metrics] in await metrics.scrape() }),
                                         tokens: configuration.tokens, tenants: configuration.tenantDirectory,
                                         maxBodyBytes: server.maxBodyBytes, access: access, strictTransportSecurity: apiTLS != nil),
            server: APIServer.httpServer(policy: policy, gate: connections, tls: apiTLS),
            configuration: ApplicationConfiguration(address: .hostname(server.host, port: server.port), serverName: "bankgate"),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? server.port
                logger.info("bankgate API listening", metadata: ["host": "\(server.host)", "port": "\(port)",
                                                                 "tls": "\(server.tls == nil ? "off" : server.tls?.clientCAFile == nil ? "on" : "mutual")"])
                listening.announce(port)
            },
            logger: logger)
        let keyWatch = KeyExpiryWatch(keys: configuration.keys, store: store, clock: clock, logger: logger)
        let receiptWatch = ReceiptIntegrityWatch(receipts: receipts, logger: logger)
        let auditWatch = AuditChainWatch(store: store, clock: clock, logger: logger,
                                         configurationLoaded: ConfigurationFingerprint(configuration))
        let approvalExpiry = ApprovalExpiryService(store: store, clock: clock, logger: logger)
        // Jobs that must not run twice at once: with several instances on one PostgreSQL store, each
        // runs on the one instance holding its advisory lock (the dispatcher's lanes instead lease
        // their work, submission by submission).
        func single(_ name: String, _ service: any Service) -> any Service {
            guard let shared = sharedStoreLocation else { return service }
            return SingletonService(inner: service, lock: PostgresAdvisoryLock(name: name, location: shared), logger: logger)
        }
        return [keyDesk, dispatcher, single("statement-pulls", statementPulls), single("receipt-pulls", receiptPulls),
                single("reconciler", reconciler), single("webhook-sender", webhookSender), keyWatch, receiptWatch,
                single("audit-watch", auditWatch), single("receipt-exports", receiptExports),
                single("approval-expiry", approvalExpiry), single("alerts", alerts), single("schedules", schedules), application]
    }

    /// The plans' service: statement and balance pulls through the statement puller, sweeps from
    /// the latest booked balance (`CLBD`, else `ITBD`, of the latest date) in the balances table.
    static func makeScheduleService(_ configuration: BankGateConfiguration, store: PaymentStore, engine: GatewayEngine,
                                    statementPulls: StatementPullService, reports: AccountReports, clock: any WallClock,
                                    logger: Logger) -> ScheduleService {
        let actions = ScheduleActions(
            pullStatements: { accountId, from, to in
                let imported = try await statementPulls.pull(accountId: accountId, kind: .endOfDay, from: from, to: to)
                return "\(imported.count) statement(s) for \(from)"
            },
            pullBalances: { accountId in
                let imported = try await statementPulls.refreshBalances(accountId: accountId)
                return "\(imported.count) report(s)"
            },
            latestBalance: { accountId in
                let balances = try await reports.balances(accountId: accountId)
                let latest = balances.map(\.date).max()
                let ofLatest = balances.filter { $0.date == latest }
                return (ofLatest.first { $0.type == "CLBD" } ?? ofLatest.first { $0.type == "ITBD" })
                    .map { KnownBalance(amount: $0.amount, recordedAt: $0.recordedAt) }
            })
        return ScheduleService(plans: configuration.schedules, store: store, gateway: engine, accounts: configuration.accounts,
                               actions: actions, clock: clock, logger: logger, calendars: configuration.calendars)
    }

    /// The alert rules' service: circuits from the dispatcher, certificates as inspected at start
    /// (those not replaced by a rollover).
    static func makeAlertService(_ configuration: BankGateConfiguration, store: PaymentStore, dispatcher: DispatcherService,
                                 clock: any WallClock, logger: Logger) -> AlertService {
        let certificates = SigningKeyInventory.inspect(configuration.keys, at: clock.now()).compactMap { status -> KeyExpiryFact? in
            guard status.replacedBy == nil, let notAfter = status.facts?.notAfter else { return nil }
            return KeyExpiryFact(keyId: status.config.id, bankId: status.config.bank, notAfter: notAfter)
        }
        return AlertService(rules: configuration.alerts,
                            accountBanks: Dictionary(configuration.accounts.map { ($0.id, $0.bank) }, uniquingKeysWith: { first, _ in first }),
                            store: store, clock: clock, logger: logger, openCircuits: { dispatcher.openCircuits() },
                            keyExpiries: { _ in certificates })
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
