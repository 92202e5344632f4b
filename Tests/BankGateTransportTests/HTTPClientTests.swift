import XCTest

#if canImport(Glibc)
import Glibc
#endif

@testable import BankGateTransport

final class HTTPClientTests: XCTestCase {
    func testGetReturnsStatusHeadersAndBody() async throws {
        let server = try LoopbackHTTPServer(.respond(status: 200, headers: [("X-Trace", "abc")], body: Array("{}".utf8)))
        defer { server.stop() }
        let response = try await HTTPClient().send(method: "GET", url: server.baseURL + "/v1/payments?limit=2",
                                                   headers: [("Authorization", "Bearer t")], body: nil)
        XCTAssertEqual(response.status, 200)
        XCTAssertEqual(response.body, Array("{}".utf8))
        XCTAssertEqual(response.headerValue("x-trace"), "abc")
        XCTAssertEqual(response.headerValue("CONTENT-LENGTH"), "2")
        let request = try XCTUnwrap(server.recordedRequests.first)
        XCTAssertEqual(request.method, "GET")
        XCTAssertEqual(request.path, "/v1/payments?limit=2")
        XCTAssertEqual(request.headers["authorization"], "Bearer t")
        XCTAssertEqual(request.body, [])
    }

    func testPostSendsTheBody() async throws {
        let server = try LoopbackHTTPServer(.respond(status: 201, headers: [], body: Array("created".utf8)))
        defer { server.stop() }
        let body = Array(#"{"amount":"12.34"}"#.utf8)
        let response = try await HTTPClient().send(method: "POST", url: server.baseURL + "/v1/payments",
                                                   headers: [("Content-Type", "application/json")], body: body)
        XCTAssertEqual(response.status, 201)
        XCTAssertEqual(response.body, Array("created".utf8))
        XCTAssertEqual(server.recordedRequests.first?.method, "POST")
        XCTAssertEqual(server.recordedRequests.first?.headers["content-type"], "application/json")
        XCTAssertEqual(server.recordedRequests.first?.body, body)
    }

    func testBlockingVariantWithOtherMethods() throws {
        let server = try LoopbackHTTPServer(.respond(status: 204, headers: [], body: []))
        defer { server.stop() }
        let client = HTTPClient(timeoutMilliseconds: 10_000)
        let response = try client.sendBlocking(method: "DELETE", url: server.baseURL + "/v1/holds/7")
        XCTAssertEqual(response.status, 204)
        XCTAssertEqual(server.recordedRequests.first?.method, "DELETE")
        XCTAssertEqual(server.recordedRequests.first?.path, "/v1/holds/7")
    }

    func testFailuresAreTypedByWhatTheyProve() async throws {
        let (socket, port) = try LoopbackHTTPServer.refusingPort()
        defer { close(socket) }
        do {
            _ = try await HTTPClient().send(method: "GET", url: "http://127.0.0.1:\(port)/", headers: [], body: nil)
            XCTFail("expected an error")
        } catch {
            XCTAssertEqual(error.kind, .notSent)
        }
        let server = try LoopbackHTTPServer(.closeAfterRequest)
        defer { server.stop() }
        do {
            _ = try await HTTPClient().send(method: "GET", url: server.baseURL, headers: [], body: nil)
            XCTFail("expected an error")
        } catch {
            XCTAssertEqual(error.kind, .noAnswer)
        }
        do {
            _ = try await HTTPClient().send(method: "GET", url: server.baseURL, headers: [("X", "a\nb")], body: nil)
            XCTFail("expected an error")
        } catch {
            XCTAssertEqual(error.kind, .invalidRequest)
        }
    }
}
