import BankGateCore
import BankGateEngine
import BankGateStore
import XCTest

/// The lane's limits: at most `max_in_flight` operations at once, and a circuit breaker that stops
/// sending to a bank that cannot be reached until a single probe gets through.
final class LaneLimitTests: XCTestCase {
    func testCircuitOpensAfterThresholdAndClosesAfterOneProbe() async throws {
        let bank = ["circuit_failure_threshold": 2, "circuit_cooldown_ms": 1000, "backoff_base_ms": 100,
                    "backoff_max_ms": 100, "max_attempts": 10]
        try await withHarness(bank: bank) { h in
            await h.transport.scriptSubmits(.outcome(.notSent("refused")), .outcome(.notSent("refused")))
            let first = try await h.submitOne()
            try await h.waitForStatus(first.id, .queued, attempts: 1)
            XCTAssertEqual(h.circuit, "closed", "one failure is below the threshold")

            h.clock.advance(milliseconds: 100)
            try await h.waitForStatus(first.id, .queued, attempts: 2)
            let openedAt = h.clock.now()
            XCTAssertEqual(h.circuit, "open")

            // Both are due, but nothing goes to the bank while the circuit is open.
            let second = try await h.submitOne(DispatcherHarness.request(minorUnits: 777))
            h.clock.advance(milliseconds: 999)
            try await h.waitForQuietLane()
            var sentCount = await h.transport.submitted.count
            XCTAssertEqual(sentCount, 2)
            XCTAssertEqual(h.circuit, "open")
            let waiting = (try await h.payment(first.id).status, try await h.payment(second.id).status)
            XCTAssertEqual(waiting.0, .queued)
            XCTAssertEqual(waiting.1, .queued)

            // After the cooldown exactly one probe goes; the other waits for its outcome.
            await h.transport.closeGate()
            h.clock.advance(to: openedAt.adding(milliseconds: 1000))
            try await h.waitUntil("the probe is in flight") { await h.transport.inFlight == 1 }
            XCTAssertEqual(h.circuit, "half_open")
            try await h.waitForLaneTurns()
            XCTAssertEqual(h.lanesInFlight, 1)
            sentCount = await h.transport.submitted.count
            XCTAssertEqual(sentCount, 3, "only one probe while half open")

            await h.transport.openGate()
            try await h.waitForStatus(first.id, .completed)
            try await h.waitForStatus(second.id, .completed)
            XCTAssertEqual(h.circuit, "closed")
            sentCount = await h.transport.submitted.count
            XCTAssertEqual(sentCount, 4)
            let probe = await h.transport.submitted[2]
            XCTAssertEqual(probe.messageId, second.messageId, "the submission due first is the probe")
        }
    }

    func testFailedProbeReopensTheCircuit() async throws {
        let bank = ["circuit_failure_threshold": 2, "circuit_cooldown_ms": 1000, "backoff_base_ms": 100,
                    "backoff_max_ms": 100, "max_attempts": 10]
        try await withHarness(bank: bank) { h in
            await h.transport.scriptSubmits(.outcome(.notSent("refused")), .outcome(.notSent("refused")), .http(503, "down"))
            let payment = try await h.submitOne()
            try await h.waitForStatus(payment.id, .queued, attempts: 1)
            h.clock.advance(milliseconds: 100)
            try await h.waitForStatus(payment.id, .queued, attempts: 2)
            XCTAssertEqual(h.circuit, "open")

            h.clock.advance(milliseconds: 1000)
            try await h.waitForStatus(payment.id, .queued, attempts: 3)
            XCTAssertEqual(h.circuit, "open", "a failed probe opens the circuit again")
            let reopenedAt = h.clock.now()

            h.clock.advance(milliseconds: 999)
            try await h.waitForQuietLane()
            var sentCount = await h.transport.submitted.count
            XCTAssertEqual(sentCount, 3)

            h.clock.advance(to: reopenedAt.adding(milliseconds: 1000))
            try await h.waitForStatus(payment.id, .completed)
            XCTAssertEqual(h.circuit, "closed")
            sentCount = await h.transport.submitted.count
            XCTAssertEqual(sentCount, 4)
        }
    }

    func testNeverMoreThanMaxInFlightSends() async throws {
        try await withHarness(bank: ["max_in_flight": 2]) { h in
            await h.transport.closeGate()
            let payments = try await h.submit((1...5).map { DispatcherHarness.request(minorUnits: Int64($0) * 100) })
            XCTAssertEqual(Set(payments.map(\.messageId)).count, 5, "five separate messages")

            try await h.waitUntil("two sends are in flight") { await h.transport.inFlight == 2 }
            try await h.waitForLaneTurns()
            XCTAssertEqual(h.lanesInFlight, 2)
            let blocked = (await h.transport.inFlight, await h.transport.maxInFlight, await h.transport.submitted.count)
            XCTAssertEqual(blocked.0, 2)
            XCTAssertEqual(blocked.1, 2)
            XCTAssertEqual(blocked.2, 2)
            var statuses: [PaymentStatus] = []
            for payment in payments { statuses.append(try await h.payment(payment.id).status) }
            XCTAssertEqual(statuses.filter { $0 == .sending }.count, 2)
            XCTAssertEqual(statuses.filter { $0 == .queued }.count, 3)

            await h.transport.openGate()
            for payment in payments { try await h.waitForStatus(payment.id, .completed) }
            let after = (await h.transport.maxInFlight, await h.transport.submitted.count)
            XCTAssertEqual(after.0, 2, "never more than max_in_flight at once")
            XCTAssertEqual(after.1, 5)
            let sentIds = await h.transport.submitted.compactMap(\.messageId)
            XCTAssertEqual(Set(sentIds), Set(payments.map(\.messageId)))
        }
    }

    func testQueriesCountAgainstMaxInFlight() async throws {
        try await withHarness(bank: ["max_in_flight": 1, "status_query_interval_ms": 1000]) { h in
            await h.transport.scriptSubmits(.outcome(.unknown("timeout")))
            let first = try await h.submitOne()
            try await h.waitForStatus(first.id, .unknown)
            await h.transport.closeGate()
            let second = try await h.submitOne(DispatcherHarness.request(minorUnits: 1))
            try await h.waitUntil("the second send is in flight") { await h.transport.inFlight == 1 }
            h.clock.advance(milliseconds: 1000)
            try await h.waitForLaneTurns()
            let queries = await h.transport.queries.count
            XCTAssertEqual(queries, 0, "the query waits for the free slot")
            await h.transport.openGate()
            try await h.waitForStatus(second.id, .completed)
            try await h.waitForStatus(first.id, .completed)
            let maxInFlight = await h.transport.maxInFlight
            XCTAssertEqual(maxInFlight, 1)
        }
    }
}
