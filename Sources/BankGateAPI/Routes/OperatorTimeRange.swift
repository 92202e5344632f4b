import BankGateCore
import BankGateEngine

/// The `from` and `to` of the operator lists and bulk actions: a day (`YYYY-MM-DD`, UTC; `to`
/// includes its whole day) or an instant (`YYYY-MM-DDTHH:MM:SS[.fff]Z`; `to` excludes it).
enum OperatorTimeRange {
    /// The instant `text` stands for as a lower bound (`end` false) or an exclusive upper bound.
    static func parse(_ text: String, field: String, end: Bool) throws(GatewayError) -> Timestamp {
        if let day = CalendarDay(text) {
            return end ? day.adding(days: 1).midnight : day.midnight
        }
        if let instant = instant(text) { return instant }
        throw GatewayError(.badRequest, code: .invalidParameter,
                           message: "\(field) must be a date (YYYY-MM-DD) or an instant (YYYY-MM-DDTHH:MM:SSZ)", field: field)
    }

    /// Both bounds, checked to be in order.
    static func parse(from: String?, to: String?) throws(GatewayError) -> (from: Timestamp?, until: Timestamp?) {
        var lower: Timestamp?, upper: Timestamp?
        if let from { lower = try parse(from, field: "from", end: false) }
        if let to { upper = try parse(to, field: "to", end: true) }
        if let lower, let upper, upper < lower {
            throw GatewayError(.badRequest, code: .invalidRange, message: "from must not be after to", field: "from")
        }
        return (lower, upper)
    }

    /// `YYYY-MM-DDTHH:MM:SS[.fff]Z`.
    static func instant(_ text: String) -> Timestamp? {
        let parts = text.split(separator: "T", maxSplits: 1)
        guard parts.count == 2, let day = CalendarDay(String(parts[0])), parts[1].hasSuffix("Z") else { return nil }
        let time = parts[1].dropLast()
        let secondsAndFraction = time.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        let clock = secondsAndFraction[0].split(separator: ":", omittingEmptySubsequences: false)
        guard clock.count == 3, clock.allSatisfy({ $0.count == 2 }),
              let hour = Int(clock[0]), let minute = Int(clock[1]), let second = Int(clock[2]),
              hour < 24, minute < 60, second < 60 else { return nil }
        var millis = 0
        if secondsAndFraction.count == 2 {
            let fraction = secondsAndFraction[1]
            guard (1...3).contains(fraction.count), fraction.allSatisfy(\.isASCII), let value = Int(fraction) else { return nil }
            millis = value * [100, 10, 1][fraction.count - 1]
        }
        return day.midnight.adding(milliseconds: Int64(((hour * 60 + minute) * 60 + second) * 1000 + millis))
    }
}
