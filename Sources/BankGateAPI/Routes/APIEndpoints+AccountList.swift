import BankGateConfig
import BankGateCore
import BankGateEngine
import BankGateStore
import Hummingbird

/// `GET /v1/accounts`: the configured accounts the token may read, with their bank, currency,
/// tenant, status, last statement and last balance.
extension APIEndpoints {
    func listAccounts(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let client = try auth.authorize(request, anyOf: [.operate, .accountsRead, .paymentsRead, .admin])
        let desk = try requireOperatorDesk()
        let access = client.access
        let listings = try await desk.accountList { access.mayRead($0) }
        var writer = JSONWriter(capacity: 256 + listings.count * 600)
        writer.beginObject()
        writer.key("accounts")
        writer.beginArray()
        for listing in listings { writer.accountListing(listing) }
        writer.endArray()
        writer.endObject()
        return APIResponse.json(.ok, writer)
    }
}

extension JSONWriter {
    /// One account of `GET /v1/accounts`.
    mutating func accountListing(_ listing: OperatorDesk.AccountListing) {
        let config = listing.config, overview = listing.overview
        beginObject()
        field("id", config.id)
        field("name", config.name)
        field("bank", config.bank)
        field("currency", config.currency.code)
        field("tenant", config.tenant)
        key("configured_active")
        bool(config.active)
        field("status", overview.status?.status.rawValue ?? AccountStatus.active.rawValue)
        field("status_reason", overview.status?.reason)
        field("status_changed_at", overview.status?.changedAt.iso8601)
        key("last_statement")
        if let statement = overview.lastStatement {
            beginObject()
            field("id", statement.id)
            field("period_end", statement.periodEnd)
            field("received_at", statement.receivedAt.iso8601)
            field("source", statement.source)
            endObject()
        } else {
            null()
        }
        key("last_balance")
        if let balance = overview.lastBalance {
            beginObject()
            field("type", balance.type)
            field("date", balance.date)
            field("amount", balance.amount.decimalString)
            field("currency", balance.amount.currency.code)
            field("statement_id", balance.statementId)
            field("recorded_at", balance.recordedAt.iso8601)
            endObject()
        } else {
            null()
        }
        endObject()
    }
}
