import BankGateCore
import BankGateStore

/// The statement side of the ledger: the epoch day and seed, each account's opening balance, and which
/// days' statements were withheld or delivered.
extension SimulatorLedger {
    /// Append-only: statements' meta data, anchors and deliveries, and indexes to find an account's
    /// transfers.
    static let statementsMigration = Migration(name: "sim-002-statements", sql: """
        CREATE TABLE sim_meta (
            key   TEXT PRIMARY KEY,
            value TEXT NOT NULL
        );
        CREATE TABLE statement_anchors (
            account         TEXT PRIMARY KEY,
            currency        TEXT NOT NULL,
            opening_balance INTEGER NOT NULL
        );
        CREATE TABLE statement_deliveries (
            account      TEXT NOT NULL,
            day          TEXT NOT NULL,
            withheld_at  INTEGER,
            delivered_at INTEGER,
            PRIMARY KEY (account, day)
        );
        CREATE INDEX executed_transfers_by_debtor ON executed_transfers (debtor_account, id);
        CREATE INDEX executed_transfers_by_creditor ON executed_transfers (creditor_account, id);
        """)

    /// What statements need to know from the moment the ledger was created.
    struct StatementOrigin: Hashable, Sendable {
        /// The first day with a statement.
        var epochDay: Int64
        /// The seed the ledger was created with (used when `--seed` is not given).
        var seed: UInt64
    }

    /// Reads the epoch day and the seed, recording them on first use: the epoch is today, or the day of
    /// the earliest executed transfer when the ledger is older than statements.
    static func statementOrigin(now: Timestamp, seed: UInt64, on db: StoreConnection) throws -> StatementOrigin {
        let earliest = try db.queryFirst("SELECT MIN(executed_at) AS earliest FROM executed_transfers", []) {
            try $0.optionalInt("earliest")
        } ?? nil
        let epoch = min(SimulatorDay.of(now), earliest.map { SimulatorDay.of(Timestamp(milliseconds: $0)) } ?? .max)
        try db.run("INSERT OR IGNORE INTO sim_meta (key, value) VALUES ('epoch_day', ?), ('statement_seed', ?)",
                   [.text(SimulatorDay.date(epoch)), .text(String(seed))])
        let epochText = try metaValue("epoch_day", on: db) ?? ""
        let seedText = try metaValue("statement_seed", on: db) ?? ""
        return StatementOrigin(epochDay: SimulatorDay.parse(epochText) ?? epoch, seed: UInt64(seedText) ?? seed)
    }

    private static func metaValue(_ key: String, on db: StoreConnection) throws -> String? {
        try db.queryFirst("SELECT value FROM sim_meta WHERE key = ?", [.text(key)]) { try $0.text("value") }
    }

    /// The account's transfers and its opening balance at the epoch day.
    ///
    /// The opening balance is derived once, on the first statement of the account (current balance +
    /// every debit − every credit), then stored: an accounts file that later resets the balance does
    /// not rewrite the statements already given.
    static func history(of account: SimulatedAccount, epochDay: Int64, on db: StoreConnection) throws -> AccountHistory {
        let currency = account.currency.code
        let debits = try rows("WHERE debtor_account = ? AND currency = ?", [.text(account.number), .text(currency)], on: db)
        let credits = try rows("WHERE creditor_account = ? AND currency = ?", [.text(account.number), .text(currency)], on: db)
        let stored = try db.queryFirst("SELECT opening_balance FROM statement_anchors WHERE account = ? AND currency = ?",
                                       [.text(account.number), .text(currency)]) { try $0.int("opening_balance") }
        let opening: Int64
        if let stored {
            opening = stored
        } else {
            let debited = debits.reduce(Int64(0)) { $0 + $1.transfer.amount.minorUnits }
            let credited = credits.reduce(Int64(0)) { $0 + $1.transfer.amount.minorUnits }
            opening = account.balance.minorUnits + debited - credited
            try db.run("""
                INSERT INTO statement_anchors (account, currency, opening_balance) VALUES (?, ?, ?)
                ON CONFLICT (account) DO UPDATE SET currency = excluded.currency,
                    opening_balance = excluded.opening_balance
                """, [.text(account.number), .text(currency), .integer(opening)])
        }
        return AccountHistory(account: account, epochDay: epochDay, openingBalance: opening, debits: debits,
                              credits: credits)
    }

    private static func rows(_ condition: String, _ arguments: [SQLValue], on db: StoreConnection) throws -> [LedgerRow] {
        try db.query("""
            SELECT msg_id, pmt_inf_id, instr_id, end_to_end_id, debtor_account, creditor_account, amount,
                currency, executed_at, id FROM executed_transfers
            """ + " " + condition + " ORDER BY id", arguments) { row -> LedgerRow? in
            guard let currency = try Currency(code: row.text("currency")) else { return nil }
            return try LedgerRow(id: row.int("id"), transfer: LedgerTransfer(
                messageId: row.text("msg_id"), paymentInformationId: row.text("pmt_inf_id"), instructionId: row.optionalText("instr_id"),
                endToEndId: row.text("end_to_end_id"), debtorAccount: row.text("debtor_account"),
                creditorAccount: row.text("creditor_account"), amount: Money(minorUnits: row.int("amount"), currency: currency),
                executedAt: Timestamp(milliseconds: row.int("executed_at"))))
        }.compactMap { $0 }
    }

    /// Whether day `day`'s end-of-day statement goes into this answer, recording the decision.
    ///
    /// The first request that covers the day decides: `withhold` leaves it out that once (recorded as
    /// withheld); every later request delivers it.
    static func deliverStatement(account: String, day: Int64, withhold: Bool, now: Timestamp,
                                 on db: StoreConnection) throws -> Bool {
        let date = SimulatorDay.date(day)
        let known = try db.queryFirst("SELECT delivered_at FROM statement_deliveries WHERE account = ? AND day = ?",
                                      [.text(account), .text(date)]) { try $0.optionalInt("delivered_at") }
        switch known {
        case .none:
            try db.run("""
                INSERT INTO statement_deliveries (account, day, withheld_at, delivered_at) VALUES (?, ?, ?, ?)
                """, [.text(account), .text(date), withhold ? .integer(now.milliseconds) : .null,
                      withhold ? .null : .integer(now.milliseconds)])
            return !withhold
        case .some(.none):
            try db.run("UPDATE statement_deliveries SET delivered_at = ? WHERE account = ? AND day = ?",
                       [.integer(now.milliseconds), .text(account), .text(date)])
            return true
        case .some(.some):
            return true
        }
    }

    /// The days withheld by the gap fault and whether each was delivered since, oldest first.
    static func statementDeliveries(account: String, on db: StoreConnection) throws
        -> [(day: String, withheld: Bool, delivered: Bool)] {
        try db.query("""
            SELECT day, withheld_at IS NOT NULL AS withheld, delivered_at IS NOT NULL AS delivered FROM statement_deliveries
            WHERE account = ? ORDER BY day
            """, [.text(account)]) { try ($0.text("day"), $0.int("withheld") != 0, $0.int("delivered") != 0) }
    }
}
