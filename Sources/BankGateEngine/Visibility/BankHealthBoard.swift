public import BankGateCore
import Synchronization

/// What each bank's exchanges last did (issue 12, `GET /v1/queue`): when one last succeeded, and
/// the last error with its time and code. Kept in memory by ``MeteredTransport`` for every call
/// (payments, status queries, statements, balances, receipts); empty after a restart.
public final class BankHealthBoard: Sendable {
    /// One bank's last outcomes.
    public struct Health: Sendable, Hashable {
        /// The last call the bank answered (any 2xx, or a delivery for a file transport).
        public var lastSuccessAt: Timestamp?
        /// The last error: when, its code (`http_503`, `not_sent`, `no_answer` …) and its words.
        public var lastErrorAt: Timestamp?
        public var lastErrorCode: String?
        public var lastErrorMessage: String?

        public init() {}
    }

    private let state = Mutex<[String: Health]>([:])

    public init() {}

    /// Records a call `bank` answered.
    public func recordSuccess(bank: String, at: Timestamp) {
        state.withLock { $0[bank, default: Health()].lastSuccessAt = at }
    }

    /// Records an error of a call to `bank`.
    public func recordError(bank: String, code: String, message: String, at: Timestamp) {
        state.withLock { board in
            var health = board[bank, default: Health()]
            health.lastErrorAt = at
            health.lastErrorCode = code
            health.lastErrorMessage = message
            board[bank] = health
        }
    }

    /// The banks' last outcomes, by bank id.
    public func snapshot() -> [String: Health] { state.withLock { $0 } }
}

/// The metrics and the per-bank health one gateway keeps: owned by the runtime, handed to the
/// engine, the dispatcher and the bank transports.
public final class GatewayVisibility: Sendable {
    public let metrics: GatewayMetrics
    public let health: BankHealthBoard

    public init(metrics: GatewayMetrics = GatewayMetrics(), health: BankHealthBoard = BankHealthBoard()) {
        self.metrics = metrics
        self.health = health
    }
}
