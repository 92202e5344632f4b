public import BankGateCore

/// Which held payments a bulk release or cancel is about.
public enum BulkHoldKind: String, Sendable, Hashable, CaseIterable {
    /// `held` as a suspected duplicate of an earlier payment.
    case duplicate
    /// `held` because the bank could not confirm whether it received the message (a person
    /// settles it with the bank).
    case unsettled
    /// Still `queued`, held back for a usable signing key.
    case signing
    /// Still `queued`, held back while its account is frozen or closed.
    case account
}

/// The payments a bulk operator action looks at. `accountIds` narrows to a token's readable accounts.
public struct BulkPaymentFilter: Sendable, Hashable {
    public var bankId: String?
    public var accountId: String?
    /// `nil`: every account; otherwise only payments from these accounts.
    public var accountIds: [String]?
    /// Ignored when ``holdKind`` is set (the hold kind names the status).
    public var status: PaymentStatus?
    public var holdKind: BulkHoldKind?
    /// Accepted at or after.
    public var from: Timestamp?
    /// Accepted before.
    public var until: Timestamp?
    /// At most this many candidates (one more is read to tell whether there are more).
    public var limit: Int

    public init(bankId: String? = nil, accountId: String? = nil, accountIds: [String]? = nil, status: PaymentStatus? = nil,
                holdKind: BulkHoldKind? = nil, from: Timestamp? = nil, until: Timestamp? = nil, limit: Int = 1_000) {
        self.bankId = bankId
        self.accountId = accountId
        self.accountIds = accountIds
        self.status = status
        self.holdKind = holdKind
        self.from = from
        self.until = until
        self.limit = limit
    }
}

extension PaymentStore {
    /// The payments `filter` selects, oldest first, at most `filter.limit`; `more` when further
    /// payments match. Only reads: each one is then acted on by the single action's own
    /// transaction, which checks its status again.
    public func bulkCandidates(_ filter: BulkPaymentFilter) async throws -> (payments: [PaymentRecord], more: Bool) {
        if let accountIds = filter.accountIds, accountIds.isEmpty { return ([], false) }
        let limit = max(1, filter.limit)
        return try await database.read { db in
            var conditions: [String] = []
            var arguments: [SQLValue] = []
            switch filter.holdKind {
            case .duplicate?: conditions.append("p.status = 'held' AND p.suspected_duplicate_of IS NOT NULL")
            case .unsettled?: conditions.append("p.status = 'held' AND p.suspected_duplicate_of IS NULL")
            case .signing?, .account?:
                conditions.append("p.status = 'queued' AND s.held_kind = ?")
                arguments.append(.text(filter.holdKind!.rawValue))
            case nil:
                if let status = filter.status {
                    conditions.append("p.status = ?")
                    arguments.append(.text(status.rawValue))
                }
            }
            if let bankId = filter.bankId {
                conditions.append("p.bank_id = ?")
                arguments.append(.text(bankId))
            }
            if let accountId = filter.accountId {
                conditions.append("p.debtor_account_id = ?")
                arguments.append(.text(accountId))
            }
            if let accountIds = filter.accountIds {
                conditions.append("p.debtor_account_id IN (SELECT value FROM json_each(?))")
                arguments.append(.text(Self.jsonArray(accountIds)))
            }
            if let from = filter.from {
                conditions.append("p.created_at >= ?")
                arguments.append(.integer(from.milliseconds))
            }
            if let until = filter.until {
                conditions.append("p.created_at < ?")
                arguments.append(.integer(until.milliseconds))
            }
            let whereClause = conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")
            let rows = try db.query(Self.paymentSelect + whereClause + " ORDER BY p.seq LIMIT ?",
                                    arguments + [.integer(Int64(limit + 1))], Self.payment)
            return (Array(rows.prefix(limit)), rows.count > limit)
        }
    }
}
