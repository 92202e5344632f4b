import BankGateCore
import BankGateEngine
import BankGateStore
import XCTest

/// A half-open probe that never reaches the bank, and operator retries of part of a batch.
final class OperatorRetryAndProbeTests: XCTestCase {
    func testProbeThatNeverReachesTheBankDoesNotWedgeTheCircuit() async throws {
        let bank = ["circuit_failure_threshold": 2, "circuit_cooldown_ms": 1000, "backoff_base_ms": 100,
                    "backoff_max_ms": 100, "max_attempts": 10]
        try await withHarness(bank: bank) { h in
            await h.transport.scriptSubmits(.outcome(.notSent("refused")), .outcome(.notSent("refused")))
            let good = try await h.submitOne()
            try await h.waitForStatus(good.id, .queued, attempts: 1)
            h.clock.advance(milliseconds: 100)
            try await h.waitForStatus(good.id, .queued, attempts: 2)
            XCTAssertEqual(h.circuit, "open")

            // Due before the good one: a payment the adapter refuses to encode (USD from the EUR account).
            var request = DispatcherHarness.request()
            request.amount = Money(minorUnits: 100, currency: Currency(code: "USD")!)
            let unencodable = try await h.submitOne(request)

            h.clock.advance(milliseconds: 1000)
            try await h.waitForStatus(unencodable.id, .failed)
            // The unencodable probe frees the probe: the good one goes next and its answer closes the
            // circuit (recorded before its outcome is stored). A wedged half-open circuit never sends it.
            try await h.waitForStatus(good.id, .completed)
            XCTAssertEqual(h.circuit, "closed", "the probe never reached the bank; the circuit must not stay half open")
        }
    }

    func testRetryingOnePaymentOfABatchNeverSendsAnotherMessageUnderItsMessageId() async throws {
        try await withHarness(bank: ["max_attempts": 1]) { h in
            await h.transport.scriptSubmits(.outcome(.notSent("refused")))
            let payments = try await h.submit([DispatcherHarness.request(endToEndId: "E2E-A"),
                                               DispatcherHarness.request(minorUnits: 999, endToEndId: "E2E-B")], asBatch: true)
            XCTAssertEqual(payments[0].messageId, payments[1].messageId)
            try await h.waitForStatus(payments[0].id, .failed)
            try await h.waitForStatus(payments[1].id, .failed)

            // The operator retries A: the whole bank message is retried, B with it, byte for byte.
            let retried = try await h.engine.retry(id: payments[0].id, by: "alice")
            XCTAssertEqual(retried.status, .queued)
            try await h.waitForStatus(payments[0].id, .completed)
            try await h.waitForStatus(payments[1].id, .completed)
            let historyOfB = try await h.store.history(paymentId: payments[1].id)
            XCTAssertEqual(historyOfB.filter { $0.to == .sending }.count, 2)
            XCTAssertEqual(historyOfB.last { $0.to == .queued && $0.cause == .operator }?.reason?.contains("same bank message"), true)

            let sent = await h.transport.submitted
            XCTAssertEqual(sent.count, 2)
            XCTAssertEqual(Set(sent.map(\.bytes)).count, 1, "every pain.001 with MsgId \(payments[0].messageId) must be the same message; sent: \(sent.map { BankDocuments.endToEndIds(in: $0.bytes) })")
            // Retrying B now is refused: it is no longer failed.
            do {
                _ = try await h.engine.retry(id: payments[1].id, by: "alice")
                XCTFail("a completed payment cannot be retried")
            } catch let error as GatewayError {
                XCTAssertEqual(error.kind, .conflict)
            }
        }
    }

    func testRetryingOneHeldPaymentOfABatchReleasesTheWholeMessage() async throws {
        try await withHarness(bank: ["duplicate_check_window_hours": 1]) { h in
            // The bank's answer to the message it gets: group ACSC, with a line for each transfer in it.
            let executed = ScriptedReply { message in
                .answered(status: 200, body: BankDocuments.statusReport(
                    originalMessageId: BankDocuments.originalMessageId(of: message), groupStatus: "ACSC",
                    lines: BankDocuments.endToEndIds(in: message.bytes).map { .init(endToEndId: $0, status: "ACSC") }))
            }
            await h.transport.scriptSubmits(.outcome(.unknown("timeout")), executed)
            await h.transport.scriptQueries(.notFound)
            let payments = try await h.submit([DispatcherHarness.request(endToEndId: "E2E-A"),
                                               DispatcherHarness.request(minorUnits: 999, endToEndId: "E2E-B")], asBatch: true)
            try await h.waitForStatus(payments[0].id, .unknown)
            h.clock.advance(milliseconds: 2 * 3_600_000)
            try await h.waitForStatus(payments[1].id, .held)

            // Releasing A releases the whole bank message: the same transfers under the same MsgId.
            _ = try await h.engine.retry(id: payments[0].id, by: "alice")
            try await h.waitForStatus(payments[0].id, .completed)
            try await h.waitForStatus(payments[1].id, .completed)
            let sent = await h.transport.submitted
            XCTAssertEqual(sent.map { BankDocuments.endToEndIds(in: $0.bytes) }, [["E2E-A", "E2E-B"], ["E2E-A", "E2E-B"]])
            XCTAssertEqual(Set(sent.map(\.bytes)).count, 1)
        }
    }
}
