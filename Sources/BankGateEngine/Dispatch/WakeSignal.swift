import Synchronization

/// Wakes one waiting loop early (new work arrived) or lets it sleep until a timeout.
/// Signals sent while nobody waits are remembered once.
final class WakeSignal: Sendable {
    private struct State {
        var pending = false
        var waiter: CheckedContinuation<Void, Never>?
    }

    private let state = Mutex(State())

    /// Wakes the waiter, or the next one to wait.
    func signal() {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            if let waiter = state.waiter {
                state.waiter = nil
                return waiter
            }
            state.pending = true
            return nil
        }
        waiter?.resume()
    }

    /// Returns at the next signal or after `milliseconds`, whichever comes first (also on cancellation).
    func wait(milliseconds: Int) async {
        if state.withLock({ state in defer { state.pending = false }; return state.pending }) { return }
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                await withCheckedContinuation { continuation in
                    let resumeNow = self.state.withLock { state -> Bool in
                        if state.pending { state.pending = false; return true }
                        state.waiter = continuation
                        return false
                    }
                    if resumeNow { continuation.resume() }
                }
            }
            group.addTask {
                try? await Task.sleep(for: .milliseconds(milliseconds))
                self.signal()
            }
            await group.next()
            group.cancelAll()
            await group.waitForAll()
        }
        state.withLock { $0.pending = false }
    }
}
