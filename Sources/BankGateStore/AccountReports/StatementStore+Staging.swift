public import BankGateCore

/// All or nothing: what a statement brings stays staged until the transaction that completes it.
///
/// While a statement imports, the entries it stores for the first time carry `staged = 1`: the
/// listings skip them (and every row after the first staged one, so that a cursor never passes an
/// entry that becomes visible later), matching and the balance reconciliation skip them (they are
/// `quarantined` too), and no event announces them. The pending entries it reports booked keep
/// their status; the booking waits in `statement_entries`. ``publish`` makes all of it visible in
/// the completing transaction, with one `transaction.booked` event per booked entry; ``rollBack``
/// deletes it when the import fails or was interrupted by a crash.
extension StatementStore {
    /// Start-up recovery: every statement left `importing` by a crash (kill -9, power loss) is rolled
    /// back: the entries it staged are deleted, it becomes `failed`, and `statement.rolled_back` is
    /// audited. Nothing of it was ever visible. The file is imported afresh when it is delivered
    /// again: an inbox file is still in the inbox (it leaves only after its import), an upload was
    /// never answered, a pull is repeated. Must run before any import starts. Returns the
    /// statements rolled back (`stm_<n>`).
    public func rollBackInterruptedImports(at: Timestamp) async throws -> [String] {
        try await database.write { db in
            let interrupted = try db.query("SELECT id FROM statements WHERE state = 'importing' ORDER BY id", []) { try $0.int("id") }
            for row in interrupted {
                _ = try Self.rollBack(db, row: row, action: "statement.rolled_back",
                                      reason: "import interrupted (bankgate stopped); rolled back at start-up", at: at)
            }
            return interrupted.map { "stm_\($0)" }
        }
    }

    /// Publishes what the statement at `row` brought, inside the transaction that completes it:
    /// pending entries it reports booked become booked (audited), its staged entries become
    /// visible, and every booked entry among them gets its `transaction.booked` event, once.
    ///
    /// A staged entry another import of the same entry completed first was published by that one.
    static func publish(_ db: StoreConnection, row: Int64, draft: StatementDraft, at: Timestamp) throws {
        let promoted = try db.query("""
            SELECT t.id, t.staged, e.booking_date FROM statement_entries e JOIN bank_transactions t ON t.id = e.transaction_id
            WHERE e.statement_row = ? AND e.booked = 1 AND t.status != 'booked' ORDER BY t.id
            """, [.integer(row)], { try ($0.int("id"), $0.int("staged") != 0, $0.optionalText("booking_date")) })
        for (id, staged, bookingDate) in promoted {
            try db.run("UPDATE bank_transactions SET status = 'booked', booking_date = COALESCE(?, booking_date), updated_at = ? WHERE id = ?",
                       [bookingDate.sqlValue, .integer(at.milliseconds), .integer(id)])
            guard !staged else { continue }
            try StoreJournal.audit(db, at: at, actor: "system", action: "transaction.booked", subject: ("transaction", "btx_\(id)"),
                                   details: "pending entry booked by statement \(draft.statementId)")
        }
        // The booked entries to announce: the staged ones, read in one query before they are
        // unstaged, and the pending entries already visible that this statement booked.
        var announced = try db.query("""
            SELECT \(transactionColumns) FROM bank_transactions
            WHERE staged = 1 AND status = 'booked' AND id IN (SELECT transaction_id FROM statement_entries WHERE statement_row = ?)
            """, [.integer(row)], transaction)
        try db.run("""
            UPDATE bank_transactions SET staged = 0, updated_at = ?
            WHERE staged = 1 AND id IN (SELECT transaction_id FROM statement_entries WHERE statement_row = ?)
            """, [.integer(at.milliseconds), .integer(row)])
        for (id, staged, _) in promoted where !staged {
            guard var record = try db.queryFirst("SELECT \(transactionColumns) FROM bank_transactions WHERE id = ?", [.integer(id)],
                                                 transaction) else { continue }
            // A pending entry booked now is announced as the booking statement reports it.
            record.draft.statementId = draft.statementId
            announced.append(record)
        }
        for record in announced.sorted(by: { BankTransactionRecord.rowId($0.id)! < BankTransactionRecord.rowId($1.id)! }) {
            try appendTransactionEvent(db, type: "transaction.booked", row: BankTransactionRecord.rowId(record.id)!,
                                       accountId: record.accountId, draft: record.draft, at: at)
        }
    }

    /// Rolls back the import of the statement at `row`, unless it completed: deletes the entries it
    /// staged that no other statement carries, forgets which entries it carried, and marks it
    /// `failed`, audited as `action`. Returns how many entries were deleted.
    static func rollBack(_ db: StoreConnection, row: Int64, action: String, reason: String, at: Timestamp) throws -> Int {
        guard let state = try db.queryFirst("SELECT state FROM statements WHERE id = ?", [.integer(row)], { try $0.text("state") }),
              state != "complete" else { return 0 }
        // An entry staged here that another import in progress also carries stays staged for it.
        let orphans = try db.query("""
            SELECT t.id FROM statement_entries e JOIN bank_transactions t ON t.id = e.transaction_id
            WHERE e.statement_row = ?1 AND t.staged = 1
              AND NOT EXISTS (SELECT 1 FROM statement_entries o WHERE o.transaction_id = t.id AND o.statement_row != ?1)
            """, [.integer(row)], { try $0.int("id") })
        try db.run("DELETE FROM statement_entries WHERE statement_row = ?", [.integer(row)])
        for id in orphans {
            try db.run("DELETE FROM bank_transactions WHERE id = ?", [.integer(id)])
        }
        try db.run("UPDATE statements SET state = 'failed', new_entries = 0, completed_at = ? WHERE id = ?",
                   [.integer(at.milliseconds), .integer(row)])
        try StoreJournal.audit(db, at: at, actor: "system", action: action, subject: ("statement", "stm_\(row)"),
                               details: "\(reason); \(orphans.count) staged entries removed")
        return orphans.count
    }

    /// The condition that keeps staged entries, and every entry of the account after its first
    /// staged one, out of an account's listing (`t` names `bank_transactions`): a client paging with
    /// a cursor never passes an entry that becomes visible later.
    static let publishedOnly = """
        t.staged = 0 AND t.id < COALESCE((SELECT MIN(s.id) FROM bank_transactions s WHERE s.staged = 1 AND s.account_id = t.account_id),
                                         9223372036854775807)
        """
}
