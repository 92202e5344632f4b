public import BankGateCore

/// What operators see of the store (issue 12): the oldest payment in doubt per bank, how long ago
/// each account's last statement arrived, and how many events the webhooks still have to deliver.
/// Read-only, for `GET /v1/queue` and the gauges of `GET /metrics`.
extension PaymentStore {
    /// Per bank, when the oldest payment now `unknown` became so (its last change); `accountIds`
    /// narrows it to those accounts' payments.
    public func oldestUnknown(accountIds: [String]? = nil) async throws -> [String: Timestamp] {
        if accountIds?.isEmpty == true { return [:] }
        let (narrowing, arguments) = Self.accountNarrowing(accountIds)
        return try await database.read { db in
            var oldest: [String: Timestamp] = [:]
            for (bank, at) in try db.query(
                "SELECT bank_id, MIN(updated_at) AS oldest FROM payments WHERE status = 'unknown'\(narrowing) GROUP BY bank_id", arguments, {
                    try ($0.text("bank_id"), Timestamp(milliseconds: $0.int("oldest")))
                }) {
                oldest[bank] = at
            }
            return oldest
        }
    }

    /// Per account, when its newest statement was received (pulled or picked up).
    public func lastStatementReceived() async throws -> [String: Timestamp] {
        try await database.read { db in
            var last: [String: Timestamp] = [:]
            for (account, at) in try db.query(
                "SELECT account_id, MAX(received_at) AS last_at FROM statements GROUP BY account_id", [], {
                    try ($0.text("account_id"), Timestamp(milliseconds: $0.int("last_at")))
                }) {
                last[account] = at
            }
            return last
        }
    }

    /// Events written after the cursor of each active webhook subscription, summed over them: an
    /// upper bound of what is still to deliver (a subscription's event-type filter is not applied).
    public func webhookBacklog() async throws -> Int64 {
        try await database.read { db in
            try db.queryFirst("""
                SELECT COALESCE(SUM(MAX(0, (SELECT COALESCE(MAX(seq), 0) FROM outbox_events) - cursor_seq)), 0) AS backlog
                FROM webhook_subscriptions WHERE state = 'active'
                """, [], { try $0.int("backlog") }) ?? 0
        }
    }
}
