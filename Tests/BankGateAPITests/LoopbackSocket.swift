#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A raw TCP connection to 127.0.0.1 for playing a slow or silent client. Non-blocking after the
/// connect: reads poll with short sleeps, so a test never blocks a cooperative thread the server
/// also needs.
final class LoopbackSocket {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    private var fd: Int32
    /// Everything received so far.
    private(set) var received: [UInt8] = []

    init(port: Int) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "socket: errno \(errno)") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            _ = Glibc.close(fd)
            throw Failure(description: "connect: errno \(errno)")
        }
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
    }

    deinit { if fd >= 0 { _ = Glibc.close(fd) } }

    /// Closes our end.
    func close() {
        if fd >= 0 { _ = Glibc.close(fd) }
        fd = -1
    }

    /// Sends `text`; `false` when the server has closed the connection (EPIPE, ECONNRESET).
    @discardableResult
    func send(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        let n = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        return n == bytes.count
    }

    /// Reads what is there without waiting; `true` when the server has closed (end of stream or reset).
    func drain() -> Bool {
        var buffer = [UInt8](repeating: 0, count: 16_384)
        while true {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
            if n > 0 { received += buffer[0..<n]; continue }
            if n == 0 { return true }
            return errno != EAGAIN && errno != EWOULDBLOCK
        }
    }

    /// Waits until the server closes the connection; `false` if it is still open after `seconds`.
    func waitUntilClosed(seconds: Double) async throws -> Bool {
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        while ContinuousClock.now < deadline {
            if drain() { return true }
            try await Task.sleep(for: .milliseconds(20))
        }
        return drain()
    }

    /// Waits until a whole HTTP answer with `Content-Length` has come; returns its status code.
    func waitForAnswer(seconds: Double = 10) async throws -> Int? {
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        while ContinuousClock.now < deadline {
            let closed = drain()
            if let status = Self.completeAnswerStatus(received) { return status }
            if closed { return nil }
            try await Task.sleep(for: .milliseconds(10))
        }
        return nil
    }

    /// The status of the first answer in `bytes` when its head and body are complete.
    static func completeAnswerStatus(_ bytes: [UInt8]) -> Int? {
        let text = String(decoding: bytes, as: UTF8.self)
        guard let headEnd = text.range(of: "\r\n\r\n") else { return nil }
        let head = text[..<headEnd.lowerBound].lowercased()
        let length = head.split(separator: "\r\n").first { $0.hasPrefix("content-length:") }
            .flatMap { Int($0.dropFirst("content-length:".count).trimmingPrefix(" ")) } ?? 0
        guard text.utf8.count - text[..<headEnd.upperBound].utf8.count >= length else { return nil }
        let statusLine = head.prefix { $0 != "\r" }.split(separator: " ")
        return statusLine.count >= 2 ? Int(statusLine[1]) : nil
    }

    /// Status of the text received, for messages.
    var receivedText: String { String(decoding: received, as: UTF8.self) }
}
