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
        // With tenants the subscription belongs to the token's tenant and receives only its events.
        let subscription = try await reports.createWebhook(url: parsed.url, eventTypes: parsed.eventTypes, fromSequence: fromSequence,
                                                           actor: client.name, tenant: client.access.partitioned ? client.access.tenant : nil)
        var writer = JSONWriter(capacity: 512)
        writer.webhook(subscription, showSecret: true)
        return APIResponse.json(.created, writer)
    }

    func listWebhooks(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let client = try auth.authorize(request, anyOf: [.operate])
        let subscriptions = try await requireReports().webhookList().filter { Self.owns(client, $0) }
        return APIResponse.list(.ok, "webhooks", subscriptions, bytesPerItem: 400) { $0.webhook($1, showSecret: false) }
    }

    func setWebhook(_ request: Request, _ context: APIRequestContext, enabled: Bool) async throws -> Response {
        let client = try auth.authorize(request, anyOf: [.operate])
        let reports = try requireReports()
        let id = try pathID(context)
        try await checkWebhook(id, client, reports) { try await reports.setWebhookEnabled(id: $0, enabled, actor: client.name) }
        let subscription = try await reports.setWebhookEnabled(id: id, enabled, actor: client.name)
        var writer = JSONWriter(capacity: 512)
        writer.webhook(subscription, showSecret: false)
        return APIResponse.json(.ok, writer)
    }

    func deleteWebhook(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let client = try auth.authorize(request, anyOf: [.operate])
        let reports = try requireReports()
        let id = try pathID(context)
        try await checkWebhook(id, client, reports) { try await reports.deleteWebhook(id: $0, actor: client.name) }
        try await reports.deleteWebhook(id: id, actor: client.name)
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
        let reports = try requireReports()
        var moved: [WebhookSubscription] = []
        if let id = query.string("webhook") {
            try await checkWebhook(id, client, reports) { try await reports.redeliver(from: from, webhookId: $0, actor: client.name) }
            moved = try await reports.redeliver(from: from, webhookId: id, actor: client.name)
        } else if client.access.partitioned {
            // With tenants: the token's tenant's subscriptions only.
            for subscription in try await reports.webhookList() where Self.owns(client, subscription) {
                moved += try await reports.redeliver(from: from, webhookId: subscription.id, actor: client.name)
            }
        } else {
            moved = try await reports.redeliver(from: from, webhookId: nil, actor: client.name)
        }
        return APIResponse.list(.ok, "webhooks", moved, bytesPerItem: 400) { $0.webhook($1, showSecret: false) }
    }
}

extension APIEndpoints {
    /// Whether `subscription` is the token's tenant's: every one without tenants; with tenants
    /// those its tenant created (one made before tenants were configured counts as `default`'s).
    static func owns(_ client: TokenAuthenticator.Client, _ subscription: WebhookSubscription) -> Bool {
        !client.access.partitioned || (subscription.tenant ?? TenantConfig.defaultId) == client.access.tenant
    }

    /// Answers as for a missing subscription unless subscription `id` is the token's tenant's.
    func checkWebhook<T>(_ id: String, _ client: TokenAuthenticator.Client, _ reports: any AccountReporting,
                         answeringAs lookup: (String) async throws -> T) async throws {
        guard client.access.partitioned else { return }
        if try await reports.webhookList().contains(where: { $0.id == id && Self.owns(client, $0) }) { return }
        try await missing(lookup)
    }
}
