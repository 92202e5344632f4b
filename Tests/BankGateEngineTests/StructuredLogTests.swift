import BankGateConfig
import BankGateEngine
import BankGateRuntime
import Foundation
import Logging
import Synchronization
import XCTest

/// Issue 12: the daemon's log lines, logfmt or JSON, with the request's trace, and never a token
/// or a full account number.
final class StructuredLogTests: XCTestCase {
    final class Sink: Sendable {
        let lines = Mutex<[String]>([])
        var all: [String] { lines.withLock { $0 } }
    }

    func logger(_ format: LoggingConfig.Format, sink: Sink, secrets: [String] = []) -> Logger {
        Logger(label: "test") { label in
            StructuredLogHandler(label: label, format: format, level: .info, secrets: secrets, write: { line in
                sink.lines.withLock { $0.append(line) }
            })
        }
    }

    func testLogfmtLineWithSortedFieldsAndQuoting() {
        let sink = Sink()
        logger(.logfmt, sink: sink).warning("bank error", metadata: ["code": "http_503", "bank": "sim", "error": "said \"no\""])
        let line = try? XCTUnwrap(sink.all.first)
        XCTAssertTrue(line?.hasPrefix("at=") ?? false, line ?? "")
        XCTAssertTrue(line?.contains(" level=warning logger=test msg=\"bank error\" bank=sim code=http_503 error=\"said \\\"no\\\"\"") ?? false,
                      line ?? "")
    }

    func testJSONLineCarriesTheRequestTrace() throws {
        let sink = Sink()
        let log = logger(.json, sink: sink)
        RequestTrace.$current.withValue(RequestTrace(requestId: "req-1", paymentIds: ["pay_a", "pay_b"])) {
            log.error("payment failed", metadata: ["bank": "sim"])
        }
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(try XCTUnwrap(sink.all.first).utf8)) as? [String: String])
        XCTAssertEqual(object["msg"], "payment failed")
        XCTAssertEqual(object["level"], "error")
        XCTAssertEqual(object["request_id"], "req-1")
        XCTAssertEqual(object["payment_id"], "pay_a,pay_b")
        XCTAssertEqual(object["bank"], "sim")
    }

    /// A token and account numbers that reach a log line, in its message or its metadata, are not written.
    func testTokensAndAccountNumbersNeverReachTheLine() {
        let token = "e2e-token-0123456789abcdef"
        for format in LoggingConfig.Format.allCases {
            let sink = Sink()
            logger(format, sink: sink, secrets: [token]).notice("Authorization: Bearer \(token) for 6222021234567890123",
                                                                metadata: ["account": "DE89370400440532013000",
                                                                           "creditor": "GB82 WEST", "card": "6222021234567890123"])
            let line = sink.all.joined()
            XCTAssertFalse(line.contains(token), line)
            XCTAssertFalse(line.contains("DE89370400440532013000"), line)
            XCTAssertFalse(line.contains("6222021234567890123"), line)
            XCTAssertTrue(line.contains("[redacted]"), line)
            XCTAssertTrue(line.contains("******************3000"), "the last four digits stay: \(line)")
            XCTAssertTrue(line.contains("***************0123"), line)
        }
    }

    func testMaskLeavesIdentifiersPortsAndAmountsAlone() {
        XCTAssertEqual(AccountNumberMask.maskAccountNumbers(in: "pay_0K3X9ABCDEF port=8080 amount=12.34 BGM0K3ABCDEFGH"),
                       "pay_0K3X9ABCDEF port=8080 amount=12.34 BGM0K3ABCDEFGH")
        XCTAssertEqual(AccountNumberMask.maskAccountNumbers(in: "to GB82WEST12345698765432."), "to ******************5432.")
        XCTAssertEqual(AccountNumberMask.mask("1234"), "****")
    }
}
