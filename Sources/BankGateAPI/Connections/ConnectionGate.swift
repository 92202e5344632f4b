public import Logging
import NIOCore
import Synchronization

/// The API's connections as a whole: how many are open against the limit, and how many were
/// refused or cut and why. Refusals and cuts are reported as one summary line per interval, so a
/// flood of hostile clients cannot turn into a flood of log lines.
public final class ConnectionGate: Sendable {
    /// Why a connection was refused or closed by the server.
    public enum Cut: Sendable, Hashable {
        /// Over `max_connections`: answered 503 and closed.
        case refusedAtLimit
        /// Its request's head did not arrive within `header_timeout_ms`.
        case headerTimeout
        /// Its request's body did not arrive within `body_timeout_ms`.
        case bodyTimeout
        /// Nothing under way for `idle_timeout_ms` (normal for keep-alive clients; not reported alone).
        case idle
    }

    /// Connections refused or cut, by reason.
    public struct Counts: Sendable, Hashable {
        /// Answered 503 and closed: over `max_connections`.
        public var refusedAtLimit = 0
        /// Cut: a request's head not in within `header_timeout_ms`.
        public var headerTimeouts = 0
        /// Cut: a request's body not in within `body_timeout_ms`.
        public var bodyTimeouts = 0
        /// Closed after `idle_timeout_ms` without a request.
        public var idleClosed = 0

        mutating func add(_ cut: Cut) {
            switch cut {
            case .refusedAtLimit: refusedAtLimit += 1
            case .headerTimeout: headerTimeouts += 1
            case .bodyTimeout: bodyTimeouts += 1
            case .idle: idleClosed += 1
            }
        }
    }

    private struct State {
        var open = 0
        var total = Counts()
        var unreported = Counts()
        var reportScheduled = false
        var lastReport: NIODeadline?
    }

    /// Connections served at once.
    public let maxConnections: Int
    private let reportInterval: TimeAmount
    private let logger: Logger
    private let state = Mutex(State())

    /// A gate for at most `policy.maxConnections` connections, reporting to `logger` at most once per
    /// `policy.reportInterval`.
    public init(policy: APIConnectionPolicy, logger: Logger) {
        maxConnections = policy.maxConnections
        reportInterval = TimeAmount(policy.reportInterval)
        self.logger = logger
    }

    /// Connections open now.
    public var openConnections: Int { state.withLock { $0.open } }

    /// Everything refused or cut since the start.
    public var totals: Counts { state.withLock { $0.total } }

    /// Takes a place for a new connection; `false` when all are taken.
    func admit() -> Bool {
        state.withLock { state in
            guard state.open < maxConnections else { return false }
            state.open += 1
            return true
        }
    }

    /// Gives back the place of a connection that closed.
    func release() {
        state.withLock { $0.open = max(0, $0.open - 1) }
    }

    /// Counts a refused or cut connection and makes sure a summary line follows: at once when none
    /// was written for an interval, else when the interval is over.
    func record(_ cut: Cut, on eventLoop: any EventLoop) {
        let delay: TimeAmount? = state.withLock { state in
            state.total.add(cut)
            state.unreported.add(cut)
            guard cut != .idle, !state.reportScheduled else { return nil }
            state.reportScheduled = true
            guard let last = state.lastReport else { return .zero }
            return max(.zero, last + reportInterval - .now())
        }
        guard let delay else { return }
        eventLoop.scheduleTask(in: delay) { self.report() }
    }

    /// Writes the summary of what was refused or cut since the last one.
    private func report() {
        let (counts, open) = state.withLock { state in
            defer {
                state.unreported = Counts()
                state.reportScheduled = false
                state.lastReport = .now()
            }
            return (state.unreported, state.open)
        }
        logger.warning("API connections refused or cut", metadata: [
            "refused_at_limit": "\(counts.refusedAtLimit)", "header_timeouts": "\(counts.headerTimeouts)",
            "body_timeouts": "\(counts.bodyTimeouts)", "idle_closed": "\(counts.idleClosed)",
            "open": "\(open)", "max_connections": "\(maxConnections)",
        ])
    }
}
