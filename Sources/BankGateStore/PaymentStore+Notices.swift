public import BankGateCore

extension PaymentStore {
    /// Publishes an operator notice once: an event `type` with `payload` and an audit record
    /// `action` about `subject`, in one transaction, unless `action` was already recorded for that
    /// subject. Returns whether it was published now (a restart or a second check does not repeat it).
    public func publishOnce(type: String, action: String, subject: (kind: String, id: String), payload: String,
                            details: String, at: Timestamp) async throws -> Bool {
        try await database.write { db in
            let seen = try db.queryFirst("SELECT 1 AS seen FROM audit_log WHERE subject_kind = ? AND subject_id = ? AND action = ?",
                                         [.text(subject.kind), .text(subject.id), .text(action)]) { try $0.int("seen") }
            guard seen == nil else { return false }
            try StoreJournal.appendEvent(db, type: type, at: at, payload: payload)
            try StoreJournal.audit(db, at: at, actor: "system", action: action, subject: subject, details: details)
            return true
        }
    }
}
