public import BankGateCore

extension ReceiptStore {
    /// Records that the kept file of receipt `receiptId` no longer matches its hash: an audit record
    /// (`receipt.integrity_failed`, actor `system`) and the event `receipt.integrity_failed` with the
    /// receipt, its expected hash and `problem` (`missing`, or `altered` with the hash found), in one
    /// transaction.
    public func recordIntegrityFailure(receiptId: String, sha256: String, problem: String, foundSHA256: String?,
                                       at: Timestamp) async throws {
        var json = JSONWriter(capacity: 256)
        json.beginObject()
        json.field("receipt_id", receiptId)
        json.field("sha256", sha256)
        json.field("problem", problem)
        json.field("found_sha256", foundSHA256)
        json.endObject()
        let payload = json.text
        try await database.write { db in
            try StoreJournal.audit(db, at: at, actor: "system", action: "receipt.integrity_failed", subject: ("receipt", receiptId),
                                   details: problem + (foundSHA256.map { ": its bytes hash to \($0)" } ?? ""))
            try StoreJournal.appendEvent(db, type: "receipt.integrity_failed", at: at, payload: payload)
        }
    }
}
