import BankGateCore

/// When a payment is held at intake as a suspected duplicate: the same debtor account, creditor
/// account, amount and currency as a payment accepted within ``windowMilliseconds`` before it (and
/// the same remittance text, with ``sameRemittance``) that was not cancelled, rejected, failed or
/// returned — that is, one that was or may still be paid. A payment marked `duplicate_intended`
/// is never held.
public struct DuplicateCheck: Sendable, Hashable {
    /// How far back a resembling payment counts; 0 turns the check off.
    public var windowMilliseconds: Int64
    /// Whether the remittance text must match too.
    public var sameRemittance: Bool

    public init(windowMilliseconds: Int64, sameRemittance: Bool = false) {
        self.windowMilliseconds = windowMilliseconds
        self.sameRemittance = sameRemittance
    }

    /// No check.
    public static let off = DuplicateCheck(windowMilliseconds: 0)

    public var isOn: Bool { windowMilliseconds > 0 }

    /// The payment `draft` resembles, among those stored (the request's earlier payments included,
    /// which are inserted before it), or `nil`.
    func resembled(_ db: StoreConnection, _ draft: PaymentDraft, at: Timestamp) throws -> String? {
        guard let query = query(for: draft, at: at) else { return nil }
        return try db.queryFirst(query.sql, query.arguments) { try $0.text("id") }
    }

    /// The query for the id of the payment `draft` resembles (column `id`, at most one row, `?`
    /// placeholders), or `nil` when the check does not apply to it.
    ///
    /// Expressions keep both planners on the resemblance index (creditor account, amount, debtor
    /// account, time), whose few matches are then filtered by time and sorted: `ORDER BY +seq`,
    /// since ordered by the bare column SQLite may walk the account's payments in `seq` order
    /// (`payments_account`) to avoid a sort, which it does inside intake's single-payment read (a
    /// scalar subquery); and `debtor_account_id || ''`, `currency || ''` and `created_at + 0`,
    /// which no index can serve, since PostgreSQL without statistics of a young table, or in a
    /// generic plan without the arguments' values (``PreparedStatementNames``), takes one of the
    /// indexes that lead with the debtor account instead. Either reads every payment of the
    /// account in the window, at every intake.
    func query(for draft: PaymentDraft, at: Timestamp) -> (sql: String, arguments: [SQLValue])? {
        guard isOn, !draft.duplicateIntended else { return nil }
        var sql = """
            SELECT id FROM payments
            WHERE debtor_account_id || '' = ? AND creditor_account = ? AND amount_minor = ? AND currency || '' = ? AND created_at + 0 >= ?
              AND status NOT IN ('cancelled', 'rejected', 'failed', 'returned')
            """
        var arguments: [SQLValue] = [.text(draft.debtorAccountId), .text(draft.creditor.account), .integer(draft.amount.minorUnits),
                                     .text(draft.amount.currency.code), .integer(at.milliseconds - windowMilliseconds)]
        if sameRemittance {
            sql += " AND remittance_info IS ?"
            arguments.append(draft.remittanceInfo.sqlValue)
        }
        return (sql + " ORDER BY +seq LIMIT 1", arguments)
    }
}
