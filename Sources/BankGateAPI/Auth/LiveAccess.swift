public import BankGateConfig
public import BankGateCore
import Synchronization

/// What `GET /v1/configuration` shows of the configuration in force: the file it came from, its
/// SHA-256, when it was loaded, and how the last reload (SIGHUP) went.
public struct ConfigurationState: Sendable, Hashable {
    public var path: String
    public var sha256: String?
    /// When the configuration in force was loaded (start, or the last reload that was applied).
    public var loadedAt: Timestamp
    /// The last reload asked for (applied or refused); `nil`: none since start.
    public var lastReloadAt: Timestamp?
    /// Why the last reload was refused; `nil` when it was applied (or none was asked for).
    public var lastReloadError: String?
    /// Sections that changed in the file but take effect only at the next start (`server`, `dispatch`, `logging`).
    public var restartRequired: [String]
    /// Since when a reload's rebuilt banks and accounts wait for the running ones' sends in flight
    /// (no new send starts meanwhile); `nil`: no switch under way.
    public var switchingSince: Timestamp?

    public init(path: String, sha256: String?, loadedAt: Timestamp, lastReloadAt: Timestamp? = nil,
                lastReloadError: String? = nil, restartRequired: [String] = []) {
        self.path = path
        self.sha256 = sha256
        self.loadedAt = loadedAt
        self.lastReloadAt = lastReloadAt
        self.lastReloadError = lastReloadError
        self.restartRequired = restartRequired
    }
}

/// The API's tokens and tenants as one value that a reload replaces whole, between two requests:
/// a request is authorized entirely against the old tokens or entirely against the new ones.
public final class LiveAccess: Sendable {
    private let current: Mutex<(authenticator: TokenAuthenticator, state: ConfigurationState?)>
    private let clock: any WallClock

    public init(tokens: [TokenConfig], tenants: TenantDirectory = TenantDirectory(), clock: any WallClock = SystemClock(),
                state: ConfigurationState? = nil) {
        self.clock = clock
        current = Mutex((TokenAuthenticator(tokens: tokens, tenants: tenants, clock: clock), state))
    }

    /// The tokens in force now.
    var authenticator: TokenAuthenticator { current.withLock { $0.authenticator } }

    /// The configuration's state, for `GET /v1/configuration`.
    public var state: ConfigurationState? { current.withLock { $0.state } }

    /// Puts new tokens and tenants in force, with the state that says so (rate-limit buckets start full).
    public func replace(tokens: [TokenConfig], tenants: TenantDirectory, state: ConfigurationState) {
        let authenticator = TokenAuthenticator(tokens: tokens, tenants: tenants, clock: clock)
        current.withLock { $0 = (authenticator, Self.keepingSwitch(of: $0.state, in: state)) }
    }

    /// Records a state without changing the tokens (a refused reload). A switch under way stays shown.
    public func record(_ state: ConfigurationState) {
        current.withLock { $0.state = Self.keepingSwitch(of: $0.state, in: state) }
    }

    /// `state` showing the switch under way in `previous`, if any (only the runner starts or ends one).
    private static func keepingSwitch(of previous: ConfigurationState?, in state: ConfigurationState) -> ConfigurationState {
        var state = state
        state.switchingSince = previous?.switchingSince
        return state
    }

    /// Shows (or, with `nil`, clears) a switch to rebuilt banks and accounts under way.
    public func recordSwitch(since: Timestamp?) {
        current.withLock { $0.state?.switchingSince = since }
    }
}
