import BankGateCore
import XCTest

#if canImport(Glibc)
import Glibc
#endif

@testable import BankGateTransport

final class HTTPBankTransportTests: XCTestCase {
    private let message = EncodedMessage(
        kind: "pain.001.001.09", contentType: "application/xml; charset=utf-8", fileName: "MSG1.xml",
        bytes: Array("<Document>付款 \u{0}binary\r\n</Document>".utf8))

    private func transport(_ baseURL: String, requestTimeout: Int = 10_000,
                           maximumResponseBytes: Int = 1 << 20) -> HTTPBankTransport {
        HTTPBankTransport(baseURL: baseURL, connectTimeoutMilliseconds: 5_000,
                          requestTimeoutMilliseconds: requestTimeout, maximumResponseBytes: maximumResponseBytes)
    }

    func testSubmitPostsTheExactBytesAndReturnsTheAnswer() async throws {
        let server = try LoopbackHTTPServer(.respond(status: 200, headers: [], body: Array("ACCEPTED".utf8)))
        defer { server.stop() }
        let outcome = await transport(server.baseURL + "/bank/").submit(message)
        XCTAssertEqual(outcome, .answered(status: 200, body: Array("ACCEPTED".utf8)))
        let requests = server.recordedRequests
        XCTAssertEqual(requests.count, 1)
        XCTAssertEqual(requests.first?.method, "POST")
        XCTAssertEqual(requests.first?.path, "/bank/payments")
        XCTAssertEqual(requests.first?.headers["content-type"], "application/xml; charset=utf-8")
        XCTAssertEqual(requests.first?.body, message.bytes)
    }

    func testQueryPostsToTheQueryPath() async throws {
        let server = try LoopbackHTTPServer(.respond(status: 200, headers: [], body: Array("<Status/>".utf8)))
        defer { server.stop() }
        let transport = HTTPBankTransport(baseURL: server.baseURL, submitPath: "/pay", queryPath: "q/status",
                                          connectTimeoutMilliseconds: 5_000, requestTimeoutMilliseconds: 10_000)
        let outcome = await transport.query(message)
        XCTAssertEqual(outcome, .answered(status: 200, body: Array("<Status/>".utf8)))
        XCTAssertEqual(server.recordedRequests.map(\.path), ["/q/status"])
        XCTAssertEqual(server.recordedRequests.first?.body, message.bytes)
    }

    func testAnErrorStatusIsAnAnswer() async throws {
        let server = try LoopbackHTTPServer(.respond(status: 503, headers: [], body: Array("busy".utf8)))
        defer { server.stop() }
        let outcome = await transport(server.baseURL).submit(message)
        XCTAssertEqual(outcome, .answered(status: 503, body: Array("busy".utf8)))
    }

    func testServerClosingWithoutAnsweringIsUnknown() async throws {
        let server = try LoopbackHTTPServer(.closeAfterRequest)
        defer { server.stop() }
        let outcome = await transport(server.baseURL).submit(message)
        XCTAssertTrue(outcome.isUnknown, "\(outcome)")
        XCTAssertEqual(server.recordedRequests.first?.body, message.bytes, "the bank did get the message")
    }

    func testTimeoutAfterTheRequestWasSentIsUnknown() async throws {
        // The server holds the answer back until stopped, so only the timeout can end the transfer;
        // 1.5 s leaves ample time for the request to arrive first, which the server then proves.
        let server = try LoopbackHTTPServer(.stallAfterRequest(milliseconds: 60_000))
        defer { server.stop() }
        let outcome = await transport(server.baseURL, requestTimeout: 1_500).submit(message)
        XCTAssertTrue(outcome.isUnknown, "\(outcome)")
        XCTAssertEqual(server.recordedRequests.first?.body, message.bytes, "the timeout struck after the bank had the request")
    }

    func testClosedPortIsNotSent() async throws {
        let (socket, port) = try LoopbackHTTPServer.refusingPort()
        defer { close(socket) }
        let outcome = await transport("http://127.0.0.1:\(port)").submit(message)
        XCTAssertTrue(outcome.isNotSent, "\(outcome)")
    }

    func testUnresolvableHostIsNotSent() async {
        let outcome = await transport("http://bankgate-nonexistent.invalid").submit(message)
        XCTAssertTrue(outcome.isNotSent, "\(outcome)")
    }

    func testFailedTLSHandshakeIsNotSent() async throws {
        let server = try LoopbackHTTPServer(.answerPlainTextAtOnce)
        defer { server.stop() }
        let outcome = await transport("https://127.0.0.1:\(server.port)").submit(message)
        XCTAssertTrue(outcome.isNotSent, "\(outcome)")
        XCTAssertTrue(server.recordedRequests.isEmpty)
    }

    func testConnectTimeoutIsNotSent() async throws {
        let (sockets, port) = try LoopbackHTTPServer.unacceptingListener()
        defer { sockets.forEach { close($0) } }
        let transport = HTTPBankTransport(baseURL: "http://127.0.0.1:\(port)", connectTimeoutMilliseconds: 300,
                                          requestTimeoutMilliseconds: 10_000)
        let outcome = await transport.submit(message)
        XCTAssertTrue(outcome.isNotSent, "\(outcome)")
    }

    func testTLSHandshakeTimeoutIsNotSent() async throws {
        let server = try LoopbackHTTPServer(.closeAfterRequest) // reads the ClientHello, never answers
        defer { server.stop() }
        let transport = HTTPBankTransport(baseURL: "https://127.0.0.1:\(server.port)", connectTimeoutMilliseconds: 300,
                                          requestTimeoutMilliseconds: 10_000)
        let outcome = await transport.submit(message)
        XCTAssertTrue(outcome.isNotSent, "\(outcome)")
    }

    func testUnsupportedSchemeAndMalformedURLAreNotSent() async {
        let ftp = await transport("ftp://127.0.0.1:1").submit(message)
        XCTAssertTrue(ftp.isNotSent, "\(ftp)")
        let malformed = await transport("http://[::1").submit(message)
        XCTAssertTrue(malformed.isNotSent, "\(malformed)")
    }

    func testAnAnswerOverTheLimitIsUnknown() async throws {
        let server = try LoopbackHTTPServer(.respond(status: 200, headers: [], body: Array(repeating: 65, count: 5_000)))
        defer { server.stop() }
        let outcome = await transport(server.baseURL, maximumResponseBytes: 1_000).submit(message)
        XCTAssertTrue(outcome.isUnknown, "\(outcome)")
    }

    func testConcurrentSubmitsAllGetTheirAnswer() async throws {
        let server = try LoopbackHTTPServer(.respond(status: 200, headers: [], body: Array("OK".utf8)))
        defer { server.stop() }
        let transport = HTTPBankTransport(baseURL: server.baseURL, connectTimeoutMilliseconds: 5_000,
                                          requestTimeoutMilliseconds: 10_000, maximumConcurrentRequests: 3)
        let message = self.message
        let outcomes = await withTaskGroup(of: TransportOutcome.self) { group in
            for _ in 0..<12 { group.addTask { await transport.submit(message) } }
            return await group.reduce(into: []) { $0.append($1) }
        }
        XCTAssertEqual(outcomes, Array(repeating: .answered(status: 200, body: Array("OK".utf8)), count: 12))
        XCTAssertEqual(server.recordedRequests.count, 12)
    }

    func testURLJoining() {
        XCTAssertEqual(HTTPBankTransport.join("http://h/", "/p"), "http://h/p")
        XCTAssertEqual(HTTPBankTransport.join("http://h", "p"), "http://h/p")
        XCTAssertEqual(HTTPBankTransport.join("http://h/a", "/p"), "http://h/a/p")
        XCTAssertEqual(HTTPBankTransport.join("http://h/a", ""), "http://h/a")
    }
}

extension TransportOutcome {
    var isNotSent: Bool { if case .notSent = self { true } else { false } }
    var isUnknown: Bool { if case .unknown = self { true } else { false } }
}
