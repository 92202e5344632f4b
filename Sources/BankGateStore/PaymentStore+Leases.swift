public import BankGateCore

/// How an instance that shares its store with others leases the work it takes (PostgreSQL only).
public struct WorkLeasing: Sendable, Equatable {
    /// This instance's name (`[server] instance_id`): stable across its restarts, so that at start
    /// it takes back at once what it held before; unique among the instances sharing the store.
    public var owner: String
    /// How long a lease lasts without renewal: how long another instance waits before it takes over
    /// the work of one that died.
    public var duration: Int64

    public init(owner: String, durationMilliseconds: Int64) {
        self.owner = owner
        self.duration = max(1_000, durationMilliseconds)
    }
}

extension PaymentStore {
    /// Due submissions of `bankId`, as ``dueSubmissions(bankId:states:now:limit:)``, taken for this
    /// instance. With ``WorkLeasing`` (a shared PostgreSQL store), each is leased to this instance
    /// in the same statement that picks it (`FOR UPDATE SKIP LOCKED`): one another instance holds
    /// under an unexpired lease is not returned. Without leasing (SQLite), this is the plain read.
    public func claimDueSubmissions(bankId: String, states: [SubmissionState], now: Timestamp, limit: Int) async throws -> [SubmissionRecord] {
        guard let leasing else { return try await dueSubmissions(bankId: bankId, states: states, now: now, limit: limit) }
        return try await database.write { db in
            var claimed: [SubmissionRecord] = []
            for state in states where claimed.count < limit {
                claimed += try db.query("""
                    UPDATE submissions SET lease_owner = ?1, lease_expires_at = ?2
                    WHERE id IN (
                        SELECT id FROM submissions
                        WHERE bank_id = ?3 AND state = ?4 AND next_attempt_at <= ?5
                          AND (lease_owner IS NULL OR lease_owner = ?1 OR lease_expires_at < ?5)
                        ORDER BY next_attempt_at LIMIT ?6
                        FOR UPDATE SKIP LOCKED)
                    RETURNING \(Self.submissionColumns)
                    """, [.text(leasing.owner), .integer(now.milliseconds + leasing.duration), .text(bankId), .text(state.rawValue),
                          .integer(now.milliseconds), .integer(Int64(limit - claimed.count))], Self.submission)
                    .sorted { $0.nextAttemptAt < $1.nextAttemptAt }
            }
            return claimed
        }
    }

    /// Extends this instance's leases on the submissions it is sending: while it lives, no other
    /// instance may take such a send for interrupted (another instance may ask the bank about
    /// queued or unknown work whose lease ran out, which is safe: a send is begun only from `queued`,
    /// once). Returns how many. Does nothing without ``WorkLeasing``.
    @discardableResult
    public func renewLeases(now: Timestamp) async throws -> Int {
        guard let leasing else { return 0 }
        return try await database.write { db in
            try db.run("UPDATE submissions SET lease_expires_at = ? WHERE lease_owner = ? AND state = 'sending'",
                       [.integer(now.milliseconds + leasing.duration), .text(leasing.owner)])
        }
    }

    /// Who holds a submission's lease and until when (tests, the operator's view).
    public func lease(submissionId: String) async throws -> (owner: String, expiresAt: Timestamp)? {
        try await database.read { db in
            try db.queryFirst("SELECT lease_owner, lease_expires_at FROM submissions WHERE id = ? AND lease_owner IS NOT NULL",
                              [.text(submissionId)]) { (try $0.text("lease_owner"), Timestamp(milliseconds: try $0.int("lease_expires_at"))) }
        }
    }
}
