import BankGateConfig
import BankGateCore
import BankGateEngine
import BankGateStore
import Hummingbird

/// Maker-checker: approve or reject a payment or a batch pending approval, and the pending list.
/// Only `payments:approve` tokens decide; the submitter never decides on its own payment.
extension APIEndpoints {
    func registerApprovalRoutes(on router: Router<APIRequestContext>) {
        router.post("/v1/payments/:id/approve") { request, context in
            try await decide(request, context, target: .payment(try pathID(context)), decision: .approve)
        }
        router.post("/v1/payments/:id/reject") { request, context in
            try await decide(request, context, target: .payment(try pathID(context)), decision: .reject)
        }
        router.post("/v1/payment-batches/:id/approve") { request, context in
            try await decide(request, context, target: .batch(try pathID(context)), decision: .approve)
        }
        router.post("/v1/payment-batches/:id/reject") { request, context in
            try await decide(request, context, target: .batch(try pathID(context)), decision: .reject)
        }
        router.get("/v1/approvals") { request, context in try await listApprovals(request, context) }
    }

    /// `POST …/approve|reject` with an optional `{"note": "…"}`: the decision and the payments as they are now.
    func decide(_ request: Request, _ context: APIRequestContext, target: ApprovalTarget,
                decision: ApprovalDecision) async throws -> Response {
        let client = try auth.authorize(request, anyOf: [.paymentsApprove])
        let body = try await RequestBodyReader.collect(request, maxBytes: maxBodyBytes)
        let note = body.readableBytes == 0 ? nil : try RequestBodyReader.parse(body, with: ApprovalNoteBody.parse(json:))
        // Another tenant's payment or batch: the answer for a missing one.
        switch target {
        case .payment(let id):
            try await checkPayment(id, client) { try await gateway.decideApproval(.payment($0), decision: decision, by: client.name, note: note) }
        case .batch(let id):
            if !client.access.seesEverything,
               (try? await gateway.batch(id: id))?.payments.allSatisfy({ client.access.mayRead($0.debtorAccountId) }) != true {
                try await missing { try await gateway.decideApproval(.batch($0), decision: decision, by: client.name, note: note) }
            }
        }
        let outcome = try await gateway.decideApproval(target, decision: decision, by: client.name, note: note)
        var writer = JSONWriter(capacity: 256 + outcome.payments.count * 1200)
        writer.beginObject()
        writer.field("decision", decision.rawValue)
        writer.field("principal", client.name)
        writer.field("approvals_given", outcome.given)
        writer.field("approvals_needed", outcome.needed)
        if case .batch(let id) = target { writer.field("batch_id", id) }
        writer.key("payments")
        writer.payments(outcome.payments)
        writer.endObject()
        return APIResponse.json(.ok, writer)
    }

    /// `GET /v1/approvals?limit=&cursor=`: payments pending approval, oldest first.
    func listApprovals(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let client = try auth.authorize(request, anyOf: [.paymentsApprove, .paymentsRead, .operate])
        let query = QueryParameters(request)
        let limit = try query.integer("limit", in: 1...Self.maxPageSize, default: 100)
        var page = try await gateway.pendingApprovals(limit: limit, cursor: query.string("cursor"))
        // Only the payments the token may read (a page may then hold fewer than `limit`).
        if !client.access.seesEverything { page.payments = page.payments.filter { client.access.mayRead($0.debtorAccountId) } }
        var writer = JSONWriter(capacity: 128 + page.payments.count * 600)
        writer.beginObject()
        writer.key("approvals")
        writer.beginArray()
        for payment in page.payments { writer.pendingApproval(payment) }
        writer.endArray()
        writer.field("next_cursor", page.nextCursor)
        writer.endObject()
        return APIResponse.json(.ok, writer)
    }
}

/// The optional body of an approval decision: `{"note": "…"}`.
enum ApprovalNoteBody {
    static func parse(json bytes: UnsafeRawBufferPointer) throws(GatewayError) -> String? {
        do throws(JSONReadError) {
            let object = try JSONObjectReader(try JSONObjectReader.document(bytes), path: "", knownKeys: ["note"])
            let note = try object.string("note")
            if let note, note.count > 500 { throw JSONReadError.wrongType("note", "at most 500 characters") }
            return note
        } catch {
            throw GatewayError(reading: error)
        }
    }
}
