import BankGateConfig
import BankGateCore
import BankGateEngine
import Hummingbird

/// `GET /v1/tenant` (scope `admin`): the caller's tenant, the accounts it may read and the
/// tenant's tokens with their scopes and restrictions — never a secret or a digest.
extension APIEndpoints {
    func registerTenantRoutes(on router: Router<APIRequestContext>) {
        router.get("/v1/tenant") { request, context in try await showTenant(request, context) }
    }

    func showTenant(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let client = try auth.authorize(request, anyOf: [.admin])
        let access = client.access
        let tenant = auth.directory.tenants.first { $0.id == access.tenant }
            ?? TenantConfig(id: access.tenant, name: access.tenant)
        let accounts = gateway.accounts.values
            .filter { access.mayRead($0.account.id) }
            .sorted { $0.account.id < $1.account.id }
        let tokens = auth.clients.filter { $0.access.tenant == access.tenant }.sorted { $0.name < $1.name }
        var writer = JSONWriter(capacity: 512 + accounts.count * 160 + tokens.count * 256)
        writer.beginObject()
        writer.field("id", tenant.id)
        writer.field("name", tenant.name)
        writer.key("partitioned")
        writer.bool(access.partitioned)
        writer.key("accounts")
        writer.beginArray()
        for info in accounts {
            writer.beginObject()
            writer.field("id", info.account.id)
            writer.field("bank", info.account.bankId)
            writer.field("currency", info.account.currency.code)
            writer.key("active")
            writer.bool(info.active)
            writer.endObject()
        }
        writer.endArray()
        writer.key("tokens")
        writer.beginArray()
        for token in tokens {
            writer.beginObject()
            writer.field("name", token.name)
            writer.field("scopes", token.scopes.map(\.rawValue).sorted())
            writer.key("pay_from")
            if let list = token.token?.payFrom { writer.stringArray(list) } else { writer.null() }
            writer.key("read_accounts")
            if let list = token.token?.readAccounts { writer.stringArray(list) } else { writer.null() }
            if let limit = token.token?.rateLimit {
                writer.field("rate_limit_per_second", limit.perSecond)
                writer.field("rate_limit_burst", limit.burst)
            }
            writer.endObject()
        }
        writer.endArray()
        writer.endObject()
        return APIResponse.json(.ok, writer)
    }
}

extension JSONWriter {
    /// `["a", "b"]`.
    mutating func stringArray(_ values: [String]) {
        beginArray()
        for value in values { string(value) }
        endArray()
    }
}
