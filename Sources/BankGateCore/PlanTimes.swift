/// When a plan (`[[schedules]]`) runs: at fixed local times (`at = ["09:00", "15:30"]`) on every
/// day or on business days only, in a calendar's offset. Each such instant is an occurrence.
public struct PlanTimes: Sendable, Hashable {
    /// Which days have occurrences.
    public enum Days: String, Sendable, Hashable, CaseIterable {
        /// Every calendar day.
        case daily
        /// Business days of the calendar only.
        case business
    }

    /// Minutes after local midnight, ascending, distinct.
    public var minutes: [Int]
    public var days: Days
    /// The calendar: its offset places the times; its business days filter `business`.
    public var calendar: BusinessCalendar

    public init(minutes: [Int], days: Days, calendar: BusinessCalendar) {
        self.minutes = Array(Set(minutes)).sorted()
        self.days = days
        self.calendar = calendar
    }

    private func runs(on day: CalendarDay) -> Bool { days == .daily || calendar.isBusinessDay(day) }

    /// The first occurrence strictly after `instant` (within about a year; `nil` if none).
    public func next(after instant: Timestamp) -> Timestamp? {
        guard !minutes.isEmpty else { return nil }
        var day = calendar.day(of: instant)
        for _ in 0..<400 {
            if runs(on: day) {
                for minute in minutes {
                    let at = calendar.start(of: day).adding(milliseconds: Int64(minute) * 60_000)
                    if at > instant { return at }
                }
            }
            day = day.adding(days: 1)
        }
        return nil
    }

    /// The last occurrence at or before `instant`, looking back at most `days` days (`nil` if none).
    public func latest(atOrBefore instant: Timestamp, lookingBackDays days: Int = 10) -> Timestamp? {
        guard !minutes.isEmpty else { return nil }
        var day = calendar.day(of: instant)
        for _ in 0...days {
            if runs(on: day) {
                for minute in minutes.reversed() {
                    let at = calendar.start(of: day).adding(milliseconds: Int64(minute) * 60_000)
                    if at <= instant { return at }
                }
            }
            day = day.adding(days: -1)
        }
        return nil
    }
}
