public import BankGateCore

extension PaymentStore {
    /// One payment, or `nil`.
    public func payment(id: String) async throws -> PaymentRecord? {
        try await database.read { db in try Self.loadPayment(db, id: id) }
    }

    /// A payment's recorded transitions, oldest first.
    public func history(paymentId: String) async throws -> [PaymentTransition] {
        try await database.read { db in
            try db.query("""
                SELECT from_status, to_status, at, cause, reason, attempt, bank_status, reason_code
                FROM payment_transitions WHERE payment_id = ? ORDER BY id
                """, [.text(paymentId)]) { row in
                PaymentTransition(
                    from: row.optionalText(0).flatMap(PaymentStatus.init(rawValue:)),
                    to: PaymentStatus(rawValue: row.text(1)) ?? .received,
                    at: Timestamp(milliseconds: row.int(2)),
                    cause: TransitionCause(rawValue: row.text(3)) ?? .api,
                    reason: row.optionalText(4), attempt: Int(row.int(5)),
                    bankStatus: row.optionalText(6), reasonCode: row.optionalText(7))
            }
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
            if let cursor = filter.cursor {
                guard let seq = Int64(cursor) else { throw StoreError.notFound("cursor") }
                conditions.append("p.seq < ?")
                arguments.append(.integer(seq))
            }
            let whereClause = conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")
            let rows = try db.query(Self.paymentSelect + whereClause + " ORDER BY p.seq DESC LIMIT ?",
                                    arguments + [.integer(Int64(limit + 1))]) { row in (try Self.payment(row), row.int(22)) }
            if rows.count > limit {
                return PaymentPage(payments: rows.prefix(limit).map(\.0), nextCursor: String(rows[limit - 1].1))
            }
            return PaymentPage(payments: rows.map(\.0), nextCursor: nil)
        }
    }

    /// Every archived bank message of the payment's submission, oldest first.
    public func messages(paymentId: String) async throws -> [ArchivedMessage] {
        try await database.read { db in
            guard let submissionId = try db.queryFirst("SELECT submission_id FROM payments WHERE id = ?", [.text(paymentId)], { $0.text(0) }) else {
                throw StoreError.notFound("payment")
            }
            return try db.query("SELECT \(Self.archivedMessageColumns) FROM bank_messages WHERE submission_id = ? ORDER BY id",
                                [.text(submissionId)], Self.archivedMessage)
        }
    }

    /// Outbox events after `sequence`, in order.
    public func events(after sequence: Int64, limit: Int) async throws -> [OutboxEvent] {
        try await database.read { db in
            try db.query("SELECT seq, type, payment_id, at, payload FROM outbox_events WHERE seq > ? ORDER BY seq LIMIT ?",
                         [.integer(sequence), .integer(Int64(limit))]) { row in
                OutboxEvent(sequence: row.int(0), type: row.text(1), paymentId: row.optionalText(2),
                            at: Timestamp(milliseconds: row.int(3)), payloadJSON: row.text(4))
            }
        }
    }

    /// Payment counts by bank and status, and the oldest queued payment's creation time per bank.
    public func queueCounts() async throws -> (counts: [String: [PaymentStatus: Int]], oldestQueued: [String: Timestamp]) {
        try await database.read { db in
            var counts: [String: [PaymentStatus: Int]] = [:]
            for (bank, status, count) in try db.query("SELECT bank_id, status, COUNT(*) FROM payments GROUP BY bank_id, status", [], {
                ($0.text(0), PaymentStatus(rawValue: $0.text(1)), Int($0.int(2)))
            }) {
                guard let status else { continue }
                counts[bank, default: [:]][status] = count
            }
            var oldest: [String: Timestamp] = [:]
            for (bank, at) in try db.query("SELECT bank_id, MIN(created_at) FROM payments WHERE status = 'queued' GROUP BY bank_id", [], {
                ($0.text(0), Timestamp(milliseconds: $0.int(1)))
            }) {
                oldest[bank] = at
            }
            return (counts, oldest)
        }
    }

    /// The highest event sequence number (0 when there is none).
    public func lastEventSequence() async throws -> Int64 {
        try await database.read { db in try db.queryFirst("SELECT COALESCE(MAX(seq), 0) FROM outbox_events", [], { $0.int(0) }) ?? 0 }
    }

    /// Whether the database answers.
    public func ping() async -> Bool {
        (try? await database.read { db in try db.queryFirst("SELECT 1", [], { $0.int(0) }) }) == 1
    }
}
