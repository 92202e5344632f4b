/// How a payment came in, as approval rules filter it: `POST /v1/payments` (`single`), a batch
/// (`batch`) or a payroll batch (`payroll`).
public enum PaymentKind: String, Sendable, Hashable, CaseIterable {
    case single, batch, payroll
}

/// Business hours in a fixed UTC offset, Monday to Friday: `09:00-18:00` at `+08:00`. Saturday and
/// Sunday (in that offset) are outside all day.
public struct BusinessHours: Sendable, Hashable {
    /// Minutes after local midnight when the business day begins (inclusive) and ends (exclusive).
    public var startMinute: Int
    public var endMinute: Int
    /// The offset from UTC, in minutes (`+08:00` → 480).
    public var utcOffsetMinutes: Int

    public init(startMinute: Int, endMinute: Int, utcOffsetMinutes: Int) {
        self.startMinute = startMinute
        self.endMinute = endMinute
        self.utcOffsetMinutes = utcOffsetMinutes
    }

    /// Whether `at` falls outside business hours: on a weekend, or before the start or at or after
    /// the end of a weekday.
    public func isOutside(_ at: Timestamp) -> Bool {
        let local = at.milliseconds + Int64(utcOffsetMinutes) * 60_000
        let dayMilliseconds: Int64 = 86_400_000
        let day = local >= 0 ? local / dayMilliseconds : (local - dayMilliseconds + 1) / dayMilliseconds
        // 1970-01-01 was a Thursday: weekday 0 is Sunday, 6 Saturday.
        let weekday = ((day + 4) % 7 + 7) % 7
        if weekday == 0 || weekday == 6 { return true }
        let minute = Int((local - day * dayMilliseconds) / 60_000)
        return minute < startMinute || minute >= endMinute
    }

    /// Parses `HH:MM-HH:MM` (start before end) and `±HH:MM`; `nil` when either is malformed.
    public init?(hours: String, utcOffset: String) {
        let parts = hours.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, let start = Self.minutes(parts[0]), let end = Self.minutes(parts[1], allowing24: true), start < end,
              let sign = utcOffset.first, sign == "+" || sign == "-", let offset = Self.minutes(utcOffset.dropFirst()),
              offset <= 14 * 60 else { return nil }
        self.init(startMinute: start, endMinute: end, utcOffsetMinutes: sign == "-" ? -offset : offset)
    }

    /// `HH:MM` as minutes after midnight (`24:00` only with `allowing24`).
    private static func minutes(_ text: Substring, allowing24: Bool = false) -> Int? {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 2, parts[1].count == 2,
              let hour = Int(parts[0]), let minute = Int(parts[1]), (0...59).contains(minute) else { return nil }
        if hour == 24 && minute == 0 && allowing24 { return 1_440 }
        guard (0...23).contains(hour) else { return nil }
        return hour * 60 + minute
    }
}

/// `[[approval_rules]]`: which payments need one or two approvals (maker-checker) before they are
/// queued. A rule applies to a payment its filters let through (none given: every payment) when any
/// of its conditions holds; a payment needs the largest ``approvals`` of the rules it matches.
public struct ApprovalRule: Sendable, Hashable {
    public var name: String
    /// Only payments from these debtor accounts; `nil`: any.
    public var accounts: Set<String>?
    /// Only payments in these currencies (ISO 4217 codes); `nil`: any.
    public var currencies: Set<String>?
    /// Only payments of these kinds; `nil`: any.
    public var kinds: Set<PaymentKind>?
    /// Condition: the amount is at least this (in its currency, exact in minor units).
    public var amountAtLeast: Money?
    /// Condition: no earlier payment from the debtor account to the creditor account reached `completed`.
    public var newCreditor: Bool
    /// Condition: submitted outside these business hours.
    public var outsideBusinessHours: BusinessHours?
    /// Condition (batches and payrolls): the batch has more payments than this.
    public var batchSizeOver: Int?
    /// Condition (batches and payrolls): the batch's payments in this currency add up to more than this.
    public var batchTotalOver: Money?
    /// 1 or 2.
    public var approvals: Int

    public init(name: String, accounts: Set<String>? = nil, currencies: Set<String>? = nil, kinds: Set<PaymentKind>? = nil,
                amountAtLeast: Money? = nil, newCreditor: Bool = false, outsideBusinessHours: BusinessHours? = nil,
                batchSizeOver: Int? = nil, batchTotalOver: Money? = nil, approvals: Int) {
        self.name = name
        self.accounts = accounts
        self.currencies = currencies
        self.kinds = kinds
        self.amountAtLeast = amountAtLeast
        self.newCreditor = newCreditor
        self.outsideBusinessHours = outsideBusinessHours
        self.batchSizeOver = batchSizeOver
        self.batchTotalOver = batchTotalOver
        self.approvals = approvals
    }

    /// Whether the rule has at least one condition (a rule without one is refused by configuration).
    public var hasCondition: Bool {
        amountAtLeast != nil || newCreditor || outsideBusinessHours != nil || batchSizeOver != nil || batchTotalOver != nil
    }

    /// Whether the rule applies to `payment`, submitted at `at` in a request whose payments are
    /// summed in `batch` (its count and totals per currency; `nil` for a single payment).
    /// `isNewCreditor` is asked only when the rule's other conditions do not already decide.
    public func matches(_ payment: ApprovalSubject, batch: BatchFacts?, at: Timestamp,
                        isNewCreditor: () throws -> Bool) rethrows -> Bool {
        if let accounts, !accounts.contains(payment.debtorAccountId) { return false }
        if let currencies, !currencies.contains(payment.amount.currency.code) { return false }
        if let kinds, !kinds.contains(payment.kind) { return false }
        if let amountAtLeast, amountAtLeast.currency == payment.amount.currency,
           payment.amount.minorUnits >= amountAtLeast.minorUnits { return true }
        if let outsideBusinessHours, outsideBusinessHours.isOutside(at) { return true }
        if let batch {
            if let batchSizeOver, batch.count > batchSizeOver { return true }
            if let batchTotalOver, (batch.totals[batchTotalOver.currency.code] ?? 0) > batchTotalOver.minorUnits { return true }
        }
        if newCreditor, try isNewCreditor() { return true }
        return false
    }
}

/// The facts of one payment an approval rule looks at.
public struct ApprovalSubject: Sendable, Hashable {
    public var debtorAccountId: String
    public var creditorAccount: String
    public var amount: Money
    public var kind: PaymentKind

    public init(debtorAccountId: String, creditorAccount: String, amount: Money, kind: PaymentKind) {
        self.debtorAccountId = debtorAccountId
        self.creditorAccount = creditorAccount
        self.amount = amount
        self.kind = kind
    }
}

/// A batch as batch conditions see it: how many payments, and their total per currency code (minor units).
public struct BatchFacts: Sendable, Hashable {
    public var count: Int
    public var totals: [String: Int64]

    public init(count: Int, totals: [String: Int64]) {
        self.count = count
        self.totals = totals
    }

    /// The count and per-currency totals of `amounts` (saturating: a total beyond Int64 stays at its maximum).
    public init(amounts: [Money]) {
        var totals: [String: Int64] = [:]
        for amount in amounts {
            let (sum, overflow) = (totals[amount.currency.code] ?? 0).addingReportingOverflow(amount.minorUnits)
            totals[amount.currency.code] = overflow ? .max : sum
        }
        self.init(count: amounts.count, totals: totals)
    }
}
