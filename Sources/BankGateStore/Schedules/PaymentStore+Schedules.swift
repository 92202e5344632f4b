public import BankGateCore

/// Plans' jobs and tasks (`schedule_jobs`, `schedule_tasks`, migration 021). The unique key on
/// (plan, occurrence) makes a run idempotent: an occurrence is started at most once, whatever
/// restarts happen.
extension PaymentStore {
    /// Starts the job of `plan` for `occurrence`, audited; `nil` when that occurrence already has
    /// a job (it ran, or runs, already).
    public func startScheduleJob(plan: String, occurrence: Timestamp, trigger: ScheduleJobRecord.Trigger, actor: String,
                                 at: Timestamp) async throws -> ScheduleJobRecord? {
        try await database.write { db -> ScheduleJobRecord? in
            let (inserted, insertedID) = try db.runReturningID("""
                INSERT INTO schedule_jobs (plan, occurrence, trigger, actor, started_at, outcome) VALUES (?, ?, ?, ?, ?, 'running')
                ON CONFLICT (plan, occurrence) DO NOTHING
                """, [.text(plan), .integer(occurrence.milliseconds), .text(trigger.rawValue), .text(actor), .integer(at.milliseconds)])
            guard inserted == 1 else { return nil }
            let id = insertedID
            var json = JSONWriter(capacity: 128)
            json.beginObject()
            json.field("plan", plan)
            json.field("occurrence", occurrence.iso8601)
            json.field("trigger", trigger.rawValue)
            json.endObject()
            try StoreJournal.audit(db, at: at, actor: actor, action: "schedule.job_started", subject: ("schedule_job", "sjb_\(id)"),
                                   details: json.text)
            return ScheduleJobRecord(id: id, plan: plan, occurrence: occurrence, trigger: trigger, actor: actor, startedAt: at,
                                     finishedAt: nil, outcome: .running, error: nil)
        }
    }

    /// Records one task of a running job.
    public func addScheduleTask(jobId: Int64, _ task: ScheduleTaskRecord) async throws {
        try await database.write { db in
            try db.run("""
                INSERT INTO schedule_tasks (job_id, kind, account_id, payment_id, outcome, detail, at) VALUES (?, ?, ?, ?, ?, ?, ?)
                """, [.integer(jobId), .text(task.kind), task.accountId.sqlValue, task.paymentId.sqlValue, .text(task.outcome),
                      task.detail.sqlValue, .integer(task.at.milliseconds)])
        }
    }

    /// Ends a job with its outcome, audited.
    public func finishScheduleJob(id: Int64, outcome: ScheduleJobRecord.Outcome, error: String?, at: Timestamp) async throws {
        try await database.write { db in
            try db.run("UPDATE schedule_jobs SET outcome = ?, error = ?, finished_at = ? WHERE id = ?",
                       [.text(outcome.rawValue), error.sqlValue, .integer(at.milliseconds), .integer(id)])
            var json = JSONWriter(capacity: 128)
            json.beginObject()
            json.field("outcome", outcome.rawValue)
            json.field("error", error)
            json.endObject()
            try StoreJournal.audit(db, at: at, actor: "schedule", action: "schedule.job_finished", subject: ("schedule_job", "sjb_\(id)"),
                                   details: json.text)
        }
    }

    /// Marks jobs left `running` by a stop as `interrupted` (their occurrence is not run again).
    /// Returns how many there were.
    @discardableResult
    public func interruptRunningScheduleJobs(at: Timestamp) async throws -> Int {
        try await database.write { db in
            let ids = try db.query("SELECT id FROM schedule_jobs WHERE outcome = 'running'", []) { try $0.int("id") }
            for id in ids {
                try db.run("UPDATE schedule_jobs SET outcome = 'interrupted', finished_at = ?, error = ? WHERE id = ?",
                           [.integer(at.milliseconds), .text("the gateway stopped while the job ran"), .integer(id)])
                try StoreJournal.audit(db, at: at, actor: "recovery", action: "schedule.job_interrupted",
                                       subject: ("schedule_job", "sjb_\(id)"), details: nil)
            }
            return ids.count
        }
    }

    /// The jobs of `plan`, the latest occurrence first.
    public func scheduleJobs(plan: String, limit: Int = 50) async throws -> [ScheduleJobRecord] {
        try await database.read { db in
            try db.query("SELECT \(Self.jobColumns) FROM schedule_jobs WHERE plan = ? ORDER BY occurrence DESC, id DESC LIMIT ?",
                         [.text(plan), .integer(Int64(limit))], Self.job)
        }
    }

    /// A job with its tasks in the order they were done.
    public func scheduleJob(id: Int64) async throws -> (job: ScheduleJobRecord, tasks: [ScheduleTaskRecord])? {
        try await database.read { db in
            guard let job = try db.queryFirst("SELECT \(Self.jobColumns) FROM schedule_jobs WHERE id = ?", [.integer(id)], Self.job) else {
                return nil
            }
            let tasks = try db.query("""
                SELECT kind, account_id, payment_id, outcome, detail, at FROM schedule_tasks WHERE job_id = ? ORDER BY id
                """, [.integer(id)]) { row in
                try ScheduleTaskRecord(kind: row.text("kind"), accountId: row.optionalText("account_id"),
                                       paymentId: row.optionalText("payment_id"), outcome: row.text("outcome"),
                                       detail: row.optionalText("detail"), at: Timestamp(milliseconds: row.int("at")))
            }
            return (job, tasks)
        }
    }

    /// Releases the payments of `accountIds` held for a `batch_release` plan (`scheduled`, their
    /// message waiting for the plan): `queued` (audited, `payment.released`), their messages due
    /// now. Returns the payments released.
    public func releaseHeldForPlan(accountIds: [String], plan: String, at: Timestamp) async throws -> [PaymentRecord] {
        guard !accountIds.isEmpty else { return [] }
        return try await database.write { db in
            let marks = accountIds.map { _ in "?" }.joined(separator: ", ")
            let submissions = try db.query("""
                SELECT id FROM submissions WHERE state = 'scheduled' AND held_kind = 'schedule' AND held_reason = ?
                  AND debtor_account_id IN (\(marks)) ORDER BY created_at
                """, [.text(Self.planHoldReason(plan))] + accountIds.map { .text($0) }) { try $0.text("id") }
            var released: [PaymentRecord] = []
            for submissionId in submissions {
                var payments = try Self.loadPayments(db, submissionId: submissionId).filter { $0.status == .scheduled }
                for index in payments.indices {
                    try Self.transition(db, &payments[index], to: .queued, cause: .dispatcher, at: at,
                                        details: TransitionDetails(reason: "released by plan \(plan)"))
                }
                released += payments
                try db.run("""
                    UPDATE submissions SET state = 'queued', next_attempt_at = ?, held_reason = NULL, held_kind = NULL, held_since = NULL
                    WHERE id = ?
                    """, [.integer(at.milliseconds), .text(submissionId)])
            }
            return released
        }
    }

    /// The hold reason of a message waiting for plan `plan`.
    static func planHoldReason(_ plan: String) -> String { "waits for plan \(plan)" }

    static let jobColumns = "id, plan, occurrence, trigger, actor, started_at, finished_at, outcome, error"

    static func job(_ row: StoreRow) throws -> ScheduleJobRecord {
        guard let trigger = try ScheduleJobRecord.Trigger(rawValue: row.text("trigger")),
              let outcome = try ScheduleJobRecord.Outcome(rawValue: row.text("outcome")) else {
            throw StoreError.database("corrupt schedule job row")
        }
        return try ScheduleJobRecord(id: row.int("id"), plan: row.text("plan"), occurrence: Timestamp(milliseconds: row.int("occurrence")),
                                     trigger: trigger, actor: row.text("actor"), startedAt: Timestamp(milliseconds: row.int("started_at")),
                                     finishedAt: row.optionalInt("finished_at").map(Timestamp.init(milliseconds:)), outcome: outcome,
                                     error: row.optionalText("error"))
    }
}
