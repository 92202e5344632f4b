import BankGateConfig
import BankGateCore
import BankGateEngine
import BankGateRuntime
import BankGateStore
import Foundation
import Logging
import Synchronization
import XCTest

/// Issue 12: every change of a bank's circuit is logged with why, and `laneDetails` (what
/// `GET /v1/queue` shows) says since when and why.
final class CircuitVisibilityTests: XCTestCase {
    final class Lines: Sendable {
        let lines = Mutex<[[String: String]]>([])
        func append(_ line: String) {
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String] else { return }
            lines.withLock { $0.append(object) }
        }
        func circuitLines() -> [[String: String]] { lines.withLock { $0 }.filter { $0["msg"]?.hasPrefix("circuit ") ?? false } }
    }

    func testOpenHalfOpenAndClosedAreLoggedWithTheirReason() async throws {
        let lines = Lines()
        var logger = Logger(label: "lane") { label in
            StructuredLogHandler(label: label, format: .json, level: .info, secrets: [], write: { lines.append($0) })
        }
        logger.logLevel = .info
        let bank = ["circuit_failure_threshold": 2, "circuit_cooldown_ms": 1000, "backoff_base_ms": 100,
                    "backoff_max_ms": 100, "max_attempts": 10]
        try await withHarness(bank: bank, logger: logger) { h in
            XCTAssertNil(h.service.laneDetails()[DispatcherHarness.bankId]?.circuitSince, "closed since the start")
            await h.transport.scriptSubmits(.outcome(.answered(status: 503, body: [])), .outcome(.notSent("refused")))
            let first = try await h.submitOne()
            try await h.waitForStatus(first.id, .queued, attempts: 1)
            h.clock.advance(milliseconds: 100)
            try await h.waitForStatus(first.id, .queued, attempts: 2)
            let openedAt = h.clock.now()
            let open = try XCTUnwrap(h.service.laneDetails()[DispatcherHarness.bankId])
            XCTAssertEqual(open.circuit, .open)
            XCTAssertEqual(open.circuitSince, openedAt)
            XCTAssertEqual(open.circuitWhy, "2 failures in a row, the last not_sent (refused)")
            XCTAssertEqual(lines.circuitLines().map { $0["msg"] }, ["circuit opened"])
            XCTAssertEqual(lines.circuitLines().first?["bank"], DispatcherHarness.bankId)

            h.clock.advance(to: openedAt.adding(milliseconds: 1000))
            try await h.waitForStatus(first.id, .completed)
            let closed = try XCTUnwrap(h.service.laneDetails()[DispatcherHarness.bankId])
            XCTAssertEqual(closed.circuit, .closed)
            XCTAssertEqual(closed.circuitWhy, "the bank answered")
            let story = lines.circuitLines()
            XCTAssertEqual(story.map { $0["msg"] }, ["circuit opened", "circuit half-open", "circuit closed"])
            XCTAssertEqual(story.map { $0["to"] }, ["open", "half_open", "closed"])
            XCTAssertEqual(story[1]["why"], "cooldown over; probing with one message")
            XCTAssertEqual(story[2]["level"], "notice")
        }
    }
}
