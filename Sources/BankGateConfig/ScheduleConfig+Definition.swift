public import BankGateCore

extension ScheduleConfig {
    /// A plan from its definition: the keys of one `[[schedules]]` entry as TOML lines, as a plan made
    /// through the API is kept. Checked exactly as the configuration file's plans are, against the
    /// running configuration's `calendars` and `accounts`; `takenNames` are the plans already in force.
    public static func parse(definition: String, calendars: [BusinessCalendar], accounts: [AccountConfig],
                             takenNames: [String] = []) throws(ConfigurationError) -> ScheduleConfig {
        let root: TOMLTable
        do {
            root = try TOMLParser.parse(definition)
        } catch {
            throw ConfigurationError(file: "schedule", line: error.line, key: nil, problem: error.message)
        }
        let problems = ProblemList(file: "schedule")
        var names = UniqueIdentifiers(section: "schedules", problems: problems)
        let plan = decode(TableReader(root, path: "", allowedKeys: keys, problems: problems), names: &names,
                          calendars: Dictionary(calendars.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first }),
                          accounts: Dictionary(accounts.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first }))
        if let error = problems.combined() { throw error }
        guard let plan else { throw ConfigurationError(file: "schedule", line: nil, key: nil, problem: "not a plan") }
        if takenNames.contains(plan.name) {
            throw ConfigurationError(file: "schedule", line: nil, key: "name", problem: "a plan named \"\(plan.name)\" exists already")
        }
        return plan
    }
}
