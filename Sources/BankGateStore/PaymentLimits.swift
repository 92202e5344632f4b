public import BankGateCore

/// A limit on what one account or one API client (a token: a role) may pay in one currency: the
/// largest single payment, the day's total and count (UTC day of intake). Checked in the intake's
/// write transaction against the payments stored, so the day's counters are exact under concurrency
/// and survive restarts; a batch counts as its payments. Cancelled, rejected, failed and returned
/// payments do not count.
public struct PaymentLimit: Sendable, Hashable {
    public enum Holder: Sendable, Hashable {
        case account(String)
        case client(String)
    }

    public var holder: Holder
    public var currency: Currency
    public var singleMinor: Int64?
    public var dailyTotalMinor: Int64?
    public var dailyCount: Int?

    public init(holder: Holder, currency: Currency, singleMinor: Int64? = nil, dailyTotalMinor: Int64? = nil, dailyCount: Int? = nil) {
        self.holder = holder
        self.currency = currency
        self.singleMinor = singleMinor
        self.dailyTotalMinor = dailyTotalMinor
        self.dailyCount = dailyCount
    }

    var holderText: String {
        switch holder {
        case .account(let id): "account \(id)"
        case .client(let name): "token \(name)"
        }
    }

    func applies(to draft: PaymentDraft, client: String) -> Bool {
        guard draft.amount.currency == currency else { return false }
        switch holder {
        case .account(let id): return draft.debtorAccountId == id
        case .client(let name): return client == name
        }
    }

    func money(_ minor: Int64) -> String { Money(minorUnits: minor, currency: currency).decimalString + " " + currency.code }
}

/// A payment a limit refuses: which limit, in words, and which payment of the request.
public struct LimitViolation: Sendable, Hashable {
    /// `single`, `daily_total` or `daily_count`.
    public var limit: String
    public var message: String
    /// The index of the payment in the request at fault (the first that goes over).
    public var paymentIndex: Int
}

extension PaymentLimit {
    /// The first payment of `drafts` this limit refuses, given what is stored for today.
    func violation(_ db: SQLiteConnection, _ drafts: [PaymentDraft], client: String, at: Timestamp) throws -> LimitViolation? {
        let mine = drafts.enumerated().filter { applies(to: $0.element, client: client) }
        guard !mine.isEmpty else { return nil }
        if let single = singleMinor, let over = mine.first(where: { $0.element.amount.minorUnits > single }) {
            return LimitViolation(limit: "single", message: "amount \(money(over.element.amount.minorUnits)) is over the single-payment limit "
                                    + "of \(money(single)) for \(holderText)", paymentIndex: over.offset)
        }
        guard dailyTotalMinor != nil || dailyCount != nil else { return nil }
        let dayStart = Timestamp.parseDate(at.dateString)?.milliseconds ?? at.milliseconds
        let column = if case .account = holder { "debtor_account_id" } else { "submitted_by" }
        let holderId = switch holder { case .account(let id): id; case .client(let name): name }
        let stored = try db.queryFirst("""
            SELECT COALESCE(SUM(amount_minor), 0) AS total, COUNT(*) AS n FROM payments
            WHERE \(column) = ? AND currency = ? AND created_at >= ? AND status NOT IN ('cancelled', 'rejected', 'failed', 'returned')
            """, [.text(holderId), .text(currency.code), .integer(dayStart)]) { (total: try $0.int("total"), count: try $0.int("n")) }
            ?? (total: 0, count: 0)
        var total = stored.total, count = Int(stored.count)
        for (index, draft) in mine {
            total += draft.amount.minorUnits
            count += 1
            if let limit = dailyTotalMinor, total > limit {
                return LimitViolation(limit: "daily_total", message: "today's payments of \(holderText) would add up to \(money(total)), "
                                        + "over its daily limit of \(money(limit))", paymentIndex: index)
            }
            if let limit = dailyCount, count > limit {
                return LimitViolation(limit: "daily_count", message: "this would be payment \(count) of \(holderText) today, "
                                        + "over its daily limit of \(limit) payments", paymentIndex: index)
            }
        }
        return nil
    }
}
