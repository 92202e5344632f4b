public import BankGateCore

/// `[[alerts]]`: one rule, IF a condition THEN actions. Each entry names exactly one condition
/// (its key says which), optional `banks` / `accounts` filters, and at least one action.
///
/// ```toml
/// [[alerts]]
/// name = "large-cny"
/// payment_amount_above = "1000000.00"
/// currency = "CNY"
/// accounts = ["acme-cny"]
/// event = true
/// log = "warning"
/// ```
public struct AlertRuleConfig: Sendable, Hashable {
    /// What makes the rule fire.
    public enum Condition: Sendable, Hashable {
        /// `payment_amount_above` + `currency`: a payment strictly above the amount, in that currency.
        case paymentAmountAbove(Money)
        /// `payment_new_creditor = true`: the debtor account has paid the creditor account never before.
        case paymentNewCreditor
        /// `payment_outside_hours = "09:00-18:00"` + `utc_offset`: accepted outside the window,
        /// minutes after midnight, local time; Saturdays and Sundays are outside all day.
        case paymentOutsideHours(startMinute: Int, endMinute: Int, utcOffsetMinutes: Int)
        /// `payment_creditor_countries`: the creditor's address country, or its BIC's, is one of these.
        case paymentCreditorCountries(Set<String>)
        /// `bank_rejections_in_a_row`: this many payments of a bank rejected one after the other.
        case bankRejectionsInARow(Int)
        /// `bank_circuit_open = true`: the dispatcher stopped sending to a bank it cannot reach.
        case bankCircuitOpen
        /// `bank_unknown_older_than_minutes`: a payment's outcome unknown for longer than this.
        case bankUnknownOlderThan(minutes: Int)
        /// `statement_gap = true`: a gap between statements was found.
        case statementGap
        /// `statement_inconsistent = true`: a statement whose balances do not add up was quarantined.
        case statementInconsistent
        /// `key_expires_within_days`: a signing certificate expires within this many days.
        case keyExpiresWithin(days: Int)

        /// The condition's configuration key, also its name in firings.
        public var key: String {
            switch self {
            case .paymentAmountAbove: "payment_amount_above"
            case .paymentNewCreditor: "payment_new_creditor"
            case .paymentOutsideHours: "payment_outside_hours"
            case .paymentCreditorCountries: "payment_creditor_countries"
            case .bankRejectionsInARow: "bank_rejections_in_a_row"
            case .bankCircuitOpen: "bank_circuit_open"
            case .bankUnknownOlderThan: "bank_unknown_older_than_minutes"
            case .statementGap: "statement_gap"
            case .statementInconsistent: "statement_inconsistent"
            case .keyExpiresWithin: "key_expires_within_days"
            }
        }
    }

    /// The level of the log line an alert writes (`log = "warning"`).
    public enum LogLevel: String, Sendable, Hashable, CaseIterable {
        case debug, info, notice, warning, error, critical
    }

    /// `name`: unique among the rules; firings are recorded under it.
    public var name: String
    public var condition: Condition
    /// `banks`: only subjects of these banks; `nil`: every bank.
    public var banks: Set<String>?
    /// `accounts`: only subjects of these debtor accounts; `nil`: every account.
    public var accounts: Set<String>?
    /// `event = true`: an `alert.fired` event on the feed.
    public var event: Bool
    /// `webhook = true`: the `alert.fired` event is written (as with `event`) so that webhook
    /// subscriptions to `alert.fired` or `alert.*` deliver it.
    public var webhook: Bool
    /// `log`: a log line at this level.
    public var log: LogLevel?

    public init(name: String, condition: Condition, banks: Set<String>? = nil, accounts: Set<String>? = nil,
                event: Bool = true, webhook: Bool = false, log: LogLevel? = nil) {
        self.name = name
        self.condition = condition
        self.banks = banks
        self.accounts = accounts
        self.event = event
        self.webhook = webhook
        self.log = log
    }

    /// Whether a firing writes the `alert.fired` event.
    public var writesEvent: Bool { event || webhook }

    /// The condition keys, one of which each entry has.
    static let conditionKeys = [
        "payment_amount_above", "payment_new_creditor", "payment_outside_hours", "payment_creditor_countries",
        "bank_rejections_in_a_row", "bank_circuit_open", "bank_unknown_older_than_minutes", "statement_gap",
        "statement_inconsistent", "key_expires_within_days",
    ]

    /// The keys of an `[[alerts]]` entry.
    static let keys = ["name", "banks", "accounts", "event", "webhook", "log", "currency", "utc_offset"] + conditionKeys

    static func decode(_ reader: TableReader, names: inout UniqueIdentifiers, bankIds: Set<String>,
                       accountIds: Set<String>) -> AlertRuleConfig? {
        let name = reader.string("name", required: true)
        if let name { names.check(name, key: "name", in: reader) }
        let given = conditionKeys.filter(reader.has)
        var condition: Condition?
        switch given.count {
        case 0: reader.report("name", "a rule needs one condition: " + conditionKeys.joined(separator: ", "))
        case 1: condition = decodeCondition(given[0], reader)
        default:
            // Named at the second one written.
            let inFileOrder = given.sorted { (reader.table[$0]?.line ?? 0) < (reader.table[$1]?.line ?? 0) }
            reader.report(inFileOrder[1], "a rule has one condition; \(inFileOrder.joined(separator: " and ")) are given")
        }
        if reader.has("currency") && given != ["payment_amount_above"] {
            reader.report("currency", "belongs with payment_amount_above only")
        }
        if reader.has("utc_offset") && given != ["payment_outside_hours"] {
            reader.report("utc_offset", "belongs with payment_outside_hours only")
        }
        let banks = reader.stringArray("banks", required: false).map { list in
            Set(list.map { bank in
                if !bankIds.contains(bank.value) { reader.report("banks", "no [[banks]] entry has id \"\(bank.value)\"", line: bank.line) }
                return bank.value
            })
        }
        let accounts = reader.stringArray("accounts", required: false).map { list in
            Set(list.map { account in
                if !accountIds.contains(account.value) {
                    reader.report("accounts", "no [[accounts]] entry has id \"\(account.value)\"", line: account.line)
                }
                return account.value
            })
        }
        if accounts != nil, let condition, Self.hasNoAccount(condition) {
            reader.report("accounts", "\(condition.key) is about a bank or a key, not an account; filter with banks")
        }
        let event = reader.bool("event", default: false)
        let webhook = reader.bool("webhook", default: false)
        var log: LogLevel?
        if let level = reader.string("log", required: false) {
            log = LogLevel(rawValue: level.value)
            if log == nil {
                reader.report("log", "must be one of " + LogLevel.allCases.map(\.rawValue).joined(separator: ", "), line: level.line)
            }
        }
        if !event && !webhook && !reader.has("log") {
            reader.report("name", "a rule needs at least one action: event = true, webhook = true or log = \"LEVEL\"")
        }
        guard let name, let condition else { return nil }
        return AlertRuleConfig(name: name.value, condition: condition, banks: banks, accounts: accounts, event: event,
                               webhook: webhook, log: log)
    }

    /// Conditions whose subject is a bank or a key (an `accounts` filter means nothing for them).
    static func hasNoAccount(_ condition: Condition) -> Bool {
        switch condition {
        case .bankRejectionsInARow, .bankCircuitOpen, .keyExpiresWithin: true
        default: false
        }
    }

    static func decodeCondition(_ key: String, _ reader: TableReader) -> Condition? {
        func flag() -> Bool {
            let value = reader.bool(key, default: false)
            if !value { reader.report(key, "write \(key) = true, or leave the key out") }
            return value
        }
        switch key {
        case "payment_amount_above":
            guard let text = reader.string(key, required: true), let code = reader.string("currency", required: true) else { return nil }
            guard let currency = Currency(code: code.value) else {
                reader.report("currency", "\"\(code.value)\" is not an ISO 4217 currency code", line: code.line)
                return nil
            }
            guard let money = try? Money(parsing: text.value, currency: currency), money.minorUnits >= 0 else {
                reader.report(key, "must be an amount in \(currency.code) with at most \(currency.exponent) decimals, as a string",
                              line: text.line)
                return nil
            }
            return .paymentAmountAbove(money)
        case "payment_new_creditor":
            return flag() ? .paymentNewCreditor : nil
        case "payment_outside_hours":
            guard let text = reader.string(key, required: true) else { return nil }
            let parts = text.value.split(separator: "-", omittingEmptySubsequences: false)
            guard parts.count == 2, let start = minuteOfDay(parts[0]), let end = minuteOfDay(parts[1]), start < end else {
                reader.report(key, "must be \"HH:MM-HH:MM\" with the start before the end, such as \"09:00-18:00\"", line: text.line)
                return nil
            }
            var offset = 0
            if let offsetText = reader.string("utc_offset", required: false) {
                guard let minutes = utcOffsetMinutes(offsetText.value) else {
                    reader.report("utc_offset", "must be \"+HH:MM\" or \"-HH:MM\" (at most 14 hours), such as \"+08:00\"",
                                  line: offsetText.line)
                    return nil
                }
                offset = minutes
            }
            return .paymentOutsideHours(startMinute: start, endMinute: end, utcOffsetMinutes: offset)
        case "payment_creditor_countries":
            guard let list = reader.stringArray(key, required: true) else { return nil }
            if list.isEmpty { reader.report(key, "name at least one country") }
            for country in list where !CountryCode.isValid(country.value) {
                reader.report(key, "\"\(country.value)\" is not an ISO 3166 alpha-2 country code (upper case)", line: country.line)
            }
            return .paymentCreditorCountries(Set(list.map(\.value)))
        case "bank_rejections_in_a_row":
            return reader.optionalInteger(key, range: 1...10_000).map(Condition.bankRejectionsInARow)
        case "bank_circuit_open":
            return flag() ? .bankCircuitOpen : nil
        case "bank_unknown_older_than_minutes":
            return reader.optionalInteger(key, range: 1...525_600).map { .bankUnknownOlderThan(minutes: $0) }
        case "statement_gap":
            return flag() ? .statementGap : nil
        case "statement_inconsistent":
            return flag() ? .statementInconsistent : nil
        case "key_expires_within_days":
            return reader.optionalInteger(key, range: 1...3_650).map { .keyExpiresWithin(days: $0) }
        default:
            return nil
        }
    }

    /// `HH:MM` (00:00 to 24:00) as minutes after midnight.
    static func minuteOfDay(_ text: Substring) -> Int? {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 2, parts[1].count == 2,
              let hours = Int(parts[0]), let minutes = Int(parts[1]), (0...59).contains(minutes) else { return nil }
        let total = hours * 60 + minutes
        return (0...1_440).contains(total) ? total : nil
    }

    /// `+HH:MM` / `-HH:MM` as minutes ahead of UTC.
    static func utcOffsetMinutes(_ text: String) -> Int? {
        guard let sign = text.first, sign == "+" || sign == "-", let minutes = minuteOfDay(text.dropFirst()), minutes <= 14 * 60 else {
            return nil
        }
        return sign == "-" ? -minutes : minutes
    }
}
