public import BankGateCore

/// What the daily balance reconciliation of one account needs, read in one snapshot.
public struct BalanceReconciliationInputs: Sendable {
    /// The first end-of-day statement bankgate has for the account: its date and opening balance
    /// are where bankgate's book of the account starts.
    public var anchorDate: String
    public var anchorBalance: Money
    /// The booked closing balance on the date (or the last one before it) and its date.
    public var bankBalance: Money
    public var bankBalanceDate: String
    /// Our payments from the anchor date through the date that reached the bank, with the booking
    /// date of the transaction matched to each (nil: not booked by then).
    public var payments: [(id: String, executionDate: String, amount: Money, creditor: String, bookedOn: String?)]
    /// Expected payments whose window opened by the date, with the amount and booking date of the
    /// transaction matched to each.
    public var expected: [(id: String, windowFrom: String, amount: Money, counterparty: String?, booked: (date: String, amount: Money)?)]
    /// Booked transactions from the anchor date through the date that are not matched.
    public var unmatchedTransactions: [(id: String, bookingDate: String, amount: Money, description: String)]
    /// Quarantined statements dated on or before the date (`stm_<n>`): their entries are held out.
    public var heldStatements: [String]
}

extension ReconciliationStore {
    /// The inputs of the balance reconciliation of `accountId` on `date`, or nil when bankgate has
    /// no end-of-day statement of the account up to that date.
    public func balanceReconciliationInputs(accountId: String, date: String) async throws -> BalanceReconciliationInputs? {
        try await database.read { db in
            guard let anchor = try db.queryFirst("""
                SELECT statement_date, opening_balance, currency FROM statements
                WHERE account_id = ? AND report_kind = 'end_of_day' AND state = 'complete' AND review IN ('none', 'accepted')
                  AND opening_balance IS NOT NULL
                  AND statement_date <= ?
                ORDER BY statement_date, id LIMIT 1
                """, [.text(accountId), .text(date)], {
                    try ($0.text("statement_date"), $0.int("opening_balance"), $0.text("currency"))
                }),
                  let currency = Currency(code: anchor.2),
                  let bank = try db.queryFirst("""
                    SELECT date, amount_minor FROM balances WHERE account_id = ? AND type = 'CLBD' AND date <= ? ORDER BY date DESC LIMIT 1
                    """, [.text(accountId), .text(date)], { try ($0.text("date"), $0.int("amount_minor")) }) else { return nil }
            func money(_ minor: Int64) -> Money { Money(minorUnits: minor, currency: currency) }

            let payments = try db.query("""
                SELECT p.id, p.requested_execution_date, p.amount_minor, p.creditor_name,
                    (SELECT t.booking_date FROM reconciliation_matches m JOIN bank_transactions t ON t.id = m.transaction_id
                     WHERE m.target_kind = 'payment' AND m.target_id = p.id AND m.state = 'confirmed' AND t.booking_date <= ?) AS booked_on
                FROM payments p
                WHERE p.debtor_account_id = ? AND p.currency = ? AND p.status IN ('submitted', 'processing', 'completed')
                  AND p.requested_execution_date >= ? AND p.requested_execution_date <= ?
                ORDER BY p.seq
                """, [.text(date), .text(accountId), .text(currency.code), .text(anchor.0), .text(date)]) { row in
                try (id: row.text("id"), executionDate: row.text("requested_execution_date"), amount: money(row.int("amount_minor")),
                     creditor: row.text("creditor_name"), bookedOn: row.optionalText("booked_on"))
            }

            let expected = try db.query("""
                SELECT e.id, e.window_from, e.amount_min, e.counterparty_name, t.booking_date AS booked_date, t.amount_minor AS booked_amount
                FROM expected_payments e
                LEFT JOIN reconciliation_matches m ON m.target_kind = 'expected_payment' AND m.target_id = e.id AND m.state = 'confirmed'
                LEFT JOIN bank_transactions t ON t.id = m.transaction_id AND t.booking_date <= ?
                WHERE e.account_id = ? AND e.currency = ? AND e.status IN ('open', 'overdue', 'matched')
                  AND e.window_from <= ? AND (t.id IS NOT NULL OR e.status != 'matched')
                ORDER BY e.id
                """, [.text(date), .text(accountId), .text(currency.code), .text(date)]) { row in
                let booked: (date: String, amount: Money)? = try row.optionalText("booked_date")
                    .map { try ($0, money(row.int("booked_amount"))) }
                return try (id: row.text("id"), windowFrom: row.text("window_from"), amount: money(row.int("amount_min")),
                            counterparty: row.optionalText("counterparty_name"), booked: booked)
            }

            let unmatched = try db.query("""
                SELECT t.id, t.booking_date, t.amount_minor,
                    COALESCE(t.counterparty_name, t.remittance_info, t.btc_proprietary, '') AS description
                FROM bank_transactions t
                WHERE t.account_id = ? AND t.currency = ? AND t.status = 'booked' AND t.quarantined = 0 AND t.staged = 0
                  AND t.booking_date >= ? AND t.booking_date <= ?
                  AND NOT EXISTS (SELECT 1 FROM reconciliation_matches m WHERE m.transaction_id = t.id AND m.state = 'confirmed')
                ORDER BY t.booking_date, t.id
                """, [.text(accountId), .text(currency.code), .text(anchor.0), .text(date)]) { row in
                try (id: "btx_\(row.int("id"))", bookingDate: row.text("booking_date"), amount: money(row.int("amount_minor")),
                     description: row.text("description"))
            }
            let held = try db.query(
                "SELECT id FROM statements WHERE account_id = ? AND review = 'quarantined' AND statement_date <= ? ORDER BY id",
                [.text(accountId), .text(date)]) { try "stm_\($0.int("id"))" }
            return BalanceReconciliationInputs(anchorDate: anchor.0, anchorBalance: money(anchor.1), bankBalance: money(bank.1),
                                               bankBalanceDate: bank.0, payments: payments, expected: expected,
                                               unmatchedTransactions: unmatched, heldStatements: held)
        }
    }

    /// Records that the balance reconciliation of an account was computed for a date: an audit
    /// record and a `reconciliation.completed` event with `payloadJSON` as its data.
    public func recordReconciliationCompleted(accountId: String, date: String, payloadJSON: String, at: Timestamp) async throws {
        try await database.write { db in
            try StoreJournal.audit(db, at: at, actor: "system", action: "reconciliation.completed",
                                     subject: ("account", accountId), details: "date \(date)")
            try StoreJournal.appendEvent(db, type: "reconciliation.completed", account: accountId, at: at, payload: payloadJSON)
        }
    }
}
