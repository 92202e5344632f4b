public import BankGateCore

/// Maker-checker: decisions on payments pending approval, the pending list, and expiry.
///
/// Every decision is a row of `payment_approvals` (unique per payment and principal) and an audit
/// record, in the transaction that changes the payments' status when it is the last approval
/// needed or a rejection. Writes are serialized by the database, so two approvers at once are
/// counted one after the other: the payments are queued exactly once.
extension PaymentStore {
    /// Records `principal`'s `decision` on `target`'s payments pending approval. The last approval
    /// needed moves them to `queued` (and their bank messages back to the dispatcher); a rejection
    /// moves them to `rejected`. Throws ``ApprovalRefusal``.
    public func decide(_ target: ApprovalTarget, decision: ApprovalDecision, principal: String, note: String?,
                       at: Timestamp) async throws -> ApprovalOutcome {
        try await database.write { db in
            let payments: [PaymentRecord]
            switch target {
            case .payment(let id):
                guard let payment = try Self.loadPayment(db, id: id) else { throw ApprovalRefusal.notFound }
                if let batchId = payment.batchId { throw ApprovalRefusal.decidedByBatch(batchId) }
                payments = [payment]
            case .batch(let id):
                payments = try db.query(Self.paymentSelect + " WHERE p.batch_id = ? ORDER BY p.seq", [.text(id)], Self.payment)
                guard !payments.isEmpty else { throw ApprovalRefusal.notFound }
            }
            var pending = payments.filter { $0.status == .pendingApproval }
            guard let first = pending.first, let approval = first.approval else {
                throw ApprovalRefusal.notPendingApproval(payments[0].status)
            }
            if pending.contains(where: { $0.approval?.submittedBy == principal }) { throw ApprovalRefusal.ownPayment }
            let decided = try db.queryFirst("SELECT 1 AS seen FROM payment_approvals WHERE payment_id = ? AND principal = ?",
                                            [.text(first.id), .text(principal)]) { try $0.int("seen") }
            if decided != nil { throw ApprovalRefusal.alreadyDecided }
            for payment in pending {
                do {
                    try db.run("INSERT INTO payment_approvals (payment_id, principal, decision, note, at) VALUES (?, ?, ?, ?, ?)",
                               [.text(payment.id), .text(principal), .text(decision.rawValue), note.sqlValue, .integer(at.milliseconds)])
                } catch let error as DatabaseError where error.isConstraintViolation {
                    throw ApprovalRefusal.alreadyDecided
                }
            }
            let given = try db.queryFirst("""
                SELECT COUNT(*) AS given FROM payment_approvals WHERE payment_id = ? AND decision = 'approve'
                """, [.text(first.id)]) { try Int($0.int("given")) } ?? 0
            let needed = approval.needed
            for payment in pending {
                var json = JSONWriter(capacity: 192)
                json.beginObject()
                json.field("decision", decision.rawValue)
                json.field("note", note)
                json.field("given", given)
                json.field("needed", needed)
                json.field("batch_id", payment.batchId)
                json.endObject()
                try StoreJournal.audit(db, at: at, actor: principal, action: "payment.approval." + decision.rawValue,
                                       subject: (kind: "payment", id: payment.id), details: json.text)
            }
            let approvers = try db.query("""
                SELECT principal FROM payment_approvals WHERE payment_id = ? AND decision = 'approve' ORDER BY id
                """, [.text(first.id)]) { try $0.text("principal") }
            switch decision {
            case .approve where given >= needed:
                // A later-dated message (intake wrote its execution day's start as its due time, after
                // its creation) waits `scheduled` for its day once approved.
                for index in pending.indices {
                    let later = try db.queryFirst("""
                        SELECT 1 AS later FROM submissions WHERE id = ? AND next_attempt_at > created_at AND next_attempt_at > ?
                        """, [.text(pending[index].submissionId), .integer(at.milliseconds)]) { try $0.int("later") } != nil
                    try Self.transition(db, &pending[index], to: later ? .scheduled : .queued, cause: .api, at: at,
                                        details: TransitionDetails(reason: "approved by \(approvers.joined(separator: ", "))"
                                                                       + (later ? "; waits for its execution date" : "")))
                }
                for submissionId in Set(pending.map(\.submissionId)) {
                    try db.run("""
                        UPDATE submissions SET state = CASE WHEN next_attempt_at > created_at AND next_attempt_at > ? THEN 'scheduled' ELSE 'queued' END,
                            held_reason = NULL, held_since = NULL, held_kind = NULL, next_attempt_at = MAX(next_attempt_at, ?)
                        WHERE id = ? AND state = 'held' AND held_kind = ?
                          AND NOT EXISTS (SELECT 1 FROM payments WHERE submission_id = ? AND status IN ('pending_approval', 'held'))
                        """, [.integer(at.milliseconds), .integer(at.milliseconds), .text(submissionId), .text(HoldKind.approval.rawValue),
                              .text(submissionId)])
                }
            case .approve:
                for payment in pending {
                    try Self.appendEvent(db, type: "payment.approval_given", payment: payment, previous: payment.status, at: at)
                }
            case .reject:
                let reason = "approval rejected by \(principal)" + (note.map { ": \($0)" } ?? "")
                for index in pending.indices {
                    try Self.transition(db, &pending[index], to: .rejected, cause: .api, at: at,
                                        details: TransitionDetails(reason: reason, reasonCode: "approval_rejected", reasonText: reason))
                }
                for submissionId in Set(pending.map(\.submissionId)) {
                    try Self.closeSubmissionIfFinal(db, submissionId: submissionId, at: at)
                }
            }
            for index in pending.indices { try Self.loadDecisions(db, into: &pending[index]) }
            return ApprovalOutcome(payments: pending, given: given, needed: needed)
        }
    }

    /// Rejects, with reason `approval_expired`, payments still pending approval at `at` past their
    /// expiry (at most `limit` per call). Returns them.
    public func expireApprovals(at: Timestamp, limit: Int = 500) async throws -> [PaymentRecord] {
        try await database.write { db in
            var due = try db.query(Self.paymentSelect + """
                 WHERE p.status = 'pending_approval' AND p.approval_expires_at <= ? ORDER BY p.approval_expires_at, p.seq LIMIT ?
                """, [.integer(at.milliseconds), .integer(Int64(limit))], Self.payment)
            for index in due.indices {
                let text = "approval_expired: the approvals needed were not given in time"
                try Self.transition(db, &due[index], to: .rejected, cause: .approvalExpiry, at: at,
                                    details: TransitionDetails(reason: text, reasonCode: "approval_expired", reasonText: text))
            }
            for submissionId in Set(due.map(\.submissionId)) {
                try Self.closeSubmissionIfFinal(db, submissionId: submissionId, at: at)
            }
            return due
        }
    }

    /// Payments pending approval, oldest first, with their decisions so far. The cursor is the last
    /// row's internal sequence number.
    public func pendingApprovals(limit: Int, cursor: String?) async throws -> PaymentPage {
        let limit = max(1, min(limit, 1000))
        return try await database.read { db in
            var arguments: [SQLValue] = []
            var sql = Self.paymentSelect + " WHERE p.status = 'pending_approval'"
            if let cursor {
                guard let seq = Int64(cursor) else { throw StoreError.notFound("cursor") }
                sql += " AND p.seq > ?"
                arguments.append(.integer(seq))
            }
            var rows = try db.query(sql + " ORDER BY p.seq LIMIT ?", arguments + [.integer(Int64(limit + 1))]) { row in
                try (Self.payment(row), row.int("seq"))
            }
            let next = rows.count > limit ? String(rows[limit - 1].1) : nil
            if rows.count > limit { rows.removeLast(rows.count - limit) }
            var payments = rows.map(\.0)
            for index in payments.indices { try Self.loadDecisions(db, into: &payments[index]) }
            return PaymentPage(payments: payments, nextCursor: next)
        }
    }

    /// The decisions recorded on a payment, oldest first.
    public func approvalDecisions(paymentId: String) async throws -> [ApprovalRecord] {
        try await database.read { db in try Self.decisions(db, paymentId: paymentId) }
    }

    static func loadDecisions(_ db: StoreConnection, into payment: inout PaymentRecord) throws {
        guard payment.approval != nil else { return }
        payment.approval?.decisions = try decisions(db, paymentId: payment.id)
    }

    static func decisions(_ db: StoreConnection, paymentId: String) throws -> [ApprovalRecord] {
        try db.query("SELECT principal, decision, note, at FROM payment_approvals WHERE payment_id = ? ORDER BY id",
                     [.text(paymentId)]) { row in
            try ApprovalRecord(principal: row.text("principal"), decision: ApprovalDecision(rawValue: row.text("decision")) ?? .reject,
                               note: row.optionalText("note"), at: Timestamp(milliseconds: row.int("at")))
        }
    }

    /// The approval facts of a payment row of ``paymentSelect`` (decisions not loaded).
    static func approval(_ row: StoreRow) throws -> PaymentApproval? {
        guard let needed = try row.optionalInt("approvals_needed"), needed > 0 else { return nil }
        return try PaymentApproval(
            needed: Int(needed),
            rules: row.optionalText("approval_rules").map { $0.split(separator: ",").map(String.init) } ?? [],
            expiresAt: row.optionalInt("approval_expires_at").map(Timestamp.init(milliseconds:)),
            submittedBy: row.optionalText("submitted_by"))
    }
}
