public import CoreMetrics
import BankGateCore

/// The gateway's metrics (issue 12), recorded through the swift-metrics API on an explicit
/// factory: the runtime passes a Prometheus factory over a registry it owns (``GatewayVisibility``),
/// tests and tools get the no-op factory. No global `MetricsSystem.bootstrap`: it can happen only
/// once per process, and the test suite starts many gateways in one process, each with its own
/// registry and counts. docs/operations.md lists every metric with its labels.
public final class GatewayMetrics: Sendable {
    /// Metric names, one list so that the docs and the tests agree with the code.
    public enum Name {
        public static let intakeRequests = "bankgate_intake_requests_total"
        public static let intakePayments = "bankgate_intake_payments_total"
        public static let queueDepth = "bankgate_queue_depth"
        public static let bankCallDuration = "bankgate_bank_call_duration_seconds"
        public static let bankErrors = "bankgate_bank_errors_total"
        public static let circuitState = "bankgate_circuit_state"
        public static let statementLag = "bankgate_statement_lag_seconds"
        public static let webhookBacklog = "bankgate_webhook_backlog_events"
        public static let intakeCommitDuration = "bankgate_store_intake_commit_duration_seconds"
    }

    /// What intake did with a request: `accepted`, `replayed` (same Idempotency-Key and body) or
    /// `refused` (with the error code).
    public enum IntakeOutcome: String, Sendable {
        case accepted, replayed, refused
    }

    /// The kinds of bank call timed: `payment`, `status_query`, `statement`, `balance`, `receipt`.
    public enum CallKind: String, Sendable, CaseIterable {
        case payment
        case statusQuery = "status_query"
        case statement, balance, receipt
    }

    let factory: any MetricsFactory
    /// The intake path's metrics, made once (each request would otherwise look them up in the
    /// registry); they exist, at 0, from the start.
    private let acceptedRequests: Counter
    private let replayedRequests: Counter
    private let acceptedPayments: Counter
    private let replayedPayments: Counter
    private let commitTimer: Timer

    /// Metrics on `factory`; the no-op factory by default.
    public init(factory: any MetricsFactory = NOOPMetricsHandler.instance) {
        self.factory = factory
        acceptedRequests = Counter(label: Name.intakeRequests, dimensions: [("outcome", "accepted"), ("code", "none")], factory: factory)
        replayedRequests = Counter(label: Name.intakeRequests, dimensions: [("outcome", "replayed"), ("code", "none")], factory: factory)
        acceptedPayments = Counter(label: Name.intakePayments, dimensions: [("outcome", "accepted")], factory: factory)
        replayedPayments = Counter(label: Name.intakePayments, dimensions: [("outcome", "replayed")], factory: factory)
        commitTimer = Timer(label: Name.intakeCommitDuration, dimensions: [], factory: factory)
    }

    /// One intake request (`POST /v1/payments`, `POST /v1/payment-batches`): its outcome, and the
    /// error code when refused.
    public func intakeRequest(_ outcome: IntakeOutcome, code: String? = nil) {
        switch outcome {
        case .accepted: acceptedRequests.increment()
        case .replayed: replayedRequests.increment()
        case .refused:
            Counter(label: Name.intakeRequests, dimensions: [("outcome", "refused"), ("code", code ?? "none")], factory: factory)
                .increment()
        }
    }

    /// Payments intake accepted (newly) or replayed (an earlier acceptance answered again); none for `refused`.
    public func intakePayments(_ outcome: IntakeOutcome, count: Int) {
        guard count > 0 else { return }
        switch outcome {
        case .accepted: acceptedPayments.increment(by: count)
        case .replayed: replayedPayments.increment(by: count)
        case .refused: break
        }
    }

    /// One call to a bank and how long it took, answered or not; `message` is the bank's message
    /// (`pain.001.001.09`, `CMB.GetAccInfo`…: one of each adapter's fixed set).
    public func bankCall(bank: String, kind: CallKind, message: String, duration: Duration) {
        Timer(label: Name.bankCallDuration, dimensions: [("bank", bank), ("kind", kind.rawValue), ("message", message)],
              factory: factory)
            .recordNanoseconds(duration.nanoseconds)
    }

    /// One error from or on the way to a bank: `http_503`, `not_sent`, `no_answer`, `refused` …
    public func bankError(bank: String, code: String) {
        Counter(label: Name.bankErrors, dimensions: [("bank", bank), ("code", code)], factory: factory).increment()
    }

    /// A bank's circuit: 0 closed, 1 half-open, 2 open.
    public func circuit(bank: String, state: CircuitBreaker.State) {
        let value = switch state {
        case .closed: 0
        case .halfOpen: 1
        case .open: 2
        }
        Gauge(label: Name.circuitState, dimensions: [("bank", bank)], factory: factory).record(value)
    }

    /// Removes the gauges of a bank no longer configured (its circuit, its queue depths), so that
    /// a scrape no longer shows it; its counters and histograms stay, as counters do.
    public func forget(bank: String) {
        Gauge(label: Name.circuitState, dimensions: [("bank", bank)], factory: factory).destroy()
        for state in PaymentStatus.allCases {
            Gauge(label: Name.queueDepth, dimensions: [("bank", bank), ("state", state.rawValue)], factory: factory).destroy()
        }
    }

    /// The intake transaction's commit (``PaymentStore/accept``), however it ended.
    public func intakeCommit(duration: Duration) {
        commitTimer.recordNanoseconds(duration.nanoseconds)
    }

    /// Payments of `bank` in `state` now.
    public func queueDepth(bank: String, state: String, count: Int) {
        Gauge(label: Name.queueDepth, dimensions: [("bank", bank), ("state", state)], factory: factory).record(count)
    }

    /// Seconds since `account`'s newest statement was received.
    public func statementLag(account: String, seconds: Int64) {
        Gauge(label: Name.statementLag, dimensions: [("account", account)], factory: factory).record(seconds)
    }

    /// Events the active webhooks have still to deliver (an upper bound).
    public func webhookBacklog(_ events: Int64) {
        Gauge(label: Name.webhookBacklog, dimensions: [], factory: factory).record(events)
    }
}

extension Duration {
    /// The whole duration in nanoseconds, saturating.
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        let (whole, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        return overflow ? .max : whole &+ attoseconds / 1_000_000_000
    }
}
