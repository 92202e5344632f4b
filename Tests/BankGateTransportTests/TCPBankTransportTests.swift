import BankGateCore
import BankGateTransport
import Foundation
import XCTest

#if canImport(Glibc)
import Glibc
#endif

/// The TCP transport's outcomes: a whole answer (on close, or framed on an open connection), and
/// what may have reached the bank when it does not answer.
final class TCPBankTransportTests: XCTestCase {
    private let message = EncodedMessage(kind: "ABC.CFRT02", contentType: "application/octet-stream", fileName: "m",
                                         bytes: Array("1    11<ap>request</ap>".utf8))

    /// One connection on a loopback port: reads what arrives, then `reply` with the bytes read.
    private func serveOnce(_ reply: @escaping @Sendable (Int32, [UInt8]) -> Void) throws -> UInt16 {
        let (listener, port) = try LoopbackHTTPServer.listen(backlog: 1)
        Thread {
            let connection = accept(listener, nil, nil)
            var buffer = [UInt8](repeating: 0, count: 4096)
            let count = buffer.withUnsafeMutableBytes { recv(connection, $0.baseAddress!, $0.count, 0) }
            reply(connection, Array(buffer[0..<max(0, count)]))
            close(connection)
            close(listener)
        }.start()
        return port
    }

    private func transport(_ port: UInt16, timeout: Int = 2_000, framed: Bool = false) -> TCPBankTransport {
        TCPBankTransport(host: "127.0.0.1", port: Int(port), connectTimeoutMilliseconds: 1_000, requestTimeoutMilliseconds: timeout,
                         isComplete: { bytes in
                             guard framed, bytes.count >= 7, let length = Int(String(decoding: bytes[1..<7], as: UTF8.self)
                                 .trimmingCharacters(in: .whitespaces)) else { return false }
                             return bytes.count >= 7 + length
                         })
    }

    func testTheAnswerIsReadUntilTheBankCloses() async throws {
        let received = ReceivedBytes()
        let port = try serveOnce { connection, request in
            received.set(request)
            _ = Array("answer-bytes".utf8).withUnsafeBytes { send(connection, $0.baseAddress!, $0.count, 0) }
        }
        let outcome = await transport(port).submit(message)
        XCTAssertEqual(outcome, .answered(status: 200, body: Array("answer-bytes".utf8)))
        XCTAssertEqual(received.value, message.bytes, "the message is written as it is")
    }

    func testAFramedAnswerIsWholeWithoutWaitingForTheClose() async throws {
        let port = try serveOnce { connection, _ in
            _ = Array("1     5hello".utf8).withUnsafeBytes { send(connection, $0.baseAddress!, $0.count, 0) }
            Thread.sleep(forTimeInterval: 3)  // keeps the connection open past the transport's timeout
        }
        let started = Date()
        let outcome = await transport(port, timeout: 2_000, framed: true).submit(message)
        XCTAssertEqual(outcome, .answered(status: 200, body: Array("1     5hello".utf8)))
        XCTAssertLessThan(Date().timeIntervalSince(started), 1.5, "answered when the frame was whole")
    }

    func testNoAnswerAfterTheMessageWasWrittenIsUnknown() async throws {
        let closing = try serveOnce { _, _ in }
        guard case .unknown = await transport(closing).submit(message) else { return XCTFail("a close without an answer proves nothing") }
        let stalling = try serveOnce { _, _ in Thread.sleep(forTimeInterval: 1.5) }
        guard case .unknown = await transport(stalling, timeout: 500).submit(message) else { return XCTFail("a timeout proves nothing") }
    }

    func testARefusedConnectionWasNotSent() async throws {
        let (socket, port) = try LoopbackHTTPServer.refusingPort()
        defer { close(socket) }
        guard case .notSent = await transport(port).submit(message) else { return XCTFail("nothing reached the bank") }
    }
}

/// Bytes handed from the server thread to the test.
final class ReceivedBytes: @unchecked Sendable {
    private let lock = NSLock()
    private var bytes: [UInt8] = []
    func set(_ value: [UInt8]) { lock.withLock { bytes = value } }
    var value: [UInt8] { lock.withLock { bytes } }
}
