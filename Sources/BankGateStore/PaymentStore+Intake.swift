public import BankGateCore

extension PaymentStore {
    /// Accepts payments durably: idempotency check, submissions, payments, their first audit records
    /// and `payment.accepted` events, in one transaction. Returns after the commit.
    public func accept(_ payments: [PaymentDraft], submissions: [SubmissionDraft], claim: IdempotencyClaim,
                       at: Timestamp) async throws -> AcceptOutcome {
        do {
            return try await insert(payments, submissions: submissions, claim: claim, at: at)
        } catch IntakeConflict.duplicateEndToEndId(let id) {
            return .duplicateEndToEndId(id)
        }
    }

    /// A reused end-to-end id, found by the unique index while inserting: thrown so that the
    /// request's savepoint is rolled back, then returned by ``accept`` as a value.
    private enum IntakeConflict: Error {
        case duplicateEndToEndId(String)
    }

    private func insert(_ payments: [PaymentDraft], submissions: [SubmissionDraft], claim: IdempotencyClaim,
                        at: Timestamp) async throws -> AcceptOutcome {
        try await database.write { db in
            if let existing = try db.queryFirst(
                "SELECT fingerprint, payment_ids FROM idempotency_keys WHERE client = ? AND key = ?",
                [.text(claim.client), .text(claim.key)], { try ($0.text("fingerprint"), $0.text("payment_ids")) }) {
                guard existing.0 == claim.fingerprint else { return .idempotencyConflict }
                let ids = existing.1.split(separator: ",").map(String.init)
                return .replayed(try ids.compactMap { try Self.loadPayment(db, id: $0) })
            }
            for submission in submissions {
                try db.run("""
                    INSERT INTO submissions (id, bank_id, debtor_account_id, message_id, payment_info_id, message_kind,
                        created_at, requested_execution_date, state, next_attempt_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'queued', ?)
                    """, [.text(submission.id), .text(submission.bankId), .text(submission.debtorAccountId),
                          .text(submission.messageId), .text(submission.paymentInfoId), .text(submission.messageKind),
                          .integer(at.milliseconds), .text(submission.requestedExecutionDate), .integer(at.milliseconds)])
            }
            let messageIds = Dictionary(uniqueKeysWithValues: submissions.map { ($0.id, ($0.messageId, $0.paymentInfoId)) })
            var records: [PaymentRecord] = []
            records.reserveCapacity(payments.count)
            // received → queued happens inside this transaction, so the row is inserted as `queued`
            // directly (one UPDATE and two index changes fewer per payment); the audit trail and the
            // event are the same as those of `transition(_:_:to:cause:at:)`.
            try PaymentStateMachine.check(from: .received, to: .queued, cause: .api)
            let acceptedEvent = Self.eventType(from: .received, to: .queued)
            for draft in payments {
                do {
                    try db.run("""
                        INSERT INTO payments (id, batch_id, submission_id, debtor_account_id, bank_id, amount_minor, currency,
                            creditor_name, creditor_account, creditor_bank_code, remittance_info, end_to_end_id, instruction_id,
                            requested_execution_date, status, created_at, updated_at, \(Self.detailColumns))
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'queued', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """, [.text(draft.id), draft.batchId.sqlValue, .text(draft.submissionId), .text(draft.debtorAccountId),
                              .text(draft.bankId), .integer(draft.amount.minorUnits), .text(draft.amount.currency.code),
                              .text(draft.creditor.name), .text(draft.creditor.account), draft.creditor.bankCode.sqlValue,
                              draft.remittanceInfo.sqlValue, .text(draft.endToEndId), .text(draft.instructionId),
                              .text(draft.requestedExecutionDate), .integer(at.milliseconds), .integer(at.milliseconds)]
                            + Self.detailValues(draft.details, draft.creditor))
                } catch let error as SQLiteError where error.isConstraintViolation && error.message.contains("end_to_end_id") {
                    throw IntakeConflict.duplicateEndToEndId(draft.endToEndId)
                }
                let ids = messageIds[draft.submissionId] ?? ("", "")
                let record = PaymentRecord(
                    id: draft.id, batchId: draft.batchId, submissionId: draft.submissionId,
                    debtorAccountId: draft.debtorAccountId, bankId: draft.bankId, amount: draft.amount,
                    creditor: draft.creditor, remittanceInfo: draft.remittanceInfo, endToEndId: draft.endToEndId,
                    instructionId: draft.instructionId, messageId: ids.0, paymentInfoId: ids.1,
                    requestedExecutionDate: draft.requestedExecutionDate, status: .queued, attempts: 0,
                    lastError: nil, bankStatus: nil, reasonCode: nil, reasonText: nil, createdAt: at, updatedAt: at,
                    details: draft.details)
                try Self.appendHistory(db, paymentId: draft.id, from: nil, to: .received, cause: .api, at: at,
                                       attempt: 0, details: TransitionDetails(reason: "accepted from \(claim.client)"))
                try Self.appendHistory(db, paymentId: draft.id, from: .received, to: .queued, cause: .api, at: at,
                                       attempt: 0, details: TransitionDetails())
                if let acceptedEvent {
                    try Self.appendEvent(db, type: acceptedEvent, payment: record, previous: .received, at: at)
                }
                records.append(record)
            }
            try db.run("INSERT INTO idempotency_keys (client, key, fingerprint, payment_ids, created_at) VALUES (?, ?, ?, ?, ?)",
                       [.text(claim.client), .text(claim.key), .text(claim.fingerprint),
                        .text(payments.map(\.id).joined(separator: ",")), .integer(at.milliseconds)])
            return .created(records)
        }
    }

    /// Cancels a payment that cannot have reached the bank. Throws `conflict` otherwise.
    public func cancel(paymentId: String, cause: TransitionCause, actor: String, at: Timestamp) async throws -> PaymentRecord {
        try await database.write { db in
            guard var payment = try Self.loadPayment(db, id: paymentId) else { throw StoreError.notFound("payment") }
            guard PaymentStateMachine.allows(from: payment.status, to: .cancelled, cause: cause) else {
                throw StoreError.conflict(current: payment.status, message: "the payment can no longer be cancelled")
            }
            try Self.transition(db, &payment, to: .cancelled, cause: cause, at: at,
                                details: TransitionDetails(reason: "cancelled by \(actor)"))
            try Self.closeSubmissionIfFinal(db, submissionId: payment.submissionId, at: at)
            return payment
        }
    }

    /// Operator retry: a `failed` payment is queued again with the same identifiers; a `held` one too,
    /// after the operator has checked with the bank that it was not executed.
    ///
    /// A bank message is retried as a whole: every payment of the same submission in the same status
    /// is queued with it, so that a message id only ever carries one set of transfers (a resend of a
    /// part under the same `MsgId` would be a different message the bank may take for the original).
    public func retry(paymentId: String, actor: String, at: Timestamp) async throws -> PaymentRecord {
        try await database.write { db in
            guard let payment = try Self.loadPayment(db, id: paymentId) else { throw StoreError.notFound("payment") }
            guard payment.status == .failed || payment.status == .held else {
                throw StoreError.conflict(current: payment.status, message: "only failed or held payments can be retried")
            }
            var siblings = try Self.loadPayments(db, submissionId: payment.submissionId).filter { $0.status == payment.status }
            var retried = payment
            for index in siblings.indices {
                let reason = siblings[index].id == paymentId ? "retry by \(actor)" : "retry by \(actor) (same bank message as \(paymentId))"
                try Self.transition(db, &siblings[index], to: .queued, cause: .operator, at: at,
                                    details: TransitionDetails(reason: reason))
                if siblings[index].id == paymentId { retried = siblings[index] }
            }
            try db.run("""
                UPDATE submissions SET state = 'queued', next_attempt_at = ?, unknown_since = NULL,
                    attempts = CASE WHEN state = 'done' THEN 0 ELSE attempts END
                WHERE id = ? AND state IN ('done', 'held')
                """, [.integer(at.milliseconds), .text(payment.submissionId)])
            return retried
        }
    }
}
