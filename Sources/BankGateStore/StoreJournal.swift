import BankGateCore

/// The two records every state change writes in its own transaction: an outbox event for the
/// ledger feed, and an audit record in the hash-chained trail (payment transitions too: they are
/// also kept in `payment_transitions`, the payment's own history).
enum StoreJournal {
    /// Appends an outbox event; `paymentId` links it to a payment when it is about one. The event
    /// belongs to `tenant` when given, else to the tenant of `account` (``PaymentStore/assignTenants(_:at:)``);
    /// without either (or without tenants configured) to none.
    static func appendEvent(_ db: StoreConnection, type: String, paymentId: String? = nil, account: String? = nil,
                            tenant: String? = nil, at: Timestamp, payload: String) throws {
        var batch = WriteBatch()
        appendEvent(into: &batch, type: type, paymentId: paymentId, account: account, tenant: tenant, at: at, payload: payload)
        try db.runBatch(batch)
    }

    /// ``appendEvent(_:type:paymentId:account:tenant:at:payload:)`` into a batch.
    static func appendEvent(into batch: inout WriteBatch, type: String, paymentId: String? = nil, account: String? = nil,
                            tenant: String? = nil, at: Timestamp, payload: String) {
        if let tenant {
            batch.add("INSERT INTO outbox_events (type, payment_id, at, payload, tenant) VALUES (?, ?, ?, ?, ?)",
                      [.text(type), paymentId.sqlValue, .integer(at.milliseconds), .text(payload), .text(tenant)])
        } else if let account {
            batch.add("""
                INSERT INTO outbox_events (type, payment_id, at, payload, tenant)
                VALUES (?, ?, ?, ?, (SELECT tenant FROM account_tenants WHERE account_id = ?))
                """, [.text(type), paymentId.sqlValue, .integer(at.milliseconds), .text(payload), .text(account)])
        } else {
            batch.add("INSERT INTO outbox_events (type, payment_id, at, payload) VALUES (?, ?, ?, ?)",
                      [.text(type), paymentId.sqlValue, .integer(at.milliseconds), .text(payload)])
        }
    }

    /// Appends an audit record to the chain (``AuditChain``).
    static func audit(_ db: StoreConnection, at: Timestamp, actor: String, action: String, subject: (kind: String, id: String),
                      details: String?) throws {
        try AuditChain.append(db, at: at, actor: actor, action: action, subject: subject, details: details)
    }
}
