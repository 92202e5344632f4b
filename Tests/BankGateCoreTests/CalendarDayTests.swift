import BankGateCore
import XCTest

/// The one calendar-day type: parsing, writing, arithmetic, leap years, days before 1970.
final class CalendarDayTests: XCTestCase {
    func testParsesAndWritesEveryDayOfFourHundredYearsAroundTheEpoch() {
        var day = CalendarDay(year: 1800, month: 1, day: 1)!
        let end = CalendarDay(year: 2200, month: 12, day: 31)!
        var previous: CalendarDay?
        while day <= end {
            let text = day.description
            XCTAssertEqual(CalendarDay(text), day, text)
            if let previous { XCTAssertEqual(previous.distance(to: day), 1) }
            previous = day
            day = day.adding(days: 1)
        }
        XCTAssertEqual(CalendarDay(year: 1800, month: 1, day: 1)!.distance(to: end), 146_097 + 365 - 1, "400 years of 146,097 days, then 2200 (not a leap year)")
    }

    func testLeapDaysAndImpossibleDates() {
        XCTAssertNotNil(CalendarDay("2028-02-29"))
        XCTAssertNotNil(CalendarDay("2000-02-29"))
        XCTAssertNil(CalendarDay("1900-02-29"), "1900 is not a leap year")
        XCTAssertNil(CalendarDay("2026-02-29"))
        XCTAssertNil(CalendarDay("2026-02-30"))
        XCTAssertNil(CalendarDay("2026-13-01"))
        XCTAssertNil(CalendarDay("2026-00-10"))
        XCTAssertNil(CalendarDay("2026-1-10"))
        XCTAssertNil(CalendarDay("2026-01-10 "))
        XCTAssertNil(CalendarDay("2026/01/10"))
        XCTAssertEqual(CalendarDay("2028-02-29")!.adding(days: 1).description, "2028-03-01")
        XCTAssertEqual(CalendarDay("2028-03-01")!.adding(days: -1).description, "2028-02-29")
        XCTAssertEqual(CalendarDay("2026-12-31")!.adding(days: 1).description, "2027-01-01")
    }

    func testTheDayOfAnInstantIsItsUTCDay() {
        let lastSecondOfLeapDay = CalendarDay("2028-02-29")!.midnight.adding(milliseconds: 86_399_999)
        XCTAssertEqual(CalendarDay(lastSecondOfLeapDay).description, "2028-02-29")
        XCTAssertEqual(CalendarDay(lastSecondOfLeapDay.adding(milliseconds: 1)).description, "2028-03-01")
        XCTAssertEqual(CalendarDay(Timestamp(milliseconds: -1)).description, "1969-12-31")
        XCTAssertEqual(CalendarDay(Timestamp(milliseconds: 0)).description, "1970-01-01")
        XCTAssertEqual(Timestamp(milliseconds: -1).iso8601, "1969-12-31T23:59:59.999Z")
        XCTAssertEqual(lastSecondOfLeapDay.iso8601, "2028-02-29T23:59:59.999Z")
        XCTAssertEqual(Timestamp.parseDate("2028-02-29"), CalendarDay("2028-02-29")?.midnight)
    }
}
