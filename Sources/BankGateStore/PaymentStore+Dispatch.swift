public import BankGateCore
import BankGateCrypto

/// How the engine resolved one send of a submission.
public enum SendResolution: Sendable, Hashable {
    /// The bank answered with a status report.
    case report(StatusReport)
    /// Handed over; the answer comes later (files). Ask again at the given time.
    case delivered(nextCheckAt: Timestamp)
    /// Provably not processed: send again at the given time, or give up (`nil`) and fail the payments.
    case retry(error: String, nextAttemptAt: Timestamp?)
    /// Refused for good: fail the payments.
    case fatal(error: String)
    /// The outcome is unknown: ask the bank at the given time.
    case unknown(error: String, nextQueryAt: Timestamp)
}

/// How the engine resolved a status query about an unknown or awaited submission.
public enum QueryResolution: Sendable, Hashable {
    case report(StatusReport)
    /// The bank never received it and still remembers message ids: send again now.
    case notReceived
    /// The bank never received it, but it may have forgotten: hold for an operator.
    case notReceivedHold(reason: String)
    /// Nothing settled: ask again at the given time.
    case inconclusive(reason: String, nextQueryAt: Timestamp)
}

/// A message to archive, as it went to or came from the bank.
public struct MessageToArchive: Sendable, Hashable {
    public var direction: MessageDirection
    /// The message's type: `pain.001.001.09`, `pacs.028.001.03`, `camt.060.001.05`, `camt.053.001.08`,
    /// `MT940`, `empty`, `http-error`…
    public var kind: String
    /// Which exchange it belongs to (``BankExchange``); `nil` only for rows archived before 004.
    public var exchange: BankExchange?
    /// The account it concerns, when it is not a submission's (statements, balances, inbox files).
    public var accountId: String?
    /// For an answer: the archive id of the request it answers (statement and balance pulls).
    public var requestId: Int64?
    public var httpStatus: Int?
    /// The message, or only its beginning when ``wholeSize`` is set.
    public var bytes: [UInt8]
    /// The size of the whole message when ``bytes`` holds only its beginning.
    public private(set) var wholeSize: Int64?
    /// The SHA-256 of the whole message when ``bytes`` holds only its beginning.
    public private(set) var wholeSHA256: String?

    public init(direction: MessageDirection, kind: String, exchange: BankExchange? = nil, accountId: String? = nil,
                requestId: Int64? = nil, httpStatus: Int? = nil, bytes: [UInt8]) {
        self.direction = direction
        self.kind = kind
        self.exchange = exchange
        self.accountId = accountId
        self.requestId = requestId
        self.httpStatus = httpStatus
        self.bytes = bytes
    }

    /// The message with at most `limit` of its bytes kept, and the size and SHA-256 of the whole
    /// measured first: an answer refused as unreadable or too large is evidence, but not worth
    /// its full size when a hostile or broken bank repeats it. Unchanged when it fits.
    public func keepingPrefix(_ limit: Int) -> MessageToArchive {
        guard bytes.count > max(0, limit), wholeSize == nil else { return self }
        var prefix = self
        prefix.wholeSize = Int64(bytes.count)
        prefix.wholeSHA256 = SHA256.hex(bytes)
        prefix.bytes = Array(bytes.prefix(max(0, limit)))
        return prefix
    }
}

extension PaymentStore {
    /// Submissions of `bankId` in `states` that are due at `now`: per state, in the order given, the
    /// oldest first, at most `limit` in all. One indexed range scan per state (never a sort of
    /// everything that is due, which a long queue would make slow).
    public func dueSubmissions(bankId: String, states: [SubmissionState], now: Timestamp, limit: Int) async throws -> [SubmissionRecord] {
        try await database.read { db in
            var due: [SubmissionRecord] = []
            for state in states where due.count < limit {
                due += try db.query("""
                    SELECT \(Self.submissionColumns) FROM submissions
                    WHERE bank_id = ? AND state = ? AND next_attempt_at <= ?
                    ORDER BY next_attempt_at LIMIT ?
                    """, [.text(bankId), .text(state.rawValue), .integer(now.milliseconds), .integer(Int64(limit - due.count))],
                    Self.submission)
            }
            return due
        }
    }

    /// The payments of a submission.
    public func payments(submissionId: String) async throws -> [PaymentRecord] {
        try await database.read { db in try Self.loadPayments(db, submissionId: submissionId) }
    }

    /// Looks a submission up by the `MsgId` sent to the bank.
    public func submission(messageId: String) async throws -> SubmissionRecord? {
        try await database.read { db in
            try db.queryFirst("SELECT \(Self.submissionColumns) FROM submissions WHERE message_id = ?", [.text(messageId)], Self.submission)
        }
    }

    /// Marks a queued submission `sending`, archives the exact bytes about to go out and moves the
    /// payments `paymentIds` (those the message carries) to `sending` — durably, before the send.
    /// Returns the attempt number, or `nil` when the submission or its queued payments changed
    /// meanwhile (the caller then re-reads and encodes again).
    public func beginSend(submissionId: String, paymentIds: [String], message: MessageToArchive,
                          at: Timestamp) async throws -> Int? {
        try await database.write { db -> Int? in
            guard let submission = try Self.loadSubmission(db, id: submissionId), submission.state == .queued else { return nil }
            var payments = try Self.loadPayments(db, submissionId: submissionId).filter { $0.status == .queued }
            guard payments.map(\.id) == paymentIds, !payments.isEmpty else { return nil }
            let attempt = submission.attempts + 1
            try Self.releaseHold(db, submissionId: submissionId, payments: payments, at: at)
            try db.run("""
                UPDATE submissions SET state = 'sending', attempts = ?, first_sent_at = COALESCE(first_sent_at, ?)
                WHERE id = ?
                """, [.integer(Int64(attempt)), .integer(at.milliseconds), .text(submissionId)])
            if let leasing = self.leasing {
                // The send is this instance's until it ends or this instance stops renewing.
                try db.run("UPDATE submissions SET lease_owner = ?, lease_expires_at = ? WHERE id = ?",
                           [.text(leasing.owner), .integer(at.milliseconds + leasing.duration), .text(submissionId)])
            }
            try Self.archive(db, bankId: submission.bankId, submissionId: submissionId, attempt: attempt, message: message, at: at)
            for index in payments.indices {
                try Self.transition(db, &payments[index], to: .sending, cause: .dispatcher, at: at, attempt: attempt,
                                    details: TransitionDetails(reason: "attempt \(attempt)"))
            }
            return attempt
        }
    }

    /// Records the outcome of a send: archives the answer and moves the payments on.
    /// `followUpAt`: when to ask again about payments a report leaves open (default: 2 s later).
    public func recordSend(submissionId: String, answer: MessageToArchive?, resolution: SendResolution,
                           at: Timestamp, followUpAt: Timestamp? = nil) async throws {
        try await database.write { db in
            guard let submission = try Self.loadSubmission(db, id: submissionId), submission.state == .sending else { return }
            if let answer {
                try Self.archive(db, bankId: submission.bankId, submissionId: submissionId, attempt: submission.attempts,
                                 message: answer, at: at)
            }
            var sending = try Self.loadPayments(db, submissionId: submissionId).filter { $0.status == .sending }
            switch resolution {
            case .report(let report):
                try Self.apply(db, report: report, to: submission, at: at, followUpAt: followUpAt,
                               accountStatusCodes: self.accountStatusCodes(bankId: submission.bankId))
            case .delivered(let nextCheckAt):
                for index in sending.indices {
                    try Self.transition(db, &sending[index], to: .submitted, cause: .bank, at: at,
                                        details: TransitionDetails(reason: "delivered to the bank's inbox"))
                }
                try Self.setSubmission(db, submissionId, state: .awaiting, next: nextCheckAt, error: nil)
            case .retry(let error, let nextAttemptAt):
                let target: PaymentStatus = nextAttemptAt == nil ? .failed : .queued
                for index in sending.indices {
                    try Self.transition(db, &sending[index], to: target, cause: .dispatcher, at: at,
                                        details: TransitionDetails(reason: error, lastError: error))
                }
                try Self.setSubmission(db, submissionId, state: nextAttemptAt == nil ? .done : .queued,
                                       next: nextAttemptAt ?? at, error: error)
            case .fatal(let error):
                for index in sending.indices {
                    try Self.transition(db, &sending[index], to: .failed, cause: .dispatcher, at: at,
                                        details: TransitionDetails(reason: error, lastError: error))
                }
                try Self.setSubmission(db, submissionId, state: .done, next: at, error: error)
            case .unknown(let error, let nextQueryAt):
                for index in sending.indices {
                    try Self.transition(db, &sending[index], to: .unknown, cause: .dispatcher, at: at,
                                        details: TransitionDetails(reason: error, lastError: error))
                }
                try db.run("UPDATE submissions SET state = 'unknown', unknown_since = COALESCE(unknown_since, ?), next_attempt_at = ?, last_error = ? WHERE id = ?",
                           [.integer(at.milliseconds), .integer(nextQueryAt.milliseconds), .text(error), .text(submissionId)])
            }
        }
    }

    /// Archives a status query before it is sent.
    public func archiveQuery(submissionId: String, message: MessageToArchive, at: Timestamp) async throws {
        try await database.write { db in
            guard let submission = try Self.loadSubmission(db, id: submissionId) else { return }
            try db.run("UPDATE submissions SET queries = queries + 1 WHERE id = ?", [.text(submissionId)])
            try Self.archive(db, bankId: submission.bankId, submissionId: submissionId, attempt: submission.attempts,
                             message: message, at: at)
        }
    }

    /// Records the answer to a status query about an `unknown`, `awaiting` or `held` submission.
    public func recordQuery(submissionId: String, answer: MessageToArchive?, resolution: QueryResolution,
                            at: Timestamp, followUpAt: Timestamp? = nil) async throws {
        try await database.write { db in
            guard let submission = try Self.loadSubmission(db, id: submissionId) else { return }
            // The answer is archived whatever it settles: an answer that arrives after a report
            // settled the submission is still an exchange with the bank.
            if let answer {
                try Self.archive(db, bankId: submission.bankId, submissionId: submissionId, attempt: submission.attempts,
                                 message: answer, at: at)
            }
            guard [.unknown, .awaiting, .held].contains(submission.state) else { return }
            switch resolution {
            case .report(let report):
                try Self.apply(db, report: report, to: submission, at: at, followUpAt: followUpAt,
                               accountStatusCodes: self.accountStatusCodes(bankId: submission.bankId))
            case .notReceived where submission.state == .unknown:
                var unknown = try Self.loadPayments(db, submissionId: submissionId).filter { $0.status == .unknown }
                for index in unknown.indices {
                    try Self.transition(db, &unknown[index], to: .queued, cause: .bank, at: at,
                                        details: TransitionDetails(reason: "the bank confirmed it never received message \(submission.messageId); sending again"))
                }
                try db.run("UPDATE submissions SET state = 'queued', unknown_since = NULL, next_attempt_at = ? WHERE id = ?",
                           [.integer(at.milliseconds), .text(submissionId)])
            case .notReceivedHold(let reason) where submission.state == .unknown:
                var unknown = try Self.loadPayments(db, submissionId: submissionId).filter { $0.status == .unknown }
                for index in unknown.indices {
                    try Self.transition(db, &unknown[index], to: .held, cause: .dispatcher, at: at,
                                        details: TransitionDetails(reason: reason, lastError: reason))
                }
                try Self.setSubmission(db, submissionId, state: .held, next: at, error: reason)
            case .notReceived, .notReceivedHold:
                // "Not received" about a message the bank already acknowledged (or a held one) proves
                // nothing new: keep asking at the usual pace.
                try db.run("UPDATE submissions SET next_attempt_at = ? WHERE id = ?",
                           [.integer((followUpAt ?? at.adding(milliseconds: 5_000)).milliseconds), .text(submissionId)])
            case .inconclusive(let reason, let nextQueryAt):
                try db.run("UPDATE submissions SET next_attempt_at = ?, last_error = ? WHERE id = ?",
                           [.integer(nextQueryAt.milliseconds), .text(reason), .text(submissionId)])
            }
        }
    }

    /// Applies a status report that arrived on its own (a file in the inbox). Returns `false` when no
    /// submission has the report's original message id.
    public func recordInboundReport(bankId: String, report: StatusReport, message: MessageToArchive,
                                    at: Timestamp, followUpAt: Timestamp? = nil) async throws -> Bool {
        try await database.write { db in
            guard let submission = try db.queryFirst(
                "SELECT \(Self.submissionColumns) FROM submissions WHERE message_id = ? AND bank_id = ?",
                [.text(report.originalMessageId), .text(bankId)], Self.submission) else {
                try Self.archive(db, bankId: bankId, submissionId: nil, attempt: nil, message: message, at: at)
                return false
            }
            try Self.archive(db, bankId: bankId, submissionId: submission.id, attempt: submission.attempts, message: message, at: at)
            guard submission.state != .sending else { return true }
            try Self.apply(db, report: report, to: submission, at: at, followUpAt: followUpAt,
                               accountStatusCodes: self.accountStatusCodes(bankId: submission.bankId))
            return true
        }
    }

    /// Start-up recovery: every submission left `sending` by a crash becomes `unknown`, to be settled
    /// by asking the bank. Returns the submissions recovered, each with the payments it moved.
    ///
    /// The dispatcher also runs it periodically: `skipping` then names the submissions a lane is
    /// working on, asked of each submission read (inside the transaction, after the read, so a send
    /// that began after the read is never taken for a stranded one).
    public func recoverInterruptedSends(at: Timestamp, reason: String = "bankgate stopped while sending; asking the bank",
                                        skipping: @escaping @Sendable (SubmissionRecord) -> Bool = { _ in false }) async throws -> [InterruptedSend] {
        try await database.write { db in
            // Sharing the store with other instances, only sends whose lease ran out (their instance
            // died) or that this instance held (before its restart) were interrupted: another
            // instance's live send is not touched.
            let interrupted = try db.query("""
                SELECT \(Self.submissionColumns) FROM submissions
                WHERE state = 'sending' AND (?1 IS NULL OR lease_owner IS NULL OR lease_owner = ?1 OR lease_expires_at < ?2)
                """, [self.leasing.map { .text($0.owner) } ?? .null, .integer(at.milliseconds)], Self.submission)
                .filter { !skipping($0) }
            var recovered: [InterruptedSend] = []
            for submission in interrupted {
                var sending = try Self.loadPayments(db, submissionId: submission.id).filter { $0.status == .sending }
                for index in sending.indices {
                    try Self.transition(db, &sending[index], to: .unknown, cause: .recovery, at: at,
                                        details: TransitionDetails(reason: reason, lastError: "interrupted send"))
                }
                try db.run("UPDATE submissions SET state = 'unknown', unknown_since = COALESCE(unknown_since, ?), next_attempt_at = ? WHERE id = ?",
                           [.integer(at.milliseconds), .integer(at.milliseconds), .text(submission.id)])
                recovered.append(InterruptedSend(submission: submission, paymentIds: sending.map(\.id)))
            }
            return recovered
        }
    }

    // MARK: - Shared pieces, inside a transaction

    /// Applies a status report to the submission's payments that can still move.
    /// A rejection whose reason code is in `accountStatusCodes` also sets the debtor account's status.
    static func apply(_ db: StoreConnection, report: StatusReport, to submission: SubmissionRecord, at: Timestamp,
                      followUpAt: Timestamp?, accountStatusCodes: [String: AccountStatus] = [:]) throws {
        var payments = try loadPayments(db, submissionId: submission.id)
        for index in payments.indices {
            let payment = payments[index]
            let outcome = report.outcome(endToEndId: payment.endToEndId, instructionId: payment.instructionId)
            // A report that names the message but says nothing of this transfer: the bank has it.
            let target = outcome?.status ?? .submitted
            // The state table decides which payments a bank report may move (not queued, cancelled,
            // failed ones; not backwards, such as completed → submitted).
            guard target != payment.status,
                  PaymentStateMachine.allows(from: payment.status, to: target, cause: .bank) else { continue }
            let details = TransitionDetails(
                reason: "bank report \(report.reportId): \(outcome?.bankStatus ?? "no line for this transfer")",
                bankStatus: outcome?.bankStatus, reasonCode: outcome?.reasonCode, reasonText: outcome?.reasonText,
                lastError: target == .rejected ? outcome.map { "rejected: \($0.reasonCode ?? $0.bankStatus)" } : nil)
            try transition(db, &payments[index], to: target, cause: .bank, at: at, details: details)
            if !accountStatusCodes.isEmpty {
                try learnAccountStatus(db, from: payments[index], bankId: submission.bankId, codes: accountStatusCodes, at: at)
            }
        }
        let open = payments.contains { !$0.status.isTerminal }
        let next = followUpAt ?? at.adding(milliseconds: 2_000)
        try db.run("UPDATE submissions SET state = ?, unknown_since = NULL, next_attempt_at = ? WHERE id = ?",
                   [.text((open ? SubmissionState.awaiting : .done).rawValue), .integer(next.milliseconds), .text(submission.id)])
    }

    static func setSubmission(_ db: StoreConnection, _ id: String, state: SubmissionState, next: Timestamp, error: String?) throws {
        try db.run("UPDATE submissions SET state = ?, next_attempt_at = ?, last_error = COALESCE(?, last_error) WHERE id = ?",
                   [.text(state.rawValue), .integer(next.milliseconds), error.sqlValue, .text(id)])
    }

    /// Marks a submission `done` when none of its payments can move any more.
    static func closeSubmissionIfFinal(_ db: StoreConnection, submissionId: String, at: Timestamp) throws {
        let open = try db.queryFirst("""
            SELECT COUNT(*) AS open FROM payments
            WHERE submission_id = ? AND status NOT IN ('completed', 'rejected', 'failed', 'cancelled', 'returned')
            """, [.text(submissionId)]) { try $0.int("open") } ?? 0
        if open == 0 {
            try db.run("UPDATE submissions SET state = 'done' WHERE id = ?", [.text(submissionId)])
        }
    }

    /// Archives `message` with its size and SHA-256; the account is the submission's unless the
    /// message names one. Returns the archive row.
    @discardableResult
    static func archive(_ db: StoreConnection, bankId: String, submissionId: String?, attempt: Int?,
                        message: MessageToArchive, at: Timestamp) throws -> Int64 {
        var accountId = message.accountId
        if accountId == nil, let submissionId {
            accountId = try db.queryFirst("SELECT debtor_account_id FROM submissions WHERE id = ?", [.text(submissionId)]) {
                try $0.text("debtor_account_id")
            }
        }
        let insertedID = try db.runReturningID("""
            INSERT INTO bank_messages (direction, bank_id, kind, exchange, account_id, submission_id, request_row, attempt,
                                       http_status, at, size, sha256, bytes)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, [.text(message.direction.rawValue), .text(bankId), .text(message.kind), (message.exchange?.rawValue).sqlValue,
                  accountId.sqlValue, submissionId.sqlValue, message.requestId.map { .integer($0) } ?? .null, attempt.map { .integer(Int64($0)) } ?? .null,
                  message.httpStatus.map { .integer(Int64($0)) } ?? .null, .integer(at.milliseconds),
                  .integer(message.wholeSize ?? Int64(message.bytes.count)), .text(message.wholeSHA256 ?? SHA256.hex(message.bytes)),
                  .blob(message.bytes)]).id
        let row = insertedID
        try countArchived(db, bankId: bankId, bytes: Int64(message.bytes.count), isPrefix: message.wholeSize != nil)
        return row
    }

    /// Adds one message holding `bytes` to the bank's running archive totals (`GET /v1/queue`).
    static func countArchived(_ db: StoreConnection, bankId: String, bytes: Int64, isPrefix: Bool) throws {
        try db.run("""
            INSERT INTO bank_archive_totals AS t (bank_id, messages, bytes, prefixes) VALUES (?, 1, ?, ?)
            ON CONFLICT (bank_id) DO UPDATE SET messages = t.messages + 1, bytes = t.bytes + excluded.bytes,
                                                prefixes = t.prefixes + excluded.prefixes
            """, [.text(bankId), .integer(bytes), .integer(isPrefix ? 1 : 0)])
    }
}

/// A send found interrupted (left `sending`) and made `unknown`: its submission as it was read,
/// and the payments it moved.
public struct InterruptedSend: Sendable, Equatable {
    public var submission: SubmissionRecord
    public var paymentIds: [String]
}
