import BankGateCore
import Logging
import BankGateStore

extension BankLane {
    /// Asks about each open transfer of `submission` on its own, for banks whose status query takes
    /// one client reference (``StatusQueryScope/transfer``: CMB `NTQRYSTY` by `YURREF`).
    ///
    /// The answers are combined into one resolution:
    /// - every transfer asked about is unknown to the bank → the message was never received
    ///   (resent only within the bank's duplicate window, as for a message-scope query);
    /// - some transfers reported → a report naming every transfer asked about; a transfer the bank
    ///   did not settle keeps its status (it is asked about again), so silence is never success;
    /// - nothing readable → inconclusive, with the refused-answer backoff.
    func queryEachTransfer(_ submission: SubmissionRecord, payments all: [PaymentRecord]) async throws {
        let payments = all.filter { $0.status.mayHaveReachedBank && !$0.status.isTerminal }
        guard !payments.isEmpty else { return }

        var outcomes: [TransactionOutcome] = []
        var notReceived = 0
        var reasons: [String] = []
        var readable = false
        for payment in payments {
            let now = clock.now()
            let statusQuery = makeStatusQuery(
                submission, transfers: [SentTransfer(instructionId: payment.instructionId, endToEndId: payment.endToEndId)], now: now)
            let unchanged = TransactionOutcome(endToEndId: payment.endToEndId, instructionId: payment.instructionId,
                                               bankStatus: "not settled", status: payment.status)
            let encoded: EncodedMessage
            do {
                encoded = try await connection.prepare(try connection.adapter.encodeStatusQuery(statusQuery), at: now,
                                                     debtorAccountId: submission.debtorAccountId)
            } catch {
                reasons.append("\(payment.instructionId): cannot encode a status query: \(error)")
                outcomes.append(unchanged)
                continue
            }
            try await store.archiveQuery(submissionId: submission.id, message: MessageToArchive(
                direction: .outbound, kind: encoded.kind, exchange: .statusQuery,
                bytes: connection.adapter.archivableBytes(encoded)), at: now)
            let outcome = await connection.transport.query(encoded)
            if case .answered(_, let body) = outcome { await connection.noteAnswer(body) }
            let answeredAt = clock.now()
            guard case .answered(let status, let body) = outcome else {
                recordReachability(of: outcome)
                reasons.append("\(payment.instructionId): status query failed: \(outcome)")
                outcomes.append(unchanged)
                continue
            }
            recordReachability(of: outcome)
            let answer = connection.adapter.interpretStatusQueryAnswer(httpStatus: status, body: body, query: statusQuery)
            var received = MessageToArchive(direction: .inbound, kind: answerKind, exchange: .statusAnswer,
                                            httpStatus: status, bytes: body)
            switch answer {
            case .report(let report):
                readable = true
                outcomes.append(report.outcome(endToEndId: payment.endToEndId, instructionId: payment.instructionId) ?? unchanged)
            case .notReceived:
                readable = true
                notReceived += 1
                outcomes.append(unchanged)
            case .inconclusive(let reason):
                received = received.keepingPrefix(RefusedAnswerBackoff.archivedPrefixBytes)
                reasons.append("\(payment.instructionId): \(reason)")
                outcomes.append(unchanged)
            }
            let store = store
            try await recordDurably("status answer", submissionId: submission.id) { [received] in
                _ = try await store.archive(bankId: submission.bankId, submissionId: submission.id, message: received, at: answeredAt)
            }
        }

        let now = clock.now()
        let followUpAt = nextQuery(after: submission, now: now)
        let resolution: QueryResolution
        if notReceived == payments.count {
            resolution = interpret(.notReceived, submission: submission, now: now)
        } else if readable {
            recordReadableAnswer()
            if notReceived > 0 {
                logger.warning("the bank knows some transfers of a message but not others; those stay unknown for an operator",
                               metadata: ["bank": "\(bankId)", "message_id": "\(submission.messageId)", "not_received": "\(notReceived)"])
            }
            resolution = .report(StatusReport(reportId: "per-transfer queries", originalMessageId: submission.messageId,
                                              groupStatus: nil, groupOutcome: nil, transactions: outcomes))
        } else {
            let pausedUntil = recordRefusedAnswer(now: now)
            resolution = .inconclusive(reason: reasons.joined(separator: "; ") + "; status queries to this bank paused until \(pausedUntil.iso8601)",
                                       nextQueryAt: max(pausedUntil, followUpAt))
        }
        let store = store
        try await recordDurably("status answer", submissionId: submission.id) {
            try await store.recordQuery(submissionId: submission.id, answer: nil, resolution: resolution, at: now, followUpAt: followUpAt)
        }
        logOutcome(resolution, submission: submission)
    }
}
