public import BankGateCore

extension PaymentStore {
    /// Accepts payments durably: idempotency check, submissions, payments, their first audit records
    /// and `payment.accepted` events, in one transaction. Returns after the commit.
    ///
    /// A payment that resembles a recent one (``DuplicateCheck``) is accepted `held`, naming the
    /// payment it resembles, with every payment of its bank message (a message is sent whole), and
    /// announced `payment.held`; an operator releases or cancels it.
    ///
    /// Payments that `approvals` says need approvals (``ApprovalPolicy``) are accepted
    /// `pending_approval`, their bank messages held (`held_kind` `approval`) until the last approval
    /// needed; a suspected duplicate is held first and waits for its approvals once released.
    /// `kind` is how they came in (`single`, `batch`, `payroll`), as approval rules filter it.
    public func accept(_ payments: [PaymentDraft], submissions: [SubmissionDraft], claim: IdempotencyClaim,
                       duplicateCheck: DuplicateCheck = .off, limits: [PaymentLimit] = [], approvals: ApprovalPolicy = .none,
                       kind: PaymentKind = .single, at: Timestamp) async throws -> AcceptOutcome {
        do {
            return try await insert(payments, submissions: submissions, claim: claim, duplicateCheck: duplicateCheck, limits: limits,
                                    approvals: approvals, kind: kind, at: at)
        } catch IntakeConflict.duplicateEndToEndId(let id) {
            return .duplicateEndToEndId(id)
        } catch IntakeConflict.accountNotActive(let record) {
            return .accountNotActive(record)
        } catch IntakeConflict.limitExceeded(let violation) {
            return .limitExceeded(violation)
        }
    }

    /// Intake's INSERT of a payment, made once (not interpolated again for every payment).
    private static let insertPayment = """
        INSERT INTO payments (id, batch_id, submission_id, debtor_account_id, bank_id, amount_minor, currency,
            creditor_name, creditor_account, creditor_bank_code, remittance_info, end_to_end_id, instruction_id,
            requested_execution_date, status, created_at, updated_at, suspected_duplicate_of, submitted_by,
            approvals_needed, approval_rules, approval_expires_at, \(detailColumns))
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """

    /// The reason of a payment's arrival step (`nil` → `received`) in its history, and the note of
    /// its intake audit record.
    static func acceptedNote(_ client: String) -> String { "accepted from " + client }

    /// A reused end-to-end id, found by the unique index while inserting: thrown so that the
    /// request's savepoint is rolled back, then returned by ``accept`` as a value.
    private enum IntakeConflict: Error {
        case duplicateEndToEndId(String)
        case accountNotActive(AccountStatusRecord)
        case limitExceeded(LimitViolation)
    }

    /// `payment` with the status intake gave it when it was held (a suspected duplicate or a payment
    /// of its bank message), for a replay of the first answer.
    private static func asFirstAnswered(_ db: StoreConnection, _ payment: PaymentRecord) throws -> PaymentRecord {
        let heldReason = try db.queryFirst("""
            SELECT reason FROM payment_transitions WHERE payment_id = ? AND from_status = 'received' AND to_status = 'held'
            """, [.text(payment.id)]) { try $0.optionalText("reason") } ?? nil
        guard let heldReason else { return payment }
        var record = payment
        record.status = .held
        record.holdReason = heldReason
        return record
    }

    /// Which payments of a request are suspected duplicates (and of what), and which of its bank
    /// messages are therefore held.
    private struct Resemblances {
        var resembled: [String: String] = [:]
        var heldSubmissions: [String: String] = [:]

        init(_ db: StoreConnection, _ payments: [PaymentDraft], check: DuplicateCheck, at: Timestamp, single: SinglePaymentReads?) throws {
            guard check.isOn else { return }
            struct Key: Hashable {
                var debtor: String, creditor: String, minor: Int64, currency: String, remittance: String?
            }
            var earlier: [Key: String] = [:]
            for draft in payments {
                let key = Key(debtor: draft.debtorAccountId, creditor: draft.creditor.account, minor: draft.amount.minorUnits,
                              currency: draft.amount.currency.code, remittance: check.sameRemittance ? draft.remittanceInfo : nil)
                let stored = if let single { single.resembled } else { try check.resembled(db, draft, at: at) }
                if !draft.duplicateIntended, let other = stored ?? earlier[key] {
                    resembled[draft.id] = other
                    if heldSubmissions[draft.submissionId] == nil {
                        heldSubmissions[draft.submissionId] = "suspected duplicate: \(draft.id) resembles \(other) (same debtor account, "
                            + "creditor account, amount and currency\(check.sameRemittance ? ", remittance" : "") within "
                            + "\(check.windowMilliseconds / 60_000) minutes); release or cancel it"
                    }
                }
                if earlier[key] == nil { earlier[key] = draft.id }
            }
        }
    }

    /// What intake reads before it writes a request of one payment, read in one statement (one
    /// round trip on PostgreSQL instead of three): the idempotency key's earlier use, the debtor
    /// account's status, and the payment the new one resembles (``DuplicateCheck``).
    struct SinglePaymentReads {
        /// The key's fingerprint and payment ids, when the key was used before.
        var key: (String, String)?
        var accountStatus: AccountStatusRecord?
        var resembled: String?

        init(_ db: StoreConnection, _ draft: PaymentDraft, claim: IdempotencyClaim, check: DuplicateCheck, at: Timestamp) throws {
            let (sql, arguments) = Self.statement(draft, claim: claim, check: check, at: at)
            let reads = try db.queryFirst(sql, arguments) { row -> SinglePaymentReads in
                var reads = SinglePaymentReads()
                if let fingerprint = try row.optionalText("key_fingerprint") {
                    reads.key = (fingerprint, try row.text("key_payment_ids"))
                }
                if try !row.isNull("account_status") {
                    reads.accountStatus = AccountStatusRecord(
                        accountId: draft.debtorAccountId, status: try row.value("account_status"), reason: try row.optionalText("account_reason"),
                        changedBy: try row.text("account_changed_by"), changedAt: Timestamp(milliseconds: try row.int("account_changed_at")))
                }
                reads.resembled = try row.optionalText("resembled")
                return reads
            }
            self = reads ?? SinglePaymentReads()
        }

        private init() {}

        /// The statement that reads them (one row).
        static func statement(_ draft: PaymentDraft, claim: IdempotencyClaim, check: DuplicateCheck,
                              at: Timestamp) -> (sql: String, arguments: [SQLValue]) {
            let resemblance = check.query(for: draft, at: at)
            let sql = """
                SELECT k.fingerprint AS key_fingerprint, k.payment_ids AS key_payment_ids, s.status AS account_status,
                    s.reason AS account_reason, s.changed_by AS account_changed_by, s.changed_at AS account_changed_at,
                    \(resemblance.map { "(" + $0.sql + ")" } ?? "NULL") AS resembled
                FROM (SELECT 1 AS one) AS request
                LEFT JOIN idempotency_keys AS k ON k.client = ? AND k.key = ?
                LEFT JOIN account_status AS s ON s.account_id = ?
                """
            return (sql, (resemblance?.arguments ?? []) + [.text(claim.client), .text(claim.key), .text(draft.debtorAccountId)])
        }
    }

    private func insert(_ payments: [PaymentDraft], submissions: [SubmissionDraft], claim: IdempotencyClaim,
                        duplicateCheck: DuplicateCheck, limits: [PaymentLimit], approvals: ApprovalPolicy, kind: PaymentKind,
                        at: Timestamp) async throws -> AcceptOutcome {
        try await database.write(rerunnable: true) { db in
            // A request of one payment reads all it needs before writing in one statement.
            let single = payments.count == 1
                ? try SinglePaymentReads(db, payments[0], claim: claim, check: duplicateCheck, at: at) : nil
            let existingKey = if let single { single.key } else {
                try db.queryFirst("SELECT fingerprint, payment_ids FROM idempotency_keys WHERE client = ? AND key = ?",
                                  [.text(claim.client), .text(claim.key)]) { try ($0.text("fingerprint"), $0.text("payment_ids")) }
            }
            if let existing = existingKey {
                guard existing.0 == claim.fingerprint else { return .idempotencyConflict }
                let ids = existing.1.split(separator: ",").map(String.init)
                return .replayed(try ids.compactMap { id in try Self.loadPayment(db, id: id).map { try Self.asFirstAnswered(db, $0) } })
            }
            // A frozen or closed account accepts no payment (checked in the write: exact, even while
            // an operator freezes it).
            for accountId in Set(payments.map(\.debtorAccountId)).sorted() {
                let status = if let single { single.accountStatus } else { try Self.accountStatus(db, accountId) }
                if let status, status.status != .active {
                    throw IntakeConflict.accountNotActive(status)
                }
            }
            for limit in limits {
                if let violation = try limit.violation(db, payments, client: claim.client, at: at) {
                    throw IntakeConflict.limitExceeded(violation)
                }
            }
            let resemblances = try Resemblances(db, payments, check: duplicateCheck, at: at, single: single)
            let need = try approvals.need(db, payments, kind: kind, at: at)
            // The rows are written in batches, one per payment with its submission(s) before it and
            // the request's own rows after the last (one round trip each on PostgreSQL); a reused
            // end-to-end id is then found in the batch of its payment.
            var writes = WriteBatch()
            for submission in submissions {
                let duplicateReason = resemblances.heldSubmissions[submission.id]
                let heldReason = duplicateReason ?? need?.reason
                let heldKind: HoldKind = duplicateReason != nil ? .duplicate : .approval
                // A message for a later execution day waits `scheduled` until the day begins; held
                // (a duplicate, approvals) it is not sent before then either (its due time).
                // A message waiting for a batch_release plan's run is due only when the plan releases it.
                let planHold = heldReason == nil ? submission.heldForPlan.map(Self.planHoldReason) : nil
                let state: SubmissionState = heldReason != nil ? .held
                    : planHold != nil || submission.notBefore != nil ? .scheduled : .queued
                let due = planHold != nil ? Timestamp(milliseconds: .max) : max(submission.notBefore ?? at, at)
                writes.add("""
                    INSERT INTO submissions (id, bank_id, debtor_account_id, message_id, payment_info_id, message_kind,
                        created_at, requested_execution_date, state, next_attempt_at, held_reason, held_since, held_kind,
                        request_id)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, [.text(submission.id), .text(submission.bankId), .text(submission.debtorAccountId),
                          .text(submission.messageId), .text(submission.paymentInfoId), .text(submission.messageKind),
                          .integer(at.milliseconds), .text(submission.requestedExecutionDate),
                          .text(state.rawValue), .integer(due.milliseconds), (heldReason ?? planHold).sqlValue,
                          heldReason == nil && planHold == nil ? .null : .integer(at.milliseconds),
                          heldReason != nil ? .text(heldKind.rawValue) : planHold != nil ? .text(HoldKind.schedule.rawValue) : .null,
                          submission.requestId.sqlValue])
            }
            let messageIds = Dictionary(uniqueKeysWithValues: submissions.map { ($0.id, ($0.messageId, $0.paymentInfoId)) })
            let scheduled = Dictionary(uniqueKeysWithValues: submissions.compactMap { submission -> (String, String)? in
                if let plan = submission.heldForPlan {
                    return (submission.id, Self.planHoldReason(plan) + (submission.scheduleNote.map { " (" + $0 + ")" } ?? ""))
                }
                return submission.notBefore.map { (submission.id, Self.scheduleReason(submission, notBefore: $0)) }
            })
            var records: [PaymentRecord] = []
            records.reserveCapacity(payments.count)
            // received → queued happens inside this transaction, so the row is inserted as `queued`
            // directly (one UPDATE and two index changes fewer per payment); the audit trail and the
            // event are the same as those of `transition(_:_:to:cause:at:)`.
            try PaymentStateMachine.check(from: .received, to: .queued, cause: .api)
            try PaymentStateMachine.check(from: .received, to: .held, cause: .api)
            try PaymentStateMachine.check(from: .received, to: .pendingApproval, cause: .api)
            try PaymentStateMachine.check(from: .received, to: .scheduled, cause: .api)
            for draft in payments {
                let heldReason = resemblances.heldSubmissions[draft.submissionId]
                let scheduleReason = scheduled[draft.submissionId]
                let status: PaymentStatus = heldReason != nil ? .held : need != nil ? .pendingApproval
                    : scheduleReason != nil ? .scheduled : .queued
                let resembled = resemblances.resembled[draft.id]
                writes.add(Self.insertPayment,
                           [.text(draft.id), draft.batchId.sqlValue, .text(draft.submissionId), .text(draft.debtorAccountId),
                            .text(draft.bankId), .integer(draft.amount.minorUnits), .text(draft.amount.currency.code),
                            .text(draft.creditor.name), .text(draft.creditor.account), draft.creditor.bankCode.sqlValue,
                            draft.remittanceInfo.sqlValue, .text(draft.endToEndId), .text(draft.instructionId),
                            .text(draft.requestedExecutionDate), .text(status.rawValue), .integer(at.milliseconds),
                            .integer(at.milliseconds), resembled.sqlValue, .text(claim.client),
                            need.map { .integer(Int64($0.approvals)) } ?? .null, need.map { .text($0.rules.joined(separator: ",")) } ?? .null,
                            need.map { .integer($0.expiresAt.milliseconds) } ?? .null]
                           + Self.detailValues(draft.details, draft.creditor))
                let ids = messageIds[draft.submissionId] ?? ("", "")
                var record = PaymentRecord(
                    id: draft.id, batchId: draft.batchId, submissionId: draft.submissionId,
                    debtorAccountId: draft.debtorAccountId, bankId: draft.bankId, amount: draft.amount,
                    creditor: draft.creditor, remittanceInfo: draft.remittanceInfo, endToEndId: draft.endToEndId,
                    instructionId: draft.instructionId, messageId: ids.0, paymentInfoId: ids.1,
                    requestedExecutionDate: draft.requestedExecutionDate, status: status, attempts: 0,
                    lastError: nil, bankStatus: nil, reasonCode: nil, reasonText: nil, createdAt: at, updatedAt: at,
                    details: draft.details)
                record.holdReason = heldReason
                record.suspectedDuplicateOf = resembled
                record.approval = need.map {
                    PaymentApproval(needed: $0.approvals, rules: $0.rules, expiresAt: $0.expiresAt, submittedBy: claim.client)
                }
                // One history row and one audit record for both intake steps: the row from `received`
                // to the status intake gave it stands for the arrival too (``history(paymentId:)``
                // shows the arrival as its own step, `accepted from` the payment's `submitted_by`).
                try Self.appendHistory(db, into: &writes, paymentId: draft.id, from: .received, to: status, cause: .api, at: at,
                                       attempt: 0, details: TransitionDetails(reason: heldReason ?? (status == .pendingApproval ? need?.reason
                                                                                  : status == .scheduled ? scheduleReason : nil)),
                                       auditNote: Self.acceptedNote(claim.client))
                if let event = Self.eventType(from: .received, to: status) {
                    Self.appendEvent(into: &writes, type: event, payment: record, previous: .received, at: at)
                }
                records.append(record)
                if draft.id != payments.last?.id { try Self.runIntakeWrites(db, &writes, of: draft) }
            }
            LimitUsage.add(into: &writes, payments, client: claim.client, at: at)
            writes.add("INSERT INTO idempotency_keys (client, key, fingerprint, payment_ids, created_at) VALUES (?, ?, ?, ?, ?)",
                       [.text(claim.client), .text(claim.key), .text(claim.fingerprint),
                        .text(payments.map(\.id).joined(separator: ",")), .integer(at.milliseconds)])
            try Self.runIntakeWrites(db, &writes, of: payments.last)
            return .created(records)
        }
    }

    /// Runs intake's batch of writes whose payment is `draft`: a reused end-to-end id is its.
    private static func runIntakeWrites(_ db: StoreConnection, _ writes: inout WriteBatch, of draft: PaymentDraft?) throws {
        do {
            try db.runBatch(writes)
        } catch {
            guard error.isConstraintViolation, error.message.contains("end_to_end_id") else { throw error }
            throw IntakeConflict.duplicateEndToEndId(draft?.endToEndId ?? "")
        }
        writes.removeAll()
    }

    /// For a held payment that needed approvals and has not got them (a suspected duplicate held
    /// before it could wait): what it needs, its wait starting at `at` (as long as it was at intake).
    /// Its new expiry is written here.
    private static func approvalStillNeeded(_ db: StoreConnection, _ payment: PaymentRecord, at: Timestamp) throws -> ApprovalNeed? {
        guard payment.status == .held, let approval = payment.approval else { return nil }
        let given = try decisions(db, paymentId: payment.id).filter { $0.decision == .approve }.count
        guard given < approval.needed else { return nil }
        let wait = (approval.expiresAt?.milliseconds ?? payment.createdAt.milliseconds) - payment.createdAt.milliseconds
        let expiresAt = at.adding(milliseconds: max(0, wait))
        try db.run("UPDATE payments SET approval_expires_at = ? WHERE id = ?", [.integer(expiresAt.milliseconds), .text(payment.id)])
        return ApprovalNeed(approvals: approval.needed, rules: approval.rules, expiresAt: expiresAt)
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
    /// A held payment that still needs its approvals goes to `pending_approval` instead, and waits
    /// for them as long as it would have at intake, from now.
    public func retry(paymentId: String, actor: String, at: Timestamp) async throws -> PaymentRecord {
        try await database.write { db in
            guard let payment = try Self.loadPayment(db, id: paymentId) else { throw StoreError.notFound("payment") }
            guard payment.status == .failed || payment.status == .held else {
                throw StoreError.conflict(current: payment.status, message: "only failed or held payments can be retried")
            }
            var siblings = try Self.loadPayments(db, submissionId: payment.submissionId).filter { $0.status == payment.status }
            var retried = payment
            var awaitingApproval: String?
            for index in siblings.indices {
                // A held payment is released, a failed one retried: the audit record says which.
                let act = payment.status == .held ? "released by \(actor)" : "retry by \(actor)"
                let reason = siblings[index].id == paymentId ? act : act + " (same bank message as \(paymentId))"
                if let wait = try Self.approvalStillNeeded(db, siblings[index], at: at) {
                    try Self.transition(db, &siblings[index], to: .pendingApproval, cause: .operator, at: at,
                                        details: TransitionDetails(reason: reason + "; " + wait.reason))
                    siblings[index].approval?.expiresAt = wait.expiresAt
                    awaitingApproval = wait.reason
                } else {
                    try Self.transition(db, &siblings[index], to: .queued, cause: .operator, at: at,
                                        details: TransitionDetails(reason: reason))
                }
                if siblings[index].id == paymentId { retried = siblings[index] }
            }
            if let awaitingApproval {
                try db.run("""
                    UPDATE submissions SET held_reason = ?, held_kind = ?, held_since = ? WHERE id = ? AND state = 'held'
                    """, [.text(awaitingApproval), .text(HoldKind.approval.rawValue), .integer(at.milliseconds), .text(payment.submissionId)])
                return retried
            }
            try db.run("""
                UPDATE submissions SET state = 'queued', next_attempt_at = ?, unknown_since = NULL, held_reason = NULL,
                    held_since = NULL, held_kind = NULL, attempts = CASE WHEN state = 'done' THEN 0 ELSE attempts END
                WHERE id = ? AND state IN ('done', 'held')
                """, [.integer(at.milliseconds), .text(payment.submissionId)])
            return retried
        }
    }
}
