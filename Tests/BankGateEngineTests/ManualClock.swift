import BankGateCore
import Synchronization

/// A wall clock that only moves when a test moves it.
final class ManualClock: WallClock {
    private let current: Mutex<Int64>

    /// 2026-03-02T09:00:00Z by default.
    init(start: Timestamp = Timestamp.parseDate("2026-03-02")!.adding(milliseconds: 9 * 3_600_000)) {
        current = Mutex(start.milliseconds)
    }

    func now() -> Timestamp {
        Timestamp(milliseconds: current.withLock { $0 })
    }

    /// Moves the clock forward by `milliseconds`.
    func advance(milliseconds: Int64) {
        current.withLock { $0 += milliseconds }
    }

    /// Moves the clock to `instant` (never backwards).
    func advance(to instant: Timestamp) {
        current.withLock { $0 = max($0, instant.milliseconds) }
    }
}
