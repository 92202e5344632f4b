import BankGateCore
import BankGateCrypto
import BankGateConfig
import BankGateEngine
import Hummingbird

/// Checks `Authorization: Bearer <token>` — or, over mutual TLS, the client certificate — against
/// the configured tokens and their scopes.
///
/// A bearer token, when sent, decides alone; without one, a verified client certificate whose
/// SHA-256 a token names (`client_certificate_sha256`) stands for that token. (Only connections
/// with client certificates set the header that carries it, and strip it from clients; the
/// configuration refuses `client_certificate_sha256` unless the API asks for client certificates.)
///
/// The presented token is hashed once with SHA-256 and compared, in constant time, with the
/// digest of every configured token (plain secrets are hashed at start-up, `token_sha256`
/// entries are used as given), so neither a plain secret nor a digest leaks through timing.
struct TokenAuthenticator: Sendable {
    /// A configured token as the authenticator keeps it.
    struct Client: Sendable {
        var name: String
        /// The SHA-256 of the bearer token; `nil` for a certificate-only principal.
        var digest: [UInt8]?
        var scopes: Set<Scope>
        /// `client_certificate_sha256`, lowercase hex.
        var certificate: String? = nil
        /// Its tenant and the accounts it may read and pay from.
        var access: AccountAccess = .everything
        /// Its configuration entry (for the tenant view; the secret is never shown).
        var token: TokenConfig? = nil
    }

    let clients: [Client]
    let rateLimiter: TokenRateLimiter

    /// The tenants and their accounts.
    let directory: TenantDirectory

    init(tokens: [TokenConfig], tenants: TenantDirectory = TenantDirectory(), clock: any WallClock = SystemClock()) {
        rateLimiter = TokenRateLimiter(tokens: tokens, clock: clock)
        directory = tenants
        clients = tokens.compactMap { token in
            let digest: [UInt8]?
            switch token.secret {
            case .plain(let secret): digest = secret.isEmpty ? nil : SHA256.digest(Array(secret.utf8))
            case .sha256Hex(let hex): digest = SHA256.parseHex(hex)
            }
            guard digest != nil || token.clientCertificateSHA256 != nil else { return nil }
            return Client(name: token.name, digest: digest, scopes: token.scopes, certificate: token.clientCertificateSHA256,
                          access: AccountAccess(token: token, directory: tenants), token: token)
        }
    }

    /// The client holding the bearer token of `request` if it has any of `scopes`.
    ///
    /// - Throws: `unauthorized` when the token is missing or unknown, `rate_limited` (429, with
    ///   `Retry-After`) when it is over its rate limit, `forbidden` naming the scope needed when the
    ///   token lacks it.
    func authorize(_ request: Request, anyOf scopes: [Scope]) throws(GatewayError) -> Client {
        let header = request.headers[.authorization]
        guard let client = header != nil ? authenticate(header) : authenticate(certificate: request.headers[APITLS.certificateHeader]) else {
            throw GatewayError(.unauthorized, code: .unauthorized, message: "a valid bearer token is required")
        }
        if let seconds = rateLimiter.take(client.name) {
            throw GatewayError(.tooManyRequests, code: .rateLimited,
                               message: "token \(client.name) is over its rate limit; retry after \(seconds) s", retryAfterSeconds: seconds)
        }
        guard scopes.contains(where: client.scopes.contains) else {
            let needed = scopes.map(\.rawValue).joined(separator: " or ")
            var refusal = GatewayError(.forbidden, code: .forbidden, message: "this token lacks the scope \(needed)")
            refusal.principal = client.name
            throw refusal
        }
        return client
    }

    /// The client whose token is in an `Authorization` header value, if any.
    func authenticate(_ header: String?) -> Client? {
        guard let header, let token = Self.bearerToken(header) else { return nil }
        let digest = SHA256.digest(token.utf8)
        var match: Client?
        // Compare with every client, without stopping at the first match.
        for client in clients {
            guard let expected = client.digest else { continue }
            if ConstantTime.equal(expected, digest), match == nil { match = client }
        }
        return match
    }

    /// The client a verified client certificate (its SHA-256, set by ``ClientCertificateStamp``)
    /// stands for, if any. The fingerprint is public (it is in the certificate), so no constant time.
    func authenticate(certificate fingerprint: String?) -> Client? {
        guard let fingerprint, !fingerprint.isEmpty else { return nil }
        return clients.first { $0.certificate == fingerprint }
    }

    /// The token of `Bearer <token>` (scheme case-insensitive), or `nil`.
    static func bearerToken(_ header: String) -> Substring? {
        let scheme = "bearer "
        guard header.utf8.count > scheme.utf8.count,
              header.utf8.prefix(scheme.utf8.count).elementsEqual(scheme.utf8, by: { ($0 | 0x20) == $1 })
        else { return nil }
        let token = header.dropFirst(scheme.count).drop(while: { $0 == " " })
        let trimmed = token.reversed().drop(while: { $0 == " " }).count
        let result = token.prefix(trimmed)
        return result.isEmpty ? nil : result
    }
}
