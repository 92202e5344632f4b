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
    public var bytes: [UInt8]

    public init(name: String, bytes: [UInt8]) {
        self.name = name
        self.bytes = bytes
    }
}

/// Moves bank messages over the wire. Shared by all adapters; chosen by the bank's configuration.
public protocol BankTransport: Sendable {
    /// Sends a payment message.
    func submit(_ message: EncodedMessage) async -> TransportOutcome
    /// Sends a status query.
    func query(_ message: EncodedMessage) async -> TransportOutcome
    /// Files waiting in the inbox (empty for transports that answer synchronously).
    func pickUp() async throws -> [InboundFile]
    /// Moves a picked-up file to `processed/`, or to `failed/` with `failureReason` written beside it.
    func settle(_ file: InboundFile, failureReason: String?) async throws
}
