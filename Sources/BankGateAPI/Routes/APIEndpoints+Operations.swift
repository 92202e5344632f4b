import BankGateCore
import BankGateEngine
import BankGateStore
import Hummingbird
import BankGateConfig

/// The queue overview, the event feed and liveness.
extension APIEndpoints {
    /// Longest `wait` of `GET /v1/events`, in seconds.
    static let maxEventWaitSeconds = 60
    /// Largest page of `GET /v1/events`.
    static let maxEventPage = 1000

    func queue(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let client = try auth.authorize(request, anyOf: [.operate, .paymentsRead])
        // A token limited to some accounts (a tenant's) sees the queue of those accounts only.
        let overview = try await gateway.queue(accountIds: readableAccounts(client))
        var writer = JSONWriter(capacity: 1024)
        writer.queue(overview)
        return APIResponse.json(.ok, writer)
    }

    /// `GET /v1/events?after=SEQ&wait=SECONDS&limit=N`: a long poll on the outbox.
    func events(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let client = try auth.authorize(request, anyOf: [.eventsRead, .paymentsRead])
        let query = QueryParameters(request)
        let after = try query.integer("after", in: 0...Int64.max, default: 0)
        let wait = try query.integer("wait", in: 0...Self.maxEventWaitSeconds, default: 0)
        let limit = try query.integer("limit", in: 1...Self.maxEventPage, default: 100)
        let read = try await gateway.events(after: after, limit: limit, waitMilliseconds: wait * 1000)
        // With tenants, only the token's tenant's events; `next_after` still moves past the others.
        let events = client.access.partitioned ? read.filter { client.access.seesEvent(tenant: $0.tenant) } : read
        var writer = JSONWriter(capacity: 256 + events.count * 400)
        writer.beginObject()
        writer.key("events")
        writer.beginArray()
        for event in events { writer.event(event) }
        writer.endArray()
        writer.field("next_after", read.last?.sequence ?? after)
        writer.endObject()
        return APIResponse.json(.ok, writer)
    }

    /// Liveness: the process answers.
    func health() -> Response {
        var writer = JSONWriter(capacity: 32)
        writer.beginObject()
        writer.field("status", "ok")
        writer.endObject()
        return APIResponse.json(.ok, writer)
    }
    // Readiness (`/readyz`): ``readinessByCheck()`` in APIEndpoints+Visibility.swift (issue 12).
}
