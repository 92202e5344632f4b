public import BankGateCore

/// One run of a plan (调度作业): the occurrence it is for, when it ran and how it ended.
public struct ScheduleJobRecord: Sendable, Hashable {
    /// How a job ended; `running` while it runs, `interrupted` when the gateway stopped during it.
    public enum Outcome: String, Sendable, Hashable, CaseIterable {
        case running, succeeded, partial, failed, interrupted
    }

    /// How a job was started.
    public enum Trigger: String, Sendable, Hashable {
        /// At its time (or within the grace period after it).
        case schedule
        /// `POST /v1/schedules/{name}/run`.
        case manual
    }

    public var id: Int64
    public var plan: String
    /// The scheduled time it runs for (a manual run: the instant it was asked for).
    public var occurrence: Timestamp
    public var trigger: Trigger
    /// Who started it: `schedule`, or the token of a manual run.
    public var actor: String
    public var startedAt: Timestamp
    public var finishedAt: Timestamp?
    public var outcome: Outcome
    public var error: String?

    public init(id: Int64, plan: String, occurrence: Timestamp, trigger: Trigger, actor: String, startedAt: Timestamp,
                finishedAt: Timestamp?, outcome: Outcome, error: String?) {
        self.id = id
        self.plan = plan
        self.occurrence = occurrence
        self.trigger = trigger
        self.actor = actor
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.outcome = outcome
        self.error = error
    }
}

/// One thing a job did (调度任务): a pull of one account, a payment released or created.
public struct ScheduleTaskRecord: Sendable, Hashable {
    /// `statement_pull`, `balance_pull`, `payment_release`, `sweep_payment`, `sweep_skipped`.
    public var kind: String
    /// The account it concerns.
    public var accountId: String?
    /// The payment it released or created.
    public var paymentId: String?
    /// `succeeded`, `failed` or `skipped`.
    public var outcome: String
    /// What happened, for people (the statements imported, the amount, the error).
    public var detail: String?
    public var at: Timestamp

    public init(kind: String, accountId: String? = nil, paymentId: String? = nil, outcome: String, detail: String? = nil,
                at: Timestamp) {
        self.kind = kind
        self.accountId = accountId
        self.paymentId = paymentId
        self.outcome = outcome
        self.detail = detail
        self.at = at
    }
}
