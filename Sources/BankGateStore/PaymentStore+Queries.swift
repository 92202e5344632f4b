public import BankGateCore

extension PaymentStore {
    /// One payment, or `nil`.
    public func payment(id: String) async throws -> PaymentRecord? {
        try await database.read { db in try Self.loadPayment(db, id: id) }
    }

    /// The payments accepted in one batch, in the order they were given; empty when there is no such batch.
    public func payments(batchId: String) async throws -> [PaymentRecord] {
        try await database.read { db in
            try db.query(Self.paymentSelect + " WHERE p.batch_id = ? ORDER BY p.seq", [.text(batchId)], Self.payment)
        }
    }

    /// A payment's recorded transitions, oldest first, its arrival (`nil` → `received`) first.
    ///
    /// Intake stores one row for its two steps, the one from `received` (payments accepted before
    /// stored the arrival as a row of its own): the arrival is then given as a step at the same
    /// time, caused by the API, `accepted from` the client that submitted it.
    public func history(paymentId: String) async throws -> [PaymentTransition] {
        try await database.read { db in
            var history = try Self.storedHistory(db, paymentId: paymentId)
            if let first = history.first, first.from == .received {
                let client = try db.queryFirst("SELECT submitted_by FROM payments WHERE id = ?", [.text(paymentId)]) {
                    try $0.optionalText("submitted_by")
                } ?? nil
                history.insert(PaymentTransition(from: nil, to: .received, at: first.at, cause: .api,
                                                 reason: client.map(Self.acceptedNote), attempt: 0, bankStatus: nil, reasonCode: nil),
                               at: 0)
            }
            return history
        }
    }

    /// The rows of a payment's history, oldest first.
    private static func storedHistory(_ db: StoreConnection, paymentId: String) throws -> [PaymentTransition] {
        try db.query("""
            SELECT from_status, to_status, at, cause, reason, attempt, bank_status, reason_code
            FROM payment_transitions WHERE payment_id = ? ORDER BY id
            """, [.text(paymentId)]) { row in
            try PaymentTransition(
                from: row.optionalText("from_status").flatMap(PaymentStatus.init(rawValue:)),
                to: PaymentStatus(rawValue: row.text("to_status")) ?? .received,
                at: Timestamp(milliseconds: row.int("at")),
                cause: TransitionCause(rawValue: row.text("cause")) ?? .api,
                reason: row.optionalText("reason"), attempt: Int(row.int("attempt")),
                bankStatus: row.optionalText("bank_status"), reasonCode: row.optionalText("reason_code"))
        }
    }

    /// A page of payments, newest first. The cursor is the last row's internal sequence number.
    public func payments(_ filter: PaymentFilter) async throws -> PaymentPage {
        let limit = max(1, min(filter.limit, 1000))
        return try await database.read { db in
            var conditions: [String] = []
            var arguments: [SQLValue] = []
            if let status = filter.status { conditions.append("p.status = ?"); arguments.append(.text(status.rawValue)) }
            if let account = filter.debtorAccountId { conditions.append("p.debtor_account_id = ?"); arguments.append(.text(account)) }
            if let accounts = filter.debtorAccountIds {
                conditions.append("p.debtor_account_id IN (SELECT value FROM json_each(?))")
                arguments.append(.text(Self.jsonArray(accounts)))
            }
            if let cursor = filter.cursor {
                guard let seq = Int64(cursor) else { throw StoreError.notFound("cursor") }
                conditions.append("p.seq < ?")
                arguments.append(.integer(seq))
            }
            let whereClause = conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")
            let rows = try db.query(Self.paymentSelect + whereClause + " ORDER BY p.seq DESC LIMIT ?",
                                    arguments + [.integer(Int64(limit + 1))]) { row in try (Self.payment(row), row.int("seq")) }
            if rows.count > limit {
                return PaymentPage(payments: rows.prefix(limit).map(\.0), nextCursor: String(rows[limit - 1].1))
            }
            return PaymentPage(payments: rows.map(\.0), nextCursor: nil)
        }
    }

    /// Every archived bank message of the payment's submission, oldest first.
    public func messages(paymentId: String) async throws -> [ArchivedMessage] {
        try await database.read { db in
            guard let submissionId = try db.queryFirst("SELECT submission_id FROM payments WHERE id = ?", [.text(paymentId)],
                                                       { try $0.text("submission_id") }) else {
                throw StoreError.notFound("payment")
            }
            return try db.query("SELECT \(Self.archivedMessageColumns) FROM bank_messages WHERE submission_id = ? ORDER BY id",
                                [.text(submissionId)], Self.archivedMessage)
        }
    }

    /// Outbox events after `sequence`, in order.
    public func events(after sequence: Int64, limit: Int) async throws -> [OutboxEvent] {
        try await database.read { db in
            try db.query("SELECT seq, type, payment_id, at, payload, tenant FROM outbox_events WHERE seq > ? ORDER BY seq LIMIT ?",
                         [.integer(sequence), .integer(Int64(limit))], OutboxEvent.init(row:))
        }
    }

    /// Payment counts by bank and status, and the oldest queued payment's creation time per bank.
    ///
    /// `accountIds` narrows both to the payments of those accounts (a tenant's view); `nil`: all.
    public func queueCounts(accountIds: [String]? = nil) async throws -> (counts: [String: [PaymentStatus: Int]], oldestQueued: [String: Timestamp]) {
        if accountIds?.isEmpty == true { return ([:], [:]) }
        let (narrowing, arguments) = Self.accountNarrowing(accountIds)
        return try await database.read { db in
            var counts: [String: [PaymentStatus: Int]] = [:]
            for (bank, status, count) in try db.query(
                "SELECT bank_id, status, COUNT(*) AS payments FROM payments WHERE 1 = 1\(narrowing) GROUP BY bank_id, status", arguments, {
                try ($0.text("bank_id"), PaymentStatus(rawValue: $0.text("status")), Int($0.int("payments")))
            }) {
                guard let status else { continue }
                counts[bank, default: [:]][status] = count
            }
            var oldest: [String: Timestamp] = [:]
            for (bank, at) in try db.query(
                "SELECT bank_id, MIN(created_at) AS oldest FROM payments WHERE status = 'queued'\(narrowing) GROUP BY bank_id", arguments, {
                try ($0.text("bank_id"), Timestamp(milliseconds: $0.int("oldest")))
            }) {
                oldest[bank] = at
            }
            return (counts, oldest)
        }
    }

    /// ` AND debtor_account_id IN (…)` and its arguments for `accountIds`; nothing for `nil`.
    static func accountNarrowing(_ accountIds: [String]?) -> (String, [SQLValue]) {
        guard let accountIds else { return ("", []) }
        return (" AND debtor_account_id IN (" + Array(repeating: "?", count: accountIds.count).joined(separator: ", ") + ")",
                accountIds.map { .text($0) })
    }

    /// What the archive holds per bank, from the running totals kept as messages are archived.
    public func archiveTotals() async throws -> [String: ArchiveTotals] {
        try await database.read { db in
            var totals: [String: ArchiveTotals] = [:]
            for (bank, total) in try db.query("SELECT bank_id, messages, bytes, prefixes FROM bank_archive_totals", [], {
                try ($0.text("bank_id"), ArchiveTotals(messages: $0.int("messages"), bytes: $0.int("bytes"), prefixes: $0.int("prefixes")))
            }) {
                totals[bank] = total
            }
            return totals
        }
    }

    /// The highest event sequence number (0 when there is none).
    public func lastEventSequence() async throws -> Int64 {
        try await database.read { db in
            try db.queryFirst("SELECT COALESCE(MAX(seq), 0) AS last_seq FROM outbox_events", [], { try $0.int("last_seq") }) ?? 0
        }
    }

    /// Whether the database answers.
    public func ping() async -> Bool {
        (try? await database.read { db in try db.queryFirst("SELECT 1 AS one", [], { try $0.int("one") }) }) == 1
    }

    /// Whether the store can write: true unless the last write failed for storage reasons (a full
    /// disk…); then a one-row probe write decides, so that readiness turns back as soon as space
    /// is back even when nothing else writes.
    public func canWrite(at: Timestamp) async -> Bool {
        guard database.writesAreFailing else { return true }
        do {
            _ = try await database.write { db in
                try db.run("INSERT INTO store_probe (id, at) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET at = excluded.at",
                           [.integer(at.milliseconds)])
            }
            return true
        } catch {
            return false
        }
    }

    /// Test seam: after `passing` more writes, every write fails with `failure` (``DatabaseError/diskFull``)
    /// until called with nil.
    package func injectWriteFailure(_ failure: DatabaseError?, passing: Int = 0) {
        database.injectWriteFailure(failure, passing: passing)
    }

    /// How many writes the injected failure has refused.
    package var injectedWriteFailures: Int { database.injectedFailureCount }
}
