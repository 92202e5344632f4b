public import BankGateConfig
public import BankGateCore
public import BankGateStore
public import Logging
public import ServiceLifecycle
import Synchronization

/// What plans do to banks and balances, given by the runtime (the statement puller, the balances
/// table) and replaced in tests.
public struct ScheduleActions: Sendable {
    /// Pulls the end-of-day statements of an account for `from…to`; returns what was imported, for the task.
    public var pullStatements: @Sendable (_ accountId: String, _ from: String, _ to: String) async throws -> String
    /// Asks the bank for an account's balances now; returns what was imported, for the task.
    public var pullBalances: @Sendable (_ accountId: String) async throws -> String
    /// The latest booked balance known of an account, with when it was recorded, or `nil`.
    public var latestBalance: @Sendable (_ accountId: String) async throws -> KnownBalance?

    public init(pullStatements: @escaping @Sendable (String, String, String) async throws -> String,
                pullBalances: @escaping @Sendable (String) async throws -> String,
                latestBalance: @escaping @Sendable (String) async throws -> KnownBalance?) {
        self.pullStatements = pullStatements
        self.pullBalances = pullBalances
        self.latestBalance = latestBalance
    }
}

/// A balance as the gateway knows it: the amount and when it was recorded.
public struct KnownBalance: Sendable, Hashable {
    public var amount: Money
    public var recordedAt: Timestamp

    public init(amount: Money, recordedAt: Timestamp) {
        self.amount = amount
        self.recordedAt = recordedAt
    }
}

/// A plan with its last job and its next run, for `GET /v1/schedules`.
public struct ScheduleOverview: Sendable, Hashable {
    public var plan: ScheduleConfig
    public var lastJob: ScheduleJobRecord?
    public var nextRun: Timestamp?
    /// Who made the plan through the API, and when; `nil` for a plan of the configuration file.
    public var madeBy: (principal: String, at: Timestamp)? {
        get { madeByPrincipal.map { ($0, madeAt ?? Timestamp(milliseconds: 0)) } }
        set { madeByPrincipal = newValue?.principal; madeAt = newValue?.at }
    }
    private var madeByPrincipal: String?
    private var madeAt: Timestamp?

    init(plan: ScheduleConfig, lastJob: ScheduleJobRecord?, nextRun: Timestamp?, madeBy: (principal: String, at: Timestamp)? = nil) {
        self.plan = plan
        self.lastJob = lastJob
        self.nextRun = nextRun
        self.madeBy = madeBy
    }
}

/// Runs the `[[schedules]]` plans: each occurrence of a plan is one job, started at most once (the
/// store's unique key on plan and occurrence), with the tasks it did. A missed occurrence (the
/// gateway was down at its time) runs once on start when it is at most `grace_minutes` old;
/// older ones are skipped. A job interrupted by a stop is marked `interrupted`, not run again.
public final class ScheduleService: Service, Sendable {
    /// The plans in force: the configuration file's (replaced whole by a reload, ``replacePlans(_:)``)
    /// and those made through the API (``createPlan(definition:actor:)``), by name.
    public var plans: [ScheduleConfig] { current.withLock { $0.all } }
    let current: Mutex<PlanSet>
    /// What a plan made through the API is checked against (the running configuration's).
    let calendars: [BusinessCalendar]
    let accountList: [AccountConfig]
    let store: PaymentStore
    let gateway: GatewayEngine
    let accounts: [String: AccountConfig]
    let actions: ScheduleActions
    let clock: any WallClock
    let logger: Logger
    let tickMilliseconds: Int
    /// The last occurrence handled (started) per plan in this process, so a tick writes nothing
    /// when nothing is due and never starts an occurrence twice while its job runs.
    private let handled = Mutex<[String: Timestamp]>([:])
    /// An occurrence runs on time within its own minute whatever `grace_minutes` says (the tick
    /// comes a moment after the occurrence; `grace_minutes = 0` means no catching up, not never).
    static let onTimeMilliseconds: Int64 = 60_000

    public init(plans: [ScheduleConfig], store: PaymentStore, gateway: GatewayEngine, accounts: [AccountConfig],
                actions: ScheduleActions, clock: any WallClock, logger: Logger, tickMilliseconds: Int = 1_000,
                calendars: [BusinessCalendar] = []) {
        current = Mutex(PlanSet(configured: plans))
        self.calendars = calendars
        self.accountList = accounts
        self.store = store
        self.gateway = gateway
        self.accounts = Dictionary(accounts.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        self.actions = actions
        self.clock = clock
        self.logger = logger
        self.tickMilliseconds = tickMilliseconds
    }

    /// Puts `plans` in force from the next tick (a configuration reload). A plan's jobs stay under
    /// its name, so a plan kept by name keeps its history and is not run again for an occurrence
    /// it already ran; a job under way finishes with the plan it started with.
    public func replacePlans(_ plans: [ScheduleConfig]) {
        current.withLock { $0.configured = plans }
    }

    /// Starts each due occurrence as a job of its own, side by side: a plan whose bank answers
    /// slowly holds no other plan's time. On shutdown the jobs under way finish.
    public func run() async throws {
        await loadMadePlans()
        await recoverInterruptedJobs()
        await withDiscardingTaskGroup { group in
            while !Task.isShuttingDownGracefully && !Task.isCancelled {
                for (plan, occurrence) in claimDueOccurrences(at: clock.now()) {
                    group.addTask { _ = await self.runDue(plan, occurrence: occurrence) }
                }
                try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .milliseconds(self.tickMilliseconds)) }
            }
        }
    }

    /// Marks the jobs a stop left `running` as `interrupted` (run once at start).
    public func recoverInterruptedJobs() async {
        do {
            let count = try await store.interruptRunningScheduleJobs(at: clock.now())
            if count > 0 { logger.warning("schedule jobs interrupted by a stop; not run again", metadata: ["jobs": "\(count)"]) }
        } catch {
            logger.error("cannot mark interrupted schedule jobs", metadata: ["error": "\(error)"])
        }
    }

    /// Runs every plan whose latest occurrence is due (at most `grace_minutes` old, or within its
    /// own minute) and has no job yet, side by side, and waits for them. Returns the jobs run, in
    /// the plans' order.
    @discardableResult
    public func tick() async -> [ScheduleJobRecord] {
        let due = claimDueOccurrences(at: clock.now())
        return await withTaskGroup(of: (Int, ScheduleJobRecord?).self) { group in
            for (index, (plan, occurrence)) in due.enumerated() {
                group.addTask { (index, await self.runDue(plan, occurrence: occurrence)) }
            }
            var ran: [(Int, ScheduleJobRecord)] = []
            for await (index, job) in group { if let job { ran.append((index, job)) } }
            return ran.sorted { $0.0 < $1.0 }.map(\.1)
        }
    }

    /// The plans whose latest occurrence is due at `now` and not started in this process yet,
    /// marked started.
    private func claimDueOccurrences(at now: Timestamp) -> [(ScheduleConfig, Timestamp)] {
        plans.compactMap { plan in
            guard let occurrence = plan.times.latest(atOrBefore: now),
                  now.milliseconds - occurrence.milliseconds <= max(Int64(plan.graceMinutes) * 60_000, Self.onTimeMilliseconds)
            else { return nil }
            let claimed = handled.withLock { handled in
                guard handled[plan.name] != occurrence else { return false }
                handled[plan.name] = occurrence
                return true
            }
            return claimed ? (plan, occurrence) : nil
        }
    }

    /// Runs one due occurrence; a job that could not even start is tried again at the next tick.
    private func runDue(_ plan: ScheduleConfig, occurrence: Timestamp) async -> ScheduleJobRecord? {
        do {
            return try await run(plan, occurrence: occurrence, trigger: .schedule, actor: "schedule")?.job
        } catch {
            logger.error("schedule job failed to start", metadata: ["plan": "\(plan.name)", "error": "\(error)"])
            handled.withLock { if $0[plan.name] == occurrence { $0[plan.name] = nil } }
            return nil
        }
    }

    /// Runs `name` now (`POST /v1/schedules/{name}/run`), as a job of its own audited with `actor`.
    public func runNow(plan name: String, actor: String) async throws(GatewayError) -> (job: ScheduleJobRecord, tasks: [ScheduleTaskRecord]) {
        guard let plan = plans.first(where: { $0.name == name }) else {
            throw GatewayError(.notFound, code: .notFound, message: "no schedule with this name")
        }
        do {
            guard let job = try await run(plan, occurrence: clock.now(), trigger: .manual, actor: actor) else {
                throw GatewayError(.conflict, code: .invalidState, message: "this schedule was started at this very instant already; try again")
            }
            return job
        } catch let error as GatewayError {
            throw error
        } catch {
            throw GatewayError(storeError: error)
        }
    }

    /// Every plan with its last job and next run.
    public func overview() async throws(GatewayError) -> [ScheduleOverview] {
        let now = clock.now()
        var result: [ScheduleOverview] = []
        for plan in plans {
            do {
                result.append(ScheduleOverview(plan: plan, lastJob: try await store.scheduleJobs(plan: plan.name, limit: 1).first,
                                               nextRun: plan.times.next(after: now), madeBy: madeBy(plan.name)))
            } catch {
                throw GatewayError(storeError: error)
            }
        }
        return result
    }

    /// The jobs of a plan, the latest first.
    public func jobs(plan name: String, limit: Int) async throws(GatewayError) -> [ScheduleJobRecord] {
        guard plans.contains(where: { $0.name == name }) else {
            throw GatewayError(.notFound, code: .notFound, message: "no schedule with this name")
        }
        do { return try await store.scheduleJobs(plan: name, limit: limit) } catch { throw GatewayError(storeError: error) }
    }

    /// A job with its tasks.
    public func job(id: Int64) async throws(GatewayError) -> (job: ScheduleJobRecord, tasks: [ScheduleTaskRecord]) {
        let found: (job: ScheduleJobRecord, tasks: [ScheduleTaskRecord])?
        do { found = try await store.scheduleJob(id: id) } catch { throw GatewayError(storeError: error) }
        guard let found else { throw GatewayError(.notFound, code: .notFound, message: "no schedule job with this id") }
        return found
    }

    /// Starts the job of `plan` for `occurrence` (nothing when it has one) and does its work.
    private func run(_ plan: ScheduleConfig, occurrence: Timestamp, trigger: ScheduleJobRecord.Trigger,
                     actor: String) async throws -> (job: ScheduleJobRecord, tasks: [ScheduleTaskRecord])? {
        guard let job = try await store.startScheduleJob(plan: plan.name, occurrence: occurrence, trigger: trigger, actor: actor,
                                                         at: clock.now()) else { return nil }
        logger.info("schedule job started", metadata: ["plan": "\(plan.name)", "occurrence": "\(occurrence.iso8601)",
                                                       "trigger": "\(trigger.rawValue)"])
        var tasks: [ScheduleTaskRecord] = []
        var failure: String?
        switch plan.kind {
        case .statementPull, .balancePull:
            let yesterday = plan.times.calendar.day(of: occurrence).adding(days: -1).description
            for accountId in plan.accounts {
                do {
                    let detail = plan.kind == .statementPull
                        ? try await actions.pullStatements(accountId, yesterday, yesterday)
                        : try await actions.pullBalances(accountId)
                    tasks.append(ScheduleTaskRecord(kind: plan.kind.rawValue, accountId: accountId, outcome: "succeeded", detail: detail,
                                                    at: clock.now()))
                } catch {
                    tasks.append(ScheduleTaskRecord(kind: plan.kind.rawValue, accountId: accountId, outcome: "failed",
                                                    detail: "\(error)", at: clock.now()))
                }
            }
        case .batchRelease:
            do {
                let released = try await store.releaseHeldForPlan(accountIds: plan.accounts, plan: plan.name, at: clock.now())
                for bankId in Set(released.map(\.bankId)) { gateway.dispatcher.wake(bankId: bankId) }
                tasks = released.map {
                    ScheduleTaskRecord(kind: "payment_release", accountId: $0.debtorAccountId, paymentId: $0.id, outcome: "succeeded",
                                       detail: "\($0.amount.decimalString) \($0.amount.currency.code)", at: clock.now())
                }
            } catch {
                failure = "cannot release the held payments: \(error)"
            }
        case .sweep:
            do {
                tasks.append(try await sweep(plan, job: job))
            } catch {
                failure = "\(error)"
            }
        }
        for task in tasks { try await store.addScheduleTask(jobId: job.id, task) }
        let failed = tasks.filter { $0.outcome == "failed" }.count
        let outcome: ScheduleJobRecord.Outcome = failure != nil || (failed > 0 && failed == tasks.count) ? .failed
            : failed > 0 ? .partial : .succeeded
        if failure == nil, failed > 0 { failure = tasks.first { $0.outcome == "failed" }?.detail }
        let finishedAt = clock.now()
        try await store.finishScheduleJob(id: job.id, outcome: outcome, error: failure, at: finishedAt)
        logger.log(level: outcome == .succeeded ? .info : .warning, "schedule job finished", metadata: [
            "plan": "\(plan.name)", "job": "sjb_\(job.id)", "outcome": "\(outcome.rawValue)", "tasks": "\(tasks.count)",
        ])
        var finished = job
        finished.outcome = outcome
        finished.error = failure
        finished.finishedAt = finishedAt
        return (finished, tasks)
    }

    /// One sweep: the amount from the latest balance (asked of the bank first), paid as an ordinary
    /// payment through intake (limits, approvals and holds apply), idempotent per occurrence.
    ///
    /// The same surplus is never moved twice: while the plan's previous sweep payment is not final
    /// the run is skipped, and so it is when that payment completed after the balance it would use
    /// was recorded (the balance does not show it yet).
    private func sweep(_ plan: ScheduleConfig, job: ScheduleJobRecord) async throws -> ScheduleTaskRecord {
        guard let fromId = plan.fromAccount, let toId = plan.toAccount, let from = accounts[fromId], let to = accounts[toId],
              let target = plan.target else {
            throw GatewayError(.internal, code: .internalError, message: "the sweep plan lacks its accounts or target")
        }
        let measured = plan.direction == .above ? fromId : toId
        var refreshNote = ""
        do { _ = try await actions.pullBalances(measured) } catch {
            refreshNote = " (asking the bank for the balance failed: \(error))"
        }
        guard let known = try await actions.latestBalance(measured) else {
            return ScheduleTaskRecord(kind: "sweep_payment", accountId: measured, outcome: "failed",
                                      detail: "no balance of \(measured) is known yet (pull its statements or balances first)" + refreshNote,
                                      at: clock.now())
        }
        let balance = known.amount
        if let wait = try await previousSweepWait(plan, before: job, balanceRecordedAt: known.recordedAt) {
            return ScheduleTaskRecord(kind: "sweep_payment", accountId: measured, outcome: "skipped", detail: wait + refreshNote,
                                      at: clock.now())
        }
        let occurrence = job.occurrence
        let difference = plan.direction == .above ? balance.minorUnits - target.minorUnits : target.minorUnits - balance.minorUnits
        let detail = "balance \(balance.decimalString) \(balance.currency.code), target \(target.decimalString)" + refreshNote
        guard difference > 0 else {
            return ScheduleTaskRecord(kind: "sweep_payment", accountId: measured, outcome: "skipped",
                                      detail: detail + ": nothing to move", at: clock.now())
        }
        let request = PaymentRequest(
            debtorAccountId: fromId, amount: Money(minorUnits: difference, currency: from.currency),
            creditor: Party(name: to.name, account: to.number, bankCode: to.bankCode),
            remittanceInfo: String("Sweep \(plan.name)".prefix(35)), endToEndId: nil, requestedExecutionDate: nil)
        let key = "schedule:\(plan.name):\(occurrence.milliseconds)"
        do {
            let payments: [PaymentRecord]
            switch try await gateway.submit([request], idempotencyKey: key, fingerprint: key + ":\(difference)",
                                            client: "schedule:\(plan.name)", asBatch: false) {
            case .created(let created), .replayed(let created): payments = created
            }
            return ScheduleTaskRecord(kind: "sweep_payment", accountId: fromId, paymentId: payments.first?.id, outcome: "succeeded",
                                      detail: detail + ": \(Money(minorUnits: difference, currency: from.currency).decimalString) "
                                          + "from \(fromId) to \(toId), \(payments.first?.status.rawValue ?? "")", at: clock.now())
        } catch {
            return ScheduleTaskRecord(kind: "sweep_payment", accountId: fromId, outcome: "failed",
                                      detail: detail + ": payment refused: \(error.message)", at: clock.now())
        }
    }

    /// Why the sweep must wait for its previous payment, or `nil`: that payment (the latest among
    /// the plan's last jobs) is not final yet, or it completed after the balance was recorded.
    private func previousSweepWait(_ plan: ScheduleConfig, before job: ScheduleJobRecord,
                                   balanceRecordedAt: Timestamp) async throws -> String? {
        for earlier in try await store.scheduleJobs(plan: plan.name, limit: 10) where earlier.id != job.id {
            guard let tasks = try await store.scheduleJob(id: earlier.id)?.tasks,
                  let paymentId = tasks.last(where: { $0.kind == "sweep_payment" && $0.paymentId != nil })?.paymentId else { continue }
            guard let payment = try await store.payment(id: paymentId) else { return nil }
            if !payment.status.isTerminal {
                return "the previous sweep \(paymentId) is still \(payment.status.rawValue): nothing more is moved until it is final"
            }
            if payment.status == .completed, balanceRecordedAt <= payment.updatedAt {
                return "the latest balance was recorded at \(balanceRecordedAt.iso8601), before the previous sweep \(paymentId) "
                    + "completed at \(payment.updatedAt.iso8601): pull the balance again before moving more"
            }
            return nil
        }
        return nil
    }
}
