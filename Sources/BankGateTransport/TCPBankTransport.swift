public import BankGateCore
import Foundation

/// Sends bank messages over a raw TCP connection each: connect, write the message, read the answer
/// until the bank closes the connection or `isComplete` says the answer is whole (ABC's 7-byte
/// frame header gives its length). The bank's client program listens on `host:port` (ABC's
/// 银企通平台, CCB's 外联客户端 in socket mode). No inbox: the answer comes on the connection.
///
/// Outcomes follow what may have reached the bank: a connection that cannot be opened is `notSent`;
/// once bytes were written, a failure or a timeout is `unknown`. Blocking sockets run on the
/// transport's own threads, never on Swift's cooperative pool.
public struct TCPBankTransport: BankTransport {
    public let host: String
    public let port: Int
    public let connectTimeoutMilliseconds: Int
    /// The whole exchange, connection included.
    public let requestTimeoutMilliseconds: Int
    public let maximumResponseBytes: Int
    /// Whether the bytes read so far are the whole answer (the bank may keep the connection open).
    let isComplete: @Sendable ([UInt8]) -> Bool
    private let workers: BlockingWorkerPool<Void>

    public init(host: String, port: Int, connectTimeoutMilliseconds: Int, requestTimeoutMilliseconds: Int,
                maximumConcurrentRequests: Int = 8, maximumResponseBytes: Int = 16 * 1024 * 1024,
                isComplete: @escaping @Sendable ([UInt8]) -> Bool = { _ in false }) {
        self.host = host
        self.port = port
        self.connectTimeoutMilliseconds = max(1, connectTimeoutMilliseconds)
        self.requestTimeoutMilliseconds = max(1, requestTimeoutMilliseconds)
        self.maximumResponseBytes = max(1, maximumResponseBytes)
        self.isComplete = isComplete
        workers = BlockingWorkerPool(name: "bankgate-tcp", maximumThreads: maximumConcurrentRequests, makeContext: {})
    }

    public func submit(_ message: EncodedMessage) async -> TransportOutcome { await exchange(message) }
    public func query(_ message: EncodedMessage) async -> TransportOutcome { await exchange(message) }
    public func report(_ message: EncodedMessage) async -> TransportOutcome { await exchange(message) }
    /// Always empty: the answers come on the connection.
    public func pickUp() async throws -> [InboundFile] { [] }
    public func settle(_ file: InboundFile, failureReason: String?) async throws {}

    private func exchange(_ message: EncodedMessage) async -> TransportOutcome {
        let (host, port, connectTimeout, total, limit, isComplete) =
            (host, port, connectTimeoutMilliseconds, requestTimeoutMilliseconds, maximumResponseBytes, isComplete)
        return await workers.run { _ in
            TCPExchange.run(host: host, port: port, bytes: message.bytes, connectTimeoutMilliseconds: connectTimeout,
                            totalTimeoutMilliseconds: total, maximumResponseBytes: limit, isComplete: isComplete)
        }
    }
}

/// One blocking exchange on a socket of its own.
enum TCPExchange {
    static func run(host: String, port: Int, bytes: [UInt8], connectTimeoutMilliseconds: Int, totalTimeoutMilliseconds: Int,
                    maximumResponseBytes: Int, isComplete: ([UInt8]) -> Bool) -> TransportOutcome {
        let started = DispatchTime.now().uptimeNanoseconds
        func remaining() -> Int32 {
            let elapsed = Int((DispatchTime.now().uptimeNanoseconds - started) / 1_000_000)
            return Int32(max(0, totalTimeoutMilliseconds - elapsed))
        }
        let socket: Int32
        switch connect(host: host, port: port, timeoutMilliseconds: min(connectTimeoutMilliseconds, totalTimeoutMilliseconds)) {
        case .success(let descriptor): socket = descriptor
        case .failure(let failure): return .notSent(failure.message)
        }
        defer { close(socket) }

        var written = 0
        while written < bytes.count {
            guard wait(socket, for: Int16(POLLOUT), milliseconds: remaining()) else {
                return written == 0 ? .notSent("timed out before writing") : .unknown("timed out while writing the message")
            }
            let count = bytes.withUnsafeBytes { buffer in
                send(socket, buffer.baseAddress! + written, buffer.count - written, Int32(MSG_NOSIGNAL))
            }
            if count < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                let reason = String(cString: strerror(errno))
                return written == 0 ? .notSent("write failed: \(reason)") : .unknown("write failed after \(written) bytes: \(reason)")
            }
            written += count
        }

        var answer: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            guard wait(socket, for: Int16(POLLIN), milliseconds: remaining()) else {
                return .unknown("no complete answer within \(totalTimeoutMilliseconds) ms (\(answer.count) bytes read)")
            }
            let count = buffer.withUnsafeMutableBytes { recv(socket, $0.baseAddress!, $0.count, 0) }
            if count < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                return .unknown("read failed: \(String(cString: strerror(errno)))")
            }
            if count == 0 {
                return answer.isEmpty ? .unknown("the connection closed without an answer") : .answered(status: 200, body: answer)
            }
            answer += buffer[0..<count]
            if answer.count > maximumResponseBytes {
                return .unknown("answer over \(maximumResponseBytes) bytes")
            }
            if isComplete(answer) { return .answered(status: 200, body: answer) }
        }
    }

    /// A connected non-blocking socket, or why none could be opened (nothing was sent).
    static func connect(host: String, port: Int, timeoutMilliseconds: Int) -> Result<Int32, ConnectFailure> {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &list)
        guard status == 0, let first = list else {
            return .failure(ConnectFailure("cannot resolve \(host): \(String(cString: gai_strerror(status)))"))
        }
        defer { freeaddrinfo(list) }
        var reason = "no address for \(host)"
        var entry: UnsafeMutablePointer<addrinfo>? = first
        while let address = entry {
            entry = address.pointee.ai_next
            let descriptor = socket(address.pointee.ai_family, address.pointee.ai_socktype, address.pointee.ai_protocol)
            guard descriptor >= 0 else { continue }
            _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK)
            if Glibc.connect(descriptor, address.pointee.ai_addr, address.pointee.ai_addrlen) == 0 { return .success(descriptor) }
            if errno == EINPROGRESS, wait(descriptor, for: Int16(POLLOUT), milliseconds: Int32(timeoutMilliseconds)) {
                var error: Int32 = 0
                var length = socklen_t(MemoryLayout<Int32>.size)
                getsockopt(descriptor, SOL_SOCKET, SO_ERROR, &error, &length)
                if error == 0 { return .success(descriptor) }
                reason = "connection to \(host):\(port) failed: \(String(cString: strerror(error)))"
            } else {
                reason = errno == EINPROGRESS ? "connection to \(host):\(port) timed out"
                    : "connection to \(host):\(port) failed: \(String(cString: strerror(errno)))"
            }
            close(descriptor)
        }
        return .failure(ConnectFailure(reason))
    }

    struct ConnectFailure: Error {
        var message: String
        init(_ message: String) { self.message = message }
    }

    /// Waits until `socket` is ready for `events`; `false` on timeout or error.
    static func wait(_ socket: Int32, for events: Int16, milliseconds: Int32) -> Bool {
        var descriptor = pollfd(fd: socket, events: events, revents: 0)
        while true {
            let result = poll(&descriptor, 1, milliseconds)
            if result < 0 && errno == EINTR { continue }
            return result > 0
        }
    }
}
