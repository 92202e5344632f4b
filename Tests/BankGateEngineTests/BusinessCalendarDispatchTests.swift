import BankGateCore
import BankGateEngine
import BankGateStore
import Foundation
import XCTest
import BankGateTestSupport

/// Business calendars, cut-offs, maintenance windows and later-dated payments through the real
/// engine, store and dispatcher, with the manual clock (it starts Monday 2026-03-02 09:00 UTC,
/// 17:00 at +08:00).
final class BusinessCalendarDispatchTests: XCTestCase {
    /// `[[calendars]]` "cn" at +08:00, its holidays in a file.
    private func calendarTOML(holidays: [String] = [], extraWorkingDays: [String] = []) throws -> String {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("holidays-\(UUID().uuidString).txt")
        try ("# test holidays\n" + holidays.map { "\($0)  # holiday\n" }.joined() + "\n").write(to: file, atomically: true, encoding: .utf8)
        addTeardownBlock { try? FileManager.default.removeItem(at: file) }
        return """
            [[calendars]]
            name = "cn"
            weekend = ["sat", "sun"]
            holidays_file = "\(file.path)"
            extra_working_days = [\(extraWorkingDays.map { "\"\($0)\"" }.joined(separator: ", "))]
            utc_offset = "+08:00"
            """
    }

    /// The message's text without the whitespace between elements.
    static func compact(_ bytes: [UInt8]) -> String {
        String(decoding: bytes, as: UTF8.self).replacingOccurrences(of: ">\\s+<", with: "><", options: .regularExpression)
    }

    private func events(_ harness: DispatcherHarness, of paymentId: String) async throws -> [String] {
        try await harness.store.events(after: 0, limit: 1_000).filter { $0.paymentId == paymentId }.map(\.type)
    }

    /// Waits until the lane has gone round its loop `turns` more times at the current manual time.
    private func waitForTurns(_ harness: DispatcherHarness, _ turns: Int = 5) async throws {
        let start = harness.service.laneTurns(bankId: DispatcherHarness.bankId)
        try await harness.waitUntil("the lane turned \(turns) times") {
            harness.service.laneTurns(bankId: DispatcherHarness.bankId) >= start + turns
        }
    }

    func testAfterTheCutOffAPaymentWaitsForTheNextBusinessDayPastAHoliday() async throws {
        let harness = try DispatcherHarness(bankTOML: "calendar = \"cn\"\ncutoffs = [\"single=16:30\", \"batch=15:00\"]",
                                            extraTOML: try calendarTOML(holidays: ["2026-03-03"]))
        harness.start()
        let payment = try await harness.submitOne()
        // 17:00 local on Monday, after the 16:30 cut-off; Tuesday is a holiday: Wednesday.
        XCTAssertEqual(payment.status, .scheduled)
        XCTAssertEqual(payment.requestedExecutionDate, "2026-03-04")
        try await harness.assertSubmissionState(payment, .scheduled)
        try await waitForTurns(harness)
        harness.clock.advance(to: Timestamp.parseDate("2026-03-03")!.adding(milliseconds: 15 * 3_600_000 + 59 * 60_000))
        try await waitForTurns(harness)
        let early = await harness.transport.submitted
        XCTAssertTrue(early.isEmpty, "nothing is sent before Wednesday 00:00 +08:00")
        let statusBeforeWednesday = try await harness.payment(payment.id).status
        XCTAssertEqual(statusBeforeWednesday, .scheduled)

        harness.clock.advance(to: Timestamp.parseDate("2026-03-03")!.adding(milliseconds: 16 * 3_600_000))
        try await harness.waitForStatus(payment.id, .completed)
        try await harness.assertHistory(payment.id, [.received, .scheduled, .queued, .sending, .completed])
        let sent = await harness.transport.submitted
        XCTAssertEqual(sent.count, 1)
        XCTAssertTrue(Self.compact(sent[0].bytes).contains("<ReqdExctnDt><Dt>2026-03-04</Dt></ReqdExctnDt>"))
        let types = try await events(harness, of: payment.id)
        XCTAssertEqual(Array(types.prefix(2)), ["payment.scheduled", "payment.released"])
        let history = try await harness.store.history(paymentId: payment.id)
        XCTAssertTrue(history[1].reason?.contains("cut-off") ?? false, history[1].reason ?? "no reason")
        let audit = try await ReconciliationStore(sharing: harness.store).auditEntries(subjectKind: "payment", subjectId: payment.id)
        XCTAssertEqual(Array(audit.map(\.action).prefix(2)), ["payment.scheduled", "payment.queued"])
        XCTAssertEqual(audit.dropFirst().first?.actor, "dispatcher", "released by the lane")
        await harness.stop()
    }

    func testOnAWeekendAPaymentWaitsForMondayUnlessSaturdayIsAMakeUpWorkingDay() async throws {
        // Friday 2026-03-06 17:00 +08:00, after the cut-off.
        let friday = Timestamp.parseDate("2026-03-06")!.adding(milliseconds: 9 * 3_600_000)
        let plain = try DispatcherHarness(bankTOML: "calendar = \"cn\"\ncutoffs = [\"single=16:30\"]", extraTOML: try calendarTOML())
        plain.clock.advance(to: friday)
        let toMonday = try await plain.submitOne()
        XCTAssertEqual(toMonday.status, .scheduled)
        XCTAssertEqual(toMonday.requestedExecutionDate, "2026-03-09")
        await plain.stop()

        let makeUp = try DispatcherHarness(bankTOML: "calendar = \"cn\"\ncutoffs = [\"single=16:30\"]",
                                           extraTOML: try calendarTOML(extraWorkingDays: ["2026-03-07"]))
        makeUp.clock.advance(to: friday)
        let toSaturday = try await makeUp.submitOne()
        XCTAssertEqual(toSaturday.status, .scheduled)
        XCTAssertEqual(toSaturday.requestedExecutionDate, "2026-03-07", "调休: the Saturday is a working day")
        // On the make-up Saturday itself, before the cut-off, a payment goes at once.
        makeUp.clock.advance(to: Timestamp.parseDate("2026-03-07")!.adding(milliseconds: 2 * 3_600_000))
        let onSaturday = try await makeUp.submitOne(DispatcherHarness.request(minorUnits: 500))
        XCTAssertEqual(onSaturday.status, .queued)
        XCTAssertEqual(onSaturday.requestedExecutionDate, "2026-03-07")
        await makeUp.stop()
    }

    func testAFutureExecutionDateWaitsScheduledUntilItsDay() async throws {
        let harness = try DispatcherHarness()
        harness.start()
        var request = DispatcherHarness.request()
        request.requestedExecutionDate = "2026-03-05"
        let payment = try await harness.submitOne(request)
        XCTAssertEqual(payment.status, .scheduled)
        try await waitForTurns(harness)
        harness.clock.advance(to: Timestamp.parseDate("2026-03-04")!.adding(milliseconds: 86_399_000))
        try await waitForTurns(harness)
        let early = await harness.transport.submitted
        XCTAssertTrue(early.isEmpty)

        harness.clock.advance(to: Timestamp.parseDate("2026-03-05")!)
        try await harness.waitForStatus(payment.id, .completed)
        try await harness.assertHistory(payment.id, [.received, .scheduled, .queued, .sending, .completed])
        let sent = await harness.transport.submitted
        XCTAssertTrue(Self.compact(sent[0].bytes).contains("<Dt>2026-03-05</Dt>"))
        await harness.stop()
    }

    func testALaterDatedPaymentThatNeededApprovalWaitsScheduledOnceApproved() async throws {
        let harness = try DispatcherHarness(extraTOML: """
            [[approval_rules]]
            name = "every-new-creditor"
            new_creditor = true
            approvals = 1
            """)
        harness.start()
        var request = DispatcherHarness.request()
        request.requestedExecutionDate = "2026-03-05"
        let payment = try await harness.submitOne(request)
        XCTAssertEqual(payment.status, .pendingApproval)
        let outcome = try await harness.engine.decideApproval(.payment(payment.id), decision: .approve, by: "checker", note: nil)
        XCTAssertEqual(outcome.payments.map(\.status), [.scheduled])
        try await harness.assertSubmissionState(payment, .scheduled)
        try await waitForTurns(harness)
        let early = await harness.transport.submitted
        XCTAssertTrue(early.isEmpty, "approved, but not before its day")

        harness.clock.advance(to: Timestamp.parseDate("2026-03-05")!)
        try await harness.waitForStatus(payment.id, .completed)
        try await harness.assertHistory(payment.id, [.received, .pendingApproval, .scheduled, .queued, .sending, .completed])
        let types = try await events(harness, of: payment.id)
        XCTAssertEqual(Array(types.prefix(3)), ["payment.approval_required", "payment.approved", "payment.released"])
        await harness.stop()
    }

    func testAScheduledPaymentCanBeCancelledAndIsThenNeverSent() async throws {
        let harness = try DispatcherHarness()
        harness.start()
        var request = DispatcherHarness.request()
        request.requestedExecutionDate = "2026-03-05"
        let payment = try await harness.submitOne(request)
        let cancelled = try await harness.engine.cancel(id: payment.id, by: "tests", asOperator: false)
        XCTAssertEqual(cancelled.status, .cancelled)
        harness.clock.advance(to: Timestamp.parseDate("2026-03-05")!)
        try await waitForTurns(harness)
        let sent = await harness.transport.submitted
        XCTAssertTrue(sent.isEmpty)
        await harness.stop()
    }

    func testABankThatHonoursTheExecutionDateGetsTheLaterDatedPaymentAtOnce() async throws {
        let harness = try DispatcherHarness(bankTOML: "honours_execution_date = true")
        harness.start()
        var request = DispatcherHarness.request()
        request.requestedExecutionDate = "2026-03-05"
        let payment = try await harness.submitOne(request)
        XCTAssertEqual(payment.status, .queued)
        try await harness.waitForStatus(payment.id, .completed)
        try await harness.assertHistory(payment.id, [.received, .queued, .sending, .completed])
        let sent = await harness.transport.submitted
        XCTAssertTrue(Self.compact(sent[0].bytes).contains("<ReqdExctnDt><Dt>2026-03-05</Dt></ReqdExctnDt>"))
        XCTAssertEqual(sent[0].at, harness.clock.now(), "sent on the day of intake, not on the execution date")
        await harness.stop()
    }

    /// Sent early with its date, answered pending: the bank keeps it until its day, so it is asked
    /// about hourly, not at every status-query interval (an outside check counted one query every
    /// ~8 s: about 10,000 a day per payment).
    func testALaterDatedPaymentPendingAtTheBankIsAskedAboutHourly() async throws {
        let harness = try DispatcherHarness(bankTOML: "honours_execution_date = true")
        await harness.transport.scriptSubmits(.report("PDNG"))
        harness.start()
        var request = DispatcherHarness.request()
        request.requestedExecutionDate = "2026-03-05"
        let payment = try await harness.submitOne(request)
        try await harness.waitUntil("the pending answer is recorded") {
            try await harness.submission(of: payment).state == .awaiting
        }
        let sentAt = harness.clock.now()
        let awaiting = try await harness.submission(of: payment)
        XCTAssertEqual(awaiting.nextAttemptAt, sentAt.adding(milliseconds: 3_600_000), "the next question in an hour")

        harness.clock.advance(milliseconds: 10 * 60_000)
        try await waitForTurns(harness)
        let early = await harness.transport.queries.count
        XCTAssertEqual(early, 0, "not asked after the usual interval")
        harness.clock.advance(to: sentAt.adding(milliseconds: 3_600_000))
        try await harness.waitUntil("asked after an hour") { await harness.transport.queries.count == 1 }
        await harness.stop()
    }

    func testDuringAMaintenanceWindowTheBankIsNotCalled() async throws {
        // 17:00 +08:00 is inside the daily window 16:30-18:00.
        let harness = try DispatcherHarness(bankTOML: "calendar = \"cn\"\nmaintenance = [\"daily 16:30-18:00\"]",
                                            extraTOML: try calendarTOML())
        harness.start()
        let payment = try await harness.submitOne()
        XCTAssertEqual(payment.status, .queued)
        try await waitForTurns(harness, 10)
        let seen = await harness.transport.seen
        let pickUps = await harness.transport.pickUps
        XCTAssertTrue(seen.isEmpty, "no send and no status query in the window")
        XCTAssertEqual(pickUps, 0, "not even the inbox is looked at")
        let statusInTheWindow = try await harness.payment(payment.id).status
        XCTAssertEqual(statusInTheWindow, .queued)

        harness.clock.advance(to: Timestamp.parseDate("2026-03-02")!.adding(milliseconds: 10 * 3_600_000))
        try await harness.waitForStatus(payment.id, .completed)
        await harness.stop()
    }
}
