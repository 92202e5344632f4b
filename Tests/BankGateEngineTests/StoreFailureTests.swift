import BankGateCore
import BankGateEngine
import BankGateStore
import XCTest

/// Issue 8.5, "disk full strands an executed payment in `sending`": the store refuses writes right
/// after the bank has executed a payment. The answer must be recorded once the store writes again,
/// without a restart and without sending anything twice; readiness must say 503 meanwhile; and a
/// send left `sending` with nothing in flight must be settled by the periodic recovery.
final class StoreFailureTests: XCTestCase {
    /// The attack: the disk fills up while the bank executes the payment, so `recordSend` fails
    /// again and again; then space comes back.
    func testAnExecutedPaymentIsRecordedWhenTheStoreWritesAgainAndNeverResent() async throws {
        try await withHarness { h in
            let store = h.store
            await h.transport.scriptSubmits(ScriptedReply { message in
                store.injectWriteFailure(.diskFull)  // the disk is full by the time the bank answers
                return ScriptedReply.report("ACSC").answer(message)
            })
            let payment = try await h.submitOne()
            try await h.waitUntil("recording the answer failed three times") { store.injectedWriteFailures >= 3 }
            let stranded = try await h.payment(payment.id)
            XCTAssertEqual(stranded.status, .sending, "the bank's answer waits in memory")
            let readyWhileFull = await h.engine.isReady()
            XCTAssertFalse(readyWhileFull, "/readyz answers 503 while the store cannot write")
            XCTAssertEqual(h.lanesInFlight, 1, "the lane keeps the submission in flight while it retries")
            let failuresBefore = store.injectedWriteFailures
            try await h.waitUntil("the lane retried again") { store.injectedWriteFailures > failuresBefore }

            store.injectWriteFailure(nil)  // space comes back
            let done = try await h.waitForStatus(payment.id, .completed)
            XCTAssertEqual(done.bankStatus, "ACSC")
            XCTAssertEqual(done.attempts, 1)
            try await h.assertHistory(payment.id, [.received, .queued, .sending, .completed])
            let sent = await h.transport.submitted.count
            let asked = await h.transport.queries.count
            XCTAssertEqual(sent, 1, "the payment reached the bank exactly once")
            XCTAssertEqual(asked, 0, "the recorded answer settled it; nothing had to be asked")
            let readyAgain = await h.engine.isReady()
            XCTAssertTrue(readyAgain)
        }
    }

    /// Readiness turns back by itself once the disk has space, even when nothing else writes.
    func testReadinessProbesTheStoreAfterAFailure() async throws {
        try await withHarness { h in
            try await h.waitUntil("the dispatcher runs") { h.service.isRunning }
            let ready = await h.engine.isReady()
            XCTAssertTrue(ready)
            h.store.injectWriteFailure(.diskFull)
            await XCTAssertThrowsErrorAsync(try await h.submitOne(), "intake refuses while the store cannot write")
            let notReady = await h.engine.isReady()
            XCTAssertFalse(notReady)
            h.store.injectWriteFailure(nil)
            let readyAgain = await h.engine.isReady()
            XCTAssertTrue(readyAgain, "the probe write succeeds, so the store is ready again")
        }
    }

    /// A send whose outcome could not be recorded for a reason other than storage is given up by its
    /// lane and left `sending` with nothing in flight: the periodic recovery (no restart) turns it
    /// `unknown`, and the bank's answer to a status query settles it.
    func testPeriodicRecoverySettlesASendLeftSendingWithoutARestart() async throws {
        try await withHarness(recoveryIntervalMilliseconds: 20) { h in
            let store = h.store
            await h.transport.scriptSubmits(ScriptedReply { message in
                store.injectWriteFailure(.statementFailed)
                return ScriptedReply.report("ACSC").answer(message)
            })
            await h.transport.scriptQueries(.report("ACSC"))
            let payment = try await h.submitOne()
            try await h.waitUntil("the lane gave the write up") { store.injectedWriteFailures >= 3 && h.lanesInFlight == 0 }
            let stranded = try await h.payment(payment.id)
            XCTAssertEqual(stranded.status, .sending)

            store.injectWriteFailure(nil)
            let done = try await h.waitForStatus(payment.id, .completed)
            XCTAssertEqual(done.bankStatus, "ACSC")
            let history = try await h.store.history(paymentId: payment.id)
            XCTAssertEqual(history.map(\.to), [.received, .queued, .sending, .unknown, .completed])
            XCTAssertEqual(history[3].cause, .recovery)
            let sent = await h.transport.submitted.count
            let asked = await h.transport.queries.count
            XCTAssertEqual(sent, 1, "a send that may have reached the bank is never repeated blindly")
            XCTAssertEqual(asked, 1)
        }
    }

    /// The periodic recovery never takes a send in flight (its answer may be on its way) for a
    /// stranded one.
    func testPeriodicRecoveryLeavesSendsInFlightAlone() async throws {
        try await withHarness { h in
            await h.transport.closeGate()
            let payment = try await h.submitOne()
            try await h.waitForStatus(payment.id, .sending)
            let recovered = await h.service.recoverStrandedSends()
            XCTAssertEqual(recovered, 0)
            await h.transport.openGate()
            try await h.waitForStatus(payment.id, .completed)
            try await h.assertHistory(payment.id, [.received, .queued, .sending, .completed])
            let asked = await h.transport.queries.count
            XCTAssertEqual(asked, 0)
        }
    }
}

/// Asserts that `expression` throws.
func XCTAssertThrowsErrorAsync<T>(_ expression: @autoclosure () async throws -> T, _ message: String = "",
                                  file: StaticString = #filePath, line: UInt = #line) async {
    do {
        _ = try await expression()
        XCTFail("no error thrown \(message)", file: file, line: line)
    } catch {}
}
