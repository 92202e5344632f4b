/// What happened to one message handed to a transport.
public enum TransportOutcome: Hashable, Sendable {
    /// The bank answered (HTTP): status code and body.
    case answered(status: Int, body: [UInt8])
    /// The message was handed over and its answer will come later (host-to-host files).
    case delivered
    /// Provably nothing reached the bank (connection refused, name not resolved, file not written).
    case notSent(String)
    /// The message may have reached the bank (timeout or connection loss after writing it).
    case unknown(String)
}

/// A file picked up from a bank's inbox (host-to-host exchange).
public struct InboundFile: Hashable, Sendable {
    /// The file name in the inbox.
    public var name: String
    /// The whole file, or only its first bytes when ``isPartial``.
    public var bytes: [UInt8]
    /// Where the file lies while it is being handled, when it is a file.
    public var path: String?
    /// The file is larger than the transport reads into memory: ``bytes`` holds its beginning
    /// only, enough to tell what it is; a statement is then read as a stream from ``path``.
    public var isPartial: Bool
    /// Set when the transport refused the entry (a symbolic link, a hard link, not a regular file,
    /// a name that is not UTF-8) and has already moved it aside with this reason: nothing is to be
    /// read or settled, only reported.
    public var refusal: String?

    public init(name: String, bytes: [UInt8], path: String? = nil, isPartial: Bool = false, refusal: String? = nil) {
        self.name = name
        self.bytes = bytes
        self.path = path
        self.isPartial = isPartial
        self.refusal = refusal
    }
}

/// Moves bank messages over the wire. Shared by all adapters; chosen by the bank's configuration.
public protocol BankTransport: Sendable {
    /// Sends a payment message.
    func submit(_ message: EncodedMessage) async -> TransportOutcome
    /// Sends a status query.
    func query(_ message: EncodedMessage) async -> TransportOutcome
    /// Asks for an account report (statement or balance request); the answer carries the report.
    func report(_ message: EncodedMessage) async -> TransportOutcome
    /// Files waiting in the inbox (empty for transports that answer synchronously).
    func pickUp() async throws -> [InboundFile]
    /// Moves a picked-up file to `processed/`, or to `failed/` with `failureReason` written beside it.
    func settle(_ file: InboundFile, failureReason: String?) async throws
}

extension BankTransport {
    /// Transports without a request channel for reports (host-to-host files: the bank delivers
    /// statements to the inbox on its own schedule).
    public func report(_ message: EncodedMessage) async -> TransportOutcome {
        .notSent("this transport has no request channel for account reports; statements arrive in the inbox")
    }
}
