import BankGateCore
public import BankGateStore

/// What the key routes call: the signing keys' life cycle (the U-key, U盾), kept in the store.
/// Each method throws a `GatewayError` (404 for an unknown key, 409 `invalid_state` for a step
/// the key's state does not allow, 422 for a binding to accounts the key cannot sign for).
public protocol SigningKeyAdministration: Sendable {
    /// Every key the gateway has seen, by id.
    func keys() async throws -> [SigningKeyRecord]
    /// One key and its audited history, oldest first.
    func key(id: String) async throws -> (key: SigningKeyRecord, history: [SigningKeyEvent])
    /// Binds the key to accounts of its bank and the operator role it signs for (optionally
    /// replacing another key of the bank); held payments of the bank are looked at again at once.
    func bind(id: String, binding: SigningKeyBinding, actor: String, reason: String?) async throws -> SigningKeyRecord
    /// Reports the key lost, revokes or retires it: it signs nothing from then on.
    func change(id: String, to state: SigningKeyState, actor: String, reason: String) async throws -> SigningKeyRecord
}
