public import BankGateConfig
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How long the API waits for a client, and how many clients it serves at once. A client that
/// opens connections and sends nothing, or sends a request a byte at a time, holds a file
/// descriptor and a task for as long as it is let; these bound both.
public struct APIConnectionPolicy: Sendable, Hashable {
    /// A connection with no request under way is closed after this long.
    public var idleTimeout: Duration
    /// A request's head must arrive within this long of its first byte (answered 408 and closed).
    public var headerTimeout: Duration
    /// A request's body must arrive whole within this long of its head (the connection is cut).
    public var bodyTimeout: Duration
    /// Connections open at once; one more is answered 503 and closed at once.
    public var maxConnections: Int
    /// Refused and cut connections are logged as one summary line per interval, not one per client.
    public var reportInterval: Duration

    /// Default of ``reportInterval``.
    public static let defaultReportInterval = Duration.seconds(10)

    /// A policy with the given deadlines and limit (at least one connection).
    public init(idleTimeout: Duration, headerTimeout: Duration, bodyTimeout: Duration, maxConnections: Int,
                reportInterval: Duration = APIConnectionPolicy.defaultReportInterval) {
        self.idleTimeout = idleTimeout
        self.headerTimeout = headerTimeout
        self.bodyTimeout = bodyTimeout
        self.maxConnections = max(1, maxConnections)
        self.reportInterval = reportInterval
    }

    /// The `[server]` settings, with the connection limit kept below the process's open-file limit
    /// (``ServerConfig/effectiveMaxConnections(openFileLimit:)``).
    public init(server: ServerConfig, openFileLimit: Int = APIConnectionPolicy.openFileLimit()) {
        self.init(idleTimeout: .milliseconds(server.idleTimeoutMilliseconds),
                  headerTimeout: .milliseconds(server.headerTimeoutMilliseconds),
                  bodyTimeout: .milliseconds(server.bodyTimeoutMilliseconds),
                  maxConnections: server.effectiveMaxConnections(openFileLimit: openFileLimit))
    }

    /// The soft `RLIMIT_NOFILE` of this process (1024 when it cannot be read; at most `Int32.max`).
    public static func openFileLimit() -> Int {
        var limit = rlimit()
        #if os(Linux)
        let resource = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
        #else
        let resource = RLIMIT_NOFILE
        #endif
        guard getrlimit(resource, &limit) == 0 else { return 1_024 }
        return Int(min(limit.rlim_cur, rlim_t(Int32.max)))  // RLIM_INFINITY is the largest value
    }
}
