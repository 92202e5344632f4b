public import BankGateCore

/// The bookkeeping of receipt pulls: each pull recorded, the pulls still due, and the completed
/// payments that make a pull due.
extension ReceiptStore {
    /// Records a pull (`receipt_pulls`) with its audit record (`receipt.pulled` or
    /// `receipt.pull_failed`, subject the account) in one transaction, and what is due next for its
    /// account and day: with `run.nextAttemptAt` a pull again then (`attempts` = the run's attempt);
    /// without, nothing — unless a payment of that day completed after the pull began, whose pull
    /// is then due afresh.
    /// - Returns: the run with its id (`rpl_<n>`).
    public func recordPull(_ run: ReceiptPullRun) async throws -> ReceiptPullRun {
        try await database.write { db in
            let insertedID = try db.runReturningID("""
                INSERT INTO receipt_pulls (account_id, booking_date, trigger, attempt, started_at, finished_at, outcome, listed,
                    new_receipts, error_code, error_message, next_attempt_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, [.text(run.accountId), .text(run.bookingDate), .text(run.trigger.rawValue), .integer(Int64(run.attempt)),
                      .integer(run.startedAt.milliseconds), .integer(run.finishedAt.milliseconds), .text(run.outcome),
                      .integer(Int64(run.listed)), .integer(Int64(run.newReceipts)), run.errorCode.sqlValue,
                      run.errorMessage.sqlValue, (run.nextAttemptAt?.milliseconds).sqlValue]).id
            var recorded = run
            recorded.id = "rpl_\(insertedID)"
            let key: [SQLValue] = [.text(run.accountId), .text(run.bookingDate)]
            var details = "\(recorded.id) \(run.bookingDate) \(run.trigger.rawValue) attempt \(run.attempt): "
                + (run.succeeded ? "\(run.listed) listed, \(run.newReceipts) new" : "\(run.errorCode ?? "failed"): \(run.errorMessage ?? "-")")
            if let next = run.nextAttemptAt {
                try db.run("""
                    INSERT INTO receipt_pulls_due (account_id, booking_date, trigger, since, attempts, next_attempt_at)
                    VALUES (?1, ?2, 'retry', ?3, ?4, ?5)
                    ON CONFLICT (account_id, booking_date) DO UPDATE SET attempts = ?4, next_attempt_at = ?5
                    """, key + [.integer(run.startedAt.milliseconds), .integer(Int64(run.attempt)), .integer(next.milliseconds)])
                details += "; again at \(next.iso8601Seconds)"
            } else {
                let started = SQLValue.integer(run.startedAt.milliseconds)
                try db.run("""
                    DELETE FROM receipt_pulls_due WHERE account_id = ?1 AND booking_date = ?2
                      AND (last_completed_at IS NULL OR last_completed_at < ?3)
                    """, key + [started])
                try db.run("""
                    UPDATE receipt_pulls_due SET trigger = 'after_payment', since = last_completed_at, attempts = 0, next_attempt_at = NULL
                    WHERE account_id = ?1 AND booking_date = ?2 AND last_completed_at >= ?3
                    """, key + [started])
            }
            try StoreJournal.audit(db, at: run.finishedAt, actor: "system", action: run.succeeded ? "receipt.pulled" : "receipt.pull_failed",
                                   subject: ("account", run.accountId), details: details)
            return recorded
        }
    }

    /// Turns the payments that completed since the last look (`payment.completed` events after the
    /// cursor) into due pulls of their account's completion day — the bank's day: `accounts` maps
    /// each account whose bank gives receipts to how far its bank's day is ahead of UTC, in minutes
    /// — one per account and day however many payments complete.
    /// A day pulled for before gets a fresh first pull for a payment completed since. Each new due
    /// pull is audited (`receipt.pull_due`); the cursor moves on in the same transaction.
    /// - Returns: the payments looked at.
    @discardableResult
    public func collectCompletedPayments(accounts: [String: Int], at: Timestamp) async throws -> Int {
        try await database.write { db in
            var total = 0
            while true {
                let cursor = try db.queryFirst("SELECT last_seq FROM receipt_pull_cursor WHERE id = 1", []) { try $0.int("last_seq") } ?? 0
                let rows = try db.query("""
                    SELECT e.seq, e.at, p.id, p.debtor_account_id FROM outbox_events e JOIN payments p ON p.id = e.payment_id
                    WHERE e.seq > ? AND e.type = 'payment.completed' ORDER BY e.seq LIMIT 500
                    """, [.integer(cursor)]) { row in
                    try (seq: row.int("seq"), at: row.int("at"), payment: row.text("id"), account: row.text("debtor_account_id"))
                }
                for row in rows {
                    guard let offset = accounts[row.account] else { continue }
                    let day = Timestamp(milliseconds: row.at + Int64(offset) * 60_000).dateString
                    let key: [SQLValue] = [.text(row.account), .text(day)]
                    let existing = try db.queryFirst("SELECT attempts FROM receipt_pulls_due WHERE account_id = ? AND booking_date = ?",
                                                     key) { try $0.int("attempts") }
                    try db.run("""
                        INSERT INTO receipt_pulls_due AS d (account_id, booking_date, trigger, since, last_completed_at, attempts)
                        VALUES (?1, ?2, 'after_payment', ?3, ?3, 0)
                        ON CONFLICT (account_id, booking_date) DO UPDATE SET
                            last_completed_at = MAX(COALESCE(d.last_completed_at, 0), excluded.last_completed_at),
                            since = CASE WHEN d.attempts > 0 THEN excluded.since ELSE d.since END,
                            trigger = CASE WHEN d.attempts > 0 THEN 'after_payment' ELSE d.trigger END,
                            next_attempt_at = CASE WHEN d.attempts > 0 THEN NULL ELSE d.next_attempt_at END,
                            attempts = CASE WHEN d.attempts > 0 THEN 0 ELSE d.attempts END
                        """, key + [.integer(row.at)])
                    if existing == nil || existing! > 0 {
                        try StoreJournal.audit(db, at: at, actor: "system", action: "receipt.pull_due", subject: ("account", row.account),
                                               details: "\(day) after payment \(row.payment) completed")
                    }
                }
                total += rows.count
                // Fewer than a page: every completed payment up to the newest event is seen (one
                // transaction), so the cursor moves to the newest event.
                let next = rows.count == 500
                    ? rows.last!.seq
                    : try db.queryFirst("SELECT COALESCE(MAX(seq), 0) AS last_seq FROM outbox_events", []) { try $0.int("last_seq") } ?? cursor
                if next > cursor {
                    try db.run("UPDATE receipt_pull_cursor SET last_seq = ? WHERE id = 1", [.integer(next)])
                }
                if rows.count < 500 { break }
            }
            return total
        }
    }

    /// Every pull still due, oldest first.
    public func duePulls() async throws -> [ReceiptPullDue] {
        try await database.read { db in
            try db.query("""
                SELECT account_id, booking_date, trigger, since, last_completed_at, attempts, next_attempt_at
                FROM receipt_pulls_due ORDER BY since, account_id, booking_date
                """, [], Self.due)
        }
    }

    /// The pull due for `accountId` and `date`, if any.
    public func duePull(accountId: String, date: String) async throws -> ReceiptPullDue? {
        try await database.read { db in
            try db.queryFirst("""
                SELECT account_id, booking_date, trigger, since, last_completed_at, attempts, next_attempt_at
                FROM receipt_pulls_due WHERE account_id = ? AND booking_date = ?
                """, [.text(accountId), .text(date)], Self.due)
        }
    }

    /// The pulls of `accountId` for booking dates `fromDate…toDate`, oldest first.
    public func pulls(accountId: String, fromDate: String, toDate: String) async throws -> [ReceiptPullRun] {
        try await database.read { db in
            try db.query("""
                SELECT id, account_id, booking_date, trigger, attempt, started_at, finished_at, outcome, listed, new_receipts,
                    error_code, error_message, next_attempt_at
                FROM receipt_pulls WHERE account_id = ? AND booking_date >= ? AND booking_date <= ? ORDER BY id
                """, [.text(accountId), .text(fromDate), .text(toDate)], Self.run)
        }
    }

    /// The latest booking date pulled on schedule for `accountId` (whatever the outcome: a failed
    /// one is retried as its own due pull).
    public func lastScheduledPullDate(accountId: String) async throws -> String? {
        try await database.read { db in
            try db.queryFirst("""
                SELECT MAX(booking_date) AS day FROM receipt_pulls WHERE account_id = ? AND trigger = 'scheduled'
                """, [.text(accountId)]) { try $0.optionalText("day") } ?? nil
        }
    }

    /// What receipts of `accountId` (every account when `nil`) should prove for booking dates
    /// `fromDate…toDate`: its completed payments (by completion day, in the bank's days:
    /// `bookingDayOffsets` gives per account how far its bank's day is ahead of UTC, in minutes; 0
    /// when absent) and its booked bank transactions, each with its confirmed receipt if linked;
    /// with `unlinkedOnly` only those without one. Payments first, then transactions, each oldest
    /// first; at most `limit`.
    public func expectations(accountId: String?, fromDate: String, toDate: String, unlinkedOnly: Bool,
                             bookingDayOffsets: [String: Int] = [:], limit: Int = 10_000) async throws -> [ReceiptExpectation] {
        guard let fromDay = Timestamp.parseDate(fromDate), let to = Timestamp.parseDate(toDate) else { return [] }
        // Completion instants that may fall on these days in some bank's calendar; each payment's
        // own day is then computed with its account's offset and checked.
        let offsets = accountId.map { [bookingDayOffsets[$0] ?? 0] } ?? Array(bookingDayOffsets.values) + [0]
        let from = fromDay.adding(milliseconds: -Int64(offsets.max() ?? 0) * 60_000)
        let end = to.adding(milliseconds: 86_400_000 - Int64(offsets.min() ?? 0) * 60_000)
        let unlinked: SQLValue = .integer(unlinkedOnly ? 1 : 0)
        return try await database.read { db in
            var items = try db.query("""
                SELECT * FROM (
                    SELECT p.id, p.debtor_account_id, p.amount_minor, p.currency, p.creditor_name, p.end_to_end_id,
                        (SELECT MAX(t.at) FROM payment_transitions t WHERE t.payment_id = p.id AND t.to_status = 'completed') AS completed_at,
                        (SELECT MIN(l.receipt_id) FROM receipt_links l WHERE l.payment_id = p.id AND l.confirmed = 1) AS receipt_row
                    FROM payments p
                    WHERE p.status = 'completed' AND (?1 IS NULL OR p.debtor_account_id = ?1) AND p.updated_at >= ?2) AS completions
                WHERE completed_at >= ?2 AND completed_at < ?3 AND (?4 = 0 OR receipt_row IS NULL)
                ORDER BY completed_at, id LIMIT ?5
                """, [accountId.sqlValue, .integer(from.milliseconds), .integer(end.milliseconds), unlinked,
                      .integer(Int64(limit))]) { row in
                guard let currency = try Currency(code: row.text("currency")) else { throw StoreError.database("corrupt payment row") }
                let completed = Timestamp(milliseconds: try row.int("completed_at"))
                let account = try row.text("debtor_account_id")
                let day = completed.adding(milliseconds: Int64(bookingDayOffsets[account] ?? 0) * 60_000).dateString
                return ReceiptExpectation(kind: .payment, id: try row.text("id"), accountId: account,
                                          bookingDate: day,
                                          amount: Money(minorUnits: -(try row.int("amount_minor")), currency: currency),
                                          counterpartyName: try row.optionalText("creditor_name"), reference: try row.optionalText("end_to_end_id"),
                                          since: completed, receiptId: try row.optionalInt("receipt_row").map { "rcp_\($0)" })
            }
            items.removeAll { $0.bookingDate < fromDate || $0.bookingDate > toDate }
            items += try db.query("""
                SELECT t.id, t.account_id, t.booking_date, t.amount_minor, t.currency, t.counterparty_name,
                    COALESCE(t.bank_reference, t.account_servicer_reference, t.end_to_end_id) AS reference, t.created_at,
                    (SELECT MIN(l.receipt_id) FROM receipt_links l WHERE l.transaction_id = t.id AND l.confirmed = 1) AS receipt_row
                FROM bank_transactions t
                WHERE (?1 IS NULL OR t.account_id = ?1) AND t.booking_date >= ?2 AND t.booking_date <= ?3 AND t.status = 'booked'
                  AND t.staged = 0 AND t.quarantined = 0
                  AND (?4 = 0 OR NOT EXISTS (SELECT 1 FROM receipt_links l WHERE l.transaction_id = t.id AND l.confirmed = 1))
                ORDER BY t.booking_date, t.id LIMIT ?5
                """, [accountId.sqlValue, .text(fromDate), .text(toDate), unlinked, .integer(Int64(limit))]) { row in
                guard let currency = try Currency(code: row.text("currency")) else { throw StoreError.database("corrupt transaction row") }
                return ReceiptExpectation(kind: .transaction, id: "btx_\(try row.int("id"))", accountId: try row.text("account_id"),
                                          bookingDate: try row.text("booking_date"),
                                          amount: Money(minorUnits: try row.int("amount_minor"), currency: currency),
                                          counterpartyName: try row.optionalText("counterparty_name"), reference: try row.optionalText("reference"),
                                          since: Timestamp(milliseconds: try row.int("created_at")),
                                          receiptId: try row.optionalInt("receipt_row").map { "rcp_\($0)" })
            }
            return items
        }
    }

    private static func due(_ row: StoreRow) throws -> ReceiptPullDue {
        try ReceiptPullDue(accountId: row.text("account_id"), bookingDate: row.text("booking_date"), trigger: row.value("trigger"),
                           since: Timestamp(milliseconds: row.int("since")),
                           lastCompletedAt: row.optionalInt("last_completed_at").map(Timestamp.init(milliseconds:)),
                           attempts: Int(row.int("attempts")),
                           nextAttemptAt: row.optionalInt("next_attempt_at").map(Timestamp.init(milliseconds:)))
    }

    private static func run(_ row: StoreRow) throws -> ReceiptPullRun {
        try ReceiptPullRun(id: "rpl_\(row.int("id"))", accountId: row.text("account_id"), bookingDate: row.text("booking_date"),
                           trigger: row.value("trigger"), attempt: Int(row.int("attempt")),
                           startedAt: Timestamp(milliseconds: row.int("started_at")),
                           finishedAt: Timestamp(milliseconds: row.int("finished_at")), succeeded: row.text("outcome") == "ok",
                           listed: Int(row.int("listed")), newReceipts: Int(row.int("new_receipts")),
                           errorCode: row.optionalText("error_code"), errorMessage: row.optionalText("error_message"),
                           nextAttemptAt: row.optionalInt("next_attempt_at").map(Timestamp.init(milliseconds:)))
    }
}

extension ReceiptStore {
    /// Records that `item`'s receipt is missing (overdue since `missingFrom`): an audit record
    /// (`receipt.missing`, actor `system`, subject the payment or transaction) and the event
    /// `receipt.missing` in one transaction — once per item: an item recorded before records nothing.
    /// - Returns: whether it was new (recorded and announced).
    @discardableResult
    public func recordMissing(_ item: ReceiptExpectation, missingFrom: Timestamp, reason: String, reasonText: String,
                              at: Timestamp) async throws -> Bool {
        var json = JSONWriter(capacity: 512)
        json.beginObject()
        json.field("kind", item.kind.rawValue)
        json.field(item.kind == .payment ? "payment_id" : "transaction_id", item.id)
        json.field("account", item.accountId)
        json.field("booking_date", item.bookingDate)
        json.field("amount", item.amount.decimalString)
        json.field("currency", item.amount.currency.code)
        json.field("counterparty_name", item.counterpartyName)
        json.field("reference", item.reference)
        json.field("since", item.since.iso8601)
        json.field("missing_from", missingFrom.iso8601)
        json.field("reason", reason)
        json.field("reason_text", reasonText)
        json.endObject()
        let payload = json.text
        let subject = (kind: item.kind.rawValue, id: item.id)
        return try await database.write { db in
            let seen = try db.queryFirst("""
                SELECT 1 AS seen FROM audit_log WHERE subject_kind = ? AND subject_id = ? AND action = 'receipt.missing'
                """, [.text(subject.kind), .text(subject.id)]) { try $0.int("seen") }
            guard seen == nil else { return false }
            try StoreJournal.audit(db, at: at, actor: "system", action: "receipt.missing", subject: subject,
                                   details: "\(item.accountId) \(item.bookingDate) \(item.amount): no receipt since \(item.since.iso8601Seconds); \(reasonText)")
            try StoreJournal.appendEvent(db, type: "receipt.missing", paymentId: item.kind == .payment ? item.id : nil,
                                         account: item.accountId, at: at,
                                         payload: payload)
            return true
        }
    }
}
