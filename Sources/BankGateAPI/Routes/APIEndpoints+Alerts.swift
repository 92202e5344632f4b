import BankGateConfig
import BankGateCore
import BankGateEngine
import BankGateStore
import Hummingbird

/// The alert rules' firings (operators).
extension APIEndpoints {
    /// Largest page of `GET /v1/alerts`.
    static let maxAlertPage = 1000

    /// `GET /v1/alerts?rule=&from=YYYY-MM-DD&cursor=&limit=`: firings oldest first, `next_cursor`
    /// when the page is full.
    func listAlerts(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let client = try auth.authorize(request, anyOf: [.operate])
        guard let alerts else { throw GatewayError(.notFound, code: .notFound, message: "alert rules are not available here") }
        let query = QueryParameters(request)
        var from: Timestamp?
        if let text = query.string("from") {
            guard let day = Timestamp.parseDate(text) else {
                throw GatewayError(.badRequest, code: .invalidParameter, message: "from must be a date YYYY-MM-DD (UTC)", field: "from")
            }
            from = day
        }
        var afterId: Int64?
        if let text = query.string("cursor") {
            guard let id = Int64(text), id >= 0 else {
                throw GatewayError(.badRequest, code: .invalidParameter, message: "cursor must be a next_cursor of this list", field: "cursor")
            }
            afterId = id
        }
        let limit = try query.integer("limit", in: 1...Self.maxAlertPage, default: 100)
        let page = try await alerts.firings(rule: query.string("rule"), from: from, afterId: afterId, limit: limit)
        var firings: [AlertFiring] = []
        for firing in page where await mayRead(firing, client) { firings.append(firing) }
        var writer = JSONWriter(capacity: 128 + firings.count * 600)
        writer.beginObject()
        writer.key("alerts")
        writer.beginArray()
        for firing in firings { writer.alertFiring(firing) }
        writer.endArray()
        writer.field("next_cursor", page.count == limit ? page.last.map { String($0.id) } : nil)
        writer.endObject()
        return APIResponse.json(.ok, writer)
    }
}

extension APIEndpoints {
    /// Whether `client` sees `firing`: a payment's when it may read the payment's account, a
    /// statement's when it may read the account the details name, the others (banks, keys) as the
    /// feed's events without a tenant. A page may so hold fewer firings than `limit`.
    func mayRead(_ firing: AlertFiring, _ client: TokenAuthenticator.Client) async -> Bool {
        if client.access.seesEverything { return true }
        if let paymentId = firing.paymentId {
            guard let detail = try? await gateway.payment(id: paymentId) else { return false }
            return client.access.mayRead(detail.payment.debtorAccountId)
        }
        if firing.subjectKind.hasPrefix("statement") {
            let details = Array(firing.detailsJSON.utf8)
            guard let object = try? JSONObjectReader(try JSONObjectReader.document(details), path: ""),
                  let account = try? object.string("account") else { return false }
            return client.access.mayRead(account)
        }
        return client.access.seesEvent(tenant: nil)
    }
}

extension JSONWriter {
    /// One firing: `id` (`alf_…`), rule, condition, subject, payment, when, details.
    mutating func alertFiring(_ firing: AlertFiring) {
        beginObject()
        field("id", "alf_\(firing.id)")
        field("rule", firing.rule)
        field("condition", firing.condition)
        field("subject_kind", firing.subjectKind)
        field("subject_id", firing.subjectId)
        field("occurrence", firing.occurrence)
        field("payment_id", firing.paymentId)
        field("fired_at", firing.firedAt.iso8601)
        key("details")
        raw(firing.detailsJSON)
        endObject()
    }
}
