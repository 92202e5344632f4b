public import BankGateCore
public import BankGateEngine
public import BankGateStore
public import Logging
import BankGateConfig
public import Prometheus
import Synchronization

/// The metrics of one gateway (issue 12): a Prometheus registry owned by the runtime, the
/// swift-metrics factory over it that the engine records through, and the scrape that refreshes
/// what is read from the store (queue depth, statement lag, webhook backlog) before it writes the
/// text exposition.
///
/// Why a registry per runtime rather than `MetricsSystem.bootstrap`: the bootstrap may run only
/// once per process, and the tests start many gateways in one process; each must count its own
/// payments. The factory is handed down explicitly (``GatewayMetrics``).
public final class MetricsExposition: Sendable {
    public let registry: PrometheusCollectorRegistry
    public let visibility: GatewayVisibility
    let store: PaymentStore
    let clock: any WallClock
    let logger: Logger
    /// The banks and accounts configured: their gauges exist from the first scrape.
    private let configured: Mutex<(bankIds: [String], accountIds: [String])>
    /// The (bank, state) pairs given a queue depth so far: set to 0 when they empty.
    private let reportedDepths = Mutex<Set<[String]>>([])

    /// Bank calls: 5 ms to 2 minutes.
    static let bankCallBuckets: [Duration] = [.milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50),
                                              .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1),
                                              .milliseconds(2_500), .seconds(5), .seconds(10), .seconds(30), .seconds(60),
                                              .seconds(120)]
    /// The intake transaction: 100 µs to 5 s.
    static let commitBuckets: [Duration] = [.microseconds(100), .microseconds(250), .microseconds(500), .milliseconds(1),
                                            .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25),
                                            .milliseconds(50), .milliseconds(100), .milliseconds(250), .seconds(1), .seconds(5)]

    public init(store: PaymentStore, bankIds: [String], accountIds: [String], clock: any WallClock, logger: Logger) {
        let registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.durationHistogramBuckets = [
            GatewayMetrics.Name.bankCallDuration: Self.bankCallBuckets,
            GatewayMetrics.Name.intakeCommitDuration: Self.commitBuckets,
        ]
        self.registry = registry
        self.visibility = GatewayVisibility(metrics: GatewayMetrics(factory: factory))
        self.store = store
        self.configured = Mutex((bankIds, accountIds))
        self.clock = clock
        self.logger = logger
    }

    /// The banks and accounts a reload configured: their gauges exist from the next scrape; the
    /// gauges of banks no longer configured are removed.
    public func replaceConfigured(bankIds: [String], accountIds: [String]) {
        let dropped = configured.withLock { configured in
            defer { configured = (bankIds, accountIds) }
            return Set(configured.bankIds).subtracting(bankIds)
        }
        guard !dropped.isEmpty else { return }
        reportedDepths.withLock { reported in reported = reported.filter { !dropped.contains($0[0]) } }
        for bank in dropped { visibility.metrics.forget(bank: bank) }
    }

    /// Refreshes the gauges read from the store, then writes every metric in the text format.
    public func scrape() async -> [UInt8] {
        await refresh()
        return registry.emitToBuffer()
    }

    /// Queue depth by bank and state, statement lag by account, webhook backlog; a store that
    /// cannot be read leaves the previous values (and is logged).
    func refresh() async {
        let metrics = visibility.metrics
        let (bankIds, accountIds) = configured.withLock { $0 }
        do {
            let counts = try await store.queueCounts().counts
            var depths: [[String]: Int] = [:]
            for bank in bankIds {
                for state in [PaymentStatus.queued, .unknown] { depths[[bank, state.rawValue]] = 0 }
            }
            // A bank no longer configured keeps its final payments in the store, not its gauges.
            let configuredBanks = Set(bankIds)
            for (bank, perStatus) in counts where configuredBanks.contains(bank) {
                for (status, count) in perStatus { depths[[bank, status.rawValue]] = count }
            }
            let emptied = reportedDepths.withLock { reported -> Set<[String]> in
                let emptied = reported.subtracting(depths.keys)
                reported.formUnion(depths.keys)
                return emptied
            }
            for pair in emptied { depths[pair] = 0 }
            for (pair, count) in depths { metrics.queueDepth(bank: pair[0], state: pair[1], count: count) }

            let now = clock.now()
            let lastStatements = try await store.lastStatementReceived()
            for account in Set(accountIds).union(lastStatements.keys) {
                guard let at = lastStatements[account] else { continue }
                metrics.statementLag(account: account, seconds: max(0, (now.milliseconds - at.milliseconds) / 1000))
            }
            metrics.webhookBacklog(try await store.webhookBacklog())
        } catch {
            logger.error("metrics: cannot read the store", metadata: ["error": "\(error)"])
        }
    }

    /// `connections` with each transport timed and watched (``MeteredTransport``).
    public func metered(_ connections: [BankConnection]) -> [BankConnection] {
        connections.map { connection in
            var metered = connection
            metered.transport = MeteredTransport(connection.transport, bankId: connection.config.id, visibility: visibility,
                                                 clock: clock, logger: logger)
            return metered
        }
    }
}
