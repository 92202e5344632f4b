public import BankGateCore
import Synchronization

/// Whether an account may pay: `active`, `frozen` (for now: nothing is sent until it is active
/// again) or `closed` (for good).
public enum AccountStatus: String, Sendable, Hashable, CaseIterable {
    case active, frozen, closed
}

/// An account's status as an operator set it, and why.
public struct AccountStatusRecord: Sendable, Hashable {
    public var accountId: String
    public var status: AccountStatus
    public var reason: String?
    public var changedBy: String
    public var changedAt: Timestamp

    public init(accountId: String, status: AccountStatus, reason: String?, changedBy: String, changedAt: Timestamp) {
        self.accountId = accountId
        self.status = status
        self.reason = reason
        self.changedBy = changedBy
        self.changedAt = changedAt
    }
}

extension PaymentStore {
    /// Sets `accountId`'s status, audited (`account.frozen`, `account.closed`, `account.activated`,
    /// with the actor and reason) and announced (`account.status_changed`) in one transaction. An
    /// account made active again has its held payments looked at at once. A closed account stays
    /// closed (`conflict`); setting the status it has changes nothing.
    public func setAccountStatus(accountId: String, to status: AccountStatus, reason: String?, actor: String,
                                 at: Timestamp) async throws -> AccountStatusRecord {
        try await database.write { db in
            let current = try Self.accountStatus(db, accountId)
            if let current, current.status == status { return current }
            if current?.status == .closed {
                throw StoreError.invalidState("account \(accountId) is closed; a closed account is not opened again")
            }
            return try Self.changeAccountStatus(db, accountId: accountId, from: current?.status ?? .active, to: status,
                                                reason: reason, actor: actor, at: at)
        }
    }

    /// Sets the reason codes with which `bankId`, rejecting a payment, says the debtor account is
    /// frozen or closed (`account_status_codes`); replaces what was set before.
    public func learnAccountStatus(bankId: String, fromReasonCodes codes: [String: AccountStatus]) {
        learnedStatusCodes.withLock { $0[bankId] = codes.isEmpty ? nil : codes }
    }

    /// The codes set by ``learnAccountStatus(bankId:fromReasonCodes:)`` for `bankId`.
    func accountStatusCodes(bankId: String) -> [String: AccountStatus] {
        learnedStatusCodes.withLock { $0[bankId] ?? [:] }
    }

    /// Inside the transaction that moves `payment` to `rejected`: when its bank's reason code says
    /// the debtor account is frozen or closed, the account takes that status (actor `bank:<id>`,
    /// audited and announced as an operator's change would be), unless it already has it or is
    /// closed. A frozen account is never made active by a bank answer; an operator does that.
    static func learnAccountStatus(_ db: StoreConnection, from payment: PaymentRecord, bankId: String,
                                   codes: [String: AccountStatus], at: Timestamp) throws {
        guard payment.status == .rejected, let code = payment.reasonCode, let learned = codes[code] else { return }
        let current = try accountStatus(db, payment.debtorAccountId)?.status ?? .active
        guard current != learned, current != .closed else { return }
        let text = payment.reasonText.map { ": \($0)" } ?? ""
        try changeAccountStatus(db, accountId: payment.debtorAccountId, from: current, to: learned,
                                reason: "bank \(bankId) rejected payment \(payment.id) with \(code)\(text)",
                                actor: "bank:" + bankId, at: at)
    }

    /// Writes the status change, its audit record and its event; held payments of an account made
    /// active are looked at at once.
    @discardableResult
    static func changeAccountStatus(_ db: StoreConnection, accountId: String, from current: AccountStatus, to status: AccountStatus,
                                    reason: String?, actor: String, at: Timestamp) throws -> AccountStatusRecord {
        try db.run("""
            INSERT INTO account_status (account_id, status, reason, changed_by, changed_at) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (account_id) DO UPDATE SET status = excluded.status, reason = excluded.reason,
                changed_by = excluded.changed_by, changed_at = excluded.changed_at
            """, [.text(accountId), .text(status.rawValue), reason.sqlValue, .text(actor), .integer(at.milliseconds)])
        let action = status == .active ? "account.activated" : "account." + status.rawValue
        try StoreJournal.audit(db, at: at, actor: actor, action: action, subject: ("account", accountId), details: reason)
        var json = JSONWriter(capacity: 256)
        json.beginObject()
        json.field("account", accountId)
        json.field("status", status.rawValue)
        json.field("previous", current.rawValue)
        json.field("reason", reason)
        json.field("changed_by", actor)
        json.endObject()
        try StoreJournal.appendEvent(db, type: "account.status_changed", account: accountId, at: at, payload: json.text)
        if status == .active {
            try db.run("""
                UPDATE submissions SET next_attempt_at = ? WHERE debtor_account_id = ? AND state = 'queued' AND held_kind = 'account'
                """, [.integer(at.milliseconds), .text(accountId)])
        }
        return AccountStatusRecord(accountId: accountId, status: status, reason: reason, changedBy: actor, changedAt: at)
    }

    /// `accountId`'s recorded status; `nil`: never set (active).
    public func accountStatus(_ accountId: String) async throws -> AccountStatusRecord? {
        try await database.read { try Self.accountStatus($0, accountId) }
    }

    static func accountStatus(_ db: StoreConnection, _ accountId: String) throws -> AccountStatusRecord? {
        try db.queryFirst("SELECT status, reason, changed_by, changed_at FROM account_status WHERE account_id = ?", [.text(accountId)]) {
            AccountStatusRecord(accountId: accountId, status: try $0.value("status"), reason: try $0.optionalText("reason"),
                                changedBy: try $0.text("changed_by"), changedAt: Timestamp(milliseconds: try $0.int("changed_at")))
        }
    }
}
