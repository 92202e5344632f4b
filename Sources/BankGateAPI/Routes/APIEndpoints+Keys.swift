import BankGateConfig
import BankGateCore
import BankGateEngine
import BankGateStore
import Hummingbird

/// `/v1/keys`: the signing keys' life cycle. Reading, and reporting a key lost (which only stops
/// signing, and is urgent), take `keys:admin` or `operate`; binding, revoking and retiring take
/// `keys:admin`. Every step is audited with the token's name as the actor.
extension APIEndpoints {
    func registerKeyRoutes(on router: Router<APIRequestContext>) {
        router.get("/v1/keys") { request, context in try await listKeys(request, context) }
        router.get("/v1/keys/:id") { request, context in try await showKey(request, context) }
        router.post("/v1/keys/:id/bind") { request, context in try await bindKey(request, context) }
        router.post("/v1/keys/:id/report-lost") { request, context in try await changeKey(request, context, to: .lost) }
        router.post("/v1/keys/:id/revoke") { request, context in try await changeKey(request, context, to: .revoked) }
        router.post("/v1/keys/:id/retire") { request, context in try await changeKey(request, context, to: .retired) }
    }

    func requireKeys() throws(GatewayError) -> any SigningKeyAdministration {
        guard let keys else { throw GatewayError(.notFound, code: .notFound, message: "signing key management is not enabled") }
        return keys
    }

    /// `GET /v1/keys`: `{"keys": [...]}`.
    func listKeys(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        _ = try auth.authorize(request, anyOf: [.keysAdmin, .operate])
        let records = try await requireKeys().keys()
        return APIResponse.list(.ok, "keys", records, bytesPerItem: 400) { $0.signingKey($1) }
    }

    /// `GET /v1/keys/{id}`: the key with its `history`.
    func showKey(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        _ = try auth.authorize(request, anyOf: [.keysAdmin, .operate])
        let (key, history) = try await requireKeys().key(id: try pathID(context))
        var writer = JSONWriter(capacity: 512 + history.count * 200)
        writer.signingKey(key, history: history)
        return APIResponse.json(.ok, writer)
    }

    /// `POST /v1/keys/{id}/bind` with `{"accounts": [...], "role": "…", "replaces": "…", "reason": "…"}`.
    func bindKey(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let client = try auth.authorize(request, anyOf: [.keysAdmin])
        let keys = try requireKeys()
        let body = try await RequestBodyReader.collect(request, maxBytes: maxBodyBytes)
        let (binding, reason) = try RequestBodyReader.parse(body, with: KeyRequestBodies.binding(json:))
        let record = try await keys.bind(id: try pathID(context), binding: binding, actor: client.name, reason: reason)
        var writer = JSONWriter(capacity: 512)
        writer.signingKey(record)
        return APIResponse.json(.ok, writer)
    }

    /// `POST /v1/keys/{id}/report-lost|revoke|retire` with `{"reason": "…"}` (required).
    func changeKey(_ request: Request, _ context: APIRequestContext, to state: SigningKeyState) async throws -> Response {
        let client = try auth.authorize(request, anyOf: state == .lost ? [.keysAdmin, .operate] : [.keysAdmin])
        let keys = try requireKeys()
        let body = try await RequestBodyReader.collect(request, maxBytes: maxBodyBytes)
        let reason = try RequestBodyReader.parse(body, with: KeyRequestBodies.reason(json:))
        let record = try await keys.change(id: try pathID(context), to: state, actor: client.name, reason: reason)
        var writer = JSONWriter(capacity: 512)
        writer.signingKey(record)
        return APIResponse.json(.ok, writer)
    }
}

/// The bodies of the key routes.
enum KeyRequestBodies {
    /// `{"accounts": ["id", …], "role": "…", "replaces": "…", "reason": "…"}`: at least one account
    /// and a role; `replaces` and `reason` optional.
    static func binding(json bytes: UnsafeRawBufferPointer) throws(GatewayError) -> (SigningKeyBinding, String?) {
        do throws(JSONReadError) {
            let object = try JSONObjectReader(try JSONObjectReader.document(bytes), path: "",
                                              knownKeys: ["accounts", "role", "replaces", "reason"])
            guard let list = try object.array("accounts") else { throw missing("accounts") }
            var accounts: [String] = []
            for (index, element) in list.enumerated() {
                guard case .string(let account) = element, !account.isEmpty else {
                    throw JSONReadError.wrongType("accounts[\(index)]", "an account id")
                }
                if !accounts.contains(account) { accounts.append(account) }
            }
            guard !accounts.isEmpty else { throw missing("accounts") }
            guard let role = try object.string("role"), !role.isEmpty else { throw missing("role") }
            let reason = try object.string("reason")
            try checkLength(role, "role")
            if let reason { try checkLength(reason, "reason") }
            return (SigningKeyBinding(accounts: accounts, role: role, replaces: try object.string("replaces")), reason)
        } catch {
            throw GatewayError(reading: error)
        }
    }

    /// `{"reason": "…"}`, required, at most 500 characters.
    static func reason(json bytes: UnsafeRawBufferPointer) throws(GatewayError) -> String {
        do throws(JSONReadError) {
            let object = try JSONObjectReader(try JSONObjectReader.document(bytes), path: "", knownKeys: ["reason"])
            guard let reason = try object.string("reason"), !reason.isEmpty else { throw missing("reason") }
            try checkLength(reason, "reason")
            return reason
        } catch {
            throw GatewayError(reading: error)
        }
    }

    private static func missing(_ field: String) -> JSONReadError { .missingField(field) }

    private static func checkLength(_ text: String, _ field: String) throws(JSONReadError) {
        if text.count > 500 { throw .wrongType(field, "at most 500 characters") }
    }
}
