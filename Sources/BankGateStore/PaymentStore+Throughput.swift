public import BankGateCore

/// What happened to payments in one interval of a throughput window.
public struct ThroughputBucket: Sendable, Hashable {
    /// The interval's start.
    public var start: Timestamp
    /// Payments accepted by intake (their transition out of `received`, which intake records).
    public var accepted: Int
    /// Payments the bank executed.
    public var completed: Int
    /// Payments the bank rejected or that failed without reaching it.
    public var rejectedOrFailed: Int
    /// Payments whose outcome became unknown.
    public var unknown: Int
    /// Payments held for an operator.
    public var held: Int

    public init(start: Timestamp, accepted: Int = 0, completed: Int = 0, rejectedOrFailed: Int = 0, unknown: Int = 0, held: Int = 0) {
        self.start = start
        self.accepted = accepted
        self.completed = completed
        self.rejectedOrFailed = rejectedOrFailed
        self.unknown = unknown
        self.held = held
    }
}

extension PaymentStore {
    /// Transitions per interval of `bucketMilliseconds` from `since` to `until`, oldest interval
    /// first, every interval present (zero when nothing happened).
    ///
    /// The transitions table has no index on time (intake would pay for one on every row); its
    /// rows are appended in time order, so the first row of the window is found by a binary search
    /// on the row id and only the window's rows are read.
    public func throughput(since: Timestamp, until: Timestamp, bucketMilliseconds: Int64) async throws -> [ThroughputBucket] {
        precondition(bucketMilliseconds > 0 && until.milliseconds >= since.milliseconds)
        let start = since.milliseconds
        let count = Int((until.milliseconds - start) / bucketMilliseconds) + 1
        return try await database.read { db in
            let firstId = try Self.firstTransitionId(db, atOrAfter: start)
            var buckets = (0..<count).map { ThroughputBucket(start: Timestamp(milliseconds: start + Int64($0) * bucketMilliseconds)) }
            let rows = try db.query("""
                SELECT (at - ?) / ? AS bucket, from_status = 'received' AS first, to_status, COUNT(*) AS n
                FROM payment_transitions WHERE id >= ? AND at >= ? AND at <= ?
                GROUP BY bucket, first, to_status
                """, [.integer(start), .integer(bucketMilliseconds), .integer(firstId), .integer(start), .integer(until.milliseconds)]) {
                try (Int($0.int("bucket")), $0.int("first") != 0, PaymentStatus(rawValue: $0.text("to_status")), Int($0.int("n")))
            }
            for (index, first, status, n) in rows where buckets.indices.contains(index) {
                if first { buckets[index].accepted += n }
                switch status {
                case .completed: buckets[index].completed += n
                case .rejected, .failed: buckets[index].rejectedOrFailed += n
                case .unknown: buckets[index].unknown += n
                case .held: buckets[index].held += n
                default: break
                }
            }
            return buckets
        }
    }

    /// The smallest transition id whose time is at or after `milliseconds` (one past the last id
    /// when none is), by binary search over the ids.
    private static func firstTransitionId(_ db: StoreConnection, atOrAfter milliseconds: Int64) throws -> Int64 {
        guard let bounds = try db.queryFirst("SELECT MIN(id) AS low, MAX(id) AS high FROM payment_transitions", [], {
            try ($0.optionalInt("low"), $0.optionalInt("high"))
        }), var low = bounds.0, var high = bounds.1 else { return 0 }
        high += 1
        while low < high {
            let middle = low + (high - low) / 2
            // The first row at or after `middle` (ids may have gaps).
            let row = try db.queryFirst("SELECT id, at FROM payment_transitions WHERE id >= ? ORDER BY id LIMIT 1",
                                        [.integer(middle)]) { try ($0.int("id"), $0.int("at")) }
            guard let (id, at) = row else { high = middle; continue }
            if at >= milliseconds { high = middle } else { low = id + 1 }
        }
        return low
    }
}
