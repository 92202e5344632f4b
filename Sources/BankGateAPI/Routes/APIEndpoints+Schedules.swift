import BankGateConfig
import BankGateCore
import BankGateEngine
import BankGateStore
import Hummingbird

/// Plans (`[[schedules]]`), their jobs and tasks (operators, scope `operate`). A token limited to
/// some accounts (a tenant's) sees, makes and runs only the plans whose every account it may read,
/// a sweep only when it may pay from its paying account; any other plan and its jobs answer as
/// missing. Making or running a sweep also needs `payments:write`: a sweep makes payments.
extension APIEndpoints {
    func registerScheduleRoutes(on router: Router<APIRequestContext>) {
        router.get("/v1/schedules") { request, context in try await listSchedules(request, context) }
        router.post("/v1/schedules") { request, context in try await createSchedule(request, context) }
        router.delete("/v1/schedules/:name") { request, context in try await deleteSchedule(request, context) }
        router.get("/v1/schedules/:name/jobs") { request, context in try await listScheduleJobs(request, context) }
        router.post("/v1/schedules/:name/run") { request, context in try await runSchedule(request, context) }
        router.get("/v1/schedule-jobs/:id") { request, context in try await showScheduleJob(request, context) }
    }

    private func scheduleService() throws(GatewayError) -> ScheduleService {
        guard let schedules else { throw GatewayError(.notFound, code: .notFound, message: "schedules are not available here") }
        return schedules
    }

    /// Whether `client` may see and run `plan` (see the extension's doc).
    static func mayUse(_ plan: ScheduleConfig, _ client: TokenAuthenticator.Client) -> Bool {
        guard plan.namedAccounts.allSatisfy({ client.access.mayRead($0) }) else { return false }
        return plan.fromAccount.map { client.access.mayPay(from: $0) } ?? true
    }

    /// Refuses a sweep to a token without `payments:write`.
    static func checkMayMakePayments(_ plan: ScheduleConfig, _ client: TokenAuthenticator.Client) throws(GatewayError) {
        guard plan.kind == .sweep, !client.scopes.contains(.paymentsWrite) else { return }
        throw GatewayError(.forbidden, code: .forbidden, message: "a sweep makes payments: this token lacks the scope payments:write")
    }

    /// The plan `name`, when `client` may use it; `not_found` otherwise (another tenant's plan
    /// answers exactly as a missing one).
    private func usablePlan(_ name: String, _ client: TokenAuthenticator.Client) throws(GatewayError) -> ScheduleConfig? {
        let plan = try scheduleService().plans.first { $0.name == name }
        if let plan, !Self.mayUse(plan, client) {
            throw GatewayError(.notFound, code: .notFound, message: "no schedule with this name")
        }
        if plan == nil, !client.access.seesEverything {
            throw GatewayError(.notFound, code: .notFound, message: "no schedule with this name")
        }
        return plan
    }

    private func scheduleName(_ context: APIRequestContext) throws(GatewayError) -> String {
        guard let name = context.parameters.get("name"), !name.isEmpty else {
            throw GatewayError(.notFound, code: .notFound, message: "no schedule with this name")
        }
        return name
    }

    /// `GET /v1/schedules`: every plan with its times, its last job and its next run.
    func listSchedules(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let client = try auth.authorize(request, anyOf: [.operate])
        let plans = try await scheduleService().overview().filter { Self.mayUse($0.plan, client) }
        var writer = JSONWriter(capacity: 256 + plans.count * 400)
        writer.beginObject()
        writer.key("schedules")
        writer.beginArray()
        for overview in plans { writer.scheduleOverview(overview) }
        writer.endArray()
        writer.endObject()
        return APIResponse.json(.ok, writer)
    }

    /// `GET /v1/schedules/{name}/jobs?limit=`: its jobs, the latest occurrence first.
    func listScheduleJobs(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let client = try auth.authorize(request, anyOf: [.operate])
        let limit = try QueryParameters(request).integer("limit", in: 1...1000, default: 50)
        let name = try scheduleName(context)
        _ = try usablePlan(name, client)
        let jobs = try await scheduleService().jobs(plan: name, limit: limit)
        var writer = JSONWriter(capacity: 128 + jobs.count * 300)
        writer.beginObject()
        writer.key("jobs")
        writer.beginArray()
        for job in jobs { writer.scheduleJob(job, tasks: nil) }
        writer.endArray()
        writer.endObject()
        return APIResponse.json(.ok, writer)
    }

    /// `GET /v1/schedule-jobs/{id}` (`sjb_<n>`): a job with its tasks.
    func showScheduleJob(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let client = try auth.authorize(request, anyOf: [.operate])
        let text = try pathID(context)
        guard text.hasPrefix("sjb_"), let id = Int64(text.dropFirst(4)) else {
            throw GatewayError(.notFound, code: .notFound, message: "no schedule job with this id")
        }
        let found = try await scheduleService().job(id: id)
        do { _ = try usablePlan(found.job.plan, client) } catch {
            throw GatewayError(.notFound, code: .notFound, message: "no schedule job with this id")
        }
        var writer = JSONWriter(capacity: 512 + found.tasks.count * 300)
        writer.scheduleJob(found.job, tasks: found.tasks)
        return APIResponse.json(.ok, writer)
    }

    /// `POST /v1/schedules`: makes a plan (JSON with the keys of a `[[schedules]]` entry), checked
    /// as the configuration file's plans are, kept and in force at once; 201 with the plan.
    func createSchedule(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let client = try auth.authorize(request, anyOf: [.operate])
        let service = try scheduleService()
        let body = try await RequestBodyReader.collect(request, maxBytes: maxBodyBytes)
        let definition = try RequestBodyReader.parse(body, with: ScheduleDefinition.toml(json:))
        let overview = try await service.createPlan(definition: definition, actor: client.name) { plan throws(GatewayError) in
            try Self.checkMayMakePayments(plan, client)
            if let foreign = plan.namedAccounts.first(where: { !client.access.mayRead($0) }) {
                // Answered as the configuration's check answers an account that does not exist.
                let field = foreign == plan.fromAccount ? "from_account" : foreign == plan.toAccount ? "to_account" : "accounts"
                throw GatewayError(.validation, code: .invalidValue, message: "no [[accounts]] entry has id \"\(foreign)\"", field: field)
            }
            if let from = plan.fromAccount, !client.access.mayPay(from: from) {
                throw GatewayError(.validation, code: .invalidValue, message: "this token may not pay from \(from)", field: "from_account")
            }
        }
        var writer = JSONWriter(capacity: 512)
        writer.scheduleOverview(overview)
        return APIResponse.json(.created, writer)
    }

    /// `DELETE /v1/schedules/{name}`: removes a plan made through the API (audited); its jobs stay.
    func deleteSchedule(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let client = try auth.authorize(request, anyOf: [.operate])
        let name = try scheduleName(context)
        _ = try usablePlan(name, client)
        try await scheduleService().deletePlan(name: name, actor: client.name)
        return Response(status: .noContent)
    }

    /// `POST /v1/schedules/{name}/run`: runs the plan now as a job of its own (audited with the
    /// token's name); 201 with the job and its tasks.
    func runSchedule(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let client = try auth.authorize(request, anyOf: [.operate])
        let name = try scheduleName(context)
        if let plan = try usablePlan(name, client) { try Self.checkMayMakePayments(plan, client) }
        let found = try await scheduleService().runNow(plan: name, actor: client.name)
        var writer = JSONWriter(capacity: 512 + found.tasks.count * 300)
        writer.scheduleJob(found.job, tasks: found.tasks)
        return APIResponse.json(.created, writer)
    }
}

extension JSONWriter {
    /// `±HH:MM`.
    static func offsetText(_ minutes: Int) -> String {
        let hours = String(abs(minutes) / 60), rest = String(abs(minutes) % 60)
        let sign = minutes < 0 ? "-" : "+"
        return sign + String(repeating: "0", count: 2 - hours.count) + hours + ":" + String(repeating: "0", count: 2 - rest.count) + rest
    }

    mutating func scheduleOverview(_ overview: ScheduleOverview) {
        let plan = overview.plan
        beginObject()
        field("name", plan.name)
        field("kind", plan.kind.rawValue)
        field("source", overview.madeBy == nil ? "configuration" : "api")
        if let made = overview.madeBy {
            field("created_by", made.principal)
            field("created_at", made.at.iso8601)
        }
        key("at")
        beginArray()
        for minute in plan.times.minutes {
            let text = (minute / 60 < 10 ? "0" : "") + String(minute / 60) + ":" + (minute % 60 < 10 ? "0" : "") + String(minute % 60)
            string(text)
        }
        endArray()
        field("days", plan.times.days.rawValue)
        field("calendar", plan.times.calendar.name)
        field("utc_offset", Self.offsetText(plan.times.calendar.utcOffsetMinutes))
        if !plan.accounts.isEmpty {
            key("accounts")
            beginArray()
            for account in plan.accounts { string(account) }
            endArray()
        }
        if plan.kind == .sweep {
            field("from_account", plan.fromAccount)
            field("to_account", plan.toAccount)
            field("target", plan.target?.decimalString)
            field("direction", plan.direction.rawValue)
        }
        field("next_run", overview.nextRun?.iso8601)
        if let job = overview.lastJob {
            key("last_job")
            scheduleJob(job, tasks: nil)
        } else {
            key("last_job")
            null()
        }
        field("last_outcome", overview.lastJob?.outcome.rawValue)
        endObject()
    }

    mutating func scheduleJob(_ job: ScheduleJobRecord, tasks: [ScheduleTaskRecord]?) {
        beginObject()
        field("id", "sjb_\(job.id)")
        field("schedule", job.plan)
        field("occurrence", job.occurrence.iso8601)
        field("trigger", job.trigger.rawValue)
        field("actor", job.actor)
        field("started_at", job.startedAt.iso8601)
        field("finished_at", job.finishedAt?.iso8601)
        field("outcome", job.outcome.rawValue)
        field("error", job.error)
        if let tasks {
            key("tasks")
            beginArray()
            for task in tasks {
                beginObject()
                field("kind", task.kind)
                field("account", task.accountId)
                field("payment_id", task.paymentId)
                field("outcome", task.outcome)
                field("detail", task.detail)
                field("at", task.at.iso8601)
                endObject()
            }
            endArray()
        }
        endObject()
    }
}
