import BankGateConfig
import BankGateCore
import BankGateEngine
import BankGateStore
import Foundation
import Logging
import Synchronization
import XCTest
import BankGateTestSupport

/// Plans (`[[schedules]]`): jobs started once per occurrence across restarts, sweeps through
/// intake, batches held for a plan's run. The manual clock starts Monday 2026-03-02 09:00 UTC.
final class ScheduleServiceTests: XCTestCase {
    static let plansTOML = """
        [[accounts]]
        id = "acme-hq"
        bank = "fake"
        number = "DE02120300000000202051"
        bank_code = "BYLADEM1001"
        name = "ACME Holding"
        currency = "EUR"

        [[schedules]]
        name = "sweep-up"
        kind = "sweep"
        at = ["10:00"]
        days = "daily"
        from_account = "acme-eur"
        to_account = "acme-hq"
        target = "1000.00"
        direction = "above"

        [[schedules]]
        name = "top-up"
        kind = "sweep"
        at = ["11:00"]
        from_account = "acme-hq"
        to_account = "acme-eur"
        target = "1000.00"
        direction = "below"

        [[schedules]]
        name = "release-batches"
        kind = "batch_release"
        at = ["15:00"]
        accounts = ["acme-eur"]

        [[schedules]]
        name = "morning-statements"
        kind = "statement_pull"
        at = ["07:00"]
        accounts = ["acme-eur", "acme-hq"]
        """

    /// Balances the sweeps read, and the pulls asked for.
    final class FakeBank: Sendable {
        let balances = Mutex<[String: KnownBalance]>([:])
        let pulls = Mutex<[String]>([])

        var actions: ScheduleActions {
            ScheduleActions(
                pullStatements: { account, from, to in
                    if account == "acme-hq" { throw HarnessFailure("bank unreachable") }
                    self.pulls.withLock { $0.append("\(account) \(from)...\(to)") }
                    return "1 statement(s)"
                },
                pullBalances: { account in "balances of \(account)" },
                latestBalance: { account in self.balances.withLock { $0[account] } })
        }

        /// Sets the balance the bank reports of `account`, recorded at `at` (by default long ago).
        func setBalance(_ account: String, _ minorUnits: Int64, recordedAt at: Timestamp = Timestamp(milliseconds: 0)) {
            balances.withLock { $0[account] = KnownBalance(amount: Money(minorUnits: minorUnits, currency: DispatcherHarness.eur), recordedAt: at) }
        }
    }

    private func service(_ harness: DispatcherHarness, _ bank: FakeBank, store: PaymentStore? = nil) -> ScheduleService {
        var logger = Logger(label: "schedule-tests")
        logger.logLevel = .critical
        return ScheduleService(plans: harness.configuration.schedules, store: store ?? harness.store, gateway: harness.engine,
                               accounts: harness.configuration.accounts, actions: bank.actions, clock: harness.clock, logger: logger)
    }

    private func at(_ date: String, _ hour: Int, _ minute: Int = 0) -> Timestamp {
        Timestamp.parseDate(date)!.adding(milliseconds: Int64(hour * 60 + minute) * 60_000)
    }

    func testASweepRunsOncePerOccurrenceAcrossRestartsAndCatchesUpOnlyWithinItsGrace() async throws {
        let harness = try DispatcherHarness(extraTOML: Self.plansTOML)
        let bank = FakeBank()
        bank.setBalance("acme-eur", 150_000)
        var schedules = service(harness, bank)
        let early = await schedules.tick()
        XCTAssertEqual(early.map(\.plan), [], "yesterday's 10:00 is past its 60 minutes of grace")

        harness.clock.advance(to: at("2026-03-02", 10, 0))
        let ran = await schedules.tick()
        XCTAssertEqual(ran.map(\.plan), ["sweep-up"])
        let first = try await schedules.job(id: ran[0].id)
        XCTAssertEqual(first.job.outcome, .succeeded)
        XCTAssertEqual(first.job.occurrence, at("2026-03-02", 10))
        XCTAssertEqual(first.tasks.count, 1)
        let paymentId = try XCTUnwrap(first.tasks[0].paymentId)
        let payment = try await harness.payment(paymentId)
        XCTAssertEqual(payment.amount.minorUnits, 50_000, "1500.00 above a 1000.00 target")
        XCTAssertEqual(payment.debtorAccountId, "acme-eur")
        XCTAssertEqual(payment.creditor.account, "DE02120300000000202051")
        XCTAssertEqual(payment.status, .queued, "an ordinary payment through intake")
        let again = await schedules.tick()
        XCTAssertTrue(again.isEmpty)
        let audit = try await ReconciliationStore(sharing: harness.store).auditEntries(subjectKind: "schedule_job", subjectId: "sjb_\(ran[0].id)")
        XCTAssertEqual(audit.map(\.action), ["schedule.job_started", "schedule.job_finished"])
        XCTAssertEqual(audit.first?.actor, "schedule")

        // A restart: a new service on the database opened again does not run the same occurrence again.
        let reopened = try PaymentStore(path: harness.directory.appendingPathComponent("bankgate.sqlite").path)
        schedules = service(harness, bank, store: reopened)
        await schedules.recoverInterruptedJobs()
        let afterRestart = await schedules.tick()
        XCTAssertTrue(afterRestart.isEmpty)
        let jobs = try await schedules.jobs(plan: "sweep-up", limit: 10)
        XCTAssertEqual(jobs.count, 1)
        reopened.close()

        // Down at the next day's 10:00, started at 10:40: within the grace, it runs once.
        harness.clock.advance(to: at("2026-03-03", 10, 40))
        schedules = service(harness, bank)
        let caughtUp = await schedules.tick()
        XCTAssertEqual(caughtUp.map(\.occurrence), [at("2026-03-03", 10)])
        // Down from before 10:00 until 12:30 the day after: missed for good.
        harness.clock.advance(to: at("2026-03-04", 12, 30))
        schedules = service(harness, bank)
        let missed = await schedules.tick()
        XCTAssertEqual(missed.map(\.plan), [])
        let all = try await schedules.jobs(plan: "sweep-up", limit: 10)
        XCTAssertEqual(all.map(\.occurrence), [at("2026-03-03", 10), at("2026-03-02", 10)])
        let verification = try await harness.store.verifyAuditTrail()
        XCTAssertTrue(verification.isIntact)
        await harness.stop()
    }

    func testAJobAStopInterruptedIsMarkedAndNotRunAgain() async throws {
        let harness = try DispatcherHarness(extraTOML: Self.plansTOML)
        harness.clock.advance(to: at("2026-03-02", 10, 5))
        // The daemon stopped while this occurrence's job ran: its row says running.
        let started = try await harness.store.startScheduleJob(plan: "sweep-up", occurrence: at("2026-03-02", 10), trigger: .schedule,
                                                               actor: "schedule", at: at("2026-03-02", 10))
        let stopped = try XCTUnwrap(started)
        let schedules = service(harness, FakeBank())
        await schedules.recoverInterruptedJobs()
        let ran = await schedules.tick()
        XCTAssertTrue(ran.isEmpty, "the occurrence has its job already")
        let job = try await schedules.job(id: stopped.id)
        XCTAssertEqual(job.job.outcome, .interrupted)
        XCTAssertNotNil(job.job.finishedAt)
        await harness.stop()
    }

    func testASweepBelowTheTargetTopsUpAndNothingMovesAtTheTarget() async throws {
        let harness = try DispatcherHarness(extraTOML: Self.plansTOML)
        let bank = FakeBank()
        let schedules = service(harness, bank)
        let unknown = try await schedules.runNow(plan: "top-up", actor: "ops")
        XCTAssertEqual(unknown.job.outcome, .failed, "no balance known yet")
        XCTAssertEqual(unknown.job.trigger, .manual)
        XCTAssertEqual(unknown.job.actor, "ops")

        bank.setBalance("acme-eur", 20_000)
        harness.clock.advance(milliseconds: 1)
        let topUp = try await schedules.runNow(plan: "top-up", actor: "ops")
        XCTAssertEqual(topUp.job.outcome, .succeeded)
        let payment = try await harness.payment(try XCTUnwrap(topUp.tasks.first?.paymentId))
        XCTAssertEqual(payment.debtorAccountId, "acme-hq")
        XCTAssertEqual(payment.amount.minorUnits, 80_000, "200.00 below a 1000.00 target: 800.00 down")

        bank.setBalance("acme-eur", 100_000)
        harness.clock.advance(milliseconds: 1)
        let atTarget = try await schedules.runNow(plan: "top-up", actor: "ops")
        XCTAssertEqual(atTarget.tasks.map(\.outcome), ["skipped"])
        XCTAssertNil(atTarget.tasks.first?.paymentId)

        do {
            _ = try await schedules.runNow(plan: "no-such-plan", actor: "ops")
            XCTFail("an unknown plan ran")
        } catch {
            XCTAssertEqual(error.code, .notFound)
        }
        await harness.stop()
    }

    /// An outside check ran a sweep twice with no balance pull between: both runs moved the same
    /// surplus. The surplus moves once; the next run waits until the previous sweep is final and a
    /// balance recorded after its completion shows it.
    func testTheSameSurplusIsNeverSweptTwice() async throws {
        let harness = try DispatcherHarness(extraTOML: Self.plansTOML)
        let bank = FakeBank()
        let schedules = service(harness, bank)
        bank.setBalance("acme-eur", 150_000, recordedAt: harness.clock.now())
        let first = try await schedules.runNow(plan: "sweep-up", actor: "ops")
        let paymentId = try XCTUnwrap(first.tasks.first?.paymentId)

        harness.clock.advance(milliseconds: 1)
        let whileQueued = try await schedules.runNow(plan: "sweep-up", actor: "ops")
        XCTAssertEqual(whileQueued.tasks.map(\.outcome), ["skipped"])
        XCTAssertNil(whileQueued.tasks.first?.paymentId)
        let queuedNote = whileQueued.tasks.first?.detail ?? ""
        XCTAssertTrue(queuedNote.contains("previous sweep \(paymentId) is still queued"), queuedNote)

        harness.start()
        _ = try await harness.waitForStatus(paymentId, .completed)
        harness.clock.advance(milliseconds: 1)
        let staleBalance = try await schedules.runNow(plan: "sweep-up", actor: "ops")
        XCTAssertEqual(staleBalance.tasks.map(\.outcome), ["skipped"], "the balance predates the completed sweep")
        let staleNote = staleBalance.tasks.first?.detail ?? ""
        XCTAssertTrue(staleNote.contains("pull the balance again"), staleNote)

        // A balance recorded after the sweep completed: 1,200.00 now, so 200.00 moves.
        harness.clock.advance(milliseconds: 1)
        bank.setBalance("acme-eur", 120_000, recordedAt: harness.clock.now())
        harness.clock.advance(milliseconds: 1)
        let fresh = try await schedules.runNow(plan: "sweep-up", actor: "ops")
        let second = try await harness.payment(try XCTUnwrap(fresh.tasks.first?.paymentId))
        XCTAssertEqual(second.amount.minorUnits, 20_000)
        let payments = try await harness.store.payments(PaymentFilter(debtorAccountId: "acme-eur", limit: 100)).payments
        XCTAssertEqual(payments.map(\.amount.minorUnits).sorted(), [20_000, 50_000], "two sweeps in all")
        await harness.stop()
    }

    /// Two pulls at the same minute, one at a bank that does not answer yet: the other's job
    /// finishes meanwhile (an outside check saw the second wait 8 s for the first). And a plan
    /// with `grace_minutes = 0` runs a moment after its time (it never ran), not after its minute.
    func testPlansRunSideBySideAndGraceZeroStillRunsOnTime() async throws {
        let harness = try DispatcherHarness(extraTOML: Self.plansTOML + """

            [[schedules]]
            name = "slow-pull"
            kind = "balance_pull"
            at = ["12:00"]
            days = "daily"
            accounts = ["acme-hq"]
            grace_minutes = 0

            [[schedules]]
            name = "fast-pull"
            kind = "balance_pull"
            at = ["12:00"]
            days = "daily"
            accounts = ["acme-eur"]
            grace_minutes = 0
            """)
        let (gate, opener) = AsyncStream<Void>.makeStream()
        let actions = ScheduleActions(
            pullStatements: { _, _, _ in "" },
            pullBalances: { account in
                if account == "acme-hq" { for await _ in gate { break } }
                return "balances of \(account)"
            },
            latestBalance: { _ in nil })
        var logger = Logger(label: "schedule-tests")
        logger.logLevel = .critical
        let schedules = ScheduleService(plans: harness.configuration.schedules, store: harness.store, gateway: harness.engine,
                                        accounts: harness.configuration.accounts, actions: actions, clock: harness.clock, logger: logger)
        harness.clock.advance(to: at("2026-03-02", 12, 0).adding(milliseconds: 700))
        let tick = Task { await schedules.tick() }
        try await harness.waitUntil("the fast plan's job finished while the slow one waits") {
            try await schedules.jobs(plan: "fast-pull", limit: 1).first?.outcome == .succeeded
        }
        let slow = try await schedules.jobs(plan: "slow-pull", limit: 1).first
        XCTAssertEqual(slow?.outcome, .running)
        opener.yield()
        let ran = await tick.value
        XCTAssertEqual(ran.map(\.plan), ["slow-pull", "fast-pull"], "both ran, reported in the plans' order")

        // The next day, a minute and more after 12:00: with no grace it is not caught up.
        harness.clock.advance(to: at("2026-03-03", 12, 1).adding(milliseconds: 1))
        opener.yield()
        let late = await schedules.tick()
        XCTAssertEqual(late.map(\.plan), [])
        opener.finish()
        await harness.stop()
    }

    func testABatchWaitsForItsReleasePlanAndSinglePaymentsDoNot() async throws {
        let harness = try DispatcherHarness(extraTOML: Self.plansTOML)
        harness.start()
        let bank = FakeBank()
        let schedules = service(harness, bank)
        let batch = try await harness.submit([DispatcherHarness.request(minorUnits: 100), DispatcherHarness.request(minorUnits: 200)],
                                             asBatch: true)
        XCTAssertEqual(batch.map(\.status), [.scheduled, .scheduled])
        XCTAssertEqual(batch[0].requestedExecutionDate, "2026-03-02", "released at 15:00 today")
        let single = try await harness.submitOne(DispatcherHarness.request(minorUnits: 300))
        XCTAssertEqual(single.status, .queued)
        try await harness.waitForStatus(single.id, .completed)

        harness.clock.advance(to: at("2026-03-02", 14, 59))
        let before = await schedules.tick()
        XCTAssertTrue(before.isEmpty)
        try await harness.waitForQuietLane()
        let statusBeforeTheRun = try await harness.payment(batch[0].id).status
        XCTAssertEqual(statusBeforeTheRun, .scheduled, "the lane does not release it on its own")

        harness.clock.advance(to: at("2026-03-02", 15, 0))
        let ran = await schedules.tick()
        XCTAssertEqual(ran.map(\.plan), ["release-batches"])
        let job = try await schedules.job(id: ran[0].id)
        XCTAssertEqual(Set(job.tasks.compactMap(\.paymentId)), Set(batch.map(\.id)))
        XCTAssertEqual(job.tasks.map(\.kind), ["payment_release", "payment_release"])
        for payment in batch {
            try await harness.waitForStatus(payment.id, .completed)
            try await harness.assertHistory(payment.id, [.received, .scheduled, .queued, .sending, .completed])
        }
        await harness.stop()
    }

    func testPullsRecordATaskPerAccountAndAPartialOutcome() async throws {
        let harness = try DispatcherHarness(extraTOML: Self.plansTOML)
        let bank = FakeBank()
        let schedules = service(harness, bank)
        let run = try await schedules.runNow(plan: "morning-statements", actor: "ops")
        XCTAssertEqual(run.job.outcome, .partial)
        XCTAssertEqual(run.tasks.map(\.outcome), ["succeeded", "failed"])
        XCTAssertEqual(bank.pulls.withLock { $0 }, ["acme-eur 2026-03-01...2026-03-01"], "yesterday's statement")
        let overview = try await schedules.overview()
        let statements = try XCTUnwrap(overview.first { $0.plan.name == "morning-statements" })
        XCTAssertEqual(statements.lastJob?.outcome, .partial)
        XCTAssertEqual(statements.nextRun, at("2026-03-03", 7), "business days at 07:00 UTC")
        await harness.stop()
    }
}
