public import BankGateCore
import Synchronization

/// Another clock moved forward when a test says so: a gateway's clock that can be taken to "ten
/// minutes later" or "tomorrow" while the bank's keeps running, without waiting in real time.
public final class ShiftedClock: WallClock {
    private let base: any WallClock
    private let offset = Mutex<Int64>(0)

    public init(base: any WallClock) {
        self.base = base
    }

    public func now() -> Timestamp { base.now().adding(milliseconds: offset.withLock { $0 }) }

    /// Moves the clock forward by `milliseconds`.
    public func advance(milliseconds: Int64) {
        offset.withLock { $0 += max(0, milliseconds) }
    }
}
