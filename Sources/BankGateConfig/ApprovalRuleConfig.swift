import BankGateCore

/// `[approvals]`: how long a payment waits for its approvals.
///
/// ```toml
/// [approvals]
/// expire_after_minutes = 1440
/// ```
public struct ApprovalsConfig: Sendable, Hashable {
    /// `expire_after_minutes`: a payment still pending approval this long after it began waiting is
    /// rejected with reason `approval_expired`.
    public var expireAfterMinutes: Int

    /// Default of `expire_after_minutes`: a day.
    public static let defaultExpireAfterMinutes = 1_440

    public init(expireAfterMinutes: Int = ApprovalsConfig.defaultExpireAfterMinutes) {
        self.expireAfterMinutes = expireAfterMinutes
    }

    /// The keys of `[approvals]`.
    static let keys = ["expire_after_minutes"]

    static func decode(_ reader: TableReader) -> ApprovalsConfig {
        ApprovalsConfig(expireAfterMinutes: reader.integer("expire_after_minutes", default: defaultExpireAfterMinutes,
                                                           range: 1...525_600))
    }
}

/// Reading `[[approval_rules]]` entries into ``ApprovalRule``s.
///
/// ```toml
/// [[approval_rules]]
/// name = "large-cny"
/// accounts = ["acme-cny"]          # optional filters
/// currencies = ["CNY"]
/// kinds = ["single", "batch"]
/// amount_at_least = "100000.00"    # conditions: any of them
/// new_creditor = true
/// outside_business_hours = "09:00-18:00"
/// utc_offset = "+08:00"
/// batch_size_over = 50
/// batch_total_over = "1000000.00"
/// approvals = 2
/// ```
enum ApprovalRuleConfig {
    /// The keys of an `[[approval_rules]]` entry.
    static let keys = ["name", "accounts", "currencies", "kinds", "amount_at_least", "new_creditor", "outside_business_hours",
                       "utc_offset", "batch_size_over", "batch_total_over", "approvals"]

    static func decode(_ reader: TableReader, names: inout UniqueIdentifiers, accountIds: Set<String>) -> ApprovalRule? {
        let name = reader.string("name", required: true)
        if let name { names.check(name, key: "name", in: reader) }
        var accounts: Set<String>?
        if let listed = reader.stringArray("accounts", required: false) {
            for account in listed where !accountIds.contains(account.value) {
                reader.report("accounts", "no [[accounts]] entry has id \"\(account.value)\"", line: account.line)
            }
            if listed.isEmpty { reader.report("accounts", "must name at least one account, or be left out") }
            accounts = Set(listed.map(\.value))
        }
        var currencies: [Currency]?
        if let listed = reader.stringArray("currencies", required: false) {
            currencies = listed.compactMap { code in
                guard let currency = Currency(code: code.value) else {
                    reader.report("currencies", "\"\(code.value)\" is not an ISO 4217 currency code", line: code.line)
                    return nil
                }
                return currency
            }
            if listed.isEmpty { reader.report("currencies", "must name at least one currency, or be left out") }
        }
        var kinds: Set<PaymentKind>?
        if let listed = reader.stringArray("kinds", required: false) {
            kinds = Set(listed.compactMap { kind in
                guard let value = PaymentKind(rawValue: kind.value) else {
                    reader.report("kinds", "\"\(kind.value)\" is not a payment kind; one of "
                                  + PaymentKind.allCases.map(\.rawValue).joined(separator: ", "), line: kind.line)
                    return nil
                }
                return value
            })
            if listed.isEmpty { reader.report("kinds", "must name at least one kind, or be left out") }
        }
        /// An amount condition: exact in the one currency the rule names.
        func amount(_ key: String) -> Money? {
            guard let text = reader.string(key, required: false) else { return nil }
            guard let currencies, currencies.count == 1, let currency = currencies.first else {
                reader.report(key, "an amount needs the rule to name exactly one currency in currencies = [\"…\"]", line: text.line)
                return nil
            }
            guard let money = try? Money(parsing: text.value, currency: currency), money.minorUnits >= 0 else {
                reader.report(key, "must be an amount in \(currency.code) with at most \(currency.exponent) decimals, as a string",
                              line: text.line)
                return nil
            }
            return money
        }
        let amountAtLeast = amount("amount_at_least")
        let batchTotalOver = amount("batch_total_over")
        let newCreditor = reader.bool("new_creditor", default: false)
        var hours: BusinessHours?
        if let text = reader.string("outside_business_hours", required: false) {
            let offset = reader.string("utc_offset", required: false)
            hours = BusinessHours(hours: text.value, utcOffset: offset?.value ?? "+00:00")
            if hours == nil {
                reader.report(offset != nil && BusinessHours(hours: text.value, utcOffset: "+00:00") != nil ? "utc_offset" : "outside_business_hours",
                              "business hours are written \"09:00-18:00\" (start before end) with utc_offset = \"+08:00\"")
            }
        } else if reader.has("utc_offset") {
            reader.report("utc_offset", "only meaningful with outside_business_hours")
        }
        let batchSizeOver = reader.optionalInteger("batch_size_over", range: 0...10_000_000)
        let approvals = reader.optionalInteger("approvals", range: 1...2)
        if !reader.has("approvals") { reader.report("approvals", "is required: 1 or 2") }
        let rule = ApprovalRule(name: name?.value ?? "", accounts: accounts, currencies: currencies.map { Set($0.map(\.code)) },
                                kinds: kinds, amountAtLeast: amountAtLeast, newCreditor: newCreditor, outsideBusinessHours: hours,
                                batchSizeOver: batchSizeOver, batchTotalOver: batchTotalOver, approvals: approvals ?? 1)
        if !["amount_at_least", "new_creditor", "outside_business_hours", "batch_size_over", "batch_total_over"].contains(where: reader.has) {
            reader.report("name", "a rule needs at least one condition: amount_at_least, new_creditor, outside_business_hours, "
                          + "batch_size_over or batch_total_over")
        }
        guard name != nil, approvals != nil else { return nil }
        return rule
    }
}
