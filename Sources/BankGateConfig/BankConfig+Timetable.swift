import BankGateCore

/// Reading a `[[banks]]` entry's timetable: `calendar`, `calendars`, `cutoffs`, `maintenance`,
/// `honours_execution_date` (``BankTimetable``).
extension BankConfig {
    static let timetableKeys = ["calendar", "calendars", "cutoffs", "maintenance", "honours_execution_date"]

    /// The timetable of the entry `reader` reads; calendars are looked up in `calendars` by name.
    static func decodeTimetable(_ reader: TableReader, calendars: [String: BusinessCalendar]) -> BankTimetable {
        var timetable = BankTimetable()
        func lookUp(_ name: Located<String>, key: String) -> BusinessCalendar? {
            guard let calendar = calendars[name.value] else {
                let known = calendars.keys.sorted().joined(separator: ", ")
                reader.report(key, "names calendar \"\(name.value)\", which is not a [[calendars]] entry"
                                  + (known.isEmpty ? "" : " (known: \(known))"), line: name.line)
                return nil
            }
            return calendar
        }
        if let name = reader.string("calendar", required: false), let calendar = lookUp(name, key: "calendar") {
            timetable.calendar = calendar
        }
        for (index, item) in (reader.stringArray("calendars", required: false) ?? []).enumerated() {
            let key = "calendars[\(index)]"
            let parts = item.value.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            guard parts.count == 2, Currency(code: parts[0]) != nil, !parts[1].isEmpty else {
                reader.report(key, "must be \"CURRENCY=calendar\" (such as \"CNY=cn\"), not \"\(item.value)\"", line: item.line)
                continue
            }
            if timetable.currencyCalendars[parts[0]] != nil { reader.report(key, "currency \(parts[0]) is listed twice", line: item.line) }
            if let calendar = lookUp(Located(value: parts[1], line: item.line), key: key) {
                timetable.currencyCalendars[parts[0]] = calendar
            }
        }
        for (index, item) in (reader.stringArray("cutoffs", required: false) ?? []).enumerated() {
            let parts = item.value.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2, let kind = PaymentKind(rawValue: String(parts[0])), let minute = MaintenanceWindow.minutes(parts[1]) else {
                reader.report("cutoffs[\(index)]", "must be \"KIND=HH:MM\" with KIND single, batch or payroll (such as \"single=16:30\"), "
                                  + "not \"\(item.value)\"", line: item.line)
                continue
            }
            timetable.cutoffs[kind] = minute
        }
        for (index, item) in (reader.stringArray("maintenance", required: false) ?? []).enumerated() {
            guard let window = MaintenanceWindow(item.value, utcOffsetMinutes: timetable.calendar.utcOffsetMinutes) else {
                reader.report("maintenance[\(index)]", "must be \"daily HH:MM-HH:MM\" or \"YYYY-MM-DDTHH:MM/YYYY-MM-DDTHH:MM\" "
                                  + "(in the offset of the bank's calendar), not \"\(item.value)\"", line: item.line)
                continue
            }
            timetable.maintenance.append(window)
        }
        timetable.honoursExecutionDate = reader.bool("honours_execution_date", default: false)
        return timetable
    }
}
