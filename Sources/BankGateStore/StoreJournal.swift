import BankGateCore

/// The two records every state change writes in its own transaction: an outbox event for the
/// ledger feed, and an audit record for changes that are not payment transitions (payment
/// transitions have their own table, `payment_transitions`).
enum StoreJournal {
    /// Appends an outbox event; `paymentId` links it to a payment when it is about one.
    static func appendEvent(_ db: SQLiteConnection, type: String, paymentId: String? = nil, at: Timestamp, payload: String) throws {
        try db.run("INSERT INTO outbox_events (type, payment_id, at, payload) VALUES (?, ?, ?, ?)",
                   [.text(type), paymentId.sqlValue, .integer(at.milliseconds), .text(payload)])
    }

    /// Appends an audit record.
    static func audit(_ db: SQLiteConnection, at: Timestamp, actor: String, action: String, subject: (kind: String, id: String),
                      details: String?) throws {
        try db.run("INSERT INTO audit_log (at, actor, action, subject_kind, subject_id, details) VALUES (?, ?, ?, ?, ?, ?)",
                   [.integer(at.milliseconds), .text(actor), .text(action), .text(subject.kind), .text(subject.id), details.sqlValue])
    }
}
