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
        let millis = Int(((milliseconds % 1000) + 1000) % 1000)
        let totalSeconds = (milliseconds - Int64(millis)) / 1000
        var days = totalSeconds / 86_400
        var secondOfDay = totalSeconds % 86_400
        if secondOfDay < 0 { secondOfDay += 86_400; days -= 1 }
        let (year, month, day) = Self.civil(fromDays: days)
        let date = "\(Self.pad(Int(year), 4))-\(Self.pad(month, 2))-\(Self.pad(day, 2))"
        return (date, Int(secondOfDay / 3600), Int(secondOfDay % 3600 / 60), Int(secondOfDay % 60), millis)
    }

    /// Days since 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's algorithm).
    static func civil(fromDays z0: Int64) -> (Int64, Int, Int) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = Int(doy - (153 * mp + 2) / 5 + 1)
        let month = Int(mp < 10 ? mp + 3 : mp - 9)
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// Days since 1970-01-01 of a Gregorian date.
    static func days(year y0: Int64, month: Int, day: Int) -> Int64 {
        let y = month <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let m = Int64(month)
        let doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + Int64(day) - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// Parses `YYYY-MM-DD` as a calendar date, returning midnight UTC, or `nil` if it is not a real date.
    public static func parseDate(_ text: String) -> Timestamp? {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard text.utf8.count == 10, parts.count == 3,
              let year = Int64(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]),
              (1...12).contains(month), day >= 1 else { return nil }
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
        let lengths = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        guard day <= lengths[month - 1] else { return nil }
        return Timestamp(milliseconds: days(year: year, month: month, day: day) * 86_400_000)
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

/// Calendar arithmetic on `YYYY-MM-DD` strings.
public enum DateArithmetic {
    /// `date` plus `days` (negative to go back), or nil if `date` is not a date.
    public static func adding(days: Int, to date: String) -> String? {
        guard let start = Timestamp.parseDate(date) else { return nil }
        return start.adding(milliseconds: Int64(days) * 86_400_000).dateString
    }
}
