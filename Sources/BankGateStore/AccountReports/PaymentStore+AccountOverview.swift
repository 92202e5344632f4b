public import BankGateCore

/// What `GET /v1/accounts` shows of an account beside its configuration.
public struct AccountOverview: Sendable, Hashable {
    public var accountId: String
    /// As an operator or the bank set it; `nil`: never set (active).
    public var status: AccountStatusRecord?
    /// The statement received last (completed), if any.
    public var lastStatement: LastStatement?
    /// The most recent balance: the latest date, a booked closing balance (`CLBD`) before an
    /// intraday (`ITBD`) or available one (`CLAV`) of the same date.
    public var lastBalance: AccountBalance?

    /// A statement as the account list names it.
    public struct LastStatement: Sendable, Hashable {
        /// `stm_<n>`.
        public var id: String
        /// The last day it covers, `YYYY-MM-DD` (its `to` date, else its statement date).
        public var periodEnd: String
        /// When bankgate received it (pulled, uploaded or picked up from the inbox).
        public var receivedAt: Timestamp
        /// `pull`, `upload`, `inbox`…
        public var source: String

        public init(id: String, periodEnd: String, receivedAt: Timestamp, source: String) {
            self.id = id
            self.periodEnd = periodEnd
            self.receivedAt = receivedAt
            self.source = source
        }
    }

    public init(accountId: String, status: AccountStatusRecord?, lastStatement: LastStatement?, lastBalance: AccountBalance?) {
        self.accountId = accountId
        self.status = status
        self.lastStatement = lastStatement
        self.lastBalance = lastBalance
    }
}

extension PaymentStore {
    /// Status, last statement and last balance of each of `accountIds`, in their order, in one read.
    public func accountOverviews(_ accountIds: [String]) async throws -> [AccountOverview] {
        try await database.read { db in
            try accountIds.map { accountId in
                let statement = try db.queryFirst("""
                    SELECT id, substr(COALESCE(to_date, statement_date), 1, 10) AS period_end, received_at, source FROM statements
                    WHERE account_id = ? AND state = 'complete' ORDER BY received_at DESC, id DESC LIMIT 1
                    """, [.text(accountId)]) { row in
                    try AccountOverview.LastStatement(id: "stm_\(row.int("id"))", periodEnd: row.text("period_end"),
                                                      receivedAt: Timestamp(milliseconds: row.int("received_at")),
                                                      source: row.text("source"))
                }
                let balance = try db.queryFirst("""
                    SELECT type, date, amount_minor, currency, statement_row, recorded_at FROM balances WHERE account_id = ?
                    ORDER BY date DESC, CASE type WHEN 'CLBD' THEN 0 WHEN 'ITBD' THEN 1 WHEN 'CLAV' THEN 2 ELSE 3 END, recorded_at DESC
                    LIMIT 1
                    """, [.text(accountId)]) { row -> AccountBalance? in
                    guard let currency = try Currency(code: row.text("currency")) else { return nil }
                    return try AccountBalance(type: row.text("type"), date: row.text("date"),
                                              amount: Money(minorUnits: row.int("amount_minor"), currency: currency),
                                              statementId: "stm_\(row.int("statement_row"))",
                                              recordedAt: Timestamp(milliseconds: row.int("recorded_at")))
                } ?? nil
                return AccountOverview(accountId: accountId, status: try Self.accountStatus(db, accountId),
                                       lastStatement: statement, lastBalance: balance)
            }
        }
    }
}
