public import BankGateAPI
public import BankGateConfig
public import BankGateCore
import BankGateEngine
public import BankGateStore
public import Logging
public import ServiceLifecycle

/// The signing keys' life cycle (the U-key, U盾) for the API and the operators: checks each step
/// against the configuration (a key binds only to accounts of its own bank) and records it in the
/// store, audited, with its event. As a service it records the configured keys not seen before as
/// `issued` at start.
public final class SigningKeyDesk: SigningKeyAdministration, Service {
    let store: PaymentStore
    let configuration: BankGateConfiguration
    let clock: any WallClock
    let logger: Logger

    public init(store: PaymentStore, configuration: BankGateConfiguration, clock: any WallClock, logger: Logger) {
        self.store = store
        self.configuration = configuration
        self.clock = clock
        self.logger = logger
    }

    /// Records the configured keys not seen before (`issued`, audited, `key.issued`; then `bound`
    /// when the configuration binds them); their ids.
    @discardableResult
    public func registerConfiguredKeys() async throws -> [String] {
        let keys = configuration.keys.map {
            ConfiguredSigningKey(id: $0.id, bankId: $0.bank, algorithm: $0.algorithm.rawValue,
                                 material: SigningKeyStatus.materialText($0.material),
                                 binding: $0.binding.map { SigningKeyBinding(accounts: $0.accounts, role: $0.role) })
        }
        return try await store.registerSigningKeys(keys, at: clock.now())
    }

    /// Registers the configured keys, then waits for the shutdown.
    public func run() async throws {
        do {
            let issued = try await registerConfiguredKeys()
            for id in issued {
                logger.notice("signing key issued: bind it to the accounts it signs for (bankgate keys bind)", metadata: ["key": "\(id)"])
            }
        } catch {
            logger.error("cannot record the configured signing keys", metadata: ["error": "\(error)"])
        }
        try? await gracefulShutdown()
    }

    public func keys() async throws -> [SigningKeyRecord] {
        try await mapped { try await self.store.signingKeys() }
    }

    public func key(id: String) async throws -> (key: SigningKeyRecord, history: [SigningKeyEvent]) {
        try await mapped {
            guard let key = try await self.store.signingKey(id: id) else { throw StoreError.notFound("signing key \(id)") }
            return (key, try await self.store.signingKeyHistory(id: id))
        }
    }

    public func bind(id: String, binding: SigningKeyBinding, actor: String, reason: String?) async throws -> SigningKeyRecord {
        guard let configured = configuration.keys.first(where: { $0.id == id }) else {
            if try await mapped({ try await self.store.signingKey(id: id) }) == nil {
                throw GatewayError(.notFound, code: .notFound, message: "signing key \(id) not found")
            }
            throw GatewayError(.conflict, code: .invalidState, message: "key \(id) is no longer configured: it cannot be bound")
        }
        for (index, account) in binding.accounts.enumerated() {
            guard configuration.accounts.contains(where: { $0.id == account && $0.bank == configured.bank }) else {
                throw GatewayError(.validation, code: .invalidAccount,
                                   message: "\(account) is not a configured account of bank \(configured.bank)", field: "accounts[\(index)]")
            }
        }
        let now = clock.now()
        let takesOverNow = configured.validFrom.map { $0 <= now } ?? true
        return try await mapped {
            try await self.store.bindSigningKey(id: id, binding: binding, takesOverNow: takesOverNow, actor: actor, reason: reason, at: now)
        }
    }

    public func change(id: String, to state: SigningKeyState, actor: String, reason: String) async throws -> SigningKeyRecord {
        try await mapped { try await self.store.changeSigningKeyState(id: id, to: state, actor: actor, reason: reason, at: self.clock.now()) }
    }

    /// `body`, its store errors as API errors: 404, 409 `invalid_state`, else 503.
    private func mapped<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as GatewayError {
            throw error
        } catch StoreError.notFound(let what) {
            throw GatewayError(.notFound, code: .notFound, message: "\(what) not found")
        } catch StoreError.invalidState(let message) {
            throw GatewayError(.conflict, code: .invalidState, message: message)
        } catch {
            logger.error("signing key store error", metadata: ["error": "\(error)"])
            throw GatewayError(.unavailable, code: .storeUnavailable, message: "the store could not complete the request")
        }
    }
}
