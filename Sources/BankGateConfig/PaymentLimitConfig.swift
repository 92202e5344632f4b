public import BankGateCore

/// `[[limits]]`: what one account, or one token (a role), may pay in one currency — the largest
/// single payment, the day's total and the day's count. Checked at intake; a payment over a limit
/// is refused naming it.
///
/// ```toml
/// [[limits]]
/// token = "erp"              # or account = "acme-cny"
/// currency = "CNY"
/// single = "50000.00"
/// daily_total = "200000.00"
/// daily_count = 100
/// ```
public struct PaymentLimitConfig: Sendable, Hashable {
    /// Whose payments the limit bounds.
    public enum Holder: Sendable, Hashable {
        case account(String)
        case token(String)
    }

    public var holder: Holder
    public var currency: Currency
    /// `single`: the largest amount of one payment.
    public var single: Money?
    /// `daily_total`: the most the holder's payments of a day (UTC) may add up to.
    public var dailyTotal: Money?
    /// `daily_count`: the most payments of a day (UTC).
    public var dailyCount: Int?

    public init(holder: Holder, currency: Currency, single: Money? = nil, dailyTotal: Money? = nil, dailyCount: Int? = nil) {
        self.holder = holder
        self.currency = currency
        self.single = single
        self.dailyTotal = dailyTotal
        self.dailyCount = dailyCount
    }

    /// The keys of a `[[limits]]` entry.
    static let keys = ["account", "token", "currency", "single", "daily_total", "daily_count"]

    static func decode(_ reader: TableReader, accountIds: Set<String>, tokenNames: Set<String>) -> PaymentLimitConfig? {
        let account = reader.string("account", required: false)
        let token = reader.string("token", required: false)
        var holder: Holder?
        switch (account, token) {
        case (let account?, nil):
            if accountIds.contains(account.value) { holder = .account(account.value) } else {
                reader.report("account", "no [[accounts]] entry has id \"\(account.value)\"", line: account.line)
            }
        case (nil, let token?):
            if tokenNames.contains(token.value) { holder = .token(token.value) } else {
                reader.report("token", "no [[tokens]] entry has name \"\(token.value)\"", line: token.line)
            }
        case (.some, .some):
            reader.report("token", "give either account or token, not both")
        case (nil, nil):
            reader.report("account", "one of account or token is required")
        }
        guard let code = reader.string("currency", required: true) else { return nil }
        guard let currency = Currency(code: code.value) else {
            reader.report("currency", "\"\(code.value)\" is not an ISO 4217 currency code", line: code.line)
            return nil
        }
        func amount(_ key: String) -> Money? {
            guard let text = reader.string(key, required: false) else { return nil }
            guard let money = try? Money(parsing: text.value, currency: currency), money.minorUnits > 0 else {
                reader.report(key, "must be a positive amount in \(currency.code) with at most \(currency.exponent) decimals, as a string",
                              line: text.line)
                return nil
            }
            return money
        }
        let single = amount("single")
        let dailyTotal = amount("daily_total")
        let dailyCount = reader.has("daily_count") ? reader.integer("daily_count", default: 1, range: 1...10_000_000) : nil
        if !reader.has("single") && !reader.has("daily_total") && !reader.has("daily_count") {
            reader.report("single", "a limit needs at least one of single, daily_total, daily_count")
        }
        guard let holder else { return nil }
        return PaymentLimitConfig(holder: holder, currency: currency, single: single, dailyTotal: dailyTotal, dailyCount: dailyCount)
    }
}
