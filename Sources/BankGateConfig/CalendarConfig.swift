public import BankGateCore

/// `[[calendars]]`: a business calendar banks name per currency (`calendar`, `calendars`).
///
/// ```toml
/// [[calendars]]
/// name = "cn"
/// weekend = ["sat", "sun"]                 # default
/// holidays_file = "calendars/cn-2027.txt"  # one YYYY-MM-DD per line, # comments; beside the configuration
/// holidays = ["2027-10-08"]                # and/or inline
/// extra_working_days = ["2027-02-20"]      # 调休 make-up working days
/// utc_offset = "+08:00"                    # default +00:00
/// ```
enum CalendarConfig {
    static let keys = ["name", "weekend", "holidays_file", "holidays", "extra_working_days", "utc_offset"]

    static func decode(_ reader: TableReader, names: inout UniqueIdentifiers, baseDirectory: String) -> BusinessCalendar {
        let name = reader.string("name", required: true)
        if let name { names.check(name, key: "name", in: reader) }
        var weekend: Set<Int> = [6, 7]
        if let days = reader.stringArray("weekend", required: false) {
            weekend = []
            for (index, day) in days.enumerated() {
                guard let number = CalendarDay.weekdayNames[day.value] else {
                    reader.report("weekend[\(index)]", "must be one of mon, tue, wed, thu, fri, sat, sun, not \"\(day.value)\"", line: day.line)
                    continue
                }
                weekend.insert(number)
            }
        }
        var holidays = Set(days("holidays", reader))
        if let file = reader.string("holidays_file", required: false) {
            let path = ConfigPath.resolve(file.value, against: baseDirectory)
            switch ConfigFile.read(path) {
            case .success(let text):
                switch BusinessCalendar.parseDayList(text) {
                case .success(let listed): holidays.formUnion(listed)
                case .failure(let problem):
                    reader.report("holidays_file", "\(path) line \(problem.line): \"\(problem.text)\" is not a date written YYYY-MM-DD",
                                  line: file.line)
                }
            case .failure(let failure):
                reader.report("holidays_file", "\(path): \(failure.message)", line: file.line)
            }
        }
        var offset = 0
        if let text = reader.string("utc_offset", required: false) {
            if let minutes = MaintenanceWindow.offsetMinutes(text.value) {
                offset = minutes
            } else {
                reader.report("utc_offset", "must be written ±HH:MM (such as \"+08:00\"), not \"\(text.value)\"", line: text.line)
            }
        }
        return BusinessCalendar(name: name?.value ?? "", weekend: weekend, holidays: holidays,
                                extraWorkingDays: Set(days("extra_working_days", reader)), utcOffsetMinutes: offset)
    }

    /// A list of `YYYY-MM-DD` days under `key`.
    private static func days(_ key: String, _ reader: TableReader) -> [CalendarDay] {
        (reader.stringArray(key, required: false) ?? []).enumerated().compactMap { index, text in
            guard let day = CalendarDay(text.value) else {
                reader.report("\(key)[\(index)]", "must be a date written YYYY-MM-DD, not \"\(text.value)\"", line: text.line)
                return nil
            }
            return day
        }
    }
}
