/// A point in time as milliseconds since 1970-01-01T00:00:00Z. Formatting is done here by hand,
/// without Foundation formatters, so it is cheap on hot paths (pain.001 generation, intake).
public struct Timestamp: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    /// Milliseconds since the Unix epoch, UTC.
    public var milliseconds: Int64

    public init(milliseconds: Int64) { self.milliseconds = milliseconds }

    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool { lhs.milliseconds < rhs.milliseconds }

    /// This instant plus `seconds` (may be fractional via milliseconds).
    public func adding(milliseconds delta: Int64) -> Timestamp { Timestamp(milliseconds: milliseconds + delta) }

    /// `2026-11-23T05:28:18.123Z`
    public var iso8601: String {
        let (date, hour, minute, second, millis) = components
        return "\(date)T\(Self.pad(hour, 2)):\(Self.pad(minute, 2)):\(Self.pad(second, 2)).\(Self.pad(millis, 3))Z"
    }

    /// `2026-11-23T05:28:18` (ISO 20022 ISODateTime without fraction or zone is allowed; we add `Z`).
    public var iso8601Seconds: String {
        let (date, hour, minute, second, _) = components
        return "\(date)T\(Self.pad(hour, 2)):\(Self.pad(minute, 2)):\(Self.pad(second, 2))Z"
    }

    /// The UTC calendar date, `2026-11-23`.
    public var dateString: String { components.date }

    public var description: String { iso8601 }

    private var components: (date: String, hour: Int, minute: Int, second: Int, millis: Int) {
        let day = CalendarDay(self)
        let sinceMidnight = milliseconds - day.midnight.milliseconds
        let secondOfDay = Int(sinceMidnight / 1000)
        return (day.description, secondOfDay / 3600, secondOfDay % 3600 / 60, secondOfDay % 60, Int(sinceMidnight % 1000))
    }

    /// Parses `YYYY-MM-DD` as a calendar date, returning midnight UTC, or `nil` if it is not a real date.
    public static func parseDate(_ text: String) -> Timestamp? {
        CalendarDay(text)?.midnight
    }

    private static func pad(_ value: some BinaryInteger, _ width: Int) -> String {
        let text = String(value)
        return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
    }
}

/// The source of the current time, injected so tests can drive time by hand.
public protocol WallClock: Sendable {
    /// The current instant.
    func now() -> Timestamp
}

/// Calendar arithmetic on `YYYY-MM-DD` strings, for code that keeps dates as their wire text.
public enum DateArithmetic {
    /// `date` plus `days` (negative to go back), or nil if `date` is not a date.
    public static func adding(days: Int, to date: String) -> String? {
        CalendarDay(date)?.adding(days: days).description
    }
}
