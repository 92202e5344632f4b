public import BankGateCore

/// Tenants in the store: which tenant each account belongs to, so that every event appended is
/// marked with its account's tenant (`outbox_events.tenant`), and the feed and webhooks can be
/// separated by tenant.
extension PaymentStore {
    /// Makes `tenantOfAccount` (account id → tenant id; empty without `[[tenants]]`) the store's
    /// view, replacing the one before; audited when it changed. Returns whether it changed.
    @discardableResult
    public func assignTenants(_ tenantOfAccount: [String: String], at: Timestamp) async throws -> Bool {
        try await database.write { db in
            let current = try db.query("SELECT account_id, tenant FROM account_tenants", []) { row in
                try (row.text("account_id"), row.text("tenant"))
            }
            let stored = Dictionary(current, uniquingKeysWith: { first, _ in first })
            guard stored != tenantOfAccount else { return false }
            try db.run("DELETE FROM account_tenants", [])
            for (account, tenant) in tenantOfAccount.sorted(by: { $0.key < $1.key }) {
                try db.run("INSERT INTO account_tenants (account_id, tenant) VALUES (?, ?)", [.text(account), .text(tenant)])
            }
            let summary = Dictionary(grouping: tenantOfAccount, by: \.value)
                .sorted { $0.key < $1.key }
                .map { tenant, accounts in "\(tenant): " + accounts.map(\.key).sorted().joined(separator: ",") }
                .joined(separator: "; ")
            try StoreJournal.audit(db, at: at, actor: "system", action: "tenants.assigned", subject: ("configuration", "tenants"),
                                   details: summary.isEmpty ? "no tenants: one implicit tenant" : summary)
            return true
        }
    }

    /// `items` as a JSON array of strings, for `json_each(?)` in queries.
    static func jsonArray(_ items: [String]) -> String {
        var writer = JSONWriter(capacity: 16 + items.count * 24)
        writer.beginArray()
        for item in items { writer.string(item) }
        writer.endArray()
        return writer.text
    }
}
