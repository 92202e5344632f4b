public import BankGateCore

/// Why a queued submission is held back: no usable signing key, or its account is not active
/// (frozen, closed). A suspected duplicate (`duplicate`) is held in the payments' own status, and
/// so is a message whose payments wait for approvals (`approval`, see ``PaymentStore/decide``).
public enum HoldKind: String, Sendable, Hashable {
    case signing, account, duplicate, approval
    /// Batch and payroll messages of an account a `batch_release` plan names wait (`scheduled`) for its run.
    case schedule
}

/// Submissions held for a signing key: still `queued`, no attempt used, with the reason shown on
/// their payments (`hold_reason`), announced once per hold (`payment.signing_held`, audited) and
/// released when they are sent (`payment.signing_released`, audited; see ``beginSend``).
extension PaymentStore {
    /// Holds the queued submission `submissionId` for `reason` and looks at it again at
    /// `recheckAt` (binding a key of its bank makes it due at once). Returns whether it was held
    /// now (false when it was held already, or is no longer queued).
    public func holdSubmission(submissionId: String, reason: String, kind: HoldKind = .signing, recheckAt: Timestamp,
                               at: Timestamp) async throws -> Bool {
        try await database.write { db in
            guard let submission = try Self.loadSubmission(db, id: submissionId), submission.state == .queued else { return false }
            let previous = try db.queryFirst("SELECT held_reason FROM submissions WHERE id = ?", [.text(submissionId)]) {
                try $0.optionalText("held_reason")
            } ?? nil
            try db.run("""
                UPDATE submissions SET held_reason = ?, held_kind = ?, held_since = COALESCE(held_since, ?), next_attempt_at = ? WHERE id = ?
                """, [.text(reason), .text(kind.rawValue), .integer(at.milliseconds), .integer(recheckAt.milliseconds), .text(submissionId)])
            guard previous == nil else { return false }
            for payment in try Self.loadPayments(db, submissionId: submissionId) where payment.status == .queued {
                try Self.journalHold(db, payment, type: "payment.\(kind.rawValue)_held", reason: reason, at: at)
            }
            return true
        }
    }

    /// Clears the hold of `submission` (inside the transaction that sends it), audited, with one
    /// `payment.signing_released` event per payment.
    static func releaseHold(_ db: StoreConnection, submissionId: String, payments: [PaymentRecord], at: Timestamp) throws {
        let hold = try db.queryFirst("SELECT held_reason, held_kind FROM submissions WHERE id = ?", [.text(submissionId)]) {
            (reason: try $0.optionalText("held_reason"), kind: try $0.optionalText("held_kind").flatMap(HoldKind.init(rawValue:)))
        }
        guard let hold, let held = hold.reason, hold.kind != .duplicate, hold.kind != .approval else { return }
        let kind = hold.kind ?? .signing
        try db.run("UPDATE submissions SET held_reason = NULL, held_since = NULL, held_kind = NULL WHERE id = ?", [.text(submissionId)])
        let why = kind == .account ? "its account is active again" : "a usable signing key signed it"
        for payment in payments {
            try journalHold(db, payment, type: "payment.\(kind.rawValue)_released", reason: "\(why) (held: \(held))", at: at)
        }
    }

    private static func journalHold(_ db: StoreConnection, _ payment: PaymentRecord, type: String, reason: String, at: Timestamp) throws {
        try StoreJournal.audit(db, at: at, actor: "system", action: type, subject: (kind: "payment", id: payment.id), details: reason)
        var json = JSONWriter(capacity: 384)
        json.beginObject()
        json.field("payment_id", payment.id)
        json.field("status", payment.status.rawValue)
        json.field("debtor_account", payment.debtorAccountId)
        json.field("bank_id", payment.bankId)
        json.field("message_id", payment.messageId)
        json.field("hold_reason", type.hasSuffix("_held") ? reason : nil)
        json.endObject()
        try StoreJournal.appendEvent(db, type: type, paymentId: payment.id, account: payment.debtorAccountId, at: at, payload: json.text)
    }
}
