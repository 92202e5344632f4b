import BankGateCore
import BankGateEngine
import BankGateStore
import Hummingbird
import BankGateConfig

/// Webhook subscriptions (operators).
extension APIEndpoints {
    func registerWebhookRoutes(on router: Router<APIRequestContext>) {
        router.post("/v1/webhooks") { request, context in try await createWebhook(request, context) }
        router.get("/v1/webhooks") { request, context in try await listWebhooks(request, context) }
        router.post("/v1/webhooks/redeliver") { request, context in try await redeliverWebhooks(request, context) }
        router.post("/v1/webhooks/:id/enable") { request, context in try await setWebhook(request, context, enabled: true) }
        router.post("/v1/webhooks/:id/disable") { request, context in try await setWebhook(request, context, enabled: false) }
        router.delete("/v1/webhooks/:id") { request, context in try await deleteWebhook(request, context) }
    }

    /// `POST /v1/webhooks[?from_seq=N]` with `{"url", "event_types"}`; 201 with the secret, shown only here.
    func createWebhook(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let client = try auth.authorize(request, anyOf: [.operate])
        let reports = try requireReports()
        let fromSequence: Int64? = QueryParameters(request).string("from_seq") == nil
            ? nil : try QueryParameters(request).integer("from_seq", in: 1...Int64.max, default: 1)
        let body = try await RequestBodyReader.collect(request, maxBytes: maxBodyBytes)
        let parsed = try RequestBodyReader.parse(body, with: AccountRequestBodies.webhook(json:))
        let subscription = try await reports.createWebhook(url: parsed.url, eventTypes: parsed.eventTypes, fromSequence: fromSequence,
                                                           actor: client.name)
        var writer = JSONWriter(capacity: 512)
        writer.webhook(subscription, showSecret: true)
        return APIResponse.json(.created, writer)
    }

    func listWebhooks(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        _ = try auth.authorize(request, anyOf: [.operate])
        let subscriptions = try await requireReports().webhookList()
        return APIResponse.list(.ok, "webhooks", subscriptions, bytesPerItem: 400) { $0.webhook($1, showSecret: false) }
    }

    func setWebhook(_ request: Request, _ context: APIRequestContext, enabled: Bool) async throws -> Response {
        let client = try auth.authorize(request, anyOf: [.operate])
        let subscription = try await requireReports().setWebhookEnabled(id: try pathID(context), enabled, actor: client.name)
        var writer = JSONWriter(capacity: 512)
        writer.webhook(subscription, showSecret: false)
        return APIResponse.json(.ok, writer)
    }

    func deleteWebhook(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let client = try auth.authorize(request, anyOf: [.operate])
        try await requireReports().deleteWebhook(id: try pathID(context), actor: client.name)
        return Response(status: .noContent)
    }

    /// `POST /v1/webhooks/redeliver?from_seq=N[&webhook=ID]`
    func redeliverWebhooks(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let client = try auth.authorize(request, anyOf: [.operate])
        let query = QueryParameters(request)
        guard query.string("from_seq") != nil else {
            throw GatewayError(.badRequest, code: .missingParameter, message: "from_seq is required", field: "from_seq")
        }
        let from = try query.integer("from_seq", in: 1...Int64.max, default: 1)
        let moved = try await requireReports().redeliver(from: from, webhookId: query.string("webhook"), actor: client.name)
        return APIResponse.list(.ok, "webhooks", moved, bytesPerItem: 400) { $0.webhook($1, showSecret: false) }
    }
}
