public import BankGateCore

extension ReceiptStore {
    /// Records that the kept file of receipt `receiptId` no longer matches its hash: an audit record
    /// (`receipt.integrity_failed`, actor `system`) and the event `receipt.integrity_failed` with the
    /// receipt, its expected hash and `problem` (`missing`, or `altered` with the hash found), in one
    /// transaction — once per finding: the same finding again (the next daily check) records nothing.
    /// - Returns: whether the finding was new (recorded and announced).
    @discardableResult
    public func recordIntegrityFailure(receiptId: String, sha256: String, problem: String, foundSHA256: String?,
                                       at: Timestamp) async throws -> Bool {
        var json = JSONWriter(capacity: 256)
        json.beginObject()
        json.field("receipt_id", receiptId)
        json.field("sha256", sha256)
        json.field("problem", problem)
        json.field("found_sha256", foundSHA256)
        json.endObject()
        let payload = json.text
        let details = problem + (foundSHA256.map { ": its bytes hash to \($0)" } ?? "")
        return try await database.write { db in
            let seen = try db.queryFirst("""
                SELECT 1 AS seen FROM audit_log
                WHERE subject_kind = 'receipt' AND subject_id = ? AND action = 'receipt.integrity_failed' AND details = ?
                """, [.text(receiptId), .text(details)]) { try $0.int("seen") }
            guard seen == nil else { return false }
            try StoreJournal.audit(db, at: at, actor: "system", action: "receipt.integrity_failed", subject: ("receipt", receiptId),
                                   details: details)
            try StoreJournal.appendEvent(db, type: "receipt.integrity_failed", at: at, payload: payload)
            return true
        }
    }
}
