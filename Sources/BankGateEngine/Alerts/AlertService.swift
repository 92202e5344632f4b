public import BankGateConfig
public import BankGateCore
public import BankGateStore
public import Logging
public import ServiceLifecycle
import Synchronization

/// Evaluates the `[[alerts]]` rules: tails the event feed with its own durable cursor (the
/// cursor, the rejection streaks and the firings commit together, so a restart neither fires an
/// occurrence twice nor misses one), and every interval looks at state: open circuits, outcomes
/// unknown for too long, certificates near expiry. Each firing is recorded once with its audit
/// record and, if the rule asks, an `alert.fired` event (which webhooks deliver); then its log
/// line is written at the rule's level (a crash between the commit and the line loses the line,
/// not the firing).
public final class AlertService: Service, Sendable {
    /// The rules in force, replaced whole by a configuration reload (``replaceRules(_:)``); each
    /// pass works with the rules it started with.
    private let currentEvaluator: Mutex<AlertEvaluator>
    var evaluator: AlertEvaluator { currentEvaluator.withLock { $0 } }
    let store: PaymentStore
    let clock: any WallClock
    let logger: Logger
    let openCircuits: @Sendable () -> [String: Timestamp]
    let keyExpiries: @Sendable (Timestamp) -> [KeyExpiryFact]
    let intervalMilliseconds: Int64

    /// - Parameters:
    ///   - accountBanks: each configured account's bank (for the `banks` filter of statement rules).
    ///   - openCircuits: the banks whose circuit is open, with when it opened (the dispatcher's).
    ///   - keyExpiries: the configured certificates in use, at a time.
    public init(rules: [AlertRuleConfig], accountBanks: [String: String] = [:], store: PaymentStore, clock: any WallClock,
                logger: Logger, openCircuits: @escaping @Sendable () -> [String: Timestamp] = { [:] },
                keyExpiries: @escaping @Sendable (Timestamp) -> [KeyExpiryFact] = { _ in [] },
                intervalMilliseconds: Int64 = 5_000) {
        self.currentEvaluator = Mutex(AlertEvaluator(rules: rules, accountBanks: accountBanks))
        self.store = store
        self.clock = clock
        self.logger = logger
        self.openCircuits = openCircuits
        self.keyExpiries = keyExpiries
        self.intervalMilliseconds = max(1, intervalMilliseconds)
    }

    public func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            await evaluate()
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .milliseconds(self.intervalMilliseconds)) }
        }
    }

    /// One pass: the feed until caught up, then the state conditions. Errors are logged (the next
    /// pass tries again from the same cursor). Returns the firings recorded now.
    @discardableResult
    public func evaluate() async -> [AlertFiring] {
        var fired: [AlertFiring] = []
        do {
            fired += try await evaluateFeed()
            fired += try await evaluateState()
        } catch {
            logger.error("alert rules could not be evaluated", metadata: ["error": "\(error)"])
        }
        for firing in fired { log(firing) }
        return fired
    }

    /// The feed's events after the cursor, page by page until none is left.
    func evaluateFeed() async throws -> [AlertFiring] {
        let evaluator = evaluator
        let withPayments = evaluator.needsPayments, withNewCreditors = evaluator.needsNewCreditors
        var fired: [AlertFiring] = []
        while true {
            // 200 events a transaction: the writer is held some 30 ms (payments loaded) to 70 ms
            // (most of them firing) at a time, measured on a shared 2-core machine.
            let page = try await store.evaluateAlertFeed(limit: 200, at: clock.now(), loadingPayments: withPayments,
                                                         checkingNewCreditors: withNewCreditors) { items, streaks in
                evaluator.feedOccurrences(items, streaks: &streaks)
            }
            fired += page.fired
            if page.scanned == 0 || Task.isCancelled { return fired }
        }
    }

    /// Open circuits, unknown outcomes, certificates.
    func evaluateState() async throws -> [AlertFiring] {
        let evaluator = evaluator
        let now = clock.now()
        var occurrences = evaluator.circuitOccurrences(openCircuits: openCircuits())
        if let minutes = evaluator.unknownThresholdMinutes {
            let unknown = try await store.paymentsUnknown(since: now.adding(milliseconds: -Int64(minutes) * 60_000))
            occurrences += evaluator.unknownOccurrences(unknown, now: now)
        }
        occurrences += evaluator.keyOccurrences(keyExpiries(now), now: now)
        return try await store.recordAlerts(occurrences, at: now)
    }

    /// Puts new `[[alerts]]` rules in force from the next pass (a configuration reload); the feed's
    /// cursor and the rejection streaks go on.
    public func replaceRules(_ rules: [AlertRuleConfig]) {
        currentEvaluator.withLock { $0 = AlertEvaluator(rules: rules, accountBanks: $0.accountBanks) }
    }

    /// The firing's log line, at its rule's level, if the rule writes one.
    func log(_ firing: AlertFiring) {
        guard let rule = evaluator.rules.first(where: { $0.name == firing.rule }), let level = rule.log else { return }
        logger.log(level: Self.level(level), "alert fired", metadata: [
            "alert_id": "alf_\(firing.id)", "rule": "\(firing.rule)", "condition": "\(firing.condition)",
            "subject": "\(firing.subjectKind) \(firing.subjectId)", "details": "\(firing.detailsJSON)",
        ])
    }

    static func level(_ level: AlertRuleConfig.LogLevel) -> Logger.Level {
        switch level {
        case .debug: .debug
        case .info: .info
        case .notice: .notice
        case .warning: .warning
        case .error: .error
        case .critical: .critical
        }
    }

    /// The recorded firings (`GET /v1/alerts`), see ``PaymentStore/alertFirings(rule:from:afterId:limit:)``.
    public func firings(rule: String?, from: Timestamp?, afterId: Int64?, limit: Int) async throws(GatewayError) -> [AlertFiring] {
        do {
            return try await store.alertFirings(rule: rule, from: from, afterId: afterId, limit: limit)
        } catch {
            throw GatewayError(storeError: error)
        }
    }
}
