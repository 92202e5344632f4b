import BankGateConfig
import BankGateCore
import BankGateEngine
import BankGateStore
import Hummingbird

/// Operator actions in bulk: `POST /v1/payments/retry`, `/release` and `/cancel` with a filter
/// body. Each payment goes through the single action (`/v1/payments/{id}/retry|release|cancel`):
/// its rules, its transaction with the audit record and the event. Payments it refuses are
/// skipped and reported with its error code. Scope `operate`; tenants respected.
extension APIEndpoints {
    func registerOperatorRoutes(on router: Router<APIRequestContext>) {
        router.post("/v1/payments/retry") { request, context in try await bulkAction(.retry, request, context) }
        router.post("/v1/payments/release") { request, context in try await bulkAction(.release, request, context) }
        router.post("/v1/payments/cancel") { request, context in try await bulkAction(.cancel, request, context) }
        router.get("/v1/bank-exchanges") { request, context in try await listExchanges(request, context) }
        router.get("/v1/bank-exchanges/:id") { request, context in try await showExchange(request, context) }
        router.get("/v1/accounts") { request, context in try await listAccounts(request, context) }
    }

    /// `{"bank", "account", "status", "hold_kind", "from", "to", "limit", "dry_run"}` → `{"action",
    /// "dry_run", "changed": [{"id", "status", "with_payment"}], "skipped": [{"id", "code",
    /// "message"}], "more"}`.
    func bulkAction(_ action: BulkPaymentAction, _ request: Request, _ context: APIRequestContext) async throws -> Response {
        let client = try auth.authorize(request, anyOf: [.operate])
        let desk = try requireOperatorDesk()
        let body = try await RequestBodyReader.collect(request, maxBytes: maxBodyBytes)
        let parsed = try RequestBodyReader.parse(body, with: BulkActionBody.parse(json:))
        var filter = parsed.filter
        let dryRun = parsed.dryRun
        let access = client.access
        try desk.checkFilter(bankId: filter.bankId, accountId: filter.accountId, mayRead: { access.mayRead($0) }, kind: .validation)
        if let account = filter.accountId {
            filter.accountId = accountParameter(account, client)
        } else {
            filter.accountIds = readableAccounts(client)
        }
        let result = try await desk.bulk(action, filter: filter, dryRun: dryRun, by: client.name, asOperator: true)
        var writer = JSONWriter(capacity: 256 + result.changed.count * 80 + result.skipped.count * 160)
        writer.beginObject()
        writer.field("action", result.action.rawValue)
        writer.key("dry_run"); writer.bool(result.dryRun)
        writer.key("changed")
        writer.beginArray()
        for changed in result.changed {
            writer.beginObject()
            writer.field("id", changed.id)
            writer.field("status", changed.status.rawValue)
            writer.field("with_payment", changed.withPayment)
            writer.endObject()
        }
        writer.endArray()
        writer.key("skipped")
        writer.beginArray()
        for skipped in result.skipped {
            writer.beginObject()
            writer.field("id", skipped.id)
            writer.field("code", skipped.code)
            writer.field("message", skipped.message)
            writer.endObject()
        }
        writer.endArray()
        writer.key("more"); writer.bool(result.more)
        writer.endObject()
        return APIResponse.json(.ok, writer)
    }
}

/// The filter body of the bulk actions; an empty body is no filter (the action's default status:
/// `failed` for retry, `held` for release and cancel).
enum BulkActionBody {
    static let keys = ["bank", "account", "status", "hold_kind", "from", "to", "limit", "dry_run"]

    static func parse(json bytes: UnsafeRawBufferPointer) throws(GatewayError) -> (filter: BulkPaymentFilter, dryRun: Bool) {
        var filter = BulkPaymentFilter(limit: OperatorDesk.maxBulkPayments)
        guard !bytes.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) else { return (filter, false) }
        let from: String?, to: String?, dryRun: Bool
        do throws(JSONReadError) {
            let object = try JSONObjectReader(try JSONObjectReader.document(bytes), path: "", knownKeys: keys)
            filter.bankId = try object.string("bank")
            filter.accountId = try object.string("account")
            if let text = try object.string("status") {
                guard let status = PaymentStatus(rawValue: text) else {
                    throw JSONReadError.wrongType("status", "one of " + PaymentStatus.allCases.map(\.rawValue).joined(separator: ", "))
                }
                filter.status = status
            }
            if let text = try object.string("hold_kind") {
                guard let kind = BulkHoldKind(rawValue: text) else {
                    throw JSONReadError.wrongType("hold_kind", "one of " + BulkHoldKind.allCases.map(\.rawValue).joined(separator: ", "))
                }
                filter.holdKind = kind
            }
            if let limit = try object.integer("limit") {
                guard (1...OperatorDesk.maxBulkPayments).contains(limit) else {
                    throw JSONReadError.wrongType("limit", "an integer from 1 to \(OperatorDesk.maxBulkPayments)")
                }
                filter.limit = limit
            }
            from = try object.string("from")
            to = try object.string("to")
            dryRun = try object.bool("dry_run") ?? false
        } catch {
            throw GatewayError(reading: error)
        }
        (filter.from, filter.until) = try OperatorTimeRange.parse(from: from, to: to)
        return (filter, dryRun)
    }
}
