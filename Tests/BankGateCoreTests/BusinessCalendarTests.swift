import XCTest
@testable import BankGateCore

/// Business calendars, maintenance windows and the execution plan of a payment.
final class BusinessCalendarTests: XCTestCase {
    private func day(_ text: String) -> CalendarDay { CalendarDay(text)! }
    private func at(_ date: String, _ hour: Int, _ minute: Int = 0) -> Timestamp {
        day(date).midnight.adding(milliseconds: Int64(hour * 60 + minute) * 60_000)
    }

    /// CN 2027 National Day week as an example: 1–7 October off, Saturday 9 October worked.
    private let cn = BusinessCalendar(name: "cn", holidays: Set((1...7).map { CalendarDay(year: 2027, month: 10, day: $0)! }),
                                      extraWorkingDays: [CalendarDay("2027-10-09")!], utcOffsetMinutes: 480)

    func testWeekdaysHolidaysAndMakeUpDays() {
        XCTAssertEqual(day("2026-12-04").isoWeekday, 5, "a Friday")
        XCTAssertEqual(day("1970-01-01").isoWeekday, 4, "a Thursday")
        XCTAssertEqual(day("1969-12-28").isoWeekday, 7, "a Sunday before the epoch")
        XCTAssertFalse(cn.isBusinessDay(day("2027-10-04")), "a holiday on a Monday")
        XCTAssertFalse(cn.isBusinessDay(day("2027-10-02")), "a Saturday")
        XCTAssertTrue(cn.isBusinessDay(day("2027-10-09")), "调休: the make-up Saturday")
        XCTAssertFalse(cn.isBusinessDay(day("2027-10-10")), "the Sunday after it")
        XCTAssertEqual(cn.businessDay(onOrAfter: day("2027-10-01")), day("2027-10-08"))
        XCTAssertEqual(cn.businessDay(onOrAfter: day("2027-10-08")), day("2027-10-08"))
        XCTAssertEqual(BusinessCalendar.everyDay.businessDay(onOrAfter: day("2027-10-02")), day("2027-10-02"))
    }

    func testLocalDayAndMinuteInTheCalendarsOffset() {
        // 2027-09-30T16:30Z is 00:30 on 1 October at +08:00.
        XCTAssertEqual(cn.day(of: at("2027-09-30", 16, 30)), day("2027-10-01"))
        XCTAssertEqual(cn.minuteOfDay(at("2027-09-30", 16, 30)), 30)
        XCTAssertEqual(cn.start(of: day("2027-10-08")), at("2027-10-07", 16))
    }

    func testHolidayFilesAreOneDatePerLineWithComments() {
        let text = "# CN 2027 (example)\n2027-10-01  # National Day\n\n  2027-10-02\r\n"
        XCTAssertEqual(try BusinessCalendar.parseDayList(text).get(), [day("2027-10-01"), day("2027-10-02")])
        guard case .failure(let problem) = BusinessCalendar.parseDayList("2027-10-01\n2027-13-01\n") else {
            return XCTFail("a month 13 was read")
        }
        XCTAssertEqual(problem, BusinessCalendar.DayListProblem(line: 2, text: "2027-13-01"))
    }

    func testMaintenanceWindows() {
        let nightly = MaintenanceWindow("daily 23:30-00:30", utcOffsetMinutes: 480)
        XCTAssertEqual(nightly, .daily(startMinute: 1_410, endMinute: 30))
        XCTAssertTrue(nightly!.contains(at("2027-03-01", 15, 45), utcOffsetMinutes: 480), "23:45 local")
        XCTAssertTrue(nightly!.contains(at("2027-03-01", 16, 15), utcOffsetMinutes: 480), "00:15 local")
        XCTAssertFalse(nightly!.contains(at("2027-03-01", 16, 30), utcOffsetMinutes: 480), "00:30 local: over")
        XCTAssertFalse(nightly!.contains(at("2027-03-01", 8), utcOffsetMinutes: 480))
        let once = MaintenanceWindow("2026-12-31T20:00/2027-01-01T02:00", utcOffsetMinutes: 480)
        XCTAssertEqual(once, .once(from: at("2026-12-31", 12), until: at("2026-12-31", 18)))
        XCTAssertTrue(once!.contains(at("2026-12-31", 12), utcOffsetMinutes: 0))
        XCTAssertFalse(once!.contains(at("2026-12-31", 18), utcOffsetMinutes: 0))
        for bad in ["daily 25:00-01:00", "daily 10:00-10:00", "weekly 10:00-11:00", "2027-01-02T00:00/2027-01-01T00:00", ""] {
            XCTAssertNil(MaintenanceWindow(bad, utcOffsetMinutes: 0), bad)
        }
        XCTAssertEqual(MaintenanceWindow.offsetMinutes("-05:30"), -330)
        XCTAssertNil(MaintenanceWindow.offsetMinutes("+15:00"))
    }

    func testExecutionPlans() {
        let timetable = BankTimetable(calendar: cn, cutoffs: [.single: 16 * 60 + 30, .batch: 15 * 60])
        // Thursday 30 September 2027, 10:00 local: today.
        let morning = at("2027-09-30", 2)
        var plan = timetable.plan(requested: nil, currency: "CNY", kind: .single, at: morning, carriesDate: true)
        XCTAssertEqual(plan, .init(day: day("2027-09-30"), releaseAt: nil, note: nil))
        // 16:00 local: after the batch cut-off, before the single one. The next business day is 8 October.
        let afternoon = at("2027-09-30", 8)
        plan = timetable.plan(requested: nil, currency: "CNY", kind: .batch, at: afternoon, carriesDate: true)
        XCTAssertEqual(plan.day, day("2027-10-08"))
        XCTAssertEqual(plan.releaseAt, at("2027-10-07", 16), "local midnight of 8 October")
        XCTAssertEqual(plan.note, "accepted after the bank's batch cut-off")
        XCTAssertNil(timetable.plan(requested: nil, currency: "CNY", kind: .single, at: afternoon, carriesDate: true).releaseAt)
        // On a holiday, whatever the hour: the next business day; a requested holiday moves on too.
        plan = timetable.plan(requested: nil, currency: "CNY", kind: .single, at: at("2027-10-04", 1), carriesDate: false)
        XCTAssertEqual(plan.day, day("2027-10-08"))
        plan = timetable.plan(requested: day("2027-10-09"), currency: "CNY", kind: .single, at: morning, carriesDate: false)
        XCTAssertEqual(plan.day, day("2027-10-09"), "the make-up Saturday is a business day")
        XCTAssertNil(plan.note)
        plan = timetable.plan(requested: day("2027-10-10"), currency: "CNY", kind: .single, at: morning, carriesDate: false)
        XCTAssertEqual(plan.day, day("2027-10-11"))
        XCTAssertEqual(plan.note, "2027-10-10 is not a business day in calendar cn")
        // A later date waits, unless the bank honours it and its message carries it.
        var honouring = timetable
        honouring.honoursExecutionDate = true
        XCTAssertNotNil(honouring.plan(requested: day("2027-10-11"), currency: "CNY", kind: .single, at: morning,
                                       carriesDate: false).releaseAt, "the format cannot carry the date")
        plan = honouring.plan(requested: day("2027-10-11"), currency: "CNY", kind: .single, at: morning, carriesDate: true)
        XCTAssertEqual(plan, .init(day: day("2027-10-11"), releaseAt: nil, note: nil))
        // Per-currency calendars: EUR on a plain weekday calendar in UTC.
        var perCurrency = timetable
        perCurrency.currencyCalendars["EUR"] = BusinessCalendar(name: "target")
        XCTAssertEqual(perCurrency.plan(requested: nil, currency: "EUR", kind: .single, at: at("2027-10-04", 1),
                                        carriesDate: false).day, day("2027-10-04"))
    }
}
