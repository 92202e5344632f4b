import BankGateCore
import Foundation
import XCTest
@testable import BankGateConfig

/// `[[calendars]]` and a bank's `calendar`, `calendars`, `cutoffs`, `maintenance`, `honours_execution_date`.
final class CalendarConfigTests: XCTestCase {
    private func holidayFile(_ text: String) throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("cn-\(UUID().uuidString).txt")
        try text.write(to: url, atomically: true, encoding: .utf8)
        addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url.path
    }

    private func configuration(bankKeys: String, calendars: String) -> String {
        ConfigurationFixture.valid.replacingOccurrences(of: "url = \"http://127.0.0.1:9101\"\n",
                                                        with: "url = \"http://127.0.0.1:9101\"\n" + bankKeys + "\n") + "\n" + calendars + "\n"
    }

    func testABankNamesItsCalendarsCutOffsAndMaintenanceWindows() throws {
        let file = try holidayFile("# example\n2027-10-01\n2027-10-04 # Monday\n")
        let text = configuration(bankKeys: """
            calendar = "cn"
            calendars = ["HKD=hk"]
            cutoffs = ["single=16:30", "payroll=15:00"]
            maintenance = ["daily 23:30-00:30", "2026-12-31T20:00/2027-01-01T02:00"]
            honours_execution_date = true
            """, calendars: """
            [[calendars]]
            name = "cn"
            holidays_file = "\(file)"
            holidays = ["2027-10-05"]
            extra_working_days = ["2027-10-09"]
            utc_offset = "+08:00"

            [[calendars]]
            name = "hk"
            weekend = ["sun"]
            """)
        let configuration = try XCTUnwrap(validConfiguration(text))
        let timetable = configuration.banks[0].timetable
        XCTAssertEqual(timetable.calendar.name, "cn")
        XCTAssertEqual(timetable.calendar.holidays, [CalendarDay("2027-10-01")!, CalendarDay("2027-10-04")!, CalendarDay("2027-10-05")!])
        XCTAssertEqual(timetable.calendar.extraWorkingDays, [CalendarDay("2027-10-09")!])
        XCTAssertEqual(timetable.calendar.utcOffsetMinutes, 480)
        XCTAssertEqual(timetable.calendar.weekend, [6, 7])
        XCTAssertEqual(timetable.currencyCalendars["HKD"]?.weekend, [7])
        XCTAssertEqual(timetable.cutoffs, [.single: 990, .payroll: 900])
        XCTAssertEqual(timetable.maintenance.count, 2)
        XCTAssertTrue(timetable.isInMaintenance(at: Timestamp.parseDate("2026-12-31")!.adding(milliseconds: 13 * 3_600_000)),
                      "21:00 on 31 December at +08:00")
        XCTAssertTrue(timetable.honoursExecutionDate)
        XCTAssertEqual(configuration.calendars.map(\.name), ["cn", "hk"])
        // Without any of it: every day, no cut-off, never in maintenance, dates not honoured.
        let plain = try XCTUnwrap(validConfiguration(ConfigurationFixture.valid)).banks[0].timetable
        XCTAssertEqual(plain, BankTimetable())
    }

    func testMistakesAreNamed() throws {
        assertConfigurationError(configuration(bankKeys: "calendar = \"cn\"", calendars: ""), key: "banks[0].calendar",
                                 "not a [[calendars]] entry")
        let cn = "[[calendars]]\nname = \"cn\""
        assertConfigurationError(configuration(bankKeys: "calendars = [\"CNY\"]", calendars: cn), key: "banks[0].calendars[0]",
                                 "CURRENCY=calendar")
        assertConfigurationError(configuration(bankKeys: "cutoffs = [\"wire=16:30\"]", calendars: cn), key: "banks[0].cutoffs[0]",
                                 "single, batch or payroll")
        assertConfigurationError(configuration(bankKeys: "maintenance = [\"nightly\"]", calendars: cn), key: "banks[0].maintenance[0]",
                                 "daily HH:MM-HH:MM")
        assertConfigurationError(configuration(bankKeys: "", calendars: cn + "\nweekend = [\"saturday\"]"),
                                 key: "calendars[0].weekend[0]", "mon, tue")
        assertConfigurationError(configuration(bankKeys: "", calendars: cn + "\nutc_offset = \"8\""), key: "calendars[0].utc_offset", "±HH:MM")
        let bad = try holidayFile("2027-10-01\n1 October\n")
        assertConfigurationError(configuration(bankKeys: "", calendars: cn + "\nholidays_file = \"\(bad)\""),
                                 key: "calendars[0].holidays_file", "line 2")
        assertConfigurationError(configuration(bankKeys: "", calendars: cn + "\n" + cn), key: "calendars[1].name", "already used")
    }
}
