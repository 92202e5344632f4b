public import BankGateCore

/// Sends bank messages as HTTP POSTs through libcurl (OpenSSL), e.g. to a bank's front-end
/// machine or to the simulator. The bank answers synchronously, so there is no inbox.
///
/// Every transfer runs on the transport's own threads, never on Swift's cooperative pool.
/// Payments go out on a fresh connection each: libcurl silently repeats a request whose reused
/// keep-alive connection turns out to be dead, and a payment must leave the machine once.
/// Status queries, which are harmless to repeat, reuse connections.
public struct HTTPBankTransport: BankTransport {
    /// Where payment messages are POSTed.
    public let submitURL: String
    /// Where status queries are POSTed.
    public let queryURL: String
    /// Where account report requests (camt.060) are POSTed.
    public let reportURL: String
    /// Time allowed for name resolution, TCP and TLS handshake.
    public let connectTimeoutMilliseconds: Int
    /// Time allowed for the whole exchange, connection included.
    public let requestTimeoutMilliseconds: Int
    /// Larger answers are abandoned (and the outcome is unknown).
    public let maximumResponseBytes: Int
    /// Trust store and client certificate for the bank's endpoint.
    public let tls: TLSOptions
    private let workers: BlockingWorkerPool<CurlSession>

    /// - Parameters:
    ///   - baseURL: `https://host:port[/prefix]`; the paths are appended to it.
    ///   - connectTimeoutMilliseconds: must be positive.
    ///   - requestTimeoutMilliseconds: must be positive.
    ///   - maximumConcurrentRequests: at most this many transfers run at once; more wait in line.
    public init(baseURL: String, submitPath: String = "/payments", queryPath: String = "/status", reportPath: String = "/reports",
                connectTimeoutMilliseconds: Int, requestTimeoutMilliseconds: Int,
                tls: TLSOptions = .init(), maximumConcurrentRequests: Int = 8,
                maximumResponseBytes: Int = 64 * 1024 * 1024) {
        precondition(connectTimeoutMilliseconds > 0 && requestTimeoutMilliseconds > 0,
                     "HTTPBankTransport timeouts must be positive")
        self.submitURL = Self.join(baseURL, submitPath)
        self.queryURL = Self.join(baseURL, queryPath)
        self.reportURL = Self.join(baseURL, reportPath)
        self.connectTimeoutMilliseconds = connectTimeoutMilliseconds
        self.requestTimeoutMilliseconds = requestTimeoutMilliseconds
        self.maximumResponseBytes = max(1, maximumResponseBytes)
        self.tls = tls
        self.workers = BlockingWorkerPool(name: "bankgate-http", maximumThreads: maximumConcurrentRequests,
                                          makeContext: { CurlSession() })
    }

    /// POSTs a payment message to `submitURL` on a connection of its own.
    public func submit(_ message: EncodedMessage) async -> TransportOutcome {
        await post(message, to: submitURL, freshConnection: true)
    }

    /// POSTs a status query to `queryURL`; connections may be reused.
    public func query(_ message: EncodedMessage) async -> TransportOutcome {
        await post(message, to: queryURL, freshConnection: false)
    }

    /// POSTs an account report request (camt.060) to `reportURL`; the answer is the report.
    public func report(_ message: EncodedMessage) async -> TransportOutcome {
        await post(message, to: reportURL, freshConnection: false)
    }

    /// Always empty: HTTP banks answer synchronously.
    public func pickUp() async throws -> [InboundFile] { [] }

    /// Nothing to do: there are no inbox files.
    public func settle(_ file: InboundFile, failureReason: String?) async throws {}

    private func post(_ message: EncodedMessage, to url: String, freshConnection: Bool) async -> TransportOutcome {
        let target = message.urlQuery.map { url + (url.contains("?") ? "&" : "?") + $0 } ?? url
        let request = CurlRequest(
            url: target, method: "POST", headers: [(name: "Content-Type", value: message.contentType)],
            body: message.bytes, connectTimeoutMilliseconds: connectTimeoutMilliseconds,
            totalTimeoutMilliseconds: requestTimeoutMilliseconds, tls: tls,
            maximumResponseBytes: maximumResponseBytes, freshConnection: freshConnection)
        let report = await workers.run { session in request.perform(session: session) }
        return TransportOutcome(report, maximumResponseBytes: maximumResponseBytes)
    }

    /// Joins a base URL and a path with exactly one slash between them.
    static func join(_ base: String, _ path: String) -> String {
        if path.isEmpty { return base }
        switch (base.hasSuffix("/"), path.hasPrefix("/")) {
        case (true, true): return base + path.dropFirst()
        case (false, false): return base + "/" + path
        default: return base + path
        }
    }
}
