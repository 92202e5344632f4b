public import BankGateCore
import BankGateConfig
import BankGateStore
import Logging
public import ServiceLifecycle
import Synchronization

/// Pulls receipts without being asked: each account's previous day daily at its `receipt_pull_at`
/// (and the days missed since its last scheduled pull, at most ``maximumCatchUpDays``), its
/// completion day after a payment completes (`receipt_pull_delay` later, once per account and day
/// however many payments complete), and again what failed or found a receipt not issued yet.
///
/// What is due lives in the store (`receipt_pulls_due`, filled from the `payment.completed`
/// events), not in memory: it survives a restart. Ticks run one at a time.
public final class ReceiptPullScheduler: Service, Sendable {
    let pulls: ReceiptPullService
    let tickMilliseconds: Int
    private let gate = TickGate()
    /// When the items without a receipt were last looked at (milliseconds).
    private let lastMissingCheck = Mutex<Int64?>(nil)
    /// Items turned missing are looked for at most this often.
    static let missingCheckMilliseconds: Int64 = 10 * 60_000
    /// Days pulled on schedule at most, counting back from yesterday, when catching up.
    public static let maximumCatchUpDays = 31

    public init(pulls: ReceiptPullService, tickMilliseconds: Int = 30_000) {
        self.pulls = pulls
        self.tickMilliseconds = max(100, tickMilliseconds)
    }

    public func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            await tick()
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .milliseconds(self.tickMilliseconds)) }
        }
    }

    /// One look at every account whose bank gives receipts, as of `now` (the clock's by default):
    /// completed payments turned into due pulls, scheduled days pulled, due pulls made. A tick
    /// waits for one still running.
    public func tick(at now: Timestamp? = nil) async {
        await gate.enter()
        let now = now ?? pulls.clock.now()
        do {
            try await pulls.receipts.collectCompletedPayments(accounts: pulls.bookingDayOffsets, at: now)
        } catch {
            pulls.logger.error("completed payments cannot be read for receipt pulls", metadata: ["error": "\(error)"])
        }
        let due = (try? await pulls.receipts.duePulls()) ?? []
        // A bank in a maintenance window is not asked: its accounts' pulls stay due until it ends.
        for target in pulls.targets.values.sorted(by: { $0.account.id < $1.account.id })
        where !target.connection.config.timetable.isInMaintenance(at: now) {
            let retrying = due.contains { $0.accountId == target.account.id && $0.trigger == .retry && $0.attempts > 0 }
            if !retrying { await pullScheduledDays(target, now: now) }
        }
        for pull in due {
            guard let target = pulls.targets[pull.accountId], !target.connection.config.timetable.isInMaintenance(at: now) else {
                continue
            }
            let dueAt = pull.nextAttemptAt
                ?? pull.since.adding(milliseconds: pull.trigger == .afterPayment ? target.schedule.pullDelayMilliseconds : 0)
            guard dueAt <= now else { continue }
            _ = try? await pulls.pull(accountId: pull.accountId, date: pull.bookingDate,
                                      trigger: pull.attempts == 0 ? pull.trigger : .retry, at: now)
        }
        await announceMissing(now: now)
        await gate.leave()
    }

    /// Every ``missingCheckMilliseconds``: each payment or transaction whose receipt became missing
    /// (overdue by `receipt_missing_after`, up to two days back) is recorded and announced once
    /// (`receipt.missing`, ``ReceiptStore/recordMissing(_:missingFrom:reason:reasonText:at:)``).
    private func announceMissing(now: Timestamp) async {
        let due = lastMissingCheck.withLock { last -> Bool in
            if let last, now.milliseconds - last < Self.missingCheckMilliseconds { return false }
            last = now.milliseconds
            return true
        }
        guard due else { return }
        for target in pulls.targets.values.sorted(by: { $0.account.id < $1.account.id }) {
            let missingAfter = target.schedule.missingAfterMilliseconds
            let overdue = now.adding(milliseconds: -missingAfter)
            let from = overdue.adding(milliseconds: -2 * 86_400_000).dateString
            do {
                let items = try await pulls.receipts.expectations(accountId: target.account.id, fromDate: from, toDate: overdue.dateString,
                                                                  unlinkedOnly: true, bookingDayOffsets: pulls.bookingDayOffsets)
                let runs = Dictionary(grouping: try await pulls.receipts.pulls(accountId: target.account.id, fromDate: from,
                                                                               toDate: overdue.dateString), by: \.bookingDate)
                for item in items where item.since <= overdue {
                    let status = ReceiptReport.status(of: item, pulls: runs[item.bookingDate] ?? [], missingAfter: missingAfter, now: now)
                    try await pulls.receipts.recordMissing(item, missingFrom: status.missingFrom, reason: status.reason?.rawValue ?? "",
                                                           reasonText: status.reasonText ?? "", at: now)
                }
            } catch {
                pulls.logger.error("missing receipts cannot be looked for", metadata: ["account": "\(target.account.id)", "error": "\(error)"])
            }
        }
    }

    /// The account's days due on schedule: from the day after its last scheduled pull (yesterday
    /// when it has none; at most ``maximumCatchUpDays`` back) to yesterday, once `receipt_pull_at`
    /// has passed today. Stops at the first failure: that day is retried as a due pull, and the
    /// days after it wait until its retries end.
    private func pullScheduledDays(_ target: ReceiptPullService.Target, now: Timestamp) async {
        guard let at = target.schedule.pullAtMinutes, Int((now.milliseconds % 86_400_000) / 60_000) >= at,
              let yesterday = DateArithmetic.adding(days: -1, to: now.dateString) else { return }
        let accountId = target.account.id
        let last: String?
        do {
            last = try await pulls.receipts.lastScheduledPullDate(accountId: accountId)
        } catch {
            return
        }
        if let last, last >= yesterday { return }
        let earliest = DateArithmetic.adding(days: -(Self.maximumCatchUpDays - 1), to: yesterday) ?? yesterday
        var day = max(last.flatMap { DateArithmetic.adding(days: 1, to: $0) } ?? yesterday, earliest)
        while day <= yesterday {
            do {
                _ = try await pulls.pull(accountId: accountId, date: day, trigger: .scheduled, at: now)
            } catch {
                return
            }
            guard let next = DateArithmetic.adding(days: 1, to: day) else { return }
            day = next
        }
    }
}

/// Lets one tick run at a time; the others wait their turn, in order.
actor TickGate {
    private var busy = false
    private var waiting: [CheckedContinuation<Void, Never>] = []

    func enter() async {
        guard busy else {
            busy = true
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }

    func leave() {
        if waiting.isEmpty {
            busy = false
        } else {
            waiting.removeFirst().resume()
        }
    }
}
