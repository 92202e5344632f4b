import BankGateCore

/// An HTTP answer received by `HTTPClient`.
public struct HTTPResponse: Sendable {
    /// The status code, e.g. 200.
    public var status: Int
    /// The header fields in the order received, names as sent by the server.
    public var headers: [(name: String, value: String)]
    /// The body, as received (not decoded).
    public var body: [UInt8]

    /// A response; for tests and fakes of the client.
    public init(status: Int, headers: [(name: String, value: String)], body: [UInt8]) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The value of the first header field named `name` (compared case-insensitively).
    public func headerValue(_ name: String) -> String? {
        let wanted = name.lowercased()
        return headers.first { $0.name.lowercased() == wanted }?.value
    }
}

/// Why `HTTPClient` got no answer.
public struct HTTPClientError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The kind of failure; new kinds may be added.
    public struct Kind: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        /// The request was malformed (URL, method or header) and was not attempted.
        public static let invalidRequest = Kind(name: "invalid request")
        /// Nothing reached the server (not resolved, refused, TLS handshake failed, connect timeout).
        public static let notSent = Kind(name: "not sent")
        /// The request may have reached the server but no complete answer came back.
        public static let noAnswer = Kind(name: "no answer")
        public var description: String { name }
    }

    /// What kind of failure this is: whether the server may have seen the request.
    public var kind: Kind
    /// What happened, from libcurl.
    public var message: String

    /// An error of `kind` with libcurl's (or our) explanation.
    public init(kind: Kind, message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { "\(kind): \(message)" }
}

/// A small HTTP client for the operator CLI talking to the daemon, on the same libcurl code as
/// the bank transport. Connections are reused between requests.
public struct HTTPClient: Sendable {
    /// Time allowed for one whole request, connection included.
    public let timeoutMilliseconds: Int
    /// TLS settings for `https://` URLs.
    public let tls: TLSOptions
    /// Larger answers fail with `.noAnswer`.
    public let maximumResponseBytes: Int
    private let workers: BlockingWorkerPool<CurlSession>

    /// A client with its own worker threads (at most 4 requests at once).
    public init(timeoutMilliseconds: Int = 30_000, tls: TLSOptions = .init(),
                maximumResponseBytes: Int = 64 * 1024 * 1024) {
        self.timeoutMilliseconds = max(1, timeoutMilliseconds)
        self.tls = tls
        self.maximumResponseBytes = max(1, maximumResponseBytes)
        self.workers = BlockingWorkerPool(name: "bankgate-http-client", maximumThreads: 4,
                                          makeContext: { CurlSession() })
    }

    /// Sends one request and waits for the answer, on a thread of the client's own.
    /// Any status (4xx, 5xx included) is a response; only a missing answer throws.
    public func send(method: String, url: String, headers: [(String, String)] = [],
                     body: [UInt8]? = nil) async throws(HTTPClientError) -> HTTPResponse {
        let request = makeRequest(method: method, url: url, headers: headers, body: body)
        let report = await workers.run { session in request.perform(session: session) }
        return try response(from: report)
    }

    /// `GET url` with the answer's body written to the open descriptor `descriptor` as it arrives
    /// (a large download, never held in memory; an error document too), on a thread of the
    /// client's own; the returned response's body is empty. Only the connection has the client's
    /// timeout: the transfer may take as long as it needs.
    public func download(url: String, headers: [(String, String)] = [],
                         into descriptor: Int32) async throws(HTTPClientError) -> HTTPResponse {
        var prepared = makeRequest(method: "GET", url: url, headers: headers, body: nil)
        prepared.totalTimeoutMilliseconds = 0
        prepared.bodyFileDescriptor = descriptor
        let request = prepared
        let report = await workers.run { session in request.perform(session: session) }
        return try response(from: report)
    }

    /// Sends one request, blocking the calling thread. For code that is not async (the CLI's
    /// `main`); never call it from an async context.
    public func sendBlocking(method: String, url: String, headers: [(String, String)] = [],
                             body: [UInt8]? = nil) throws(HTTPClientError) -> HTTPResponse {
        let request = makeRequest(method: method, url: url, headers: headers, body: body)
        return try response(from: request.perform(session: nil))
    }

    private func makeRequest(method: String, url: String, headers: [(String, String)],
                             body: [UInt8]?) -> CurlRequest {
        CurlRequest(url: url, method: method, headers: headers.map { (name: $0.0, value: $0.1) },
                    body: body, connectTimeoutMilliseconds: timeoutMilliseconds,
                    totalTimeoutMilliseconds: timeoutMilliseconds, tls: tls,
                    maximumResponseBytes: maximumResponseBytes, freshConnection: false)
    }

    private func response(from report: CurlReport) throws(HTTPClientError) -> HTTPResponse {
        if let reason = report.rejection {
            throw HTTPClientError(kind: .invalidRequest, message: reason)
        }
        switch TransportOutcome(report, maximumResponseBytes: maximumResponseBytes) {
        case .answered(let status, let body):
            return HTTPResponse(status: status, headers: report.headers, body: body)
        case .notSent(let reason):
            throw HTTPClientError(kind: .notSent, message: reason)
        case .unknown(let reason):
            throw HTTPClientError(kind: .noAnswer, message: reason)
        case .delivered:
            throw HTTPClientError(kind: .noAnswer, message: "no HTTP answer")
        }
    }
}
