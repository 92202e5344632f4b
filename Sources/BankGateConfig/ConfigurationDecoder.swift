import BankGateCore

/// Turns the parsed TOML document into a ``BankGateConfiguration``, recording every problem.
///
/// The result is meaningful only when the ``ProblemList`` stays empty: where a value is wrong,
/// a placeholder is used so that checking can go on and report the other problems too.
struct ConfigurationDecoder {
    let problems: ProblemList
    let baseDirectory: String
    let adapters: AdapterVocabulary

    /// The top-level tables bankgate knows.
    static let sections = ["server", "tenants", "tokens", "banks", "accounts", "keys", "dispatch", "payment_controls", "limits",
                           "approval_rules", "approvals", "alerts", "calendars", "schedules",
                           // Issue 12, what operators see.
                           "logging"]

    func decode(_ root: TOMLTable) -> BankGateConfiguration {
        for key in root.keys where !Self.sections.contains(key) {
            let value = root[key]!
            let what: String
            switch value.kind {
            case .table: what = "unknown table [\(key)]"
            case .tableArray: what = "unknown array of tables [[\(key)]]"
            default: what = "unknown key; every setting belongs in a table such as [server]"
            }
            problems.add(line: value.line, key: key, what + Suggestion.didYouMean(key, among: Self.sections))
        }

        let server = table("server", in: root).map {
            ServerConfig.decode(TableReader($0, path: "server", allowedKeys: ServerConfig.keys, problems: problems), baseDirectory: baseDirectory)
        }
        if root["server"] == nil { problems.add(line: nil, key: "server", "the [server] table is required") }

        var tenantIds = UniqueIdentifiers(section: "tenants", problems: problems)
        let tenants = tables("tenants", in: root).enumerated().map { index, table in
            TenantConfig.decode(TableReader(table, path: "tenants[\(index)]", allowedKeys: TenantConfig.keys, problems: problems),
                                ids: &tenantIds)
        }
        if root["tenants"] != nil, tenants.isEmpty { problems.add(line: nil, key: "tenants", "must hold at least one entry") }

        var names = UniqueIdentifiers(section: "tokens", problems: problems)
        let tokenTables = tables("tokens", in: root)
        let tokens = tokenTables.enumerated().map { index, table in
            TokenConfig.decode(TableReader(table, path: "tokens[\(index)]", allowedKeys: TokenConfig.keys, problems: problems), names: &names,
                               tenantIds: tenants.isEmpty ? [:] : tenantIds.seen)
        }
        if root["tokens"] == nil { problems.add(line: nil, key: "tokens", "at least one [[tokens]] entry is required, or no client could call the API") }
        TokenConfig.checkDistinctSecrets(tokens, lines: tokenTables.map(\.line), problems: problems)
        TokenConfig.checkCertificates(tokens, lines: tokenTables.map(\.line), server: server, problems: problems)

        // Schedules and calendars: `[[calendars]]` first, as banks name them.
        var calendarNames = UniqueIdentifiers(section: "calendars", problems: problems)
        let calendars = tables("calendars", in: root).enumerated().map { index, table in
            CalendarConfig.decode(TableReader(table, path: "calendars[\(index)]", allowedKeys: CalendarConfig.keys, problems: problems),
                                  names: &calendarNames, baseDirectory: baseDirectory)
        }
        let calendarsByName = Dictionary(calendars.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })

        var bankIds = UniqueIdentifiers(section: "banks", problems: problems)
        let banks = tables("banks", in: root).enumerated().map { index, table in
            let adapterKeys = entry(adapterOf: table)?.bankKeys.map(\.name) ?? []
            let reader = TableReader(table, path: "banks[\(index)]", allowedKeys: BankConfig.keys + adapterKeys, problems: problems)
            var bank = BankConfig.decode(reader, ids: &bankIds, baseDirectory: baseDirectory, adapters: adapters)
            bank.timetable = BankConfig.decodeTimetable(reader, calendars: calendarsByName)
            return bank
        }
        let adapterOfBank = Dictionary(banks.map { ($0.id, $0.adapter) }, uniquingKeysWith: { first, _ in first })
        let receiptPullsOfBank = Dictionary(banks.map { ($0.id, $0.receiptPulls) }, uniquingKeysWith: { first, _ in first })

        var accountIds = UniqueIdentifiers(section: "accounts", problems: problems)
        let accounts = tables("accounts", in: root).enumerated().map { index, table -> AccountConfig in
            var adapterKeys: [AdapterVocabulary.Key] = []
            if case .string(let bank)? = table["bank"]?.kind, let adapter = adapterOfBank[bank] {
                adapterKeys = adapters.entries[adapter]?.accountKeys ?? []
            }
            var account = AccountConfig.decode(TableReader(table, path: "accounts[\(index)]",
                                                           allowedKeys: AccountConfig.keys + adapterKeys.map(\.name), problems: problems),
                                               ids: &accountIds, bankIds: bankIds.seen, adapterKeys: adapterKeys,
                                               baseDirectory: baseDirectory,
                                               tenantIds: tenants.isEmpty ? [:] : tenantIds.seen)
            account.receiptPulls = account.receiptPullsGiven.over(receiptPullsOfBank[account.bank] ?? ReceiptPullConfig())
            return account
        }

        TokenConfig.checkAccountSets(tokens, accounts: accounts, problems: problems)

        var keyIds = UniqueIdentifiers(section: "keys", problems: problems)
        let keyTables = tables("keys", in: root)
        let keys = keyTables.enumerated().map { index, table in
            KeyConfig.decode(TableReader(table, path: "keys[\(index)]", allowedKeys: KeyConfig.keys, problems: problems),
                             ids: &keyIds, bankIds: bankIds.seen, baseDirectory: baseDirectory)
        }
        KeyConfig.checkRollover(keys, lines: keyTables.map(\.line), problems: problems)
        KeyConfig.checkBindings(keys, accounts: accounts, lines: keyTables.map(\.line), problems: problems)
        KeyConfig.checkTokenModules(keys, lines: keyTables.map(\.line), problems: problems)

        let dispatch = table("dispatch", in: root).map {
            DispatchConfig.decode(TableReader($0, path: "dispatch", allowedKeys: DispatchConfig.keys, problems: problems))
        } ?? DispatchConfig()
        let controls = table("payment_controls", in: root).map {
            PaymentControlsConfig.decode(TableReader($0, path: "payment_controls", allowedKeys: PaymentControlsConfig.keys,
                                                     problems: problems))
        } ?? PaymentControlsConfig()
        let accountIdSet = Set(accounts.map(\.id)), tokenNames = Set(tokens.map(\.name))
        let limits = tables("limits", in: root).enumerated().compactMap { index, table in
            PaymentLimitConfig.decode(TableReader(table, path: "limits[\(index)]", allowedKeys: PaymentLimitConfig.keys, problems: problems),
                                      accountIds: accountIdSet, tokenNames: tokenNames)
        }

        var ruleNames = UniqueIdentifiers(section: "approval_rules", problems: problems)
        let approvalRules = tables("approval_rules", in: root).enumerated().compactMap { index, table in
            ApprovalRuleConfig.decode(TableReader(table, path: "approval_rules[\(index)]", allowedKeys: ApprovalRuleConfig.keys,
                                                  problems: problems),
                                      names: &ruleNames, accountIds: accountIdSet)
        }
        let approvals = table("approvals", in: root).map {
            ApprovalsConfig.decode(TableReader($0, path: "approvals", allowedKeys: ApprovalsConfig.keys, problems: problems))
        } ?? ApprovalsConfig()
        var alertNames = UniqueIdentifiers(section: "alerts", problems: problems)
        let alerts = tables("alerts", in: root).enumerated().compactMap { index, table in
            AlertRuleConfig.decode(TableReader(table, path: "alerts[\(index)]", allowedKeys: AlertRuleConfig.keys, problems: problems),
                                   names: &alertNames, bankIds: Set(bankIds.seen.keys), accountIds: accountIdSet)
        }

        var scheduleNames = UniqueIdentifiers(section: "schedules", problems: problems)
        let accountsById = Dictionary(accounts.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        let schedules = tables("schedules", in: root).enumerated().compactMap { index, table in
            ScheduleConfig.decode(TableReader(table, path: "schedules[\(index)]", allowedKeys: ScheduleConfig.keys, problems: problems),
                                  names: &scheduleNames, calendars: calendarsByName, accounts: accountsById)
        }

        var configuration = BankGateConfiguration(
            server: server ?? ServerConfig(host: "", port: 0, dataDirectory: ""),
            tokens: tokens, banks: banks, accounts: accounts, keys: keys, dispatch: dispatch, paymentControls: controls,
            limits: limits, tenants: tenants)
        configuration.approvalRules = approvalRules
        configuration.approvals = approvals
        configuration.alerts = alerts
        // Issue 12, what operators see: `[logging]`.
        configuration.logging = table("logging", in: root).map {
            LoggingConfig.decode(TableReader($0, path: "logging", allowedKeys: LoggingConfig.keys, problems: problems))
        } ?? LoggingConfig()
        configuration.calendars = calendars
        configuration.schedules = schedules
        return configuration
    }

    /// The vocabulary entry of the adapter a `[[banks]]` table names, if it names a known one.
    private func entry(adapterOf table: TOMLTable) -> AdapterVocabulary.Entry? {
        guard case .string(let name)? = table["adapter"]?.kind else { return nil }
        return adapters.entries[name]
    }

    /// The `[name]` table, or `nil` when absent or written as something else (recorded).
    private func table(_ name: String, in root: TOMLTable) -> TOMLTable? {
        guard let value = root[name] else { return nil }
        guard case .table(let table) = value.kind else {
            problems.add(line: value.line, key: name, "must be a single [\(name)] table, not \(value.typeDescription)")
            return nil
        }
        return table
    }

    /// The `[[name]]` entries; none when absent or written as something else (recorded).
    private func tables(_ name: String, in root: TOMLTable) -> [TOMLTable] {
        guard let value = root[name] else { return [] }
        guard case .tableArray(let tables) = value.kind else {
            problems.add(line: value.line, key: name, "must be written as [[\(name)]] entries, not \(value.typeDescription)")
            return []
        }
        return tables
    }
}

/// Checks identifiers (bank ids, account ids, token names): `[A-Za-z0-9_-]`, 1–64 characters,
/// unique within their section.
struct UniqueIdentifiers {
    let section: String
    let problems: ProblemList
    /// Valid identifiers seen so far, with their lines.
    private(set) var seen: [String: Int] = [:]

    init(section: String, problems: ProblemList) {
        self.section = section
        self.problems = problems
    }

    /// Records a problem under `reader`'s `key` when `identifier` is malformed or already used.
    mutating func check(_ identifier: Located<String>, key: String, in reader: TableReader) {
        let text = identifier.value
        if text.isEmpty || text.utf8.count > 64 || !text.utf8.allSatisfy(ASCII.isBareKey) {
            reader.report(key, "must be 1 to 64 characters of A-Z a-z 0-9 _ -, not \"\(text)\"", line: identifier.line)
        } else if let first = seen[text] {
            reader.report(key, "\"\(text)\" is already used by another entry of [[\(section)]] on line \(first)", line: identifier.line)
        } else {
            seen[text] = identifier.line
        }
    }
}
