public import BankGateCore

/// Expected payments, matches between bank transactions and what bankgate sent or expected, and
/// the operator's decisions on them. Shares the payment store's database.
///
/// A transaction is matched to at most one target and a target to at most one transaction. Every
/// change writes an audit record and, where the ledger must know, an outbox event, in the same
/// transaction.
public final class ReconciliationStore: Sendable {
    let database: StoreDatabase

    public init(sharing store: PaymentStore) {
        database = store.database
    }

    // MARK: - Expected payments

    /// Stores a new expected payment (`status` open).
    public func createExpectedPayment(_ record: ExpectedPaymentRecord, at: Timestamp) async throws -> ExpectedPaymentRecord {
        try await database.write { db in
            try db.run("""
                INSERT INTO expected_payments (id, account_id, currency, amount_min, amount_max, counterparty_name, counterparty_account,
                    reference, window_from, window_to, status, client, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'open', ?, ?, ?)
                """, [.text(record.id), .text(record.accountId), .text(record.currency.code), .integer(record.amountMin),
                      .integer(record.amountMax), record.counterpartyName.sqlValue, record.counterpartyAccount.sqlValue,
                      record.reference.sqlValue, .text(record.windowFrom), .text(record.windowTo), .text(record.client),
                      .integer(at.milliseconds), .integer(at.milliseconds)])
            try StoreJournal.audit(db, at: at, actor: record.client, action: "expected_payment.created",
                                     subject: ("expected_payment", record.id), details: nil)
            var created = record
            created.status = .open
            created.createdAt = at
            created.updatedAt = at
            try Self.appendExpectedEvent(db, type: "expected_payment.created", created, at: at)
            return created
        }
    }

    public func expectedPayment(id: String) async throws -> ExpectedPaymentRecord? {
        try await database.read { db in try Self.loadExpected(db, id: id) }
    }

    /// Expected payments, newest first, optionally of one account and status.
    public func expectedPayments(accountId: String?, status: ExpectedPaymentStatus?, limit: Int) async throws -> [ExpectedPaymentRecord] {
        try await database.read { db in
            try db.query("""
                SELECT \(Self.expectedColumns) FROM expected_payments
                WHERE (? IS NULL OR account_id = ?) AND (? IS NULL OR status = ?) ORDER BY created_at DESC, id DESC LIMIT ?
                """, [accountId.sqlValue, accountId.sqlValue, status.map(\.rawValue).sqlValue, status.map(\.rawValue).sqlValue,
                      .integer(Int64(limit))], Self.expected)
        }
    }

    /// Expected payments still waiting for their money (open or overdue), optionally of one account.
    public func unmatchedExpectedPayments(accountId: String?) async throws -> [ExpectedPaymentRecord] {
        try await database.read { db in
            try db.query("""
                SELECT \(Self.expectedColumns) FROM expected_payments
                WHERE status IN ('open', 'overdue') AND (? IS NULL OR account_id = ?) ORDER BY id
                """, [accountId.sqlValue, accountId.sqlValue], Self.expected)
        }
    }

    /// Cancels an expected payment that has not been matched.
    public func cancelExpectedPayment(id: String, actor: String, at: Timestamp) async throws -> ExpectedPaymentRecord {
        try await database.write { db in
            guard var record = try Self.loadExpected(db, id: id) else { throw StoreError.notFound("expected payment") }
            guard record.status == .open || record.status == .overdue else {
                throw StoreError.invalidState("the expected payment is \(record.status) and can no longer be cancelled")
            }
            try db.run("UPDATE expected_payments SET status = 'cancelled', updated_at = ? WHERE id = ?", [.integer(at.milliseconds), .text(id)])
            try StoreJournal.audit(db, at: at, actor: actor, action: "expected_payment.cancelled", subject: ("expected_payment", id), details: nil)
            record.status = .cancelled
            record.updatedAt = at
            try Self.appendExpectedEvent(db, type: "expected_payment.cancelled", record, at: at)
            return record
        }
    }

    /// Marks open expected payments whose window ended before `date` as overdue, once each, with an
    /// `expected_payment.overdue` event. Returns those it marked.
    public func markOverdue(before date: String, at: Timestamp) async throws -> [ExpectedPaymentRecord] {
        try await database.write { db in
            let due = try db.query("SELECT \(Self.expectedColumns) FROM expected_payments WHERE status = 'open' AND window_to < ?",
                                   [.text(date)], Self.expected)
            var marked: [ExpectedPaymentRecord] = []
            for var record in due {
                try db.run("UPDATE expected_payments SET status = 'overdue', updated_at = ? WHERE id = ?",
                           [.integer(at.milliseconds), .text(record.id)])
                try StoreJournal.audit(db, at: at, actor: "system", action: "expected_payment.overdue",
                                         subject: ("expected_payment", record.id), details: "window ended \(record.windowTo)")
                record.status = .overdue
                record.updatedAt = at
                try Self.appendExpectedEvent(db, type: "expected_payment.overdue", record, at: at)
                marked.append(record)
            }
            return marked
        }
    }

    // MARK: - What the matcher reads

    /// Moves whenever something reconciliation depends on may have changed: a new or changed bank
    /// transaction, a payment transition, an audited change (expected payments, match decisions).
    /// Equal markers mean a pass would find nothing new.
    public func changeMarker() async throws -> [Int64] {
        try await database.read { db in
            try db.queryFirst("""
                SELECT (SELECT COALESCE(MAX(id), 0) FROM bank_transactions) AS transactions_seen,
                    (SELECT COALESCE(MAX(updated_at), 0) FROM bank_transactions) AS transactions_updated,
                    (SELECT COALESCE(MAX(id), 0) FROM payment_transitions) AS transitions_seen,
                    (SELECT COALESCE(MAX(id), 0) FROM audit_log) AS audit_seen
                """, [], { try [$0.int("transactions_seen"), $0.int("transactions_updated"), $0.int("transitions_seen"),
                               $0.int("audit_seen")] }) ?? []
        }
    }

    /// Booked transactions not matched yet (including those with only suggestions).
    public func unmatchedTransactions(accountId: String?) async throws -> [BankTransactionRecord] {
        try await database.read { db in
            try db.query("""
                SELECT \(StatementStore.transactionColumns) FROM bank_transactions
                WHERE match_state != 'matched' AND status = 'booked' AND quarantined = 0 AND staged = 0 AND (? IS NULL OR account_id = ?) ORDER BY id
                """, [accountId.sqlValue, accountId.sqlValue], StatementStore.transaction)
        }
    }

    /// Payments that reached the bank and are not matched to a bank transaction yet.
    public func unmatchedPayments(accountId: String?) async throws -> [PaymentMatchCandidate] {
        try await database.read { db in
            try db.query("""
                SELECT p.id, p.debtor_account_id, p.amount_minor, p.currency, p.end_to_end_id, p.instruction_id, s.message_id,
                    p.requested_execution_date, p.creditor_name, p.creditor_account, p.remittance_info, p.status
                FROM payments p JOIN submissions s ON s.id = p.submission_id
                WHERE p.status IN ('submitted', 'processing', 'completed') AND (? IS NULL OR p.debtor_account_id = ?)
                  AND NOT EXISTS (SELECT 1 FROM reconciliation_matches m
                                  WHERE m.target_kind = 'payment' AND m.target_id = p.id AND m.state = 'confirmed')
                ORDER BY p.seq
                """, [accountId.sqlValue, accountId.sqlValue]) { row in
                guard let currency = try Currency(code: row.text("currency")),
                      let status = try PaymentStatus(rawValue: row.text("status")) else {
                    throw StoreError.database("corrupt payment row")
                }
                return try PaymentMatchCandidate(
                    id: row.text("id"), accountId: row.text("debtor_account_id"),
                    amount: Money(minorUnits: row.int("amount_minor"), currency: currency), endToEndId: row.text("end_to_end_id"),
                    instructionId: row.text("instruction_id"), messageId: row.text("message_id"),
                    executionDate: row.text("requested_execution_date"), creditorName: row.text("creditor_name"),
                    creditorAccount: row.text("creditor_account"), remittanceInfo: row.optionalText("remittance_info"),
                    status: status)
            }
        }
    }

    // MARK: - Recording decisions

    /// Records the matcher's proposals: exact ones are confirmed at once (when neither side was
    /// matched meanwhile), suggestions wait for an operator. A suggestion identical to one already
    /// stored, or one an operator rejected, is not stored again.
    public func record(_ proposals: [MatchProposal], at: Timestamp) async throws -> [MatchRecord] {
        try await database.write { db in
            var recorded: [MatchRecord] = []
            for proposal in proposals {
                guard let transactionRow = BankTransactionRecord.rowId(proposal.transactionId) else { continue }
                let exists = try db.queryFirst("""
                    SELECT 1 AS found FROM reconciliation_matches WHERE transaction_id = ? AND target_kind = ? AND target_id = ?
                      AND state IN ('suggested', 'rejected', 'confirmed')
                    """, [.integer(transactionRow), .text(proposal.target.kind), .text(proposal.target.id)], { try $0.int("found") })
                guard exists == nil else { continue }
                if proposal.kind == "exact" {
                    guard try Self.isFree(db, transactionRow: transactionRow, target: proposal.target) else { continue }
                    let row = try Self.insertMatch(db, proposal, state: .confirmed, at: at, decidedBy: "system")
                    try Self.applyConfirmation(db, matchRow: row, transactionRow: transactionRow, target: proposal.target,
                                               kind: proposal.kind, actor: "system", at: at)
                    if let match = try Self.loadMatch(db, row: row) { recorded.append(match) }
                } else {
                    let row = try Self.insertMatch(db, proposal, state: .suggested, at: at, decidedBy: nil)
                    try db.run("UPDATE bank_transactions SET match_state = 'suggested', updated_at = ? WHERE id = ? AND match_state = 'unmatched'",
                               [.integer(at.milliseconds), .integer(transactionRow)])
                    try StoreJournal.audit(db, at: at, actor: "system", action: "match.suggested", subject: ("match", "mat_\(row)"),
                                             details: "\(proposal.transactionId) ↔ \(proposal.target.kind) \(proposal.target.id): \(proposal.reasons.joined(separator: ","))")
                    if let match = try Self.loadMatch(db, row: row) { recorded.append(match) }
                }
            }
            return recorded
        }
    }

    /// An operator confirms a suggested match.
    public func confirm(matchId: String, actor: String, at: Timestamp) async throws -> MatchRecord {
        try await database.write { db in
            let match = try Self.requireMatch(db, id: matchId)
            guard match.state == .suggested else { throw StoreError.invalidState("only a suggested match can be confirmed (it is \(match.state))") }
            guard let transactionRow = BankTransactionRecord.rowId(match.transactionId),
                  try Self.isFree(db, transactionRow: transactionRow, target: match.target) else {
                throw StoreError.invalidState("the transaction or the \(match.target.kind) is already matched")
            }
            let row = MatchRecord.rowId(matchId)!
            try db.run("UPDATE reconciliation_matches SET state = 'confirmed', decided_at = ?, decided_by = ? WHERE id = ?",
                       [.integer(at.milliseconds), .text(actor), .integer(row)])
            try Self.applyConfirmation(db, matchRow: row, transactionRow: transactionRow, target: match.target, kind: match.kind,
                                       actor: actor, at: at)
            return try Self.loadMatch(db, row: row)!
        }
    }

    /// An operator rejects a suggested match; it is not suggested again.
    public func reject(matchId: String, actor: String, at: Timestamp) async throws -> MatchRecord {
        try await database.write { db in
            let match = try Self.requireMatch(db, id: matchId)
            guard match.state == .suggested else { throw StoreError.invalidState("only a suggested match can be rejected (it is \(match.state))") }
            let row = MatchRecord.rowId(matchId)!
            try db.run("UPDATE reconciliation_matches SET state = 'rejected', decided_at = ?, decided_by = ? WHERE id = ?",
                       [.integer(at.milliseconds), .text(actor), .integer(row)])
            if let transactionRow = BankTransactionRecord.rowId(match.transactionId) {
                try Self.refreshTransactionState(db, transactionRow: transactionRow, at: at)
            }
            try StoreJournal.audit(db, at: at, actor: actor, action: "match.rejected", subject: ("match", matchId),
                                     details: "\(match.transactionId) ↔ \(match.target.kind) \(match.target.id)")
            return try Self.loadMatch(db, row: row)!
        }
    }

    /// An operator matches a transaction to a payment or an expected payment by hand.
    public func matchManually(transactionId: String, target: MatchTarget, actor: String, at: Timestamp) async throws -> MatchRecord {
        try await database.write { db in
            guard let transactionRow = BankTransactionRecord.rowId(transactionId),
                  try db.queryFirst("SELECT 1 AS found FROM bank_transactions WHERE id = ? AND staged = 0", [.integer(transactionRow)],
                                    { try $0.int("found") }) != nil else {
                throw StoreError.notFound("transaction")
            }
            switch target {
            case .payment(let id):
                guard try db.queryFirst("SELECT 1 AS found FROM payments WHERE id = ?", [.text(id)], { try $0.int("found") }) != nil else {
                    throw StoreError.notFound("payment")
                }
            case .expectedPayment(let id):
                guard try Self.loadExpected(db, id: id) != nil else { throw StoreError.notFound("expected payment") }
            }
            guard try Self.isFree(db, transactionRow: transactionRow, target: target) else {
                throw StoreError.invalidState("the transaction or the \(target.kind) is already matched")
            }
            let proposal = MatchProposal(transactionId: transactionId, target: target, kind: "manual", scorePermille: 1000,
                                         reasons: ["operator"])
            let row = try Self.insertMatch(db, proposal, state: .confirmed, at: at, decidedBy: actor)
            try Self.applyConfirmation(db, matchRow: row, transactionRow: transactionRow, target: target, kind: "manual",
                                       actor: actor, at: at)
            return try Self.loadMatch(db, row: row)!
        }
    }

    /// An operator undoes a confirmed match: both sides become unmatched again.
    public func unmatch(matchId: String, actor: String, at: Timestamp) async throws -> MatchRecord {
        try await database.write { db in
            let match = try Self.requireMatch(db, id: matchId)
            guard match.state == .confirmed else { throw StoreError.invalidState("only a confirmed match can be undone (it is \(match.state))") }
            let row = MatchRecord.rowId(matchId)!
            try db.run("UPDATE reconciliation_matches SET state = 'unmatched', decided_at = ?, decided_by = ? WHERE id = ?",
                       [.integer(at.milliseconds), .text(actor), .integer(row)])
            if let transactionRow = BankTransactionRecord.rowId(match.transactionId) {
                try db.run("UPDATE bank_transactions SET match_state = 'unmatched', updated_at = ? WHERE id = ?",
                           [.integer(at.milliseconds), .integer(transactionRow)])
                try Self.refreshTransactionState(db, transactionRow: transactionRow, at: at)
            }
            if case .expectedPayment(let id) = match.target {
                try db.run("UPDATE expected_payments SET status = 'open', updated_at = ? WHERE id = ? AND status = 'matched'",
                           [.integer(at.milliseconds), .text(id)])
            }
            try StoreJournal.audit(db, at: at, actor: actor, action: "match.unmatched", subject: ("match", matchId),
                                     details: "\(match.transactionId) ↔ \(match.target.kind) \(match.target.id)")
            var json = JSONWriter(capacity: 256)
            json.beginObject()
            json.field("match_id", matchId)
            json.field("transaction_id", match.transactionId)
            json.field("target_kind", match.target.kind)
            json.field("target_id", match.target.id)
            json.field("by", actor)
            json.endObject()
            let account = try BankTransactionRecord.rowId(match.transactionId).flatMap { row in
                try db.queryFirst("SELECT account_id FROM bank_transactions WHERE id = ?", [.integer(row)]) { try $0.text("account_id") }
            }
            try StoreJournal.appendEvent(db, type: "transaction.unmatched", paymentId: Self.paymentId(match.target), account: account,
                                         at: at, payload: json.text)
            return try Self.loadMatch(db, row: row)!
        }
    }

    // MARK: - Reading matches

    public func match(id: String) async throws -> MatchRecord? {
        guard let row = MatchRecord.rowId(id) else { return nil }
        return try await database.read { db in try Self.loadMatch(db, row: row) }
    }

    /// Matches of a transaction or of a target, any state, oldest first.
    public func matches(transactionId: String? = nil, target: MatchTarget? = nil) async throws -> [MatchRecord] {
        let transactionRow = transactionId.flatMap(BankTransactionRecord.rowId)
        return try await database.read { db in
            try db.query("""
                SELECT \(Self.matchColumns) FROM reconciliation_matches
                WHERE (? IS NULL OR transaction_id = ?) AND (? IS NULL OR (target_kind = ? AND target_id = ?)) ORDER BY id
                """, [transactionRow.sqlValue, transactionRow.sqlValue, target.map { .text($0.kind) } ?? .null,
                      target.map { .text($0.kind) } ?? .null, target.map { .text($0.id) } ?? .null], Self.match)
        }
    }

    /// Suggestions waiting for an operator, oldest first, optionally of one account.
    public func pendingSuggestions(accountId: String?, limit: Int) async throws -> [MatchRecord] {
        try await database.read { db in
            try db.query("""
                SELECT m.id, m.transaction_id, m.target_kind, m.target_id, m.kind, m.score_permille, m.reasons, m.state,
                    m.created_at, m.decided_at, m.decided_by
                FROM reconciliation_matches m JOIN bank_transactions t ON t.id = m.transaction_id
                WHERE m.state = 'suggested' AND (? IS NULL OR t.account_id = ?) ORDER BY m.id LIMIT ?
                """, [accountId.sqlValue, accountId.sqlValue, .integer(Int64(limit))], Self.match)
        }
    }

    /// The audit log of one subject (`statement`, `transaction`, `match`, `expected_payment` …).
    public func auditEntries(subjectKind: String, subjectId: String) async throws -> [AuditEntry] {
        try await database.read { db in
            try db.query("""
                SELECT id, at, actor, action, subject_kind, subject_id, details FROM audit_log
                WHERE subject_kind = ? AND subject_id = ? ORDER BY id
                """, [.text(subjectKind), .text(subjectId)]) { row in
                try AuditEntry(id: row.int("id"), at: Timestamp(milliseconds: row.int("at")), actor: row.text("actor"),
                               action: row.text("action"), subjectKind: row.text("subject_kind"),
                               subjectId: row.text("subject_id"), details: row.optionalText("details"))
            }
        }
    }

    // MARK: - Internals

    /// Neither the transaction nor the target has a confirmed match.
    static func isFree(_ db: StoreConnection, transactionRow: Int64, target: MatchTarget) throws -> Bool {
        let transactionTaken = try db.queryFirst("""
            SELECT 1 AS found FROM reconciliation_matches WHERE transaction_id = ? AND state = 'confirmed'
            """, [.integer(transactionRow)], { try $0.int("found") }) != nil
        let targetTaken = try db.queryFirst("""
            SELECT 1 AS found FROM reconciliation_matches WHERE target_kind = ? AND target_id = ? AND state = 'confirmed'
            """, [.text(target.kind), .text(target.id)], { try $0.int("found") }) != nil
        var targetClosed = false
        if case .expectedPayment(let id) = target {
            targetClosed = try db.queryFirst("SELECT status FROM expected_payments WHERE id = ?", [.text(id)], { try $0.text("status") })
                .map { $0 == "cancelled" || $0 == "matched" } ?? true
        }
        return !transactionTaken && !targetTaken && !targetClosed
    }

    static func insertMatch(_ db: StoreConnection, _ proposal: MatchProposal, state: MatchState, at: Timestamp, decidedBy: String?) throws -> Int64 {
        let insertedID = try db.runReturningID("""
            INSERT INTO reconciliation_matches (transaction_id, target_kind, target_id, kind, score_permille, reasons, state, created_at,
                decided_at, decided_by)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, [.integer(BankTransactionRecord.rowId(proposal.transactionId) ?? 0), .text(proposal.target.kind), .text(proposal.target.id),
                  .text(proposal.kind), .integer(Int64(proposal.scorePermille)), .text(proposal.reasons.joined(separator: ",")),
                  .text(state.rawValue), .integer(at.milliseconds), decidedBy == nil ? .null : .integer(at.milliseconds), decidedBy.sqlValue]).id
        return insertedID
    }

    /// The effects of a confirmed match: the transaction is matched, an expected payment too, other
    /// suggestions for either side are superseded, and the events are written.
    static func applyConfirmation(_ db: StoreConnection, matchRow: Int64, transactionRow: Int64, target: MatchTarget, kind: String,
                                  actor: String, at: Timestamp) throws {
        try db.run("UPDATE bank_transactions SET match_state = 'matched', updated_at = ? WHERE id = ?",
                   [.integer(at.milliseconds), .integer(transactionRow)])
        try db.run("""
            UPDATE reconciliation_matches SET state = 'superseded', decided_at = ?
            WHERE state = 'suggested' AND id != ? AND (transaction_id = ? OR (target_kind = ? AND target_id = ?))
            """, [.integer(at.milliseconds), .integer(matchRow), .integer(transactionRow), .text(target.kind), .text(target.id)])
        try StoreJournal.audit(db, at: at, actor: actor, action: "match.confirmed", subject: ("match", "mat_\(matchRow)"),
                                 details: "btx_\(transactionRow) ↔ \(target.kind) \(target.id) (\(kind))")
        guard let transaction = try db.queryFirst("SELECT \(StatementStore.transactionColumns) FROM bank_transactions WHERE id = ?",
                                                  [.integer(transactionRow)], StatementStore.transaction) else { return }
        try StatementStore.appendTransactionEvent(db, type: "transaction.matched", row: transactionRow, accountId: transaction.accountId,
                                                  draft: transaction.draft, at: at) { json in
            json.field("match_id", "mat_\(matchRow)")
            json.field("match_kind", kind)
            json.field("target_kind", target.kind)
            json.field("target_id", target.id)
        }
        if case .expectedPayment(let id) = target {
            try db.run("UPDATE expected_payments SET status = 'matched', updated_at = ? WHERE id = ?", [.integer(at.milliseconds), .text(id)])
            if let record = try loadExpected(db, id: id) {
                try appendExpectedEvent(db, type: "expected_payment.matched", record, at: at, transactionId: "btx_\(transactionRow)")
            }
        }
    }

    /// After a suggestion was rejected or a match undone: `suggested` while suggestions remain, else `unmatched`.
    static func refreshTransactionState(_ db: StoreConnection, transactionRow: Int64, at: Timestamp) throws {
        try db.run("""
            UPDATE bank_transactions SET updated_at = ?, match_state = CASE
                WHEN EXISTS (SELECT 1 FROM reconciliation_matches WHERE transaction_id = ? AND state = 'confirmed') THEN 'matched'
                WHEN EXISTS (SELECT 1 FROM reconciliation_matches WHERE transaction_id = ? AND state = 'suggested') THEN 'suggested'
                ELSE 'unmatched' END
            WHERE id = ?
            """, [.integer(at.milliseconds), .integer(transactionRow), .integer(transactionRow), .integer(transactionRow)])
    }

    static func paymentId(_ target: MatchTarget) -> String? {
        if case .payment(let id) = target { return id }
        return nil
    }

    static func appendExpectedEvent(_ db: StoreConnection, type: String, _ record: ExpectedPaymentRecord, at: Timestamp,
                                    transactionId: String? = nil) throws {
        var json = JSONWriter(capacity: 384)
        json.beginObject()
        json.field("expected_payment_id", record.id)
        json.field("account", record.accountId)
        json.field("currency", record.currency.code)
        json.field("amount_min", Money(minorUnits: record.amountMin, currency: record.currency).decimalString)
        json.field("amount_max", Money(minorUnits: record.amountMax, currency: record.currency).decimalString)
        json.field("reference", record.reference)
        json.field("window_from", record.windowFrom)
        json.field("window_to", record.windowTo)
        json.field("status", record.status.rawValue)
        json.field("transaction_id", transactionId)
        json.endObject()
        try StoreJournal.appendEvent(db, type: type, account: record.accountId, at: at, payload: json.text)
    }

    static func requireMatch(_ db: StoreConnection, id: String) throws -> MatchRecord {
        guard let row = MatchRecord.rowId(id), let match = try loadMatch(db, row: row) else { throw StoreError.notFound("match") }
        return match
    }

    static func loadMatch(_ db: StoreConnection, row: Int64) throws -> MatchRecord? {
        try db.queryFirst("SELECT \(matchColumns) FROM reconciliation_matches WHERE id = ?", [.integer(row)], match)
    }

    /// The columns ``match(_:)`` reads (also spelled out, prefixed, in ``pendingSuggestions``).
    static let matchColumns = "id, transaction_id, target_kind, target_id, kind, score_permille, reasons, state, created_at, decided_at, decided_by"

    static func match(_ row: StoreRow) throws -> MatchRecord {
        guard let target = try MatchTarget(kind: row.text("target_kind"), id: row.text("target_id")) else {
            throw StoreError.database("corrupt match row")
        }
        let reasons = try row.text("reasons")
        return try MatchRecord(id: "mat_\(row.int("id"))", transactionId: "btx_\(row.int("transaction_id"))", target: target,
                               kind: row.text("kind"), scorePermille: Int(row.int("score_permille")),
                               reasons: reasons.isEmpty ? [] : reasons.split(separator: ",").map(String.init),
                               state: row.value("state"), createdAt: Timestamp(milliseconds: row.int("created_at")),
                               decidedAt: row.optionalInt("decided_at").map(Timestamp.init(milliseconds:)),
                               decidedBy: row.optionalText("decided_by"))
    }

    static func loadExpected(_ db: StoreConnection, id: String) throws -> ExpectedPaymentRecord? {
        try db.queryFirst("SELECT \(expectedColumns) FROM expected_payments WHERE id = ?", [.text(id)], expected)
    }

    static let expectedColumns = """
        id, account_id, currency, amount_min, amount_max, counterparty_name, counterparty_account, reference, window_from, window_to, \
        status, client, created_at, updated_at
        """

    static func expected(_ row: StoreRow) throws -> ExpectedPaymentRecord {
        guard let currency = try Currency(code: row.text("currency")) else { throw StoreError.database("corrupt expected payment row") }
        return try ExpectedPaymentRecord(
            id: row.text("id"), accountId: row.text("account_id"), currency: currency, amountMin: row.int("amount_min"),
            amountMax: row.int("amount_max"), counterpartyName: row.optionalText("counterparty_name"),
            counterpartyAccount: row.optionalText("counterparty_account"), reference: row.optionalText("reference"),
            windowFrom: row.text("window_from"), windowTo: row.text("window_to"), status: row.value("status"),
            client: row.text("client"), createdAt: Timestamp(milliseconds: row.int("created_at")),
            updatedAt: Timestamp(milliseconds: row.int("updated_at")))
    }
}

