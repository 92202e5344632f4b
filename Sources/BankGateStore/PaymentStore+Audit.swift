extension PaymentStore {
    /// Walks the whole audit chain on a reader (``AuditTrail/verify(_:expectedHead:)``).
    public func verifyAuditTrail() async throws -> AuditVerification {
        try await database.read { try AuditTrail.verify($0) }
    }
}
