public import BankGateCore

/// `[[schedules]]`: a plan (调度计划) the gateway runs at set times; each run is a job (调度作业)
/// with its tasks (调度任务).
///
/// ```toml
/// [[schedules]]
/// name = "morning-statements"
/// kind = "statement_pull"        # statement_pull | balance_pull | batch_release | sweep
/// at = ["09:00", "15:30"]         # local times in the calendar's offset
/// days = "business"               # business (default) | daily
/// calendar = "cn"                 # a [[calendars]] name; else utc_offset (default +00:00), every weekday
/// accounts = ["acme-cny"]         # statement_pull, balance_pull, batch_release
/// grace_minutes = 60              # a missed occurrence still runs this long after its time
///
/// [[schedules]]
/// name = "sweep-to-hq"            # 上划: move what is above the target up to the head office
/// kind = "sweep"
/// at = ["16:00"]
/// from_account = "branch-cny"
/// to_account = "hq-cny"
/// target = "100000.00"
/// direction = "above"             # above: from pays to (balance of from − target);
///                                 # below: from pays to (target − balance of to), 下拨
/// ```
public struct ScheduleConfig: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        case statementPull = "statement_pull"
        case balancePull = "balance_pull"
        case batchRelease = "batch_release"
        case sweep
    }

    public enum SweepDirection: String, Sendable, Hashable, CaseIterable {
        case above, below
    }

    public var name: String
    public var kind: Kind
    /// When it runs.
    public var times: PlanTimes
    /// `accounts`: the accounts pulled (pulls), or whose batch and payroll payments wait for the
    /// plan's next run (`batch_release`).
    public var accounts: [String]
    /// `sweep`: the paying account, the receiving one, the target balance and the direction.
    public var fromAccount: String?
    public var toAccount: String?
    public var target: Money?
    public var direction: SweepDirection
    /// `grace_minutes`: how long after its time a missed occurrence (the gateway was down) still runs.
    public var graceMinutes: Int

    /// Every account the plan names: its `accounts`, or a sweep's paying and receiving accounts.
    public var namedAccounts: [String] { accounts + [fromAccount, toAccount].compactMap { $0 } }

    public init(name: String, kind: Kind, times: PlanTimes, accounts: [String] = [], fromAccount: String? = nil,
                toAccount: String? = nil, target: Money? = nil, direction: SweepDirection = .above, graceMinutes: Int = 60) {
        self.name = name
        self.kind = kind
        self.times = times
        self.accounts = accounts
        self.fromAccount = fromAccount
        self.toAccount = toAccount
        self.target = target
        self.direction = direction
        self.graceMinutes = graceMinutes
    }

    public static let keys = ["name", "kind", "at", "days", "calendar", "utc_offset", "accounts", "from_account", "to_account", "target",
                       "direction", "grace_minutes"]

    static func decode(_ reader: TableReader, names: inout UniqueIdentifiers, calendars: [String: BusinessCalendar],
                       accounts: [String: AccountConfig]) -> ScheduleConfig? {
        let name = reader.string("name", required: true)
        if let name { names.check(name, key: "name", in: reader) }
        let kindText = reader.string("kind", required: true)
        let kind = kindText.flatMap { Kind(rawValue: $0.value) }
        if let kindText, kind == nil {
            reader.report("kind", "must be one of \(Kind.allCases.map(\.rawValue).joined(separator: ", ")), not \"\(kindText.value)\"",
                          line: kindText.line)
        }
        var minutes: [Int] = []
        for (index, time) in (reader.stringArray("at", required: true) ?? []).enumerated() {
            guard let minute = MaintenanceWindow.minutes(Substring(time.value)) else {
                reader.report("at[\(index)]", "must be a local time HH:MM, not \"\(time.value)\"", line: time.line)
                continue
            }
            minutes.append(minute)
        }
        if reader.has("at"), minutes.isEmpty, reader.stringArray("at", required: false)?.isEmpty == true {
            reader.report("at", "must name at least one time")
        }
        var days = PlanTimes.Days.business
        if let text = reader.string("days", required: false) {
            if let value = PlanTimes.Days(rawValue: text.value) { days = value } else {
                reader.report("days", "must be \"business\" or \"daily\", not \"\(text.value)\"", line: text.line)
            }
        }
        var calendar = BusinessCalendar(name: "weekdays")
        if let text = reader.string("calendar", required: false) {
            if reader.has("utc_offset") { reader.report("utc_offset", "is the calendar's; give calendar or utc_offset, not both") }
            if let named = calendars[text.value] { calendar = named } else {
                reader.report("calendar", "names calendar \"\(text.value)\", which is not a [[calendars]] entry", line: text.line)
            }
        } else if let text = reader.string("utc_offset", required: false) {
            if let offset = MaintenanceWindow.offsetMinutes(text.value) { calendar.utcOffsetMinutes = offset } else {
                reader.report("utc_offset", "must be written ±HH:MM (such as \"+08:00\"), not \"\(text.value)\"", line: text.line)
            }
        }
        let listed = reader.stringArray("accounts", required: false) ?? []
        for account in listed where accounts[account.value] == nil {
            reader.report("accounts", "no [[accounts]] entry has id \"\(account.value)\"", line: account.line)
        }
        for (index, account) in listed.enumerated() where listed[..<index].contains(where: { $0.value == account.value }) {
            reader.report("accounts", "names \"\(account.value)\" twice", line: account.line)
        }
        func account(_ key: String) -> String? {
            guard let text = reader.string(key, required: kind == .sweep) else { return nil }
            if accounts[text.value] == nil { reader.report(key, "no [[accounts]] entry has id \"\(text.value)\"", line: text.line) }
            return text.value
        }
        let from = account("from_account"), to = account("to_account")
        var target: Money?
        var direction = SweepDirection.above
        switch kind {
        case .statementPull?, .balancePull?, .batchRelease?:
            if listed.isEmpty { reader.report("accounts", "a \(kind!.rawValue) plan names its accounts = [\"…\"]") }
            for key in ["from_account", "to_account", "target", "direction"] where reader.has(key) {
                reader.report(key, "is only used by kind = \"sweep\"")
            }
        case .sweep?:
            if reader.has("accounts") { reader.report("accounts", "is not used by kind = \"sweep\" (it has from_account and to_account)") }
            if let from, let to {
                if from == to { reader.report("to_account", "must not be from_account") }
                if let a = accounts[from], let b = accounts[to], a.currency != b.currency {
                    reader.report("to_account", "must be in the currency of from_account (\(a.currency.code))")
                }
                // A sweep moves money within one company: never from one tenant's account to another's.
                if let a = accounts[from], let b = accounts[to], a.tenant != b.tenant {
                    reader.report("to_account", "must belong to the tenant of from_account (\(a.tenant)), not \(b.tenant)")
                }
            }
            if let text = reader.string("target", required: true), let currency = from.flatMap({ accounts[$0]?.currency }) {
                target = try? Money(parsing: text.value, currency: currency)
                if target == nil || target!.minorUnits < 0 {
                    reader.report("target", "must be an amount in \(currency.code) with at most \(currency.exponent) decimals, as a string",
                                  line: text.line)
                }
            }
            if let text = reader.string("direction", required: false) {
                if let value = SweepDirection(rawValue: text.value) { direction = value } else {
                    reader.report("direction", "must be \"above\" or \"below\", not \"\(text.value)\"", line: text.line)
                }
            }
        case nil:
            break
        }
        guard let name, let kind else { return nil }
        return ScheduleConfig(name: name.value, kind: kind, times: PlanTimes(minutes: minutes, days: days, calendar: calendar),
                              accounts: listed.map(\.value), fromAccount: from, toAccount: to, target: target, direction: direction,
                              graceMinutes: reader.integer("grace_minutes", default: 60, range: 0...10_080))
    }
}
