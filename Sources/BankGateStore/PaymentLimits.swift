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

/// The day's running totals of each limit holder (`limit_usage`), so that checking a daily limit
/// costs one row read however many payments the day already has. A holder's row for a day is made
/// from the payments table the first time a limit looks at it; from then on every intake adds its
/// payments to the rows of their account and token, and every transition into or out of the
/// statuses that do not count (cancelled, rejected, failed, returned) takes them out or puts them
/// back — in the same transaction, so the rows stay what the payments table would say.
enum LimitUsage {
    /// Statuses whose payments do not count against a limit.
    static let uncounted: Set<PaymentStatus> = [.cancelled, .rejected, .failed, .returned]

    static func key(_ holder: PaymentLimit.Holder) -> String {
        switch holder {
        case .account(let id): "account:" + id
        case .client(let name): "token:" + name
        }
    }

    /// The holder's total and count in `currency` for the UTC day of `at`.
    static func usage(_ db: StoreConnection, holder: PaymentLimit.Holder, currency: Currency, at: Timestamp) throws -> (total: Int64, count: Int64) {
        let day = at.dateString
        if let row = try db.queryFirst("SELECT total, count FROM limit_usage WHERE holder = ? AND currency = ? AND day = ?",
                                       [.text(key(holder)), .text(currency.code), .text(day)], { (total: try $0.int("total"), count: try $0.int("count")) }) {
            return row
        }
        let dayStart = Timestamp.parseDate(day)?.milliseconds ?? at.milliseconds
        let column = if case .account = holder { "debtor_account_id" } else { "submitted_by" }
        let holderId = switch holder { case .account(let id): id; case .client(let name): name }
        let stored = try db.queryFirst("""
            SELECT COALESCE(SUM(amount_minor), 0) AS total, COUNT(*) AS n FROM payments
            WHERE \(column) = ? AND currency = ? AND created_at >= ? AND status NOT IN ('cancelled', 'rejected', 'failed', 'returned')
            """, [.text(holderId), .text(currency.code), .integer(dayStart)]) { (total: try $0.int("total"), count: try $0.int("n")) }
            ?? (total: 0, count: 0)
        try db.run("DELETE FROM limit_usage WHERE day < ?", [.text(day)])
        try db.run("INSERT INTO limit_usage (holder, currency, day, total, count) VALUES (?, ?, ?, ?, ?)",
                   [.text(key(holder)), .text(currency.code), .text(day), .integer(stored.total), .integer(stored.count)])
        return stored
    }

    /// Adds the payments just accepted to their holders' rows, where rows exist.
    /// One UPDATE per holder row (its account's, its token's), so that the batch changes each row once.
    static func add(into batch: inout WriteBatch, _ drafts: [PaymentDraft], client: String, at: Timestamp) {
        var sums: [String: (holder: String, currency: String, total: Int64, count: Int64)] = [:]
        for draft in drafts {
            let currency = draft.amount.currency.code
            for holder in ["account:" + draft.debtorAccountId, "token:" + client] {
                let group = holder + "\u{1}" + currency
                let sum = sums[group]
                sums[group] = (holder, currency, (sum?.total ?? 0) + draft.amount.minorUnits, (sum?.count ?? 0) + 1)
            }
        }
        for sum in sums.values.sorted(by: { ($0.holder, $0.currency) < ($1.holder, $1.currency) }) {
            batch.add("UPDATE limit_usage SET total = total + ?, count = count + ? WHERE holder = ? AND currency = ? AND day = ?",
                      [.integer(sum.total), .integer(sum.count), .text(sum.holder), .text(sum.currency), .text(at.dateString)])
        }
    }

    /// After `payment` moved from `previous`: takes it out of its holders' rows of its intake day, or
    /// puts it back (an operator's retry of a failed payment).
    static func adjust(_ db: StoreConnection, _ payment: PaymentRecord, from previous: PaymentStatus) throws {
        let counted = !uncounted.contains(payment.status)
        guard counted != !uncounted.contains(previous) else { return }
        let sign: Int64 = counted ? 1 : -1
        try db.run("""
            UPDATE limit_usage SET total = total + ?, count = count + ?
            WHERE holder IN (?, 'token:' || (SELECT submitted_by FROM payments WHERE id = ?)) AND currency = ? AND day = ?
            """, [.integer(sign * payment.amount.minorUnits), .integer(sign), .text("account:" + payment.debtorAccountId),
                  .text(payment.id), .text(payment.amount.currency.code), .text(payment.createdAt.dateString)])
    }
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
    func violation(_ db: StoreConnection, _ drafts: [PaymentDraft], client: String, at: Timestamp) throws -> LimitViolation? {
        let mine = drafts.enumerated().filter { applies(to: $0.element, client: client) }
        guard !mine.isEmpty else { return nil }
        if let single = singleMinor, let over = mine.first(where: { $0.element.amount.minorUnits > single }) {
            return LimitViolation(limit: "single", message: "amount \(money(over.element.amount.minorUnits)) is over the single-payment limit "
                                    + "of \(money(single)) for \(holderText)", paymentIndex: over.offset)
        }
        guard dailyTotalMinor != nil || dailyCount != nil else { return nil }
        let stored = try LimitUsage.usage(db, holder: holder, currency: currency, at: at)
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

extension PaymentStore {
    /// `holder`'s total and count in `currency` for the UTC day of `at`, as its daily limits see
    /// them (the running row, made from the payments table when the day has none yet).
    public func limitUsage(holder: PaymentLimit.Holder, currency: Currency, at: Timestamp) async throws -> (total: Int64, count: Int64) {
        try await database.write { try LimitUsage.usage($0, holder: holder, currency: currency, at: at) }
    }
}
