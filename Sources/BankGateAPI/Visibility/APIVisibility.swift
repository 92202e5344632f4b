public import BankGateEngine

/// What the API needs for `GET /metrics` and the intake counters (issue 12).
public struct APIVisibility: Sendable {
    /// Where intake outcomes are counted.
    public var metrics: GatewayMetrics
    /// The Prometheus text exposition of every metric, refreshed first where it is read from the store.
    public var exposition: @Sendable () async -> [UInt8]
    /// `[server] metrics_public`: `/metrics` without a token.
    public var metricsPublic: Bool

    public init(metrics: GatewayMetrics, metricsPublic: Bool, exposition: @escaping @Sendable () async -> [UInt8]) {
        self.metrics = metrics
        self.metricsPublic = metricsPublic
        self.exposition = exposition
    }
}
