public import BankGateCore

extension PaymentStore {
    /// The history's reason for a payment accepted `scheduled`.
    static func scheduleReason(_ submission: SubmissionDraft, notBefore: Timestamp) -> String {
        "waits for its execution date \(submission.requestedExecutionDate) (released at \(notBefore.iso8601))"
            + (submission.scheduleNote.map { ": " + $0 } ?? "")
    }

    /// Releases the bank messages of `bankId` whose execution day has begun by `now`: their
    /// `scheduled` payments become `queued` (audited, `payment.released`) and the message is due
    /// at once, in one transaction per message. Returns how many payments were released.
    @discardableResult
    public func releaseScheduled(bankId: String, now: Timestamp, limit: Int = 100) async throws -> Int {
        // A read first: the lanes call this every round, and there is rarely anything to release.
        let anyDue = try await database.read { db in
            try db.queryFirst("""
                SELECT 1 AS one FROM submissions WHERE bank_id = ? AND state = 'scheduled' AND next_attempt_at <= ? LIMIT 1
                """, [.text(bankId), .integer(now.milliseconds)]) { _ in true } ?? false
        }
        guard anyDue else { return 0 }
        return try await database.write { db in
            let due = try db.query("""
                SELECT \(Self.submissionColumns) FROM submissions
                WHERE bank_id = ? AND state = 'scheduled' AND next_attempt_at <= ?
                ORDER BY next_attempt_at LIMIT ?
                """, [.text(bankId), .integer(now.milliseconds), .integer(Int64(limit))], Self.submission)
            var released = 0
            for submission in due {
                var payments = try Self.loadPayments(db, submissionId: submission.id).filter { $0.status == .scheduled }
                for index in payments.indices {
                    try Self.transition(db, &payments[index], to: .queued, cause: .dispatcher, at: now,
                                        details: TransitionDetails(reason: "execution date \(submission.requestedExecutionDate) reached"))
                }
                released += payments.count
                try db.run("UPDATE submissions SET state = 'queued', next_attempt_at = ? WHERE id = ? AND state = 'scheduled'",
                           [.integer(now.milliseconds), .text(submission.id)])
            }
            return released
        }
    }

    /// Payments waiting in `scheduled`, with the instant each is released, the earliest first.
    public func scheduledPayments(limit: Int = 500) async throws -> [(payment: PaymentRecord, releaseAt: Timestamp)] {
        try await database.read { db in
            let rows = try db.query("""
                SELECT p.id, s.next_attempt_at FROM payments p JOIN submissions s ON s.id = p.submission_id
                WHERE p.status = 'scheduled' ORDER BY s.next_attempt_at, p.seq LIMIT ?
                """, [.integer(Int64(limit))]) { try ($0.text("id"), Timestamp(milliseconds: $0.int("next_attempt_at"))) }
            return try rows.compactMap { id, at in try Self.loadPayment(db, id: id).map { ($0, at) } }
        }
    }
}
