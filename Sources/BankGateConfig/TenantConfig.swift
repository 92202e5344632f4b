/// `[[tenants]]`: a company or business unit sharing the gateway. Its accounts and tokens name it
/// (`tenant = "id"`); a token sees and acts only on its tenant's accounts and what hangs off them.
public struct TenantConfig: Sendable, Hashable {
    /// Unique id (`[A-Za-z0-9_-]`) that accounts and tokens name.
    public var id: String
    /// A name for people (audit, the `/v1/tenant` view).
    public var name: String

    public init(id: String, name: String) {
        self.id = id
        self.name = name
    }

    /// The implicit tenant of a configuration without `[[tenants]]`: everything belongs to it.
    public static let defaultId = "default"

    /// The keys of a `[[tenants]]` entry.
    static let keys = ["id", "name"]

    static func decode(_ reader: TableReader, ids: inout UniqueIdentifiers) -> TenantConfig {
        let id = reader.string("id", required: true)
        if let id { ids.check(id, key: "id", in: reader) }
        let name = reader.string("name", required: true)
        if let name, name.value.isEmpty || name.value.count > 140 {
            reader.report("name", "must be 1 to 140 characters", line: name.line)
        }
        return TenantConfig(id: id?.value ?? "", name: name?.value ?? "")
    }

    /// The `tenant` key of an `[[accounts]]` or `[[tokens]]` entry: required once `[[tenants]]` are
    /// configured, and then one of them; without `[[tenants]]` only `"default"` may be written.
    static func tenant(of reader: TableReader, tenantIds: [String: Int]) -> String {
        let given = reader.string("tenant", required: false)
        if tenantIds.isEmpty {
            if let given, given.value != defaultId {
                reader.report("tenant", "names \"\(given.value)\" but no [[tenants]] are configured (only \"default\" exists)",
                              line: given.line)
            }
            return defaultId
        }
        guard let given else {
            let known = tenantIds.keys.sorted().joined(separator: ", ")
            reader.report("tenant", "is required once [[tenants]] are configured (configured: \(known))")
            return ""
        }
        if tenantIds[given.value] == nil {
            let known = tenantIds.keys.sorted().joined(separator: ", ")
            reader.report("tenant", "no [[tenants]] entry has id \"\(given.value)\" (configured: \(known))", line: given.line)
        }
        return given.value
    }
}

/// Which tenant each account belongs to, as the API and the store need it.
public struct TenantDirectory: Sendable {
    /// Whether `[[tenants]]` are configured; `false`: one implicit tenant, nothing is separated.
    public let isPartitioned: Bool
    /// The tenants: the configured ones, or the implicit `default`.
    public let tenants: [TenantConfig]
    /// Account id → tenant id.
    public let tenantOfAccount: [String: String]

    /// One implicit tenant that holds every account (a configuration without `[[tenants]]`).
    public init() {
        isPartitioned = false
        tenants = [TenantConfig(id: TenantConfig.defaultId, name: "default")]
        tenantOfAccount = [:]
    }

    public init(tenants: [TenantConfig], accounts: [AccountConfig]) {
        isPartitioned = !tenants.isEmpty
        self.tenants = tenants.isEmpty ? [TenantConfig(id: TenantConfig.defaultId, name: "default")] : tenants
        tenantOfAccount = Dictionary(accounts.map { ($0.id, $0.tenant) }, uniquingKeysWith: { first, _ in first })
    }

    /// The ids of `tenant`'s accounts, sorted.
    public func accounts(of tenant: String) -> [String] {
        tenantOfAccount.filter { $0.value == tenant }.map(\.key).sorted()
    }
}

extension BankGateConfiguration {
    /// The tenants with their accounts.
    public var tenantDirectory: TenantDirectory {
        TenantDirectory(tenants: tenants, accounts: accounts)
    }
}

extension TokenConfig {
    /// `pay_from` and `read_accounts` must name accounts of the token's own tenant.
    static func checkAccountSets(_ tokens: [TokenConfig], accounts: [AccountConfig], problems: ProblemList) {
        let tenantOfAccount = Dictionary(accounts.map { ($0.id, $0.tenant) }, uniquingKeysWith: { first, _ in first })
        for (index, token) in tokens.enumerated() {
            for (key, list) in [("pay_from", token.payFromGiven), ("read_accounts", token.readAccountsGiven)] {
                for (position, item) in list.enumerated() {
                    let path = "tokens[\(index)].\(key)[\(position)]"
                    guard let tenant = tenantOfAccount[item.value] else {
                        problems.add(line: item.line, key: path, "no [[accounts]] entry has id \"\(item.value)\"")
                        continue
                    }
                    if tenant != token.tenant {
                        problems.add(line: item.line, key: path,
                                     "account \"\(item.value)\" belongs to tenant \"\(tenant)\", not to the token's tenant \"\(token.tenant)\"")
                    }
                }
            }
        }
    }
}
