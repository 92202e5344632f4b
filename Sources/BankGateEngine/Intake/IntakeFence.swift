import Synchronization

/// Orders payment intake with a configuration reload's switch of engines, so that a reload's
/// check of the payments not final (``close()``, then the check, then ``open(inForce:)``) sees
/// every payment accepted under the configuration it replaces, and no payment is accepted for an
/// account as the old configuration had it once the new one is in force.
///
/// Every intake holds the fence from its validation to its commit (``GatewayEngine/submit``). While
/// the fence is closed, new intakes wait (a reload closes it for its check and switch only, a few
/// milliseconds); an intake begun by an engine that is no longer in force when it enters is handed
/// to the engine in force, which validates it against its own configuration.
public final class IntakeFence: Sendable {
    private struct State {
        /// The engine taking payments; `nil` until the first one is opened.
        var inForce: GatewayEngine?
        var closed = false
        /// Intakes between their entry and their commit.
        var active = 0
        var waitingToEnter: [CheckedContinuation<Void, Never>] = []
        var waitingForDrain: [CheckedContinuation<Void, Never>] = []
    }

    /// Whether an intake may go on with its own engine, or must go to the engine in force.
    enum Entry {
        case entered
        case handedOver(GatewayEngine)
    }

    private let state = Mutex(State())

    public init() {}

    /// Enters for an intake by `engine`; waits while the fence is closed. An engine other than the
    /// one in force (an older generation's) is told which engine takes the intake instead.
    func enter(_ engine: GatewayEngine) async -> Entry {
        while true {
            enum Step { case entered, handedOver(GatewayEngine), wait }
            let step = state.withLock { state -> Step in
                if state.closed { return .wait }
                let inForce = state.inForce ?? engine
                state.inForce = inForce
                guard inForce === engine else { return .handedOver(inForce) }
                state.active += 1
                return .entered
            }
            switch step {
            case .entered: return .entered
            case .handedOver(let successor): return .handedOver(successor)
            case .wait:
                await withCheckedContinuation { continuation in
                    let waits = state.withLock { state -> Bool in
                        guard state.closed else { return false }
                        state.waitingToEnter.append(continuation)
                        return true
                    }
                    if !waits { continuation.resume() }
                }
            }
        }
    }

    /// Ends an intake that entered (its commit is done or failed).
    func leave() {
        let drained = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.active -= 1
            guard state.active == 0 else { return [] }
            defer { state.waitingForDrain = [] }
            return state.waitingForDrain
        }
        for continuation in drained { continuation.resume() }
    }

    /// Closes the fence: new intakes wait, and this returns once the intakes under way have
    /// committed (or failed).
    public func close() async {
        state.withLock { $0.closed = true }
        await withCheckedContinuation { continuation in
            let drained = state.withLock { state -> Bool in
                guard state.active > 0 else { return true }
                state.waitingForDrain.append(continuation)
                return false
            }
            if drained { continuation.resume() }
        }
    }

    /// Opens the fence with `engine` taking payments (the same one, when a reload was refused or
    /// rebuilt nothing); the intakes that waited go on.
    public func open(inForce engine: GatewayEngine) {
        let waiting = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.inForce = engine
            state.closed = false
            defer { state.waitingToEnter = [] }
            return state.waitingToEnter
        }
        for continuation in waiting { continuation.resume() }
    }
}
