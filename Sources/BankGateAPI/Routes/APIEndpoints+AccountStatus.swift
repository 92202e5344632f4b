import BankGateConfig
import BankGateCore
import BankGateEngine
import BankGateStore
import Hummingbird

/// An account's status: `active`, `frozen` or `closed`, set by an operator with a reason.
extension APIEndpoints {
    func registerAccountStatusRoutes(on router: Router<APIRequestContext>) {
        router.get("/v1/accounts/:id/status") { request, context in try await accountStatus(request, context) }
        router.post("/v1/accounts/:id/status") { request, context in try await setAccountStatus(request, context) }
    }

    /// `GET /v1/accounts/{id}/status`.
    func accountStatus(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let client = try auth.authorize(request, anyOf: [.operate, .accountsRead, .paymentsRead, .admin])
        return Self.statusAnswer(try await gateway.accountStatus(accountId: try accountID(context, client)))
    }

    /// `POST /v1/accounts/{id}/status` with `{"status": "frozen", "reason": "…"}` (a reason is
    /// required to freeze or close): audited, announced as `account.status_changed`.
    func setAccountStatus(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let client = try auth.authorize(request, anyOf: [.operate, .admin])
        let body = try await RequestBodyReader.collect(request, maxBytes: maxBodyBytes)
        let (status, reason) = try RequestBodyReader.parse(body, with: AccountStatusBody.parse(json:))
        let record = try await gateway.setAccountStatus(accountId: try accountID(context, client), to: status, reason: reason, by: client.name)
        return Self.statusAnswer(record)
    }

    static func statusAnswer(_ record: AccountStatusRecord) -> Response {
        var writer = JSONWriter(capacity: 256)
        writer.beginObject()
        writer.field("account", record.accountId)
        writer.field("status", record.status.rawValue)
        writer.field("reason", record.reason)
        writer.field("changed_by", record.changedBy)
        writer.field("changed_at", record.changedAt.milliseconds == 0 ? nil : record.changedAt.iso8601)
        writer.endObject()
        return APIResponse.json(.ok, writer)
    }
}

/// The body of `POST /v1/accounts/{id}/status`.
enum AccountStatusBody {
    static func parse(json bytes: UnsafeRawBufferPointer) throws(GatewayError) -> (AccountStatus, String?) {
        do throws(JSONReadError) {
            let object = try JSONObjectReader(try JSONObjectReader.document(bytes), path: "", knownKeys: ["status", "reason"])
            guard let text = try object.string("status") else { throw JSONReadError.missingField("status") }
            guard let status = AccountStatus(rawValue: text) else {
                throw JSONReadError.wrongType("status", "active, frozen or closed")
            }
            let reason = try object.string("reason")
            if let reason, reason.count > 500 { throw JSONReadError.wrongType("reason", "at most 500 characters") }
            return (status, reason)
        } catch {
            throw GatewayError(reading: error)
        }
    }
}
