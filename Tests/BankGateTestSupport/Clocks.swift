public import BankGateCore
import Synchronization

/// A wall clock that only moves when a test moves it.
public final class ManualClock: WallClock {
    private let current: Mutex<Int64>

    /// 2026-03-02T09:00:00Z by default.
    public init(start: Timestamp = Timestamp.parseDate("2026-03-02")!.adding(milliseconds: 9 * 3_600_000)) {
        current = Mutex(start.milliseconds)
    }

    /// Starts at `milliseconds` since the epoch.
    public convenience init(_ milliseconds: Int64) {
        self.init(start: Timestamp(milliseconds: milliseconds))
    }

    public func now() -> Timestamp {
        Timestamp(milliseconds: current.withLock { $0 })
    }

    /// Moves the clock forward by `milliseconds`.
    public func advance(milliseconds: Int64) {
        current.withLock { $0 += milliseconds }
    }

    /// Moves the clock to `instant` (never backwards).
    public func advance(to instant: Timestamp) {
        current.withLock { $0 = max($0, instant.milliseconds) }
    }
}

/// A clock stopped at a fixed instant.
public struct FixedClock: WallClock {
    public var instant: Timestamp

    public init(instant: Timestamp) { self.instant = instant }

    public func now() -> Timestamp { instant }
}

/// The real clock moved to 12:00:00 UTC of the day it is made, then running at real speed: a test
/// that starts real services (timers, sleeps, HTTP) gets a "today" that cannot turn into tomorrow
/// while it runs, on any date, including a leap day a minute before midnight.
public struct MiddayClock: WallClock {
    /// Real time plus this gives the clock's time.
    private let offset: Int64

    public init(base: any WallClock = SystemClock()) {
        self.base = base
        let real = base.now()
        let midnight = real.milliseconds - ((real.milliseconds % 86_400_000) + 86_400_000) % 86_400_000
        offset = midnight + 12 * 3_600_000 - real.milliseconds
    }

    private let base: any WallClock

    public func now() -> Timestamp { base.now().adding(milliseconds: offset) }

    /// The clock's calendar date, `YYYY-MM-DD`, which stays the same for twelve hours.
    public var today: String { now().dateString }

    /// `today` plus `days` (negative to go back).
    public func date(addingDays days: Int) -> String {
        DateArithmetic.adding(days: days, to: today) ?? today
    }
}
