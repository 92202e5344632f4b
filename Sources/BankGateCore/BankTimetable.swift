/// When a bank executes and may be called: its business calendars (a default one and one per
/// currency), its cut-off times per payment kind, its maintenance windows, and whether it honours
/// a requested execution date carried in its payment message.
public struct BankTimetable: Sendable, Hashable {
    /// `calendar`: the calendar for currencies without their own; ``BusinessCalendar/everyDay`` when none.
    public var calendar: BusinessCalendar
    /// `calendars = ["CNY=cn"]`: per currency code.
    public var currencyCalendars: [String: BusinessCalendar]
    /// `cutoffs = ["single=16:30"]`: minutes after local midnight (in the payment's calendar) after
    /// which a payment of that kind waits for the next business day.
    public var cutoffs: [PaymentKind: Int]
    /// `maintenance`: the bank is not called inside any of these.
    public var maintenance: [MaintenanceWindow]
    /// `honours_execution_date`: the bank executes a payment on the execution date its message
    /// carries, so a later-dated payment may be sent at once (when its format carries the date).
    public var honoursExecutionDate: Bool

    public init(calendar: BusinessCalendar = .everyDay, currencyCalendars: [String: BusinessCalendar] = [:],
                cutoffs: [PaymentKind: Int] = [:], maintenance: [MaintenanceWindow] = [], honoursExecutionDate: Bool = false) {
        self.calendar = calendar
        self.currencyCalendars = currencyCalendars
        self.cutoffs = cutoffs
        self.maintenance = maintenance
        self.honoursExecutionDate = honoursExecutionDate
    }

    /// The calendar of `currency` (its own, else the bank's).
    public func calendar(currency: String) -> BusinessCalendar { currencyCalendars[currency] ?? calendar }

    /// Whether the bank is in a maintenance window at `instant` (daily windows in the bank's calendar offset).
    public func isInMaintenance(at instant: Timestamp) -> Bool {
        maintenance.contains { $0.contains(instant, utcOffsetMinutes: calendar.utcOffsetMinutes) }
    }

    /// When and how a payment is executed.
    public struct ExecutionPlan: Sendable, Hashable {
        /// The execution date the payment's message carries.
        public var day: CalendarDay
        /// When it may be sent: `nil` at once; else it waits in `scheduled` until then (the local start of ``day``).
        public var releaseAt: Timestamp?
        /// Why the day is not the one asked for (or today), for the payment's history; `nil` when it is.
        public var note: String?
    }

    /// The plan for a payment of `kind` in `currency` accepted at `now`, the client having asked
    /// for `requested` (nil: as soon as possible). The day is the first business day on or after
    /// the requested day and not before the earliest the bank can still execute: today before the
    /// cut-off on a business day, else the next business day. A day after today waits in
    /// `scheduled` unless `carriesDate` (the bank's format carries the execution date) and the bank
    /// honours it: then it is sent at once with that date.
    public func plan(requested: CalendarDay?, currency: String, kind: PaymentKind, at now: Timestamp,
                     carriesDate: Bool) -> ExecutionPlan {
        let calendar = calendar(currency: currency)
        let today = calendar.day(of: now)
        var earliest = today
        var note: String?
        if !calendar.isBusinessDay(today) {
            earliest = calendar.businessDay(onOrAfter: today)
            note = "\(today) is not a business day in calendar \(calendar.name)"
        } else if let cutoff = cutoffs[kind], calendar.minuteOfDay(now) >= cutoff {
            earliest = calendar.businessDay(onOrAfter: today.adding(days: 1))
            note = "accepted after the bank's \(kind.rawValue) cut-off"
        }
        var day = max(requested ?? earliest, earliest)
        if let requested, requested >= earliest { note = nil }
        let business = calendar.businessDay(onOrAfter: day)
        if business != day {
            note = (note.map { $0 + "; " } ?? "") + "\(day) is not a business day in calendar \(calendar.name)"
            day = business
        }
        if day <= today || (carriesDate && honoursExecutionDate) {
            return ExecutionPlan(day: day, releaseAt: nil, note: note)
        }
        return ExecutionPlan(day: day, releaseAt: calendar.start(of: day), note: note)
    }
}
