/// When bankgate pulls an account's electronic receipts (电子回单) on its own, and when a receipt
/// that should exist counts as missing. Given on a `[[banks]]` entry for its accounts, and on an
/// `[[accounts]]` entry for that account (the account's keys win).
public struct ReceiptPullConfig: Sendable, Hashable {
    /// `receipt_pull_at`: the UTC time (`HH:MM`) of the daily pull of the previous day's receipts
    /// (and of days missed since the last scheduled pull); `nil`: no scheduled pull.
    public var pullAtMinutes: Int?
    /// `receipt_pull_delay`: how long after a payment completes its day's receipts are pulled
    /// (banks issue the receipt some time after booking). Default 10 minutes.
    public var pullDelayMilliseconds: Int64
    /// `receipt_missing_after`: how long after a payment completed, or a transaction was booked,
    /// a receipt not linked to it counts as missing. Default 24 hours.
    public var missingAfterMilliseconds: Int64

    /// Default of `receipt_pull_delay`.
    public static let defaultPullDelayMilliseconds: Int64 = 10 * 60_000
    /// Default of `receipt_missing_after`.
    public static let defaultMissingAfterMilliseconds: Int64 = 24 * 3_600_000

    public init(pullAtMinutes: Int? = nil, pullDelayMilliseconds: Int64 = Self.defaultPullDelayMilliseconds,
                missingAfterMilliseconds: Int64 = Self.defaultMissingAfterMilliseconds) {
        self.pullAtMinutes = pullAtMinutes
        self.pullDelayMilliseconds = pullDelayMilliseconds
        self.missingAfterMilliseconds = missingAfterMilliseconds
    }

    /// The keys, on `[[banks]]` and `[[accounts]]` alike.
    static let keys = ["receipt_pull_at", "receipt_pull_delay", "receipt_missing_after"]

    /// The keys as written on one entry; `nil`: not given there.
    struct Given: Sendable, Hashable {
        var pullAtMinutes: Int?
        var pullDelayMilliseconds: Int64?
        var missingAfterMilliseconds: Int64?

        /// These keys over `defaults` (a bank's, for an account).
        func over(_ defaults: ReceiptPullConfig) -> ReceiptPullConfig {
            ReceiptPullConfig(pullAtMinutes: pullAtMinutes ?? defaults.pullAtMinutes,
                              pullDelayMilliseconds: pullDelayMilliseconds ?? defaults.pullDelayMilliseconds,
                              missingAfterMilliseconds: missingAfterMilliseconds ?? defaults.missingAfterMilliseconds)
        }
    }

    /// Reads the keys of one entry; a bad value is reported with its line.
    static func decode(_ reader: TableReader) -> Given {
        var given = Given()
        if let time = reader.string("receipt_pull_at", required: false) {
            if let minutes = minuteOfDay(time.value) {
                given.pullAtMinutes = minutes
            } else {
                reader.report("receipt_pull_at", "must be a UTC time as HH:MM, such as \"07:00\"", line: time.line)
            }
        }
        given.pullDelayMilliseconds = duration("receipt_pull_delay", in: reader, range: 0...(7 * 86_400_000))
        given.missingAfterMilliseconds = duration("receipt_missing_after", in: reader, range: 0...(31 * 86_400_000))
        return given
    }

    /// `HH:MM` as minutes since midnight.
    static func minuteOfDay(_ text: String) -> Int? {
        let parts = text.split(separator: ":")
        guard text.utf8.count == 5, parts.count == 2, let hour = Int(parts[0]), let minute = Int(parts[1]),
              (0..<24).contains(hour), (0..<60).contains(minute) else { return nil }
        return hour * 60 + minute
    }

    /// A duration key (`"90s"`, `"10m"`, `"24h"`, `"2d"`) in milliseconds, within `range`.
    private static func duration(_ key: String, in reader: TableReader, range: ClosedRange<Int64>) -> Int64? {
        guard let text = reader.string(key, required: false) else { return nil }
        guard let value = parseDuration(text.value), range.contains(value) else {
            reader.report(key, "must be a duration such as \"90s\", \"10m\", \"24h\" or \"2d\" (at most \(range.upperBound / 86_400_000) days)",
                          line: text.line)
            return nil
        }
        return value
    }

    /// `<digits><s|m|h|d>` in milliseconds.
    static func parseDuration(_ text: String) -> Int64? {
        guard let unit = text.last, let count = Int64(text.dropLast()), count >= 0, text.dropLast().allSatisfy(\.isASCII),
              count <= 1_000_000 else { return nil }
        switch unit {
        case "s": return count * 1_000
        case "m": return count * 60_000
        case "h": return count * 3_600_000
        case "d": return count * 86_400_000
        default: return nil
        }
    }
}
