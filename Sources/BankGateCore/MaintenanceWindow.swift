/// A time in which a bank is not called (`maintenance` of a `[[banks]]` entry): sends, status
/// queries, inbox pick-ups and pulls wait until it ends.
public enum MaintenanceWindow: Sendable, Hashable, CustomStringConvertible {
    /// `daily HH:MM-HH:MM` in the bank's calendar offset; a window whose end is not after its start
    /// runs over midnight (`daily 23:30-00:30`).
    case daily(startMinute: Int, endMinute: Int)
    /// `YYYY-MM-DDTHH:MM/YYYY-MM-DDTHH:MM`, in the bank's calendar offset, end excluded.
    case once(from: Timestamp, until: Timestamp)

    /// Whether `instant` is inside the window; `utcOffsetMinutes` places daily windows.
    public func contains(_ instant: Timestamp, utcOffsetMinutes: Int) -> Bool {
        switch self {
        case .daily(let start, let end):
            let local = instant.milliseconds + Int64(utcOffsetMinutes) * 60_000
            let minute = Int(((local % 86_400_000) + 86_400_000) % 86_400_000 / 60_000)
            return start < end ? (minute >= start && minute < end) : (minute >= start || minute < end)
        case .once(let from, let until):
            return instant >= from && instant < until
        }
    }

    /// Parses `daily HH:MM-HH:MM` or `YYYY-MM-DDTHH:MM/YYYY-MM-DDTHH:MM` (the instants in
    /// `utcOffsetMinutes`); `nil` when malformed or empty.
    public init?(_ text: String, utcOffsetMinutes: Int) {
        if text.hasPrefix("daily ") {
            let parts = text.dropFirst(6).split(separator: "-", omittingEmptySubsequences: false)
            guard parts.count == 2, let start = Self.minutes(parts[0]), let end = Self.minutes(parts[1]), start != end else { return nil }
            self = .daily(startMinute: start, endMinute: end)
            return
        }
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let from = Self.instant(parts[0], utcOffsetMinutes), let until = Self.instant(parts[1], utcOffsetMinutes),
              from < until else { return nil }
        self = .once(from: from, until: until)
    }

    public var description: String {
        switch self {
        case .daily(let start, let end): "daily \(Self.clock(start))-\(Self.clock(end))"
        case .once(let from, let until): "\(from.iso8601)/\(until.iso8601)"
        }
    }

    /// `HH:MM` as minutes after midnight (00:00–23:59).
    public static func minutes(_ text: Substring) -> Int? {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 2, parts[1].count == 2, let hour = Int(parts[0]), let minute = Int(parts[1]),
              (0...23).contains(hour), (0...59).contains(minute) else { return nil }
        return hour * 60 + minute
    }

    /// `±HH:MM` as minutes (at most 14 hours); `nil` when malformed.
    public static func offsetMinutes(_ text: String) -> Int? {
        guard let sign = text.first, sign == "+" || sign == "-", let value = minutes(text.dropFirst()), value <= 14 * 60 else { return nil }
        return sign == "-" ? -value : value
    }

    private static func instant(_ text: Substring, _ offset: Int) -> Timestamp? {
        let parts = text.split(separator: "T", omittingEmptySubsequences: false)
        guard parts.count == 2, let day = CalendarDay(parts[0]), let minute = minutes(parts[1]) else { return nil }
        return day.midnight.adding(milliseconds: Int64(minute - offset) * 60_000)
    }

    private static func clock(_ minute: Int) -> String {
        let hour = minute / 60, rest = minute % 60
        return (hour < 10 ? "0" : "") + String(hour) + ":" + (rest < 10 ? "0" : "") + String(rest)
    }
}
