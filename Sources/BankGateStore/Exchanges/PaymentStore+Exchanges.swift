public import BankGateCore

/// The bank exchange log (银企日志): every exchange with a bank read from the one archive that
/// already holds them all (`bank_messages`), with no second copy to keep in step. An exchange is
/// opened by an outbound message (a payment message, a status query, a statement, balance or
/// receipt request) or by an inbox file; its answer is the inbound message that names the request
/// (`request_row`), or, for a submission's messages, the next answer of the same submission before
/// its next outbound message. Listed newest first; the cursor is the id of the last exchange shown.
extension PaymentStore {
    /// Largest number of archived messages one page looks at when an outcome filter skips many.
    static let exchangeScanBound = 5_000

    /// A page of the exchange log.
    public func exchanges(_ filter: BankExchangeFilter) async throws -> BankExchangePage {
        if let cursor = filter.cursor, BankExchangeEntry.row(of: cursor) == nil { throw StoreError.notFound("cursor") }
        if let accountIds = filter.accountIds, accountIds.isEmpty { return BankExchangePage(exchanges: [], nextCursor: nil) }
        return try await database.read { db in
            let limit = max(1, filter.limit)
            let batchSize = filter.outcome == nil ? limit + 1 : max(100, limit * 2)
            var before = filter.cursor.flatMap(BankExchangeEntry.row(of:)) ?? Int64.max
            var collected: [BankExchangeEntry] = []
            var scanned = 0
            while true {
                let heads = try Self.exchangeHeads(db, filter, before: before, limit: batchSize)
                for (index, head) in heads.enumerated() {
                    scanned += 1
                    if filter.outcome == nil, collected.count == limit {
                        return BankExchangePage(exchanges: collected, nextCursor: collected.last?.id)
                    }
                    before = head.id
                    let entry = try Self.exchangeEntry(db, head: head)
                    guard filter.outcome == nil || entry.outcome == filter.outcome else { continue }
                    collected.append(entry)
                    if filter.outcome != nil, collected.count == limit {
                        let more = index < heads.count - 1 || heads.count == batchSize
                        return BankExchangePage(exchanges: collected, nextCursor: more ? entry.id : nil)
                    }
                }
                if heads.count < batchSize { return BankExchangePage(exchanges: collected, nextCursor: nil) }
                if scanned >= Self.exchangeScanBound { return BankExchangePage(exchanges: collected, nextCursor: "bx_\(before)") }
            }
        }
    }

    /// One exchange with its messages and their bytes; `nil` when `id` opens no exchange or the
    /// exchange is about an account outside `accountIds` (when given).
    public func exchange(id: String, accountIds: [String]? = nil) async throws -> BankExchangeDetail? {
        guard let row = BankExchangeEntry.row(of: id) else { return nil }
        return try await database.read { db in
            guard let head = try db.queryFirst("SELECT \(Self.exchangeSummaryColumns) FROM bank_messages WHERE id = ? AND \(Self.opensExchange)",
                                               [.integer(row)], Self.exchangeMessage) else { return nil }
            if let accountIds {
                guard let account = head.accountId, accountIds.contains(account) else { return nil }
            }
            let entry = try Self.exchangeEntry(db, head: head)
            var rows = [head.id]
            if let answer = entry.answer { rows.append(answer.id) }
            if head.submissionId == nil, head.direction == .outbound {
                // Further messages of a pull: other answers to the request, files its answer named.
                rows += try db.query("""
                    SELECT id FROM bank_messages WHERE request_row = ? OR request_row IN (SELECT id FROM bank_messages WHERE request_row = ?)
                    ORDER BY id
                    """, [.integer(head.id), .integer(head.id)]) { try $0.int("id") }
            }
            var messages: [ArchivedMessage] = []
            for messageRow in Set(rows).sorted() {
                if let message = try db.queryFirst("SELECT \(Self.archivedMessageColumns) FROM bank_messages WHERE id = ?",
                                                   [.integer(messageRow)], Self.archivedMessage) {
                    messages.append(message)
                }
            }
            return BankExchangeDetail(exchange: entry, messages: messages)
        }
    }

    // MARK: - Reading, inside a transaction

    /// A message that opens an exchange: anything sent, and an inbound message that answers no
    /// request of bankgate's (an inbox file, a status report that came on its own).
    static let opensExchange = """
        (direction = 'outbound' OR (request_row IS NULL AND (submission_id IS NULL OR exchange = 'inbox_file')))
        """

    static let exchangeSummaryColumns = """
        id, direction, bank_id, kind, exchange, account_id, submission_id, attempt, http_status, at, \
        COALESCE(size, length(bytes)) AS size
        """

    /// An archived message as the log needs it, without its bytes.
    struct ExchangeMessage {
        var id: Int64
        var direction: MessageDirection
        var bankId: String
        var kind: String
        var exchange: BankExchange?
        var accountId: String?
        var submissionId: String?
        var attempt: Int?
        var httpStatus: Int?
        var at: Timestamp
        var size: Int64

        var summary: ArchivedMessageSummary {
            ArchivedMessageSummary(id: id, direction: direction, kind: kind, httpStatus: httpStatus, at: at, size: size)
        }
    }

    static func exchangeMessage(_ row: StoreRow) throws -> ExchangeMessage {
        try ExchangeMessage(id: row.int("id"), direction: MessageDirection(rawValue: row.text("direction")) ?? .inbound,
                            bankId: row.text("bank_id"), kind: row.text("kind"),
                            exchange: row.optionalText("exchange").flatMap(BankExchange.init(rawValue:)),
                            accountId: row.optionalText("account_id"), submissionId: row.optionalText("submission_id"),
                            attempt: row.optionalInt("attempt").map(Int.init), httpStatus: row.optionalInt("http_status").map(Int.init),
                            at: Timestamp(milliseconds: row.int("at")), size: row.optionalInt("size") ?? 0)
    }

    /// The messages opening exchanges that pass `filter`'s SQL filters, before row `before`, newest first.
    static func exchangeHeads(_ db: StoreConnection, _ filter: BankExchangeFilter, before: Int64, limit: Int) throws -> [ExchangeMessage] {
        var conditions = [opensExchange, "id < ?"]
        var arguments: [SQLValue] = [.integer(before)]
        if let bankId = filter.bankId {
            conditions.append("bank_id = ?")
            arguments.append(.text(bankId))
        }
        if let accountId = filter.accountId {
            conditions.append("account_id = ?")
            arguments.append(.text(accountId))
        }
        if let accountIds = filter.accountIds {
            conditions.append("account_id IN (\(Array(repeating: "?", count: accountIds.count).joined(separator: ", ")))")
            arguments += accountIds.map { .text($0) }
        }
        if let kind = filter.kind {
            let exchanges = kind.openingExchanges.map(\.rawValue)
            conditions.append("exchange IN (\(Array(repeating: "?", count: exchanges.count).joined(separator: ", ")))")
            arguments += exchanges.map { .text($0) }
        }
        if let from = filter.from {
            conditions.append("at >= ?")
            arguments.append(.integer(from.milliseconds))
        }
        if let until = filter.until {
            conditions.append("at < ?")
            arguments.append(.integer(until.milliseconds))
        }
        arguments.append(.integer(Int64(limit)))
        return try db.query("""
            SELECT \(exchangeSummaryColumns) FROM bank_messages WHERE \(conditions.joined(separator: " AND "))
            ORDER BY id DESC LIMIT ?
            """, arguments, exchangeMessage)
    }

    /// The exchange `head` opens: its answer, outcome, payments and statements.
    static func exchangeEntry(_ db: StoreConnection, head: ExchangeMessage) throws -> BankExchangeEntry {
        let kind = BankExchangeKind(opening: head.exchange, direction: head.direction) ?? .inboxFile
        let answer = head.direction == .outbound ? try exchangeAnswer(db, to: head) : nil
        var paymentIds: [String] = []
        if let submissionId = head.submissionId {
            paymentIds = try db.query("SELECT id FROM payments WHERE submission_id = ? ORDER BY seq", [.text(submissionId)]) {
                try $0.text("id")
            }
        }
        let carrier = answer?.id ?? (head.direction == .inbound ? head.id : nil)
        var statementIds: [String] = []
        if let carrier {
            statementIds = try db.query("""
                SELECT statement_row FROM statement_messages
                WHERE message_row = ? OR message_row IN (SELECT id FROM bank_messages WHERE request_row = ?) ORDER BY statement_row
                """, [.integer(carrier), .integer(carrier)]) { row in "stm_" + String(try row.int("statement_row")) }
        }
        let (outcome, errorCode) = try exchangeOutcome(db, head: head, answer: answer)
        return BankExchangeEntry(id: "bx_\(head.id)", bankId: head.bankId, accountId: head.accountId, kind: kind,
                                 outcome: outcome, errorCode: errorCode, startedAt: head.at,
                                 endedAt: answer?.at ?? (head.direction == .inbound || errorCode == head.kind ? head.at : nil),
                                 submissionId: head.submissionId, attempt: head.attempt, paymentIds: paymentIds,
                                 statementIds: statementIds, request: head.summary, answer: answer?.summary)
    }

    /// The inbound message answering the outbound `request`.
    static func exchangeAnswer(_ db: StoreConnection, to request: ExchangeMessage) throws -> ExchangeMessage? {
        guard let submissionId = request.submissionId else {
            return try db.queryFirst("""
                SELECT \(exchangeSummaryColumns) FROM bank_messages WHERE request_row = ? AND direction = 'inbound' ORDER BY id LIMIT 1
                """, [.integer(request.id)], exchangeMessage)
        }
        let answers: [String] = request.exchange == .statusQuery ? [BankExchange.statusAnswer.rawValue] : [BankExchange.paymentAnswer.rawValue]
        return try db.queryFirst("""
            SELECT \(exchangeSummaryColumns) FROM bank_messages
            WHERE submission_id = ? AND direction = 'inbound' AND id > ? AND (exchange = ? OR exchange IS NULL)
              AND id < COALESCE((SELECT MIN(n.id) FROM bank_messages n WHERE n.submission_id = ? AND n.direction = 'outbound' AND n.id > ?),
                                9223372036854775807)
            ORDER BY id LIMIT 1
            """, [.text(submissionId), .integer(request.id), .text(answers[0]), .text(submissionId), .integer(request.id)],
            exchangeMessage)
    }

    /// How the exchange ended, and its error code.
    static func exchangeOutcome(_ db: StoreConnection, head: ExchangeMessage,
                                answer: ExchangeMessage?) throws -> (BankExchangeOutcome, String?) {
        if head.direction == .inbound { return (.ok, nil) }
        if head.kind == "encoding-error" || head.kind == "signing-error" { return (.error, head.kind) }
        guard let answer else {
            // A payment message that never left (a refused connection): its send was recorded as
            // not sent, an error, as the logs and metrics call it; else the answer is not known.
            if let submissionId = head.submissionId, let attempt = head.attempt, try db.queryFirst("""
                SELECT 1 AS found FROM payment_transitions t JOIN payments p ON p.id = t.payment_id
                WHERE p.submission_id = ? AND t.from_status = 'sending' AND t.attempt = ? AND t.reason LIKE 'not sent%' LIMIT 1
                """, [.text(submissionId), .integer(Int64(attempt))], { try $0.int("found") }) != nil {
                return (.error, "not_sent")
            }
            return (.unknown, "no_answer")
        }
        if let status = answer.httpStatus, !(200..<300).contains(status) { return (.error, "http_\(status)") }
        if answer.kind == "http-error" { return (.error, "http_\(answer.httpStatus ?? 0)") }
        if let submissionId = head.submissionId {
            // The answer's transitions are recorded in its transaction, at its time.
            let rejected = try db.queryFirst("""
                SELECT 1 AS found FROM payment_transitions t JOIN payments p ON p.id = t.payment_id
                WHERE p.submission_id = ? AND t.to_status = 'rejected' AND t.cause = 'bank' AND t.at = ? LIMIT 1
                """, [.text(submissionId), .integer(answer.at.milliseconds)]) { try $0.int("found") } != nil
            if rejected { return (.rejected, nil) }
        }
        return (.ok, nil)
    }
}
