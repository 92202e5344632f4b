/// A business calendar (`[[calendars]]`): the days on which a bank executes payments, in the bank's
/// own UTC offset. A day is a business day unless it is a weekend day or a holiday; a listed extra
/// working day (China's 调休 make-up Saturday) is a business day even on a weekend.
public struct BusinessCalendar: Sendable, Hashable {
    /// `name`, as banks refer to it.
    public var name: String
    /// Weekend days, ISO 8601 numbering: 1 Monday … 7 Sunday.
    public var weekend: Set<Int>
    /// Public holidays (no execution).
    public var holidays: Set<CalendarDay>
    /// Working days that would otherwise be weekend days (or holidays).
    public var extraWorkingDays: Set<CalendarDay>
    /// The calendar's offset from UTC in minutes (`+08:00` → 480): which instant belongs to which day.
    public var utcOffsetMinutes: Int

    public init(name: String, weekend: Set<Int> = [6, 7], holidays: Set<CalendarDay> = [],
                extraWorkingDays: Set<CalendarDay> = [], utcOffsetMinutes: Int = 0) {
        self.name = name
        self.weekend = weekend
        self.holidays = holidays
        self.extraWorkingDays = extraWorkingDays
        self.utcOffsetMinutes = utcOffsetMinutes
    }

    /// Every day a business day, in UTC: a bank without a calendar.
    public static let everyDay = BusinessCalendar(name: "every-day", weekend: [])

    /// Whether payments are executed on `day`.
    public func isBusinessDay(_ day: CalendarDay) -> Bool {
        if extraWorkingDays.contains(day) { return true }
        return !weekend.contains(day.isoWeekday) && !holidays.contains(day)
    }

    /// `day` if it is a business day, else the first business day after it (at most ten years on;
    /// a calendar without any business day answers `day`).
    public func businessDay(onOrAfter day: CalendarDay) -> CalendarDay {
        var candidate = day
        for _ in 0..<3_660 {
            if isBusinessDay(candidate) { return candidate }
            candidate = candidate.adding(days: 1)
        }
        return day
    }

    /// The local day `instant` falls on.
    public func day(of instant: Timestamp) -> CalendarDay {
        CalendarDay(instant.adding(milliseconds: Int64(utcOffsetMinutes) * 60_000))
    }

    /// Minutes after local midnight of `instant` (0–1439).
    public func minuteOfDay(_ instant: Timestamp) -> Int {
        let local = instant.adding(milliseconds: Int64(utcOffsetMinutes) * 60_000)
        return Int((local.milliseconds - CalendarDay(local).midnight.milliseconds) / 60_000)
    }

    /// The instant local `day` begins.
    public func start(of day: CalendarDay) -> Timestamp {
        day.midnight.adding(milliseconds: -Int64(utcOffsetMinutes) * 60_000)
    }

    /// Reads a holiday file: one `YYYY-MM-DD` per line; blank lines and text after `#` are ignored.
    /// Returns the days, or the 1-based number and text of the first line that is not a date.
    public static func parseDayList(_ text: String) -> Result<[CalendarDay], DayListProblem> {
        var days: [CalendarDay] = []
        for (index, rawLine) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            let line = rawLine.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            let trimmed = line.trimmingSpaces
            if trimmed.isEmpty { continue }
            guard let day = CalendarDay(trimmed) else { return .failure(DayListProblem(line: index + 1, text: String(trimmed))) }
            days.append(day)
        }
        return .success(days)
    }

    /// A line of a holiday file that is not a date.
    public struct DayListProblem: Error, Hashable, Sendable {
        public var line: Int
        public var text: String
    }
}

extension CalendarDay {
    /// ISO 8601 weekday: 1 Monday … 7 Sunday (1970-01-01 was a Thursday).
    public var isoWeekday: Int { ((daysSinceEpoch + 3) % 7 + 7) % 7 + 1 }

    /// `mon` … `sun` as ISO weekday numbers, for configuration.
    public static let weekdayNames = ["mon": 1, "tue": 2, "wed": 3, "thu": 4, "fri": 5, "sat": 6, "sun": 7]
}

extension Substring {
    /// Without leading and trailing spaces, tabs and carriage returns.
    fileprivate var trimmingSpaces: Substring {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\r" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else { return "" }
        return self[first...last]
    }
}
