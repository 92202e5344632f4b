public import BankGateCore

/// The archive of exchanges that do not belong to a submission: statement and report requests and
/// their answers, balance refreshes, files from the bank's inbox — and which statements each
/// brought. Payment messages and status queries are archived by the dispatch methods, in the
/// transaction that records what they did.
extension PaymentStore {
    /// Archives one message, as it went to or came from `bankId` (about `submissionId`, when it is
    /// one's and nothing else records it). Returns its archive id.
    @discardableResult
    public func archive(bankId: String, submissionId: String? = nil, message: MessageToArchive, at: Timestamp) async throws -> Int64 {
        try await database.write { db in
            try Self.archive(db, bankId: bankId, submissionId: submissionId, attempt: nil, message: message, at: at)
        }
    }

    /// Records an inbox file that was copied to `storedFile` (relative to ``directory``) instead of
    /// being held in a row, with the size and SHA-256 measured while copying. Returns its archive id.
    public func archiveStoredFile(bankId: String, kind: String, storedFile: String, size: Int64, sha256: String,
                                  at: Timestamp) async throws -> Int64 {
        try await database.write { db in
            let insertedID = try db.runReturningID("""
                INSERT INTO bank_messages (direction, bank_id, kind, exchange, at, size, sha256, stored_file, bytes)
                VALUES ('inbound', ?, ?, ?, ?, ?, ?, ?, ?)
                """, [.text(bankId), .text(kind), .text(BankExchange.inboxFile.rawValue), .integer(at.milliseconds),
                      .integer(size), .text(sha256), .text(storedFile), .blob([])]).id
            let row = insertedID
            try Self.countArchived(db, bankId: bankId, bytes: size, isPrefix: false)
            return row
        }
    }

    /// Records that the statements `statementIds` (`stm_<n>`) came in the archived message
    /// `messageId`, and gives the message their account when it had none (an inbox file is read
    /// before anyone knows whose it is).
    public func linkStatements(_ statementIds: [String], toMessage messageId: Int64) async throws {
        let rows = statementIds.compactMap { $0.hasPrefix("stm_") ? Int64($0.dropFirst(4)) : nil }
        guard !rows.isEmpty else { return }
        try await database.write { db in
            for row in rows {
                try db.run("INSERT INTO statement_messages (statement_row, message_row) VALUES (?, ?) ON CONFLICT DO NOTHING",
                           [.integer(row), .integer(messageId)])
            }
            try db.run("""
                UPDATE bank_messages SET account_id = (SELECT s.account_id FROM statements s WHERE s.id = ?)
                WHERE id = ? AND account_id IS NULL
                """, [.integer(rows[0]), .integer(messageId)])
        }
    }

    /// The archived exchange that brought the statement `statementId`: the answer (or inbox file)
    /// that carried it and, for a pull, the request it answered. Oldest first.
    public func messages(statementId: String) async throws -> [ArchivedMessage] {
        guard statementId.hasPrefix("stm_"), let row = Int64(statementId.dropFirst(4)) else { throw StoreError.notFound("statement") }
        return try await database.read { db in
            guard try db.queryFirst("SELECT 1 AS found FROM statements WHERE id = ?", [.integer(row)], { try $0.int("found") }) != nil else {
                throw StoreError.notFound("statement")
            }
            let answers = try db.query("""
                SELECT \(Self.archivedMessageColumns) FROM bank_messages
                WHERE id IN (SELECT message_row FROM statement_messages WHERE statement_row = ?) ORDER BY id
                """, [.integer(row)], Self.archivedMessage)
            var messages: [ArchivedMessage] = []
            for answer in answers {
                if let requestId = answer.requestId,
                   let request = try db.queryFirst("SELECT \(Self.archivedMessageColumns) FROM bank_messages WHERE id = ?",
                                                   [.integer(requestId)], Self.archivedMessage) {
                    messages.append(request)
                }
                messages.append(answer)
            }
            return messages
        }
    }

    /// The archived messages that brought each of `statementIds` (`stm_<n>`), by statement id.
    public func messageIds(statementIds: [String]) async throws -> [String: [Int64]] {
        let rows = statementIds.compactMap { $0.hasPrefix("stm_") ? Int64($0.dropFirst(4)) : nil }
        guard !rows.isEmpty else { return [:] }
        return try await database.read { db in
            var linked: [String: [Int64]] = [:]
            let placeholders = Array(repeating: "?", count: rows.count).joined(separator: ", ")
            let pairs = try db.query("""
                SELECT statement_row, message_row FROM statement_messages WHERE statement_row IN (\(placeholders))
                ORDER BY statement_row, message_row
                """, rows.map { .integer($0) }) { try ($0.int("statement_row"), $0.int("message_row")) }
            for (statement, message) in pairs { linked["stm_\(statement)", default: []].append(message) }
            return linked
        }
    }

    /// One archived message.
    public func archivedMessage(id: Int64) async throws -> ArchivedMessage? {
        try await database.read { db in
            try db.queryFirst("SELECT \(Self.archivedMessageColumns) FROM bank_messages WHERE id = ?", [.integer(id)],
                              Self.archivedMessage)
        }
    }

    /// The messages archived about `accountId` (its submissions' included), oldest first.
    public func archivedMessages(accountId: String, limit: Int) async throws -> [ArchivedMessage] {
        try await database.read { db in
            try db.query("SELECT \(Self.archivedMessageColumns) FROM bank_messages WHERE account_id = ? ORDER BY id LIMIT ?",
                         [.text(accountId), .integer(Int64(limit))], Self.archivedMessage)
        }
    }

    /// The columns ``archivedMessage(_:)`` reads.
    static let archivedMessageColumns = """
        id, direction, bank_id, kind, exchange, account_id, submission_id, attempt, http_status, at, size, sha256, stored_file, \
        request_row, bytes
        """

    /// Maps a row of ``archivedMessageColumns``.
    static func archivedMessage(_ row: StoreRow) throws -> ArchivedMessage {
        try ArchivedMessage(id: row.int("id"), direction: MessageDirection(rawValue: row.text("direction")) ?? .inbound,
                            bankId: row.text("bank_id"), kind: row.text("kind"),
                            exchange: row.optionalText("exchange").flatMap(BankExchange.init(rawValue:)),
                            accountId: row.optionalText("account_id"), submissionId: row.optionalText("submission_id"),
                            attempt: row.optionalInt("attempt").map(Int.init),
                            httpStatus: row.optionalInt("http_status").map(Int.init), at: Timestamp(milliseconds: row.int("at")),
                            size: row.optionalInt("size"), sha256: row.optionalText("sha256"),
                            storedFile: row.optionalText("stored_file"), requestId: row.optionalInt("request_row"),
                            bytes: row.blob("bytes"))
    }
}
