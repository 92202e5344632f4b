import BankGateCore
import BankGateStore
import BankGateConfig
import Logging

extension BankLane {
    /// Asks the bank about a submission whose outcome is unknown, or whose payments are not final.
    /// Only an explicit "never received" lets an unknown submission be sent again, and only while the
    /// bank still remembers message ids; past that window the payments are held for an operator.
    func query(_ submission: SubmissionRecord, payments: [PaymentRecord]) async throws {
        if connection.statusQueryScope(kind: submission.messageKind) == .transfer {
            try await queryEachTransfer(submission, payments: payments)
            return
        }
        let now = clock.now()
        let encoded: EncodedMessage
        let transfers = payments.map { SentTransfer(instructionId: $0.instructionId, endToEndId: $0.endToEndId) }
        let statusQuery = makeStatusQuery(submission, transfers: transfers, now: now)
        do {
            encoded = try await connection.prepare(try connection.adapter.encodeStatusQuery(statusQuery), at: now,
                                                     debtorAccountId: submission.debtorAccountId)
        } catch {
            try await store.recordQuery(submissionId: submission.id, answer: nil,
                                        resolution: .inconclusive(reason: "cannot encode a status query: \(error)",
                                                                  nextQueryAt: nextQuery(after: submission, now: now)),
                                        at: now)
            return
        }
        try await store.archiveQuery(submissionId: submission.id,
                                     message: MessageToArchive(direction: .outbound, kind: encoded.kind, exchange: .statusQuery,
                                                               bytes: connection.adapter.archivableBytes(encoded)), at: now)

        let outcome = await connection.transport.query(encoded)
        if case .answered(_, let body) = outcome { await connection.noteAnswer(body) }

        let answeredAt = clock.now()
        var answer: MessageToArchive?
        let resolution: QueryResolution
        switch outcome {
        case .answered(let status, let body):
            recordReachability(of: outcome)
            let received = MessageToArchive(direction: .inbound, kind: answerKind, exchange: .statusAnswer, httpStatus: status, bytes: body)
            let read = interpret(connection.adapter.interpretStatusQueryAnswer(
                httpStatus: status, body: body, query: statusQuery), submission: submission, now: answeredAt)
            if case .inconclusive(let reason, _) = read {
                // Refused: a prefix is evidence enough, and the bank is asked again only after a pause.
                answer = received.keepingPrefix(RefusedAnswerBackoff.archivedPrefixBytes)
                let pausedUntil = recordRefusedAnswer(now: answeredAt)
                resolution = .inconclusive(reason: "\(reason); status queries to this bank paused until \(pausedUntil.iso8601)",
                                           nextQueryAt: max(pausedUntil, nextQuery(after: submission, now: answeredAt)))
            } else {
                answer = received
                recordReadableAnswer()
                resolution = read
            }
        case .delivered:
            recordReachability(of: outcome)
            resolution = .inconclusive(reason: "status query delivered; waiting for the answer file",
                                       nextQueryAt: nextQuery(after: submission, now: answeredAt))
        case .notSent(let reason), .unknown(let reason):
            recordReachability(of: outcome)
            resolution = .inconclusive(reason: "status query failed: \(reason)", nextQueryAt: nextQuery(after: submission, now: answeredAt))
        }
        let store = store
        let followUpAt = nextQuery(after: submission, now: answeredAt)
        try await recordDurably("status answer", submissionId: submission.id) { [answer] in
            try await store.recordQuery(submissionId: submission.id, answer: answer, resolution: resolution, at: answeredAt,
                                        followUpAt: followUpAt)
        }
        logOutcome(resolution, submission: submission)
    }

    /// The status query about `submission`, naming `transfers` (all of them for a message-scope query).
    func makeStatusQuery(_ submission: SubmissionRecord, transfers: [SentTransfer], now: Timestamp) -> StatusQuery {
        StatusQuery(originalMessageId: submission.messageId, originalKind: submission.messageKind,
                    queryId: IdentifierFactory.makeRequestId("BGQ", connection.adapter.clientReferenceFormat, now: now), createdAt: now,
                    firstSentAt: submission.firstSentAt ?? submission.createdAt,
                    debtor: connection.accounts[submission.debtorAccountId], transfers: transfers)
    }

    /// The archive's name for answers from this bank (`pain.002` for ISO 20022, `CMB.answer` …).
    var answerKind: String { connection.adapter.answerKind }

    /// Maps the adapter's reading of a status answer to what the store does.
    func interpret(_ answer: StatusQueryAnswer, submission: SubmissionRecord, now: Timestamp) -> QueryResolution {
        switch answer {
        case .report(let report):
            return .report(report)
        case .notReceived:
            let sentAt = submission.firstSentAt ?? submission.createdAt
            if now.milliseconds - sentAt.milliseconds > connection.duplicateCheckWindowMilliseconds {
                return .notReceivedHold(reason: "the bank reports message \(submission.messageId) unknown, but it was first sent longer ago than the bank remembers message ids; an operator must check before it is sent again")
            }
            return .notReceived
        case .inconclusive(let reason):
            return .inconclusive(reason: reason, nextQueryAt: nextQuery(after: submission, now: now))
        }
    }

    /// The next status query: the configured interval, slowing down (×2 per 10 queries, at most ×16).
    /// A message dated for a later execution day (sent early to a bank that honours the date) is
    /// asked about at most hourly until that day begins in the bank's calendar: the bank keeps it
    /// pending until then, and thousands of queries a day would tell nothing.
    func nextQuery(after submission: SubmissionRecord, now: Timestamp) -> Timestamp {
        let factor = Int64(1) << Int64(min(submission.queries / 10, 4))
        let usual = now.adding(milliseconds: Int64(connection.config.statusQueryIntervalMilliseconds) * factor)
        let calendar = connection.config.timetable.calendar
        guard let executionDay = CalendarDay(submission.requestedExecutionDate), executionDay > calendar.day(of: now) else {
            return usual
        }
        return max(usual, min(now.adding(milliseconds: Self.forwardDatedQueryMilliseconds), calendar.start(of: executionDay)))
    }

    /// How often a message dated for a later day is asked about before its day.
    static let forwardDatedQueryMilliseconds: Int64 = 3_600_000

    /// Reads answers that arrived in the bank's inbox (host-to-host files) and applies them.
    /// Every file is archived before anything it says is acted on, and a file is moved out of the
    /// inbox only after what it says is committed; a file that cannot be archived stays in the inbox.
    func pickUpInbound() async throws {
        let files = try await connection.transport.pickUp()
        for file in files {
            if let refusal = file.refusal {
                logger.error("inbox entry refused and moved aside",
                             metadata: ["bank": "\(bankId)", "file": "\(file.name)", "reason": "\(refusal)"])
                continue
            }
            if InboundFileKind.of(file.bytes) == .statement {
                let archiveId = try await archiveInboxFile(file, kind: InboundFileKind.statementMessageName(file.bytes))
                let reason = await statementSink?.importInbound(file, bankId: bankId, archivedAs: archiveId)
                    ?? (statementSink == nil ? "statement files are not read for this bank" : nil)
                try await connection.transport.settle(file, failureReason: reason)
                continue
            }
            if file.isPartial {
                try await archiveInboxFile(file, kind: "unknown")
                try await connection.transport.settle(file, failureReason: "the file is too large for a status report")
                continue
            }
            let now = clock.now()
            let archived = MessageToArchive(direction: .inbound, kind: "pain.002", exchange: .inboxFile, bytes: file.bytes)
            let report: StatusReport
            do {
                report = try connection.adapter.decodeStatusReport(file.bytes)
            } catch {
                try await store.archive(bankId: bankId, message: archived, at: now)
                try await connection.transport.settle(file, failureReason: "cannot read as a status report: \(error)")
                continue
            }
            let fileQuery = StatusQuery(originalMessageId: report.originalMessageId, originalKind: "", queryId: file.name,
                                        createdAt: now, firstSentAt: now)
            if case .notReceived = connection.adapter.interpretStatusQueryAnswer(httpStatus: 200, body: file.bytes, query: fileQuery) {
                if let submission = try await store.submission(messageId: report.originalMessageId) {
                    try await store.recordQuery(submissionId: submission.id, answer: archived,
                                                resolution: interpret(.notReceived, submission: submission, now: now), at: now,
                                                followUpAt: nextQuery(after: submission, now: now))
                } else {
                    try await store.archive(bankId: bankId, message: archived, at: now)
                }
            } else if isDuplicateRefusal(report) {
                // A duplicate refusal says nothing about the original: the status query settles it.
                let submission = try await store.submission(messageId: report.originalMessageId)
                try await store.archive(bankId: bankId, submissionId: submission?.id, message: archived, at: now)
            } else {
                let known = try await store.recordInboundReport(
                    bankId: bankId, report: report, message: archived, at: now,
                    followUpAt: now.adding(milliseconds: Int64(connection.config.statusQueryIntervalMilliseconds)))
                if !known {
                    logger.warning("status report for an unknown message", metadata: ["bank": "\(bankId)", "file": "\(file.name)"])
                }
            }
            try await connection.transport.settle(file, failureReason: nil)
        }
    }

    /// Archives an inbox file that no status report record archives: in a row when it was read
    /// whole; otherwise copied, as a stream, under the data directory's `archive/` with its size
    /// and SHA-256 measured on the way. Returns the archive id.
    @discardableResult
    func archiveInboxFile(_ file: InboundFile, kind: String) async throws -> Int64 {
        let now = clock.now()
        if file.isPartial, let path = file.path {
            let copy = try await ArchivedFileCopy.copy(from: path, name: file.name, bankId: bankId, date: now.dateString,
                                                       dataDirectory: store.directory)
            return try await store.archiveStoredFile(bankId: bankId, kind: kind, storedFile: copy.relativePath, size: copy.size,
                                                     sha256: copy.sha256, at: now)
        }
        return try await store.archive(bankId: bankId, message: MessageToArchive(
            direction: .inbound, kind: kind, exchange: .inboxFile, bytes: file.bytes), at: now)
    }
}
