import BankGateCore

/// What a transition records besides the new status.
public struct TransitionDetails: Sendable, Hashable {
    public var reason: String?
    public var bankStatus: String?
    public var reasonCode: String?
    public var reasonText: String?
    /// Overwrites the payment's `last_error` when set.
    public var lastError: String?

    public init(reason: String? = nil, bankStatus: String? = nil, reasonCode: String? = nil,
                reasonText: String? = nil, lastError: String? = nil) {
        self.reason = reason
        self.bankStatus = bankStatus
        self.reasonCode = reasonCode
        self.reasonText = reasonText
        self.lastError = lastError
    }
}

extension PaymentStore {
    /// The one place a payment's status changes: checks the state table, updates the row only if
    /// it is still in `payment.status`, appends the audit record and the outbox event — all inside
    /// the caller's transaction.
    static func transition(_ db: StoreConnection, _ payment: inout PaymentRecord, to status: PaymentStatus,
                           cause: TransitionCause, at: Timestamp, attempt: Int? = nil,
                           details: TransitionDetails = TransitionDetails()) throws {
        try PaymentStateMachine.check(from: payment.status, to: status, cause: cause)
        let attempt = attempt ?? payment.attempts
        let changed = try db.run("""
            UPDATE payments SET status = ?, attempts = ?, updated_at = ?,
                last_error = COALESCE(?, last_error), bank_status = COALESCE(?, bank_status),
                reason_code = COALESCE(?, reason_code), reason_text = COALESCE(?, reason_text)
            WHERE id = ? AND status = ?
            """, [.text(status.rawValue), .integer(Int64(attempt)), .integer(at.milliseconds),
                  details.lastError.sqlValue, details.bankStatus.sqlValue, details.reasonCode.sqlValue,
                  details.reasonText.sqlValue, .text(payment.id), .text(payment.status.rawValue)])
        guard changed == 1 else {
            throw StoreError.conflict(current: payment.status, message: "payment \(payment.id) changed concurrently")
        }
        // The history row, the audit record and the event go together (one round trip on PostgreSQL).
        var batch = WriteBatch()
        try appendHistory(db, into: &batch, paymentId: payment.id, from: payment.status, to: status, cause: cause, at: at,
                          attempt: attempt, details: details)
        let previous = payment.status
        payment.status = status
        payment.attempts = attempt
        payment.updatedAt = at
        if let value = details.lastError { payment.lastError = value }
        if let value = details.bankStatus { payment.bankStatus = value }
        if let value = details.reasonCode { payment.reasonCode = value }
        if let value = details.reasonText { payment.reasonText = value }
        try LimitUsage.adjust(db, payment, from: previous)
        if let type = eventType(from: previous, to: status, cause: cause) {
            appendEvent(into: &batch, type: type, payment: payment, previous: previous, at: at)
        }
        try db.runBatch(batch)
    }

    /// Appends a transition to the payment's history and, unless `audited` is false (intake's
    /// `received`, recorded with the step after it), to the audit trail.
    static func appendHistory(_ db: StoreConnection, paymentId: String, from: PaymentStatus?, to: PaymentStatus,
                              cause: TransitionCause, at: Timestamp, attempt: Int, details: TransitionDetails,
                              audited: Bool = true, auditNote: String? = nil) throws {
        var batch = WriteBatch()
        try appendHistory(db, into: &batch, paymentId: paymentId, from: from, to: to, cause: cause, at: at, attempt: attempt,
                          details: details, audited: audited, auditNote: auditNote)
        try db.runBatch(batch)
    }

    /// ``appendHistory(_:paymentId:from:to:cause:at:attempt:details:audited:auditNote:)`` into a batch.
    static func appendHistory(_ db: StoreConnection, into batch: inout WriteBatch, paymentId: String, from: PaymentStatus?,
                              to: PaymentStatus, cause: TransitionCause, at: Timestamp, attempt: Int, details: TransitionDetails,
                              audited: Bool = true, auditNote: String? = nil) throws {
        batch.add("""
            INSERT INTO payment_transitions (payment_id, from_status, to_status, at, cause, reason, attempt, bank_status, reason_code)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, [.text(paymentId), from.map { .text($0.rawValue) } ?? .null, .text(to.rawValue), .integer(at.milliseconds),
                  .text(cause.rawValue), details.reason.sqlValue, .integer(Int64(attempt)), details.bankStatus.sqlValue,
                  details.reasonCode.sqlValue])
        guard audited else { return }
        var json = JSONWriter(capacity: 160)
        json.beginObject()
        if let auditNote { json.field("note", auditNote) }
        json.field("from", from?.rawValue)
        json.field("to", to.rawValue)
        json.field("attempt", attempt)
        if let reason = details.reason { json.field("reason", reason) }
        if let bankStatus = details.bankStatus { json.field("bank_status", bankStatus) }
        if let reasonCode = details.reasonCode { json.field("reason_code", reasonCode) }
        json.endObject()
        try AuditChain.append(db, into: &batch, at: at, actor: cause.rawValue, action: "payment." + to.rawValue,
                              subject: ("payment", paymentId), details: json.text)
    }

    /// The outbox event a transition produces, if any. `sending` is internal and produces none.
    /// Approvals have their own: `payment.approval_required`, `payment.approved`,
    /// `payment.approval_rejected` and `payment.approval_expired`.
    static func eventType(from: PaymentStatus?, to: PaymentStatus, cause: TransitionCause? = nil) -> String? {
        switch (from, to) {
        case (_, .sending): nil
        case (_, .pendingApproval): "payment.approval_required"
        case (.pendingApproval, .queued), (.pendingApproval, .scheduled): "payment.approved"
        case (.pendingApproval, .rejected): cause == .approvalExpiry ? "payment.approval_expired" : "payment.approval_rejected"
        case (nil, .queued), (.received, .queued): "payment.accepted"
        case (.scheduled, .queued): "payment.released"
        case (.sending, .queued), (.unknown, .queued), (.failed, .queued), (.held, .queued): "payment.requeued"
        default: "payment." + to.rawValue
        }
    }

    static func appendEvent(_ db: StoreConnection, type: String, payment: PaymentRecord, previous: PaymentStatus?,
                            at: Timestamp) throws {
        var batch = WriteBatch()
        appendEvent(into: &batch, type: type, payment: payment, previous: previous, at: at)
        try db.runBatch(batch)
    }

    /// ``appendEvent(_:type:payment:previous:at:)`` into a batch.
    static func appendEvent(into batch: inout WriteBatch, type: String, payment: PaymentRecord, previous: PaymentStatus?,
                            at: Timestamp) {
        var json = JSONWriter(capacity: 512)
        json.beginObject()
        json.field("payment_id", payment.id)
        json.field("status", payment.status.rawValue)
        json.field("previous_status", previous?.rawValue)
        json.field("debtor_account", payment.debtorAccountId)
        json.field("bank_id", payment.bankId)
        json.field("amount", payment.amount.decimalString)
        json.field("currency", payment.amount.currency.code)
        json.field("end_to_end_id", payment.endToEndId)
        json.field("message_id", payment.messageId)
        json.field("bank_status", payment.bankStatus)
        json.field("reason_code", payment.reasonCode)
        json.field("reason_text", payment.reasonText)
        json.field("attempts", payment.attempts)
        json.endObject()
        StoreJournal.appendEvent(into: &batch, type: type, paymentId: payment.id, account: payment.debtorAccountId, at: at,
                                 payload: json.text)
    }
}
