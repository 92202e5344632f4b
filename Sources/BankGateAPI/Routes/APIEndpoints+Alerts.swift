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
        _ = try auth.authorize(request, anyOf: [.operate])
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
        let firings = try await alerts.firings(rule: query.string("rule"), from: from, afterId: afterId, limit: limit)
        var writer = JSONWriter(capacity: 128 + firings.count * 600)
        writer.beginObject()
        writer.key("alerts")
        writer.beginArray()
        for firing in firings { writer.alertFiring(firing) }
        writer.endArray()
        writer.field("next_cursor", firings.count == limit ? firings.last.map { String($0.id) } : nil)
        writer.endObject()
        return APIResponse.json(.ok, writer)
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
