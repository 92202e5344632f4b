/// A calendar date as a count of days since 1970-01-01, parsed from `YYYY-MM-DD` without allocating,
/// so that date windows are integer comparisons on the hot path of matching.
struct CalendarDay: Hashable, Comparable, Sendable {
    /// Days since 1970-01-01 (negative before).
    let value: Int

    init(value: Int) { self.value = value }

    /// Parses `YYYY-MM-DD`; `nil` unless it is a real Gregorian date.
    init?(_ text: String) {
        var digits = (0, 0, 0)
        var position = 0
        for byte in text.utf8 {
            if position == 4 || position == 7 {
                guard byte == UInt8(ascii: "-") else { return nil }
            } else {
                guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
                let digit = Int(byte &- UInt8(ascii: "0"))
                switch position {
                case 0..<4: digits.0 = digits.0 * 10 + digit
                case 5..<7: digits.1 = digits.1 * 10 + digit
                default: digits.2 = digits.2 * 10 + digit
                }
            }
            position += 1
            if position > 10 { return nil }
        }
        let (year, month, day) = digits
        guard position == 10, (1...12).contains(month), day >= 1, day <= CalendarDay.length(month: month, year: year) else {
            return nil
        }
        value = CalendarDay.days(year: year, month: month, day: day)
    }

    static func < (lhs: CalendarDay, rhs: CalendarDay) -> Bool { lhs.value < rhs.value }

    /// Whole days from `self` to `other` (positive when `other` is later).
    func distance(to other: CalendarDay) -> Int { other.value - value }

    /// Days in `month` of `year`.
    static func length(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (the era-based civil-days formula).
    static func days(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}
