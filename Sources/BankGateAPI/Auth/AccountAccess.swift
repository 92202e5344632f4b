import BankGateConfig
import BankGateEngine

/// What one token may see and pay from: its tenant and its account sets. The one place that
/// answers "may this principal read account X / pay from X / see this event".
///
/// Without `[[tenants]]` and without `pay_from`/`read_accounts` both sets are `nil` and every
/// check is a constant `true`: the single-tenant path does no extra work.
struct AccountAccess: Sendable, Hashable {
    /// The token's tenant.
    let tenant: String
    /// Whether `[[tenants]]` are configured: events and webhooks are then separated by tenant.
    let partitioned: Bool
    /// The accounts whose data the token may read; `nil`: every account.
    let readable: Set<String>?
    /// The accounts the token may submit payments from; `nil`: every account.
    let payable: Set<String>?

    /// Everything, as a configuration without tenants or restrictions gives it.
    static let everything = AccountAccess(tenant: TenantConfig.defaultId, partitioned: false, readable: nil, payable: nil)

    init(tenant: String, partitioned: Bool, readable: Set<String>?, payable: Set<String>?) {
        self.tenant = tenant
        self.partitioned = partitioned
        self.readable = readable
        self.payable = payable
    }

    /// The access of `token` in `directory`: its tenant's accounts, narrowed by `read_accounts`
    /// (plus what it may pay from) and `pay_from` (default: what it may read).
    init(token: TokenConfig, directory: TenantDirectory) {
        tenant = token.tenant
        partitioned = directory.isPartitioned
        let tenantAccounts: Set<String>? = directory.isPartitioned ? Set(directory.accounts(of: token.tenant)) : nil
        let payFrom = token.payFrom.map(Set.init)
        if let listed = token.readAccounts {
            readable = Set(listed).union(payFrom ?? [])
        } else {
            readable = tenantAccounts
        }
        payable = payFrom ?? readable
    }

    /// Whether every account is visible (no tenant, no restriction): lists need no filter.
    var seesEverything: Bool { readable == nil }

    func mayRead(_ accountId: String) -> Bool { readable?.contains(accountId) ?? true }

    func mayPay(from accountId: String) -> Bool { payable?.contains(accountId) ?? true }

    /// Whether an event of `eventTenant` (nil: about no account, such as a bank's or a key's) is
    /// shown: without tenants every event; with tenants the token's own, and those about no
    /// account only to the tenant `default`.
    func seesEvent(tenant eventTenant: String?) -> Bool {
        guard partitioned else { return true }
        return (eventTenant ?? TenantConfig.defaultId) == tenant
    }

    /// `accounts` narrowed to what may be paid from (the intake validator's view).
    func payableAccounts(_ accounts: [String: AccountInfo]) -> [String: AccountInfo] {
        guard let payable else { return accounts }
        return accounts.filter { payable.contains($0.key) }
    }
}
