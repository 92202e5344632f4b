public import BankGateCore

extension PaymentStore {
    /// Walks the whole audit chain on a reader (``AuditTrail/verify(_:expectedHead:)``).
    public func verifyAuditTrail() async throws -> AuditVerification {
        try await database.read { try AuditTrail.verify($0) }
    }

    /// Writes an audit record of something that changes no other row (a configuration loaded, a
    /// request refused for its credentials), chained like every record.
    public func appendAudit(at: Timestamp, actor: String, action: String, subject: (kind: String, id: String),
                            details: String?) async throws {
        try await database.write { db in
            try StoreJournal.audit(db, at: at, actor: actor, action: action, subject: subject, details: details)
        }
    }
}
