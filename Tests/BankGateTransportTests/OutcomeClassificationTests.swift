import BankGateCore
import CCurlShim
import XCTest

@testable import BankGateTransport

/// The classification table, row by row, without a network.
final class OutcomeClassificationTests: XCTestCase {
    private func outcome(_ code: CURLcode, status: Int = 0, started: Bool = false,
                         tooLarge: Bool = false) -> TransportOutcome {
        let report = CurlReport(code: code.rawValue, message: "detail", status: status, body: [1, 2],
                                headers: [], connected: started, requestStarted: started,
                                responseStarted: status > 0, responseTooLarge: tooLarge)
        return TransportOutcome(report, maximumResponseBytes: 100)
    }

    func testACompleteAnswerIsAnswered() {
        XCTAssertEqual(outcome(CURLE_OK, status: 200, started: true), .answered(status: 200, body: [1, 2]))
        XCTAssertEqual(outcome(CURLE_OK, status: 500, started: true), .answered(status: 500, body: [1, 2]))
        XCTAssertTrue(outcome(CURLE_OK, status: 0, started: true).isUnknown)
    }

    func testFailuresBeforeTheRequestAreNotSent() {
        let codes = [CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY, CURLE_COULDNT_CONNECT,
                     CURLE_URL_MALFORMAT, CURLE_UNSUPPORTED_PROTOCOL, CURLE_SSL_CONNECT_ERROR,
                     CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM, CURLE_SSL_CACERT_BADFILE,
                     CURLE_OPERATION_TIMEDOUT, CURLE_BAD_FUNCTION_ARGUMENT]
        for code in codes {
            XCTAssertEqual(outcome(code), .notSent("detail"), "\(code)")
        }
    }

    func testTheSameFailuresOnceTheRequestStartedAreUnknown() {
        for code in [CURLE_OPERATION_TIMEDOUT, CURLE_COULDNT_CONNECT, CURLE_SSL_CONNECT_ERROR] {
            XCTAssertTrue(outcome(code, started: true).isUnknown, "\(code)")
        }
    }

    func testFailuresAfterConnectingAreUnknown() {
        let codes = [CURLE_SEND_ERROR, CURLE_RECV_ERROR, CURLE_GOT_NOTHING, CURLE_PARTIAL_FILE,
                     CURLE_WEIRD_SERVER_REPLY, CURLE_WRITE_ERROR, CURLE_OUT_OF_MEMORY, CURLcode(rawValue: 9_999)]
        for code in codes {
            XCTAssertTrue(outcome(code).isUnknown, "\(code) must be unknown even if not marked started")
            XCTAssertTrue(outcome(code, started: true).isUnknown, "\(code)")
        }
    }

    func testAnOversizedAnswerIsUnknown() {
        XCTAssertTrue(outcome(CURLE_WRITE_ERROR, status: 200, started: true, tooLarge: true).isUnknown)
        XCTAssertTrue(outcome(CURLE_OK, status: 200, started: true, tooLarge: true).isUnknown)
    }

    func testHeaderBlockParsing() {
        let block = Array("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nX-A:  spaced value \r\n folded\r\n\r\n".utf8)
        let fields = CurlReport.parseHeaderBlock(block)
        XCTAssertEqual(fields.map(\.name), ["Content-Type", "X-A"])
        XCTAssertEqual(fields.map(\.value), ["text/plain", "spaced value folded"])
    }

    func testRequestsThatCouldInjectHeadersAreRefused() {
        var request = CurlRequest(url: "http://127.0.0.1:1/", method: "POST",
                                  headers: [(name: "X", value: "a\r\nEvil: 1")], body: nil,
                                  connectTimeoutMilliseconds: 1, totalTimeoutMilliseconds: 1, tls: .init(),
                                  maximumResponseBytes: 1, freshConnection: true)
        XCTAssertNotNil(request.invalidity())
        request.headers = [(name: "Bad Name", value: "x")]
        XCTAssertNotNil(request.invalidity())
        request.headers = []
        request.method = "PO ST"
        XCTAssertNotNil(request.invalidity())
        request.method = "POST"
        XCTAssertNil(request.invalidity())
        XCTAssertEqual(TransportOutcome(.rejected("bad"), maximumResponseBytes: 1), .notSent("bad"))
    }
}
