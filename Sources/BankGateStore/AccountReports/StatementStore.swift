public import BankGateCore

/// Statements, bank transactions, balances and statement gaps: what the banks report about each
/// account. Shares the payment store's database, so one transaction can touch both.
///
/// A statement is imported in steps so that a file of any size streams through: ``beginStatement``,
/// then ``insertTransactions`` per chunk of entries, then ``finishStatement``. Each step commits on its
/// own, but the import is all or nothing as seen from outside: the entries a statement brings are
/// staged (invisible to listings, matching, balances and the event feed) until the transaction that
/// completes it publishes them with their `transaction.booked` events. A failed import is rolled
/// back (``failStatement(row:reason:at:)``), and so, at start-up, is one a crash interrupted
/// (``rollBackInterruptedImports(at:)``); the next delivery of the file imports it afresh.
public final class StatementStore: Sendable {
    let database: StoreDatabase

    /// A view of the statement tables of `store`'s database.
    public init(sharing store: PaymentStore) {
        database = store.database
    }

    /// Where an import stands after ``beginStatement``.
    public struct Registration: Sendable, Hashable {
        /// The statement's row.
        public var row: Int64
        /// The same statement (account, format, message id, statement id) was imported completely
        /// before: its entries will all be duplicates.
        public var alreadyComplete: Bool
    }

    /// Registers a statement about to be imported (or finds the one a crash interrupted).
    public func beginStatement(_ draft: StatementDraft, at: Timestamp) async throws -> Registration {
        try await database.write { db in
            if let existing = try db.queryFirst("""
                SELECT id, state FROM statements WHERE account_id = ? AND format = ? AND message_id = ? AND statement_id = ?
                """, [.text(draft.accountId), .text(draft.format), .text(draft.messageId), .text(draft.statementId)],
                { try ($0.int("id"), $0.text("state")) }) {
                try StoreJournal.audit(db, at: at, actor: "system", action: "statement.received_again", subject: ("statement", "stm_\(existing.0)"),
                               details: draft.sourceName.map { "source \(draft.source.rawValue): \($0)" } ?? "source \(draft.source.rawValue)")
                if existing.1 == "failed" {
                    // A statement whose earlier import failed (and was rolled back) is imported again.
                    try db.run("UPDATE statements SET state = 'importing', completed_at = NULL WHERE id = ?", [.integer(existing.0)])
                }
                return Registration(row: existing.0, alreadyComplete: existing.1 == "complete")
            }
            let insertedID = try db.runReturningID("""
                INSERT INTO statements (account_id, format, report_kind, message_id, statement_id, electronic_seq, legal_seq, page,
                    bank_created_at, from_date, to_date, statement_date, currency, state, source, source_name, received_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'importing', ?, ?, ?)
                """, [.text(draft.accountId), .text(draft.format), .text(draft.reportKind.rawValue), .text(draft.messageId),
                      .text(draft.statementId), draft.electronicSequence.sqlValue, draft.legalSequence.sqlValue,
                      draft.page.map { .integer(Int64($0)) } ?? .null, draft.bankCreatedAt.sqlValue, draft.fromDate.sqlValue,
                      draft.toDate.sqlValue, .text(draft.statementDate), .text(draft.currency.code), .text(draft.source.rawValue),
                      draft.sourceName.sqlValue, .integer(at.milliseconds)]).id
            let row = insertedID
            try StoreJournal.audit(db, at: at, actor: "system", action: "statement.received", subject: ("statement", "stm_\(row)"),
                           details: "\(draft.format) \(draft.statementId) for \(draft.accountId) via \(draft.source.rawValue)")
            return Registration(row: row, alreadyComplete: false)
        }
    }

    /// What one chunk of entries did to the store.
    public struct InsertResult: Sendable, Hashable {
        /// Row ids of transactions seen for the first time.
        public var inserted: [Int64] = []
        /// Entries already stored from an earlier report (same identity).
        public var duplicates = 0
        /// Pending entries now reported as booked.
        public var nowBooked: [Int64] = []
    }

    /// Stores a chunk of a statement's entries, each once per identity, in one transaction, and
    /// links every entry to the row that holds it (new or stored before), so that the statement's
    /// balances can be checked against what was kept. New rows are `staged` (seen by nothing until
    /// the statement completes) and held (`quarantined`) until it completes consistent. Nothing is
    /// published here: a booked entry, new or a pending one now booked, produces its
    /// `transaction.booked` event when ``finishStatement`` completes the statement.
    public func insertTransactions(_ drafts: [BankTransactionDraft], accountId: String, statementRow: Int64,
                                   at: Timestamp) async throws -> InsertResult {
        try await database.write { db in
            var result = InsertResult()
            for draft in drafts {
                let booked: SQLValue = .integer(draft.status == "booked" ? 1 : 0)
                let (changed, insertedID) = try db.runReturningID("""
                    INSERT INTO bank_transactions (account_id, identity, statement_row, statement_id, sequence, booking_date, value_date,
                        amount_minor, currency, status, reversal, bank_reference, account_servicer_reference, end_to_end_id,
                        instruction_id, message_id, payment_info_id, uetr, counterparty_name, counterparty_account, counterparty_bank,
                        remittance_info, structured_reference, btc_domain, btc_family, btc_sub_family, btc_proprietary, balance_after,
                        additional_info, source_line, source_path, created_at, updated_at, quarantined, staged)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, 1)
                    ON CONFLICT (account_id, identity) DO NOTHING
                    """, Self.arguments(draft, accountId: accountId, statementRow: statementRow, at: at))
                let bookingDate: SQLValue = draft.status == "booked" ? draft.bookingDate.sqlValue : .null
                if changed == 1 {
                    let row = insertedID
                    try Self.link(db, statementRow: statementRow, transactionRow: row, booked: booked, bookingDate: bookingDate)
                    result.inserted.append(row)
                    continue
                }
                result.duplicates += 1
                guard let existing = try db.queryFirst("SELECT id, status FROM bank_transactions WHERE account_id = ? AND identity = ?",
                                                       [.text(accountId), .text(draft.identity)], { try ($0.int("id"), $0.text("status")) }) else {
                    throw StoreError.database("transaction \(draft.identity) vanished during its import")
                }
                try Self.link(db, statementRow: statementRow, transactionRow: existing.0, booked: booked, bookingDate: bookingDate)
                // Booked when the statement completes (``publish``), not before.
                guard draft.status == "booked", existing.1 != "booked" else { continue }
                result.nowBooked.append(existing.0)
            }
            if !result.inserted.isEmpty {
                try db.run("UPDATE statements SET new_entries = new_entries + ? WHERE id = ?",
                           [.integer(Int64(result.inserted.count)), .integer(statementRow)])
            }
            return result
        }
    }

    /// Records that the statement at `statementRow` carried the entry stored at `transactionRow`,
    /// booked (on `bookingDate`) or not.
    private static func link(_ db: StoreConnection, statementRow: Int64, transactionRow: Int64, booked: SQLValue,
                             bookingDate: SQLValue) throws {
        try db.run("""
            INSERT INTO statement_entries AS e (statement_row, transaction_id, booked, booking_date) VALUES (?, ?, ?, ?)
            ON CONFLICT (statement_row, transaction_id) DO UPDATE SET booked = MAX(e.booked, excluded.booked),
                booking_date = COALESCE(excluded.booking_date, e.booking_date)
            """, [.integer(statementRow), .integer(transactionRow), booked, bookingDate])
    }

    /// What finishing a statement found.
    public struct Outcome: Sendable, Hashable {
        public var integrity: StatementIntegrityCheck
        public var continuity: StatementContinuity
        /// The hole this statement revealed, if any (also recorded as an open gap).
        public var gap: StatementGap?
        /// Open gaps this statement closed.
        public var closedGaps: [Int64]
        /// `quarantined` when the statement does not add up (its entries are held), else `none`.
        public var review: StatementReview = .none
        /// Why it is quarantined.
        public var reviewReason: String?
    }

    /// Completes a statement: publishes what it brought (``publish``: staged entries, pending entries
    /// now booked, their `transaction.booked` events); its sums, balances and integrity; its continuity with the account's
    /// previous statement (each opening balance equals the previous closing balance, sequence
    /// numbers without holes); events `statement.inconsistent` and `statement.gap`; gaps it fills.
    ///
    /// Integrity is checked twice: the reader's (opening + entries = closing, as the file says) and
    /// the store's (opening + the booked entries de-duplication kept for this statement = closing),
    /// so an entry folded into another one by mistake can never pass unnoticed. An inconsistent
    /// statement is quarantined: its new entries stay held and its balances are not recorded until
    /// an operator accepts it (``acceptStatement(id:actor:reason:at:)``) or a consistent statement of
    /// the same account, kind and date replaces it. A consistent one releases the entries it carried.
    public func finishStatement(row: Int64, completion: StatementCompletion, at: Timestamp) async throws -> Outcome {
        try await database.write { db in
            guard let draft = try Self.loadDraft(db, row: row) else { throw StoreError.notFound("statement") }
            try Self.publish(db, row: row, draft: draft, at: at)
            var completion = completion
            var reviewReason: String?
            if completion.integrity == .inconsistent {
                reviewReason = "opening balance and entries do not add up to the closing balance"
            } else if completion.integrity == .consistent, let opening = completion.openingBalance,
                      let closing = completion.closingBalance {
                let kept = try db.queryFirst("""
                    SELECT COALESCE(SUM(t.amount_minor), 0) AS kept_sum, COUNT(*) AS kept_entries
                    FROM statement_entries e JOIN bank_transactions t ON t.id = e.transaction_id
                    WHERE e.statement_row = ? AND e.booked = 1
                    """, [.integer(row)], { try ($0.int("kept_sum"), $0.int("kept_entries")) }) ?? (0, 0)
                if opening + kept.0 != closing {
                    completion.integrity = .inconsistent
                    completion.expectedClosing = opening + kept.0
                    reviewReason = "the \(kept.1) booked entries kept after de-duplication do not add up to the closing balance"
                }
            }
            try db.run("""
                UPDATE statements SET entries = ?, booked_credits = ?, booked_debits = ?, opening_balance = ?, closing_balance = ?,
                    closing_available = ?, integrity = ?, expected_closing = ?, state = 'complete', completed_at = ?, warnings = ?,
                    review = ?, review_reason = ?
                WHERE id = ?
                """, [.integer(Int64(completion.entries)), .integer(completion.bookedCredits), .integer(completion.bookedDebits),
                      completion.openingBalance.sqlValue, completion.closingBalance.sqlValue, completion.closingAvailable.sqlValue,
                      .text(completion.integrity.rawValue), completion.expectedClosing.sqlValue, .integer(at.milliseconds),
                      completion.warnings.isEmpty ? .null : .text(completion.warnings.joined(separator: "\n")),
                      .text(reviewReason == nil ? StatementReview.none.rawValue : StatementReview.quarantined.rawValue),
                      reviewReason.sqlValue, .integer(row)])
            for balance in completion.balances {
                try db.run("""
                    INSERT INTO statement_balances (statement_row, type, date, amount_minor, currency) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT (statement_row, type, date) DO UPDATE SET amount_minor = excluded.amount_minor, currency = excluded.currency
                    """, [.integer(row), .text(balance.type), .text(balance.date), .integer(balance.amount.minorUnits),
                          .text(balance.amount.currency.code)])
            }
            if let reviewReason {
                var json = JSONWriter(capacity: 256)
                json.beginObject()
                json.field("statement_id", "stm_\(row)")
                json.field("bank_statement_id", draft.statementId)
                json.field("account", draft.accountId)
                json.field("currency", draft.currency.code)
                json.field("expected_closing_balance", completion.expectedClosing.map { Money(minorUnits: $0, currency: draft.currency).decimalString })
                json.field("stated_closing_balance", completion.closingBalance.map { Money(minorUnits: $0, currency: draft.currency).decimalString })
                json.field("reason", reviewReason)
                json.endObject()
                try StoreJournal.appendEvent(db, type: "statement.inconsistent", account: draft.accountId, at: at, payload: json.text)
                try StoreJournal.audit(db, at: at, actor: "system", action: "statement.quarantined", subject: ("statement", "stm_\(row)"),
                                       details: reviewReason)
            } else {
                try Self.release(db, row: row, draft: draft, at: at)
            }
            var outcome = Outcome(integrity: completion.integrity, continuity: .notChecked, gap: nil, closedGaps: [],
                                  review: reviewReason == nil ? .none : .quarantined, reviewReason: reviewReason)
            if draft.reportKind == .endOfDay {
                outcome = try Self.checkContinuity(db, row: row, draft: draft, completion: completion, at: at, outcome: outcome)
            }
            try db.run("UPDATE statements SET continuity = ? WHERE id = ?", [.text(outcome.continuity.rawValue), .integer(row)])
            try StoreJournal.audit(db, at: at, actor: "system", action: "statement.completed", subject: ("statement", "stm_\(row)"),
                           details: "\(completion.entries) entries, integrity \(completion.integrity), continuity \(outcome.continuity)")
            return outcome
        }
    }

    /// Lets a statement's entries and balances count: releases the entries it carried, records its
    /// balances (a later report of a balance of the same type and date replaces an earlier one), and
    /// marks quarantined statements of the same account, kind and date as replaced.
    private static func release(_ db: StoreConnection, row: Int64, draft: StatementDraft, at: Timestamp) throws {
        try db.run("""
            UPDATE bank_transactions SET quarantined = 0, updated_at = ?
            WHERE quarantined = 1 AND id IN (SELECT transaction_id FROM statement_entries WHERE statement_row = ?)
            """, [.integer(at.milliseconds), .integer(row)])
        try db.run("""
            INSERT INTO balances (account_id, type, date, amount_minor, currency, statement_row, recorded_at)
            SELECT CAST(? AS TEXT), type, date, amount_minor, currency, statement_row, CAST(? AS BIGINT) FROM statement_balances
            WHERE statement_row = ? AND true
            ON CONFLICT (account_id, type, date) DO UPDATE SET amount_minor = excluded.amount_minor,
                currency = excluded.currency, statement_row = excluded.statement_row, recorded_at = excluded.recorded_at
            """, [.text(draft.accountId), .integer(at.milliseconds), .integer(row)])
        let replaced = try db.query("""
            SELECT id FROM statements WHERE account_id = ? AND report_kind = ? AND statement_date = ? AND review = 'quarantined' AND id != ?
            """, [.text(draft.accountId), .text(draft.reportKind.rawValue), .text(draft.statementDate), .integer(row)], { try $0.int("id") })
        for old in replaced {
            try db.run("UPDATE statements SET review = 'replaced', reviewed_at = ?, reviewed_by = 'system', review_reason = ? WHERE id = ?",
                       [.integer(at.milliseconds), .text("replaced by stm_\(row)"), .integer(old)])
            try StoreJournal.audit(db, at: at, actor: "system", action: "statement.replaced", subject: ("statement", "stm_\(old)"),
                                   details: "replaced by consistent statement stm_\(row)")
        }
    }

    /// An operator accepts a quarantined statement as it is: its entries and balances count from
    /// now on. Audited with the operator and the reason.
    /// - Throws: ``StoreError/notFound(_:)`` for an unknown statement, ``StoreError/invalidState(_:)``
    ///   when it is not quarantined.
    public func acceptStatement(id: String, actor: String, reason: String?, at: Timestamp) async throws -> StatementRecord {
        guard id.hasPrefix("stm_"), let row = Int64(id.dropFirst(4)) else { throw StoreError.notFound("statement") }
        return try await database.write { db in
            guard let draft = try Self.loadDraft(db, row: row) else { throw StoreError.notFound("statement") }
            let review = try db.queryFirst("SELECT review FROM statements WHERE id = ?", [.integer(row)], { try $0.text("review") })
            guard review == StatementReview.quarantined.rawValue else {
                throw StoreError.invalidState("statement \(id) is not quarantined (review: \(review ?? "none"))")
            }
            try db.run("UPDATE statements SET review = 'accepted', reviewed_at = ?, reviewed_by = ?, review_reason = ? WHERE id = ?",
                       [.integer(at.milliseconds), .text(actor), .text(reason ?? "accepted by an operator"), .integer(row)])
            try StoreJournal.audit(db, at: at, actor: actor, action: "statement.accepted", subject: ("statement", id),
                                   details: reason ?? "accepted as it is")
            try Self.release(db, row: row, draft: draft, at: at)
            guard let record = try db.queryFirst("SELECT \(Self.statementRecordColumns) FROM statements WHERE id = ?", [.integer(row)],
                                                 Self.statementRecord) else { throw StoreError.notFound("statement") }
            return record
        }
    }

    /// Statements waiting for an operator (quarantined), oldest first.
    public func quarantinedStatements(accountId: String?) async throws -> [StatementRecord] {
        try await database.read { db in
            try db.query("""
                SELECT \(Self.statementRecordColumns) FROM statements WHERE review = 'quarantined' AND (? IS NULL OR account_id = ?) ORDER BY id
                """, [accountId.sqlValue, accountId.sqlValue], Self.statementRecord)
        }
    }

    /// Marks a statement whose import failed part-way (an unreadable file, a store error) `failed`
    /// and rolls back what it staged, with the reason in the audit log: an import is all or nothing,
    /// and the next delivery of the file (corrected, or the same after a transient error) imports it
    /// afresh.
    public func failStatement(row: Int64, reason: String, at: Timestamp) async throws {
        try await database.write { db in
            _ = try Self.rollBack(db, row: row, action: "statement.failed", reason: reason, at: at)
        }
    }

    /// Marks that a gap was asked for again.
    public func recordGapPull(id: Int64, at: Timestamp) async throws {
        try await database.write { db in
            try db.run("UPDATE statement_gaps SET pulls = pulls + 1 WHERE id = ?", [.integer(id)])
            try StoreJournal.audit(db, at: at, actor: "system", action: "statement_gap.pulled", subject: ("statement_gap", "\(id)"), details: nil)
        }
    }

    // MARK: - Continuity

    private static func checkContinuity(_ db: StoreConnection, row: Int64, draft: StatementDraft, completion: StatementCompletion,
                                        at: Timestamp, outcome: Outcome) throws -> Outcome {
        var outcome = outcome
        let sequence = draft.sequenceNumber
        // The previous statement: by sequence number when this one has one, else by date.
        let previous: (row: Int64, sequence: Int64?, date: String, closing: Int64?)? = try db.queryFirst(
            sequence != nil
                ? """
                  SELECT id, COALESCE(electronic_seq, legal_seq) AS sequence, statement_date, closing_balance FROM statements
                  WHERE account_id = ?3 AND report_kind = 'end_of_day' AND state = 'complete' AND id != ?4
                    AND (COALESCE(electronic_seq, legal_seq) < ?1
                         OR (COALESCE(electronic_seq, legal_seq) = ?1 AND COALESCE(page, 1) < ?2))
                  ORDER BY COALESCE(electronic_seq, legal_seq) DESC, COALESCE(page, 1) DESC LIMIT 1
                  """
                : """
                  SELECT id, COALESCE(electronic_seq, legal_seq) AS sequence, statement_date, closing_balance FROM statements
                  WHERE account_id = ? AND report_kind = 'end_of_day' AND state = 'complete' AND id != ?
                    AND statement_date < ? ORDER BY statement_date DESC, id DESC LIMIT 1
                  """,
            sequence.map { [.integer($0), .integer(Int64(draft.page ?? 1)), .text(draft.accountId), .integer(row)] }
                ?? [.text(draft.accountId), .integer(row), .text(draft.statementDate)],
            { try ($0.int("id"), $0.optionalInt("sequence"), $0.text("statement_date"), $0.optionalInt("closing_balance")) })
        if let previous, previous.date > draft.statementDate {
            // The numbering says the other statement comes first, its date says it comes later (a file
            // from another channel with numbers of its own, say): no hole can be dated from that, and
            // none is asked of the bank. An operator sees the continuity.
            outcome.continuity = .sequenceDateConflict
            try StoreJournal.audit(db, at: at, actor: "system", action: "statement.sequence_date_conflict",
                                   subject: ("statement", "stm_\(row)"),
                                   details: "numbered after stm_\(previous.row) of \(previous.date) but dated \(draft.statementDate)")
        } else if let previous {
            let fromDate = DateArithmetic.adding(days: 1, to: previous.date) ?? previous.date
            let toDate = DateArithmetic.adding(days: -1, to: draft.statementDate) ?? draft.statementDate
            if let sequence, let previousSequence = previous.sequence, sequence > previousSequence + 1 {
                outcome.continuity = .gap
                outcome.gap = try openGap(db, draft: draft, fromSequence: previousSequence + 1, toSequence: sequence - 1,
                                          fromDate: fromDate, toDate: max(fromDate, toDate), reason: "sequence_gap", at: at)
            } else if let opening = completion.openingBalance, let closing = previous.closing, opening != closing {
                outcome.continuity = .openingMismatch
                outcome.gap = try openGap(db, draft: draft, fromSequence: nil, toSequence: nil, fromDate: fromDate,
                                          toDate: max(fromDate, toDate), reason: "opening_mismatch", at: at,
                                          detail: (expected: closing, found: opening))
            } else {
                outcome.continuity = .ok
            }
        } else {
            outcome.continuity = .first
        }
        // A statement may arrive after later ones (a re-pull, a late file): the hole can then lie
        // between it and its successor.
        if let sequence, let next = try db.queryFirst("""
            SELECT COALESCE(electronic_seq, legal_seq) AS sequence, statement_date FROM statements
            WHERE account_id = ? AND report_kind = 'end_of_day' AND state = 'complete' AND id != ?
              AND COALESCE(electronic_seq, legal_seq) > ? ORDER BY COALESCE(electronic_seq, legal_seq) LIMIT 1
            """, [.text(draft.accountId), .integer(row), .integer(sequence)], { try ($0.int("sequence"), $0.text("statement_date")) }),
           next.0 > sequence + 1, next.1 > draft.statementDate {
            let alreadyOpen = try db.queryFirst("""
                SELECT 1 AS found FROM statement_gaps WHERE account_id = ? AND report_kind = ? AND state = 'open' AND from_seq <= ? AND to_seq >= ?
                """, [.text(draft.accountId), .text(draft.reportKind.rawValue), .integer(sequence + 1), .integer(next.0 - 1)], { try $0.int("found") })
            if alreadyOpen == nil {
                let fromDate = DateArithmetic.adding(days: 1, to: draft.statementDate) ?? draft.statementDate
                let toDate = DateArithmetic.adding(days: -1, to: next.1) ?? next.1
                let gap = try openGap(db, draft: draft, fromSequence: sequence + 1, toSequence: next.0 - 1, fromDate: fromDate,
                                      toDate: max(fromDate, toDate), reason: "sequence_gap", at: at)
                if outcome.gap == nil { outcome.gap = gap }
            }
        }
        outcome.closedGaps = try closeFilledGaps(db, draft: draft, at: at)
        return outcome
    }

    private static func openGap(_ db: StoreConnection, draft: StatementDraft, fromSequence: Int64?, toSequence: Int64?,
                                fromDate: String, toDate: String, reason: String, at: Timestamp,
                                detail: (expected: Int64, found: Int64)? = nil) throws -> StatementGap {
        let insertedID = try db.runReturningID("""
            INSERT INTO statement_gaps (account_id, report_kind, from_seq, to_seq, from_date, to_date, reason, state, detected_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, 'open', ?)
            """, [.text(draft.accountId), .text(draft.reportKind.rawValue), fromSequence.sqlValue, toSequence.sqlValue, .text(fromDate),
                  .text(toDate), .text(reason), .integer(at.milliseconds)]).id
        let gap = StatementGap(id: insertedID, accountId: draft.accountId, reportKind: draft.reportKind,
                               fromSequence: fromSequence, toSequence: toSequence, fromDate: fromDate, toDate: toDate,
                               reason: reason, state: "open", pulls: 0)
        var json = JSONWriter(capacity: 256)
        json.beginObject()
        json.field("gap_id", gap.id)
        json.field("account", draft.accountId)
        json.field("reason", reason)
        json.field("from_sequence", fromSequence)
        json.field("to_sequence", toSequence)
        json.field("from_date", fromDate)
        json.field("to_date", toDate)
        json.field("detected_by_statement", draft.statementId)
        if let detail {
            json.field("previous_closing_balance", Money(minorUnits: detail.expected, currency: draft.currency).decimalString)
            json.field("opening_balance", Money(minorUnits: detail.found, currency: draft.currency).decimalString)
        }
        json.endObject()
        try StoreJournal.appendEvent(db, type: "statement.gap", account: draft.accountId, at: at, payload: json.text)
        try StoreJournal.audit(db, at: at, actor: "system", action: "statement_gap.opened", subject: ("statement_gap", "\(gap.id)"),
                  details: "\(reason) \(fromDate)…\(toDate)")
        return gap
    }

    /// Closes the account's open sequence gaps whose every number is now present, and date gaps
    /// (no sequence numbers) once a statement dated inside them has arrived.
    private static func closeFilledGaps(_ db: StoreConnection, draft: StatementDraft, at: Timestamp) throws -> [Int64] {
        let open = try db.query("""
            SELECT id, from_seq, to_seq, from_date, to_date FROM statement_gaps
            WHERE state = 'open' AND account_id = ? AND report_kind = ? AND reason = 'sequence_gap'
            """, [.text(draft.accountId), .text(draft.reportKind.rawValue)], {
                try ($0.int("id"), $0.optionalInt("from_seq"), $0.optionalInt("to_seq"), $0.text("from_date"), $0.text("to_date"))
            })
        var closed: [Int64] = []
        for gap in open {
            let filled: Bool
            if let from = gap.1, let to = gap.2 {
                let present = try db.queryFirst("""
                    SELECT COUNT(DISTINCT COALESCE(electronic_seq, legal_seq)) AS present FROM statements
                    WHERE account_id = ? AND report_kind = ? AND state = 'complete' AND COALESCE(electronic_seq, legal_seq) BETWEEN ? AND ?
                    """, [.text(draft.accountId), .text(draft.reportKind.rawValue), .integer(from), .integer(to)], { try $0.int("present") }) ?? 0
                filled = present >= to - from + 1
            } else {
                filled = draft.statementDate >= gap.3 && draft.statementDate <= gap.4
            }
            guard filled else { continue }
            try db.run("UPDATE statement_gaps SET state = 'closed', closed_at = ? WHERE id = ?", [.integer(at.milliseconds), .integer(gap.0)])
            try StoreJournal.audit(db, at: at, actor: "system", action: "statement_gap.closed", subject: ("statement_gap", "\(gap.0)"),
                      details: "filled by \(draft.statementId)")
            closed.append(gap.0)
        }
        return closed
    }

    // MARK: - Rows

    static func loadDraft(_ db: StoreConnection, row: Int64) throws -> StatementDraft? {
        try db.queryFirst("SELECT \(statementColumns) FROM statements WHERE id = ?", [.integer(row)], statementDraft)
    }

    static let statementColumns = """
        account_id, format, report_kind, message_id, statement_id, electronic_seq, legal_seq, page, bank_created_at, \
        from_date, to_date, statement_date, currency, source, source_name
        """

    static func statementDraft(_ row: StoreRow) throws -> StatementDraft {
        guard let currency = try Currency(code: row.text("currency")), let source = try StatementSource(rawValue: row.text("source")) else {
            throw StoreError.database("corrupt statement row")
        }
        return try StatementDraft(
            accountId: row.text("account_id"), format: row.text("format"), reportKind: row.value("report_kind"),
            messageId: row.text("message_id"), statementId: row.text("statement_id"),
            electronicSequence: row.optionalInt("electronic_seq"), legalSequence: row.optionalInt("legal_seq"),
            page: row.optionalInt("page").map { Int($0) }, bankCreatedAt: row.optionalText("bank_created_at"),
            fromDate: row.optionalText("from_date"), toDate: row.optionalText("to_date"),
            statementDate: row.text("statement_date"), currency: currency, source: source,
            sourceName: row.optionalText("source_name"))
    }

    static func arguments(_ draft: BankTransactionDraft, accountId: String, statementRow: Int64, at: Timestamp) -> [SQLValue] {
        [.text(accountId), .text(draft.identity), .integer(statementRow), .text(draft.statementId), .integer(Int64(draft.sequence)),
         draft.bookingDate.sqlValue, draft.valueDate.sqlValue, .integer(draft.amount.minorUnits), .text(draft.amount.currency.code),
         .text(draft.status), .integer(draft.reversal ? 1 : 0), draft.bankReference.sqlValue, draft.accountServicerReference.sqlValue,
         draft.endToEndId.sqlValue, draft.instructionId.sqlValue, draft.messageId.sqlValue, draft.paymentInfoId.sqlValue,
         draft.uetr.sqlValue, draft.counterpartyName.sqlValue, draft.counterpartyAccount.sqlValue, draft.counterpartyBank.sqlValue,
         draft.remittanceInfo.sqlValue, draft.structuredReference.sqlValue, draft.codeDomain.sqlValue, draft.codeFamily.sqlValue,
         draft.codeSubFamily.sqlValue, draft.codeProprietary.sqlValue, draft.balanceAfter.sqlValue, draft.additionalInfo.sqlValue,
         .integer(Int64(draft.sourceLine)), .text(draft.sourcePath), .integer(at.milliseconds), .integer(at.milliseconds)]
    }

    static func appendTransactionEvent(_ db: StoreConnection, type: String, row: Int64, accountId: String,
                                       draft: BankTransactionDraft, at: Timestamp, extra: ((inout JSONWriter) -> Void)? = nil) throws {
        var json = JSONWriter(capacity: 512)
        json.beginObject()
        json.field("transaction_id", "btx_\(row)")
        json.field("account", accountId)
        json.field("amount", draft.amount.decimalString)
        json.field("currency", draft.amount.currency.code)
        json.field("status", draft.status)
        json.field("booking_date", draft.bookingDate)
        json.field("value_date", draft.valueDate)
        json.field("end_to_end_id", draft.endToEndId)
        json.field("bank_reference", draft.bankReference)
        json.field("account_servicer_reference", draft.accountServicerReference)
        json.field("counterparty_name", draft.counterpartyName)
        json.field("remittance_info", draft.remittanceInfo)
        json.field("bank_statement_id", draft.statementId)
        extra?(&json)
        json.endObject()
        try StoreJournal.appendEvent(db, type: type, account: accountId, at: at, payload: json.text)
    }
}

extension Optional where Wrapped == Int64 {
    var sqlValue: SQLValue { map(SQLValue.integer) ?? .null }
}
