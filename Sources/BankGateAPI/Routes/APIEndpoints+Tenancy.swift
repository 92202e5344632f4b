import BankGateConfig
import BankGateEngine
import BankGateStore
import Hummingbird

/// How routes keep a token within its tenant and its account sets (``AccountAccess``).
///
/// The rule: another tenant's object (or an account outside `read_accounts`) is answered exactly
/// as one that does not exist. Routes get that answer from the call they make anyway, asked for
/// ``absentID`` — an id no object can have — so the code, message and status cannot drift apart.
///
/// A new route applies it in one of three ways: an account in its path goes through
/// ``accountID(_:_:)``; an object found by id is checked after the lookup with
/// `client.access.mayRead(account)` and, when refused, answered with ``missing(_:)`` over the
/// same lookup; a list narrows its query with `access.readable` (nil: no filter).
extension APIEndpoints {
    /// An id that no configured account or stored object has (ids are `[A-Za-z0-9_-]`).
    static let absentID = "\u{1}"

    /// Throws what `lookup` throws for an object that does not exist (its 404), so that a refused
    /// object is indistinguishable from a missing one.
    func missing<T>(_ lookup: (String) async throws -> T) async throws -> Never {
        _ = try await lookup(Self.absentID)
        throw GatewayError(.notFound, code: .notFound, message: "not found")
    }

    /// The `{id}` of an account route when the token may read that account, else ``absentID``:
    /// the route then answers as for an account that is not configured.
    func accountID(_ context: APIRequestContext, _ client: TokenAuthenticator.Client) throws(GatewayError) -> String {
        let id = try pathID(context)
        return client.access.mayRead(id) ? id : Self.absentID
    }

    /// An `account` query parameter narrowed the same way (`nil` stays `nil`).
    func accountParameter(_ value: String?, _ client: TokenAuthenticator.Client) -> String? {
        guard let value else { return nil }
        return client.access.mayRead(value) ? value : Self.absentID
    }

    /// The accounts a list without `account` must be narrowed to: `nil` for a token that sees
    /// every account, else its readable accounts, sorted.
    func readableAccounts(_ client: TokenAuthenticator.Client) -> [String]? {
        client.access.readable.map { $0.sorted() }
    }

    /// Answers as for a missing payment unless the token may read payment `id`'s debtor account.
    /// No lookup at all for a token that sees every account.
    func checkPayment<T>(_ id: String, _ client: TokenAuthenticator.Client,
                         answeringAs lookup: (String) async throws -> T) async throws {
        guard !client.access.seesEverything else { return }
        let account = try? await gateway.payment(id: id).payment.debtorAccountId
        if let account, client.access.mayRead(account) { return }
        try await missing(lookup)
    }
}
