import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A tiny HTTP/1.1 server on 127.0.0.1 for tests, on POSIX sockets and its own thread. It serves
/// one connection at a time, records each request it reads and behaves as told.
///
/// It listens on a port the system chose (port 0, read back) and keeps that socket until it stops,
/// so no other server can take the port; it blocks in `accept` rather than polling, so a request
/// is read as soon as it arrives.
///
/// `@unchecked Sendable`: `requests`, `stopped` and `listenerClosed` are only touched while `lock`
/// is held; the listening socket is written once in `init`.
final class LoopbackHTTPServer: @unchecked Sendable {
    enum Behaviour: Sendable {
        /// Reads the request, answers with this status, extra headers and body, then closes.
        case respond(status: Int, headers: [(String, String)], body: [UInt8])
        /// Reads the request and closes the connection without a word.
        case closeAfterRequest
        /// Reads the request, says nothing for this long (or until stopped), then closes.
        case stallAfterRequest(milliseconds: Int)
        /// Answers whatever first arrives (a TLS ClientHello) with plain HTTP, then closes.
        case answerPlainTextAtOnce
    }

    struct RecordedRequest: Sendable {
        var method: String
        var path: String
        /// Header names lowercased.
        var headers: [String: String]
        var body: [UInt8]
    }

    let port: UInt16
    private let behaviour: Behaviour
    private let listener: Int32
    private let lock = NSLock()
    private let stopSignal = DispatchSemaphore(value: 0)
    private var requests: [RecordedRequest] = []
    private var stopped = false
    private var listenerClosed = false

    init(_ behaviour: Behaviour) throws {
        self.behaviour = behaviour
        let (socket, port) = try Self.listen()
        self.listener = socket
        self.port = port
        let thread = Thread { [self] in self.serve() }
        thread.name = "loopback-http-server"
        thread.start()
    }

    var baseURL: String { "http://127.0.0.1:\(port)" }

    var recordedRequests: [RecordedRequest] { lock.withLock { requests } }

    /// Stops accepting at once (a blocked `accept` is woken) and ends a stall; the serving thread
    /// closes the listening socket once the connection in hand, if any, is done.
    func stop() {
        let first = lock.withLock { () -> Bool in
            defer { stopped = true }
            if !stopped && !listenerClosed { shutdown(listener, Int32(SHUT_RDWR)) }
            return !stopped
        }
        if first { stopSignal.signal() }
    }

    private var isStopped: Bool { lock.withLock { stopped } }

    /// A port on 127.0.0.1 that refuses connections: a socket bound to it that does not listen.
    /// Nothing else can take the port while the returned socket is open; close it when done.
    static func refusingPort() throws -> (socket: Int32, port: UInt16) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EIO) }
        var address = loopback(port: 0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
                bind(fd, raw, length) == 0 && getsockname(fd, raw, &length) == 0
            }
        }
        guard bound else {
            close(fd)
            throw POSIXError(.EADDRNOTAVAIL)
        }
        return (fd, UInt16(bigEndian: address.sin_port))
    }

    /// A listening socket on 127.0.0.1 that never accepts, with its queue full, so that new
    /// connection attempts hang in the handshake. Returns the sockets to close and the port.
    ///
    /// With a backlog of 0 the queue is full once it holds one connection: this returns only after
    /// the listener reports one waiting (readable), so the next connection attempt is sure to hang.
    static func unacceptingListener() throws -> (sockets: [Int32], port: UInt16) {
        let (listener, port) = try listen(backlog: 0)
        var sockets = [listener]
        var address = loopback(port: port)
        let client = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        _ = fcntl(client, F_SETFL, O_NONBLOCK)
        _ = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(client, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        sockets.append(client)
        var waiting = pollfd(fd: listener, events: Int16(POLLIN), revents: 0)
        guard poll(&waiting, 1, 30_000) == 1 else {
            sockets.forEach { close($0) }
            throw POSIXError(.ETIMEDOUT)
        }
        return (sockets, port)
    }

    static func loopback(port: UInt16) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return address
    }

    static func listen(backlog: Int32 = 64) throws -> (Int32, UInt16) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EIO) }
        var address = loopback(port: 0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
                bind(fd, raw, length) == 0 && Glibc.listen(fd, backlog) == 0 && getsockname(fd, raw, &length) == 0
            }
        }
        guard bound else {
            close(fd)
            throw POSIXError(.EADDRNOTAVAIL)
        }
        return (fd, UInt16(bigEndian: address.sin_port))
    }

    private func serve() {
        defer {
            lock.withLock {
                listenerClosed = true
                close(listener)
            }
        }
        while !isStopped {
            let connection = accept(listener, nil, nil)
            guard connection >= 0 else {
                if errno == EINTR || errno == ECONNABORTED { continue }
                return // shut down by `stop()`
            }
            var timeout = timeval(tv_sec: 5, tv_usec: 0)
            setsockopt(connection, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            handle(connection)
            close(connection)
        }
    }

    private func handle(_ connection: Int32) {
        if case .answerPlainTextAtOnce = behaviour {
            var scratch = [UInt8](repeating: 0, count: 4096)
            _ = scratch.withUnsafeMutableBytes { recv(connection, $0.baseAddress, $0.count, 0) }
            sendAll(connection, Array("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n".utf8))
            return
        }
        guard let request = readRequest(connection) else { return }
        lock.withLock { requests.append(request) }
        switch behaviour {
        case .respond(let status, let headers, let body):
            var head = "HTTP/1.1 \(status) Test\r\nContent-Length: \(body.count)\r\nConnection: close\r\n"
            for (name, value) in headers { head += "\(name): \(value)\r\n" }
            sendAll(connection, Array((head + "\r\n").utf8) + body)
        case .closeAfterRequest, .answerPlainTextAtOnce:
            return
        case .stallAfterRequest(let milliseconds):
            if stopSignal.wait(timeout: .now() + .milliseconds(milliseconds)) == .success { stopSignal.signal() }
        }
    }

    /// Reads the head up to the blank line, then `Content-Length` body bytes.
    private func readRequest(_ connection: Int32) -> RecordedRequest? {
        var buffer: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        let separator: [UInt8] = Array("\r\n\r\n".utf8)
        var headEnd: Int?
        var expected = Int.max
        while buffer.count < expected {
            let count = chunk.withUnsafeMutableBytes { recv(connection, $0.baseAddress, $0.count, 0) }
            guard count > 0 else { return nil }
            buffer.append(contentsOf: chunk[..<count])
            if headEnd == nil, let range = buffer.firstRange(of: separator) {
                headEnd = range.upperBound
                let head = String(decoding: buffer[..<range.lowerBound], as: UTF8.self)
                let length = head.split(separator: "\r\n").compactMap { line -> Int? in
                    let parts = line.split(separator: ":", maxSplits: 1)
                    guard parts.count == 2, parts[0].lowercased() == "content-length" else { return nil }
                    return Int(parts[1].trimmingCharacters(in: .whitespaces))
                }.first ?? 0
                expected = range.upperBound + length
            }
        }
        guard let headEnd else { return nil }
        let head = String(decoding: buffer[..<(headEnd - 4)], as: UTF8.self)
        var lines = head.components(separatedBy: "\r\n")
        let requestLine = lines.removeFirst().split(separator: " ")
        guard requestLine.count >= 2 else { return nil }
        var headers: [String: String] = [:]
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return RecordedRequest(method: String(requestLine[0]), path: String(requestLine[1]),
                               headers: headers, body: Array(buffer[headEnd...]))
    }

    private func sendAll(_ connection: Int32, _ bytes: [UInt8]) {
        var sent = 0
        while sent < bytes.count {
            let count = bytes[sent...].withUnsafeBytes { send(connection, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard count > 0 else { return }
            sent += count
        }
    }
}
