public import BankGateCore
import Synchronization

/// A request the API refused for its credentials: no or an unknown token (401), or a token
/// without the scope the route needs (403).
public struct AccessFailure: Sendable, Hashable {
    /// `unauthorized` or `forbidden`.
    public var kind: String
    public var method: String
    public var path: String
    /// The peer's address, when the connection has one.
    public var remoteAddress: String?
    public var message: String
    /// The token's name when it was known (a `forbidden` request); `nil` for a missing or unknown token.
    public var principal: String?

    public init(kind: String, method: String, path: String, remoteAddress: String?, message: String, principal: String? = nil) {
        self.kind = kind
        self.method = method
        self.path = path
        self.remoteAddress = remoteAddress
        self.message = message
        self.principal = principal
    }
}

/// Where refused requests are recorded (the audit trail, in the daemon).
public protocol AccessFailureRecording: Sendable {
    func record(_ failure: AccessFailure, suppressedBefore: Int) async
}

/// Records refused requests, at most one per peer address and kind per ``window``, and at most
/// ``maximumPerWindow`` in all per window, so that a flood of bad tokens cannot flood the audit
/// trail; the next record of an address says how many were not recorded singly since its last.
public final class AccessFailureLog: Sendable {
    let recorder: any AccessFailureRecording
    let clock: any WallClock
    /// Milliseconds.
    let window: Int64
    let maximumPerWindow: Int
    private struct State {
        var lastRecorded: [String: Int64] = [:]
        var suppressed: [String: Int] = [:]
        var windowStart: Int64 = 0
        var recordedInWindow = 0
    }
    private let state = Mutex(State())
    /// The most addresses remembered; beyond it the oldest are forgotten.
    static let maximumAddresses = 10_000

    public init(recorder: any AccessFailureRecording, clock: any WallClock, window: Int64 = 60_000, maximumPerWindow: Int = 120) {
        self.recorder = recorder
        self.clock = clock
        self.window = window
        self.maximumPerWindow = maximumPerWindow
    }

    /// Records `failure` unless its address and kind were recorded less than a window ago (or the
    /// window's budget is spent); then it is only counted.
    public func note(_ failure: AccessFailure) async {
        let now = clock.now().milliseconds
        let key = failure.kind + " " + (failure.remoteAddress ?? "-")
        let decision: Int? = state.withLock { state in
            if now - state.windowStart >= window {
                state.windowStart = now
                state.recordedInWindow = 0
            }
            if let last = state.lastRecorded[key], now - last < window || state.recordedInWindow >= maximumPerWindow {
                state.suppressed[key, default: 0] += 1
                return nil
            }
            if state.lastRecorded[key] == nil, state.recordedInWindow >= maximumPerWindow {
                state.suppressed[key, default: 0] += 1
                return nil
            }
            if state.lastRecorded.count >= Self.maximumAddresses {
                let cutoff = now - window
                state.lastRecorded = state.lastRecorded.filter { $0.value >= cutoff }
                if state.lastRecorded.count >= Self.maximumAddresses { state.lastRecorded.removeAll() }
            }
            state.lastRecorded[key] = now
            state.recordedInWindow += 1
            return state.suppressed.removeValue(forKey: key) ?? 0
        }
        guard let suppressed = decision else { return }
        await recorder.record(failure, suppressedBefore: suppressed)
    }
}
