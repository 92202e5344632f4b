/// What an API token allows.
public enum Scope: String, Sendable, Hashable, CaseIterable {
    /// Submit and cancel payments.
    case paymentsWrite = "payments:write"
    /// Read payments and their status.
    case paymentsRead = "payments:read"
    /// Operator actions: approve, release held payments, resolve unknown outcomes.
    case operate = "operate"
    /// Read the event feed.
    case eventsRead = "events:read"
    /// Read balances, bank transactions, statements and reconciliation reports (finance).
    case accountsRead = "accounts:read"
    /// Upload statements and declare expected payments.
    case accountsWrite = "accounts:write"
    /// Manage the signing keys' life cycle: bind, revoke, retire (and report lost, as `operate` may).
    case keysAdmin = "keys:admin"
    /// Read electronic receipts (电子回单): their metadata, links and files (finance).
    case receiptsRead = "receipts:read"
    /// Approve or reject payments waiting for approval (maker-checker); never one's own.
    case paymentsApprove = "payments:approve"
    /// Administration within the token's tenant: account status changes and the tenant view
    /// (`GET /v1/tenant`). A scope of its own, not a superset of the others.
    case admin = "admin"
}

/// How a token's secret is kept in the configuration.
public enum TokenSecret: Sendable, Hashable {
    /// `token`: the secret itself, at least 16 printable ASCII characters.
    case plain(String)
    /// `token_sha256`: the SHA-256 of the secret as 64 lowercase hexadecimal digits, so the file
    /// need not hold the secret.
    case sha256Hex(String)
}

/// `[[tokens]]`: one API client's bearer token and what it may do.
public struct TokenConfig: Sendable {
    /// Unique name, used in audit records (`[A-Za-z0-9_-]`).
    public var name: String
    /// The secret, plain or hashed.
    public var secret: TokenSecret
    /// What the token allows.
    public var scopes: Set<Scope>
    /// `rate_limit_per_second` and `rate_limit_burst`: the requests this token may make, on
    /// average and at once (a token bucket); `nil`: no limit.
    public var rateLimit: RateLimit?
    /// `client_certificate_sha256`: the SHA-256 of a client certificate (DER, 64 lowercase hex
    /// digits) that authenticates as this token over mutual TLS, without a bearer token.
    public var clientCertificateSHA256: String?
    /// `tenant`: the tenant the token acts in (`default` when no `[[tenants]]` are configured).
    public var tenant: String = TenantConfig.defaultId
    /// `pay_from`: the accounts the token may submit payments from; `nil`: every account it may read.
    public var payFrom: [String]?
    /// `read_accounts`: the accounts whose data the token may read; `nil`: every account of its
    /// tenant. A token may always read the accounts it may pay from.
    public var readAccounts: [String]?
    /// `pay_from` and `read_accounts` as written, with their lines, for the checks against accounts.
    var payFromGiven: [Located<String>] = []
    var readAccountsGiven: [Located<String>] = []

    /// A token bucket: `perSecond` requests a second on average, up to `burst` at once.
    public struct RateLimit: Sendable, Hashable {
        public var perSecond: Int
        public var burst: Int

        public init(perSecond: Int, burst: Int) {
            self.perSecond = perSecond
            self.burst = burst
        }
    }

    /// A token as the configuration file would give it; no checks are made here.
    public init(name: String, secret: TokenSecret, scopes: Set<Scope>) {
        self.name = name
        self.secret = secret
        self.scopes = scopes
    }

    /// The shortest plain token accepted.
    public static let minimumTokenLength = 16

    /// The keys of a `[[tokens]]` entry.
    static let keys = ["name", "token", "token_sha256", "scopes", "rate_limit_per_second", "rate_limit_burst",
                       "client_certificate_sha256", "tenant", "pay_from", "read_accounts"]

    static func decode(_ reader: TableReader, names: inout UniqueIdentifiers, tenantIds: [String: Int] = [:]) -> TokenConfig {
        let name = reader.string("name", required: true)
        if let name { names.check(name, key: "name", in: reader) }

        var secret = TokenSecret.plain("")
        let plain = reader.string("token", required: false)
        let hashed = reader.string("token_sha256", required: false)
        switch (plain, hashed) {
        case (nil, nil):
            if !reader.has("token") && !reader.has("token_sha256") && !reader.has("client_certificate_sha256") {
                reader.report("token", "one of token, token_sha256 or client_certificate_sha256 is required")
            }
        case (.some, .some):
            reader.report("token_sha256", "give either token or token_sha256, not both")
        case (let plain?, nil):
            let ok = plain.value.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7F }
            if plain.value.unicodeScalars.count < minimumTokenLength {
                reader.report("token", "must be at least \(minimumTokenLength) characters long", line: plain.line)
            } else if !ok {
                reader.report("token", "must be printable ASCII without spaces", line: plain.line)
            }
            secret = .plain(plain.value)
        case (nil, let hashed?):
            if hashed.value.utf8.count != 64 || !hashed.value.utf8.allSatisfy(ASCII.isHexDigit) {
                reader.report("token_sha256", "must be 64 hexadecimal digits (a SHA-256 digest)", line: hashed.line)
            }
            secret = .sha256Hex(hashed.value.lowercased())
        }

        var scopes: Set<Scope> = []
        if let list = reader.stringArray("scopes", required: true) {
            if list.isEmpty { reader.report("scopes", "must list at least one scope") }
            for (index, item) in list.enumerated() {
                let key = "scopes[\(index)]"
                guard let scope = Scope(rawValue: item.value) else {
                    let known = Scope.allCases.map(\.rawValue).joined(separator: ", ")
                    reader.report(key, "unknown scope \"\(item.value)\" (known: \(known))", line: item.line)
                    continue
                }
                if !scopes.insert(scope).inserted {
                    reader.report(key, "scope \"\(item.value)\" is listed twice", line: item.line)
                }
            }
        }
        var token = TokenConfig(name: name?.value ?? "", secret: secret, scopes: scopes)
        if let fingerprint = reader.string("client_certificate_sha256", required: false) {
            let hex = String(fingerprint.value.filter { $0 != ":" })
            if hex.utf8.count != 64 || !hex.utf8.allSatisfy(ASCII.isHexDigit) {
                reader.report("client_certificate_sha256", "must be the certificate's SHA-256 as 64 hexadecimal digits (colons allowed)",
                              line: fingerprint.line)
            }
            token.clientCertificateSHA256 = hex.lowercased()
        }
        if reader.has("rate_limit_per_second") {
            let perSecond = reader.integer("rate_limit_per_second", default: 1, range: 1...1_000_000)
            token.rateLimit = RateLimit(perSecond: perSecond,
                                        burst: reader.integer("rate_limit_burst", default: perSecond, range: 1...1_000_000))
        } else if reader.has("rate_limit_burst") {
            reader.report("rate_limit_burst", "needs rate_limit_per_second")
        }
        token.tenant = TenantConfig.tenant(of: reader, tenantIds: tenantIds)
        for key in ["pay_from", "read_accounts"] {
            guard let list = reader.stringArray(key, required: false) else { continue }
            if list.isEmpty { reader.report(key, "must list at least one account (leave it out for every account)") }
            var seen: Set<String> = []
            for (index, item) in list.enumerated() where !seen.insert(item.value).inserted {
                reader.report("\(key)[\(index)]", "account \"\(item.value)\" is listed twice", line: item.line)
            }
            if key == "pay_from" {
                token.payFromGiven = list
                token.payFrom = list.map(\.value)
            } else {
                token.readAccountsGiven = list
                token.readAccounts = list.map(\.value)
            }
        }
        return token
    }

    /// A certificate fingerprint needs client certificates on the API (`[server] tls_client_ca`), and
    /// names one token only.
    static func checkCertificates(_ tokens: [TokenConfig], lines: [Int], server: ServerConfig?, problems: ProblemList) {
        var seen: [String: Int] = [:]
        for (index, token) in tokens.enumerated() {
            guard let fingerprint = token.clientCertificateSHA256 else { continue }
            if let server, server.tls?.clientCAFile == nil {
                problems.add(line: lines[index], key: "tokens[\(index)].client_certificate_sha256",
                             "needs client certificates on the API: set [server] tls_certificate, tls_private_key and tls_client_ca")
            }
            if let first = seen[fingerprint] {
                problems.add(line: lines[index], key: "tokens[\(index)].client_certificate_sha256",
                             "names the same certificate as tokens[\(first)]")
            } else {
                seen[fingerprint] = index
            }
        }
    }

    /// Two tokens with the same secret could not be told apart: refuse that.
    static func checkDistinctSecrets(_ tokens: [TokenConfig], lines: [Int], problems: ProblemList) {
        var seen: [TokenSecret: Int] = [:]
        for (index, token) in tokens.enumerated() {
            switch token.secret {
            case .plain(""), .sha256Hex(""): continue
            default: break
            }
            if let first = seen[token.secret] {
                problems.add(line: lines[index], key: "tokens[\(index)]", "has the same secret as tokens[\(first)]; give each client its own token")
            } else {
                seen[token.secret] = index
            }
        }
    }
}
