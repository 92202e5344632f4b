import BankGateAPI
import BankGateConfig
import BankGateCore
import BankGateCrypto
import BankGateEngine
import BankGateStore
import Hummingbird
import Logging
import ServiceLifecycle
import BankGateTransport

/// What a gateway builds from its banks, accounts, keys, tenants, calendars and rules: the bank
/// connections and their dispatcher, the engine, the account side, the jobs, and the API's routes
/// over them. A reload that changes banks or accounts builds a new generation beside the running
/// one and switches to it (``GenerationRunner``); the store, the API's listener, its tokens and
/// the metrics outlive every generation.
final class GatewayGeneration: Sendable {
    let configuration: BankGateConfiguration
    let signingKeys: [SigningKeyStatus]
    let dispatcher: DispatcherService
    let engine: GatewayEngine
    let reports: AccountReports
    let webhookSender: WebhookSender
    let reconciler: ReconcilerService
    let statementPulls: StatementPullService
    let receipts: ReceiptDesk
    let receiptExports: ReceiptExportService
    let receiptPulls: ReceiptPullScheduler
    let keyDesk: SigningKeyDesk
    let alerts: AlertService
    let schedules: ScheduleService
    /// The API's routes over this generation's services.
    let responder: RouterResponder<APIRequestContext>
    private let shared: GatewayShared

    /// Builds every part; starts nothing. Throws what makes the configuration unusable here: a
    /// signing key that cannot be used (``SigningKeyInventory/StartRefusal``), a bank whose
    /// adapter or transport cannot be set up, a receipt template that cannot be read.
    /// `signingKeys`: the keys as ``checkKeys(_:clock:environment:logger:)`` found them, when the
    /// caller checked them already (at start, before the data folder is touched); `nil`: checked here.
    init(configuration: BankGateConfiguration, shared: GatewayShared, environment: [String: String]?,
         signingKeys: [SigningKeyStatus]? = nil) throws {
        let store = shared.store, clock = shared.clock, logger = shared.logger, metrics = shared.metrics
        self.shared = shared
        self.configuration = configuration
        let signingKeys = try signingKeys ?? Self.checkKeys(configuration, clock: clock, environment: environment, logger: logger)
        self.signingKeys = signingKeys
        let connections = metrics.metered(try BankConnections.make(configuration, signingKeys: signingKeys, clock: clock,
                                                                   keyStates: store))
        for (bank, table) in BankConnections.codeTables(connections) {
            logger.info("bank code table", metadata: ["bank": "\(bank)", "table": "\(table)"])
        }
        let reports = AccountReports(store: store, accounts: configuration.accounts.map { $0.debtorAccount() }, clock: clock,
                                     logger: logger, webhookSecrets: shared.webhookSecrets,
                                     maxArchiveUnpackedBytes: configuration.server.maxArchiveUnpackedBytes)
        let dispatcher = DispatcherService(connections: connections, store: store, clock: clock, logger: logger,
                                           pollIntervalMilliseconds: configuration.dispatch.pollIntervalMilliseconds,
                                           statementSink: reports, visibility: metrics.visibility)
        let engine = GatewayEngine(configuration: configuration, connections: connections, store: store,
                                   dispatcher: dispatcher, clock: clock, logger: logger, visibility: metrics.visibility,
                                   intakeFence: shared.intakeFence)
        let statementPulls = StatementPullService(configuration: configuration, connections: connections, reports: reports,
                                                  clock: clock, logger: logger)
        // Every receipt template is parsed now, so one that cannot be read refuses the start (or
        // the reload), naming its file and line.
        let receipts = ReceiptDesk(pulls: try ReceiptPullService(configuration: configuration, connections: connections, payments: store,
                                                                 receipts: ReceiptStore(sharing: store), files: shared.receiptFiles,
                                                                 clock: clock, logger: logger))
        let receiptExports = try ReceiptExportService(exports: ReceiptExportStore(sharing: store), receipts: ReceiptStore(sharing: store),
                                                      files: shared.receiptFiles, directory: configuration.server.dataDirectory + "/exports",
                                                      accountIds: configuration.accounts.map(\.id), clock: clock, logger: logger)
        let keyDesk = SigningKeyDesk(store: store, configuration: configuration, clock: clock, logger: logger)
        let alerts = Self.makeAlertService(configuration, store: store, dispatcher: dispatcher, clock: clock, logger: logger)
        let schedules = Self.makeScheduleService(configuration, store: store, engine: engine, statementPulls: statementPulls,
                                                 reports: reports, clock: clock, logger: logger)
        self.dispatcher = dispatcher
        self.engine = engine
        self.reports = reports
        self.statementPulls = statementPulls
        self.receipts = receipts
        self.receiptExports = receiptExports
        self.receiptPulls = ReceiptPullScheduler(pulls: receipts.pulls)
        self.webhookSender = WebhookSender(store: reports.webhooks, poster: HTTPWebhookPoster(), clock: clock, logger: logger)
        self.reconciler = ReconcilerService(reports: reports, logger: logger)
        self.keyDesk = keyDesk
        self.alerts = alerts
        self.schedules = schedules
        let server = configuration.server
        self.responder = APIServer.makeRouter(
            gateway: engine, reports: reports, statementPulls: statementPulls, receipts: receipts, keys: keyDesk,
            receiptExports: receiptExports, alerts: alerts, schedules: schedules,
            operatorDesk: OperatorDesk(store: store, gateway: engine, accounts: configuration.accounts,
                                       bankIds: configuration.banks.map(\.id)),
            accessFailures: AccessFailureLog(recorder: AuditedAccessFailures(store: store, clock: clock, logger: logger), clock: clock),
            visibility: APIVisibility(metrics: metrics.visibility.metrics, metricsPublic: server.metricsPublic,
                                      exposition: { [metrics] in await metrics.scrape() }),
            tokens: configuration.tokens, tenants: configuration.tenantDirectory, maxBodyBytes: server.maxBodyBytes,
            access: shared.access, strictTransportSecurity: shared.strictTransportSecurity
        ).buildResponder()
    }

    /// The configured signing keys, inspected; throws for one that cannot be used
    /// (``SigningKeyInventory/StartRefusal``) and logs each whose certificate is to be renewed.
    static func checkKeys(_ configuration: BankGateConfiguration, clock: any WallClock, environment: [String: String]?,
                          logger: Logger) throws -> [SigningKeyStatus] {
        try SigningKeyInventory.checkForStart(configuration, at: clock.now(), environment: environment) { key in
            logger.warning("signing key certificate to renew", metadata: ["key": "\(key.config.id)", "bank": "\(key.config.bank)",
                                                                         "state": "\(key.stateText)",
                                                                         "not_after": "\(key.facts?.notAfter.iso8601Seconds ?? "-")"])
        }
    }

    /// This generation's services, in start order: the key desk, the dispatcher (which first
    /// recovers interrupted sends), then the jobs. With several instances on one PostgreSQL store,
    /// the jobs that must not run twice at once run where their advisory lock is held.
    func services() -> [any Service] {
        let store = shared.store, clock = shared.clock, logger = shared.logger
        let keyWatch = KeyExpiryWatch(keys: configuration.keys, store: store, clock: clock, logger: logger)
        let approvalExpiry = ApprovalExpiryService(store: store, clock: clock, logger: logger)
        let single = shared.singleton
        return [keyDesk, dispatcher, single("statement-pulls", statementPulls), single("receipt-pulls", receiptPulls),
                single("reconciler", reconciler), single("webhook-sender", webhookSender), keyWatch,
                single("receipt-exports", receiptExports), single("approval-expiry", approvalExpiry), single("alerts", alerts),
                single("schedules", schedules)]
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

    /// The alert rules' service: circuits from the dispatcher, certificates as inspected when the
    /// generation was built (those not replaced by a rollover).
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
}

/// What every generation of one gateway shares: the store and its secrets, the clock and logger,
/// the metrics, the API's tokens, and the receipt files.
struct GatewayShared: Sendable {
    let store: PaymentStore
    let clock: any WallClock
    let logger: Logger
    let metrics: MetricsExposition
    let webhookSecrets: SecretBox
    let receiptFiles: ContentAddressedFiles
    let access: LiveAccess
    /// Whether the API answers over TLS (every answer then carries Strict-Transport-Security).
    let strictTransportSecurity: Bool
    /// The PostgreSQL store this instance shares with others (`[server] database`), or `nil`.
    let sharedStoreLocation: PostgresLocation?
    /// Orders every generation's intake with a reload's check and switch.
    let intakeFence = IntakeFence()

    /// `service` as a job that must not run twice at once: with several instances on one
    /// PostgreSQL store, it runs on the one instance holding its advisory lock `name`.
    func singleton(_ name: String, _ service: any Service) -> any Service {
        guard let sharedStoreLocation else { return service }
        return SingletonService(inner: service, lock: PostgresAdvisoryLock(name: name, location: sharedStoreLocation), logger: logger)
    }
}
