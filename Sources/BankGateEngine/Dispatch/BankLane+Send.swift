import BankGateCore
import BankGateStore
import BankGateTransport
import BankGateConfig
import Logging

extension BankLane {
    /// Sends a queued submission, following the exactly-once protocol:
    /// 1. encode the message from the identifiers fixed at intake (a resend is the same message);
    /// 2. commit `sending` and the archived bytes **before** the bytes leave the machine;
    /// 3. upload the file the message names, when the bank reads one first (a payroll's data file,
    ///    archived too): an upload that fails is a send that did not happen (retry with backoff);
    /// 4. send, and classify the result: a report, a proven non-delivery (retry with backoff),
    ///    a final refusal, or an unknown outcome (the payments become `unknown` and the bank is
    ///    asked before anything is sent again);
    /// 5. record it, retrying while the store cannot write (``recordDurably``).
    func send(_ submission: SubmissionRecord, payments all: [PaymentRecord]) async throws {
        let payments = all.filter { $0.status == .queued }
        // A lane a reload retired begins no send: the payments stay queued for the new one.
        guard !payments.isEmpty, !holdsSends else { return }
        guard let debtor = connection.accounts[submission.debtorAccountId] else {
            logger.error("submission for an account no longer configured", metadata: ["submission": "\(submission.id)"])
            return
        }
        // A frozen or closed account sends nothing: its queued payments are held (no attempt used)
        // until it is active again, which makes them due at once.
        if let status = try await store.accountStatus(submission.debtorAccountId), status.status != .active {
            let now = clock.now()
            let reason = "account \(submission.debtorAccountId) is \(status.status.rawValue)" + (status.reason.map { ": \($0)" } ?? "")
            if try await store.holdSubmission(submissionId: submission.id, reason: reason, kind: .account,
                                              recheckAt: now.adding(milliseconds: Self.holdRecheckMilliseconds), at: now) {
                logger.warning("payments held: account not active", metadata: ["bank": "\(bankId)", "submission": "\(submission.id)",
                                                                              "reason": "\(reason)"])
            }
            return
        }
        let message = PaymentMessage(
            messageId: submission.messageId, paymentInfoId: submission.paymentInfoId, createdAt: submission.createdAt,
            requestedExecutionDate: submission.requestedExecutionDate, debtor: debtor, initiatingPartyName: debtor.name,
            transfers: payments.map {
                CreditTransfer(paymentId: $0.id, instructionId: $0.instructionId, endToEndId: $0.endToEndId,
                               amount: $0.amount, creditor: $0.creditor, remittanceInfo: $0.remittanceInfo,
                               details: $0.details)
            })
        let encoded: EncodedMessage
        let fileToUpload: EncodedMessage?
        do {
            encoded = try await connection.prepare(try connection.encode(message, kind: submission.messageKind), at: clock.now(),
                                                   debtorAccountId: submission.debtorAccountId)
            fileToUpload = try connection.fileToUpload(before: message, kind: submission.messageKind)
        } catch BankConnection.PreparationFailure.unsigned(let failure) where failure.holdsPayments {
            // Our key's state forbids signing (lost, revoked, not bound): nothing was sent and no
            // attempt is used; the payments wait, queued and held, until a usable key is bound.
            let now = clock.now()
            if try await store.holdSubmission(submissionId: submission.id, reason: failure.message,
                                              recheckAt: now.adding(milliseconds: Self.holdRecheckMilliseconds), at: now) {
                logger.warning("payments held: cannot sign", metadata: ["bank": "\(bankId)", "submission": "\(submission.id)",
                                                                       "reason": "\(failure.message)"])
            }
            return
        } catch {
            // Nothing was sent: mark the submission as sending and settle it at once, audited. A
            // signer that failed is tried again later; a message the format cannot carry fails.
            let now = clock.now()
            var unsigned: SigningFailure?
            if case BankConnection.PreparationFailure.unsigned(let failure) = error { unsigned = failure }
            let archived = MessageToArchive(direction: .outbound, kind: unsigned == nil ? "encoding-error" : "signing-error",
                                            exchange: .payment, bytes: Array("\(error)".utf8))
            guard let attempt = try await store.beginSend(submissionId: submission.id, paymentIds: payments.map(\.id),
                                                          message: archived, at: now) else { return }
            let resolution: SendResolution = if let unsigned {
                retryOrGiveUp("not sent: cannot sign the message: \(unsigned)", attempt: attempt, now: now)
            } else {
                .fatal(error: "cannot encode the message: \(error)")
            }
            let store = store
            try await recordDurably("encoding failure", submissionId: submission.id) {
                try await store.recordSend(submissionId: submission.id, answer: nil, resolution: resolution, at: now)
            }
            logOutcome(resolution, submission: submission)
            return
        }
        let archived = MessageToArchive(direction: .outbound, kind: encoded.kind, exchange: .payment,
                                        bytes: connection.adapter.archivableBytes(encoded))
        guard !holdsSends else { return }
        guard let attempt = try await store.beginSend(submissionId: submission.id, paymentIds: payments.map(\.id),
                                                      message: archived, at: clock.now()) else { return }

        if let fileToUpload, let notSent = await upload(fileToUpload, submission: submission, attempt: attempt) {
            let now = clock.now()
            let store = store
            try await recordDurably("upload failure", submissionId: submission.id) {
                try await store.recordSend(submissionId: submission.id, answer: nil, resolution: notSent, at: now)
            }
            logOutcome(notSent, submission: submission)
            return
        }

        let outcome = await connection.transport.submit(encoded)
        if case .answered(_, let body) = outcome { await connection.noteAnswer(body) }

        let now = clock.now()
        let (received, resolution) = resolve(outcome, submission: submission, attempt: attempt, now: now)
        // An answer that settles nothing is kept as a prefix when it is large (evidence, not a disk filler).
        let answer: MessageToArchive?
        if case .report = resolution { answer = received } else { answer = received?.keepingPrefix(RefusedAnswerBackoff.archivedPrefixBytes) }
        // The bank may have executed it: its answer is recorded, however long the store refuses,
        // and the message is never sent again for that (see ``recordDurably``).
        let store = store
        let followUpAt = nextQuery(after: submission, now: now)
        try await recordDurably("send outcome", submissionId: submission.id) {
            try await store.recordSend(submissionId: submission.id, answer: answer, resolution: resolution, at: now,
                                       followUpAt: followUpAt)
        }
        logOutcome(resolution, submission: submission)
        logger.debug("sent", metadata: ["bank": "\(bankId)", "message_id": "\(submission.messageId)",
                                         "attempt": "\(attempt)", "resolution": "\(resolution.label)"])
    }

    /// How often a submission held for a signing key is looked at again without news (binding a
    /// key makes it due at once, also on other instances, through the store).
    static let holdRecheckMilliseconds: Int64 = 60_000

    /// Uploads `file` to the bank's client before the message that names it, archived first like
    /// every message that leaves. `nil` once it is there; otherwise how to settle the send, which
    /// did not happen: tried again with backoff, or failed when the bank has no file transfer.
    func upload(_ file: EncodedMessage, submission: SubmissionRecord, attempt: Int) async -> SendResolution? {
        guard let transfer = connection.fileTransfer else {
            return .fatal(error: "not sent: \(file.kind) \(file.fileName) must be uploaded to the bank's client first, "
                          + "and bank \(bankId) has neither file_transfer nor file_directory")
        }
        do {
            _ = try await store.archive(bankId: bankId, submissionId: submission.id, message: MessageToArchive(
                direction: .outbound, kind: file.kind, exchange: .payment, bytes: connection.adapter.archivableBytes(file)),
                at: clock.now())
        } catch {
            return retryOrGiveUp("not sent: cannot archive \(file.fileName) before uploading it: \(error)", attempt: attempt, now: clock.now())
        }
        do {
            try await transfer.upload(file.fileName, bytes: file.bytes)
            return nil
        } catch {
            logger.warning("file upload failed: not sent", metadata: ["bank": "\(bankId)", "submission": "\(submission.id)",
                                                                     "file": "\(file.fileName)", "error": "\(error)"])
            return retryOrGiveUp("not sent: the upload of \(file.fileName) to \(transfer) failed: \(error)", attempt: attempt,
                                 now: clock.now())
        }
    }

    /// Turns a transport outcome into what the store records, using the adapter's tables.
    func resolve(_ outcome: TransportOutcome, submission: SubmissionRecord, attempt: Int,
                 now: Timestamp) -> (MessageToArchive?, SendResolution) {
        let nextQuery = now.adding(milliseconds: Int64(connection.config.statusQueryIntervalMilliseconds))
        switch outcome {
        case .answered(let status, let body):
            recordReachability(of: outcome)
            let answer = MessageToArchive(direction: .inbound, kind: connection.adapter.answerKind, exchange: .paymentAnswer, httpStatus: status, bytes: body)
            switch connection.adapter.disposition(httpStatus: status, body: body) {
            case .report:
                do {
                    let report = try connection.adapter.decodePaymentAnswer(body, sentMessageId: submission.messageId)
                    if report.originalMessageId != submission.messageId {
                        return (answer, .unknown(error: "the bank answered about another message (\(report.originalMessageId))", nextQueryAt: nextQuery))
                    }
                    if isDuplicateRefusal(report) {
                        // The bank says it has this MsgId already: it may have executed it. Ask.
                        return (answer, .unknown(error: "the bank reports a duplicate message id; asking for the original's status", nextQueryAt: now))
                    }
                    if let doubt = report.transactions.first(where: { $0.status == .unknown }) {
                        // A transfer the answer leaves in doubt (a duplicate client reference: the bank has the
                        // original; a code the bank's table does not know): every transfer is asked about.
                        return (answer, .unknown(error: "the bank's answer leaves transfer \(doubt.instructionId ?? doubt.endToEndId ?? "?") in doubt (\(doubt.bankStatus)\(doubt.reasonCode.map { " \($0)" } ?? "")); asking its status", nextQueryAt: now))
                    }
                    return (answer, .report(report))
                } catch {
                    return (answer, .unknown(error: "unreadable answer: \(error)", nextQueryAt: nextQuery))
                }
            case .retryLater(let reason):
                // A refusal over a non-2xx status is a bank error of the transport already (`http_<status>`).
                if (200..<300).contains(status) { noteBankRefusal(code: "bank_unavailable", reason: reason, kind: .payment) }
                return (answer, retryOrGiveUp("bank unavailable: \(reason)", attempt: attempt, now: now))
            case .fatal(let reason):
                if (200..<300).contains(status) { noteBankRefusal(code: "bank_refused", reason: reason, kind: .payment) }
                return (answer, .fatal(error: "refused by the bank: \(reason)"))
            case .unknown(let reason):
                return (answer, .unknown(error: reason, nextQueryAt: nextQuery))
            }
        case .delivered:
            recordReachability(of: outcome)
            return (nil, .delivered(nextCheckAt: nextQuery))
        case .notSent(let reason):
            recordReachability(of: outcome)
            return (nil, retryOrGiveUp("not sent: \(reason)", attempt: attempt, now: now))
        case .unknown(let reason):
            recordReachability(of: outcome)
            return (nil, .unknown(error: reason, nextQueryAt: nextQuery))
        }
    }

    /// Backoff while attempts remain, then `failed`. Only for failures that prove nothing was processed.
    private func retryOrGiveUp(_ error: String, attempt: Int, now: Timestamp) -> SendResolution {
        let next = connection.retryPolicy.nextAttempt(after: attempt, now: now)
        return .retry(error: next == nil ? "\(error); gave up after \(attempt) attempts" : error, nextAttemptAt: next)
    }

    /// Whether a report is the bank refusing our message as a duplicate of one it already has.
    func isDuplicateRefusal(_ report: StatusReport) -> Bool {
        guard let group = report.groupOutcome, group.status == .rejected, let code = group.reasonCode else { return false }
        return connection.adapter.duplicateRefusalReasonCodes.contains(code)
    }
}

extension SendResolution {
    var label: String {
        switch self {
        case .report: "report"
        case .delivered: "delivered"
        case .retry(_, let next): next == nil ? "failed" : "retry"
        case .fatal: "fatal"
        case .unknown: "unknown"
        }
    }
}
