import BankGateCore

extension StatementStore {
    /// The latest balance of each type for an account (the most recent date per type).
    public func balances(accountId: String) async throws -> [AccountBalance] {
        try await database.read { db in
            try db.query("""
                SELECT b.type, b.date, b.amount_minor, b.currency, b.statement_row, b.recorded_at FROM balances b
                WHERE b.account_id = ? AND b.date = (SELECT MAX(date) FROM balances WHERE account_id = b.account_id AND type = b.type)
                ORDER BY b.type
                """, [.text(accountId)]) { row in
                guard let currency = try Currency(code: row.text("currency")) else { throw StoreError.database("corrupt balance row") }
                return try AccountBalance(type: row.text("type"), date: row.text("date"),
                                          amount: Money(minorUnits: row.int("amount_minor"), currency: currency),
                                          statementId: "stm_\(row.int("statement_row"))",
                                          recordedAt: Timestamp(milliseconds: row.int("recorded_at")))
            }
        }
    }

    /// The booked closing balance (`CLBD`) of an account on `date`, or the last one before it.
    public func closingBalance(accountId: String, onOrBefore date: String) async throws -> AccountBalance? {
        try await database.read { db in
            try db.queryFirst("""
                SELECT type, date, amount_minor, currency, statement_row, recorded_at FROM balances
                WHERE account_id = ? AND type = 'CLBD' AND date <= ? ORDER BY date DESC LIMIT 1
                """, [.text(accountId), .text(date)]) { row in
                guard let currency = try Currency(code: row.text("currency")) else { throw StoreError.database("corrupt balance row") }
                return try AccountBalance(type: row.text("type"), date: row.text("date"),
                                          amount: Money(minorUnits: row.int("amount_minor"), currency: currency),
                                          statementId: "stm_\(row.int("statement_row"))",
                                          recordedAt: Timestamp(milliseconds: row.int("recorded_at")))
            }
        }
    }

    /// An account's transactions with a booking (else value) date in `from…to`, oldest first, after
    /// `cursor` (a transaction row id), at most `limit`; none of a statement still importing.
    public func transactions(accountId: String, from: String?, to: String?, after cursor: Int64?, limit: Int) async throws
        -> [BankTransactionRecord] {
        try await database.read { db in
            try db.query("""
                SELECT \(Self.transactionColumns) FROM bank_transactions t
                WHERE account_id = ? AND id > ? AND COALESCE(booking_date, value_date, '') >= ? AND COALESCE(booking_date, value_date, '') <= ?
                  AND \(Self.publishedOnly)
                ORDER BY id LIMIT ?
                """, [.text(accountId), .integer(cursor ?? 0), .text(from ?? ""), .text(to ?? "9999-12-31"), .integer(Int64(limit))],
                Self.transaction)
        }
    }

    /// One transaction by id (`btx_<n>`).
    public func transaction(id: String) async throws -> BankTransactionRecord? {
        guard let row = BankTransactionRecord.rowId(id) else { return nil }
        return try await database.read { db in
            try db.queryFirst("SELECT \(Self.transactionColumns) FROM bank_transactions WHERE id = ? AND staged = 0", [.integer(row)],
                              Self.transaction)
        }
    }

    /// Transactions carrying `endToEndId` (any account).
    public func transactions(endToEndId: String) async throws -> [BankTransactionRecord] {
        try await database.read { db in
            try db.query("SELECT \(Self.transactionColumns) FROM bank_transactions WHERE end_to_end_id = ? AND staged = 0 ORDER BY id",
                         [.text(endToEndId)], Self.transaction)
        }
    }

    /// A statement by id (`stm_<n>`).
    public func statement(id: String) async throws -> StatementRecord? {
        guard id.hasPrefix("stm_"), let row = Int64(id.dropFirst(4)) else { return nil }
        return try await database.read { db in
            try db.queryFirst("SELECT \(Self.statementRecordColumns) FROM statements WHERE id = ?", [.integer(row)], Self.statementRecord)
        }
    }

    /// An account's statements, newest first.
    public func statements(accountId: String, limit: Int) async throws -> [StatementRecord] {
        try await database.read { db in
            try db.query("SELECT \(Self.statementRecordColumns) FROM statements WHERE account_id = ? ORDER BY id DESC LIMIT ?",
                         [.text(accountId), .integer(Int64(limit))], Self.statementRecord)
        }
    }

    /// Open gaps, oldest first.
    public func openGaps() async throws -> [StatementGap] {
        try await database.read { db in
            try db.query("""
                SELECT id, account_id, report_kind, from_seq, to_seq, from_date, to_date, reason, state, pulls
                FROM statement_gaps WHERE state = 'open' ORDER BY id
                """, []) { row in
                try StatementGap(id: row.int("id"), accountId: row.text("account_id"), reportKind: row.value("report_kind"),
                                 fromSequence: row.optionalInt("from_seq"), toSequence: row.optionalInt("to_seq"),
                                 fromDate: row.text("from_date"), toDate: row.text("to_date"), reason: row.text("reason"),
                                 state: row.text("state"), pulls: Int(row.int("pulls")))
            }
        }
    }

    /// The most recent end-of-day statement date of an account, if any.
    public func lastStatementDate(accountId: String, reportKind: StatementReportKind) async throws -> String? {
        try await database.read { db in
            try db.queryFirst("""
                SELECT MAX(statement_date) AS last_date FROM statements WHERE account_id = ? AND report_kind = ? AND state = 'complete'
                """, [.text(accountId), .text(reportKind.rawValue)], { try $0.optionalText("last_date") }) ?? nil
        }
    }

    // MARK: - Row mapping

    static let transactionColumns = """
        id, account_id, identity, statement_row, statement_id, sequence, booking_date, value_date, amount_minor, currency, status, \
        reversal, bank_reference, account_servicer_reference, end_to_end_id, instruction_id, message_id, payment_info_id, uetr, \
        counterparty_name, counterparty_account, counterparty_bank, remittance_info, structured_reference, btc_domain, btc_family, \
        btc_sub_family, btc_proprietary, balance_after, additional_info, source_line, source_path, match_state, created_at, updated_at, \
        quarantined
        """

    static func transaction(_ row: StoreRow) throws -> BankTransactionRecord {
        guard let currency = try Currency(code: row.text("currency")) else { throw StoreError.database("corrupt transaction row") }
        let draft = try BankTransactionDraft(
            identity: row.text("identity"), statementId: row.text("statement_id"), sequence: Int(row.int("sequence")),
            bookingDate: row.optionalText("booking_date"), valueDate: row.optionalText("value_date"),
            amount: Money(minorUnits: row.int("amount_minor"), currency: currency), status: row.text("status"),
            reversal: row.int("reversal") != 0, bankReference: row.optionalText("bank_reference"),
            accountServicerReference: row.optionalText("account_servicer_reference"),
            endToEndId: row.optionalText("end_to_end_id"), instructionId: row.optionalText("instruction_id"),
            messageId: row.optionalText("message_id"), paymentInfoId: row.optionalText("payment_info_id"),
            uetr: row.optionalText("uetr"), counterpartyName: row.optionalText("counterparty_name"),
            counterpartyAccount: row.optionalText("counterparty_account"),
            counterpartyBank: row.optionalText("counterparty_bank"), remittanceInfo: row.optionalText("remittance_info"),
            structuredReference: row.optionalText("structured_reference"), codeDomain: row.optionalText("btc_domain"),
            codeFamily: row.optionalText("btc_family"), codeSubFamily: row.optionalText("btc_sub_family"),
            codeProprietary: row.optionalText("btc_proprietary"), balanceAfter: row.optionalInt("balance_after"),
            additionalInfo: row.optionalText("additional_info"), sourceLine: Int(row.int("source_line")),
            sourcePath: row.text("source_path"))
        return try BankTransactionRecord(id: "btx_\(row.int("id"))", accountId: row.text("account_id"),
                                         statementRow: row.int("statement_row"), draft: draft,
                                         matchState: row.value("match_state"),
                                         createdAt: Timestamp(milliseconds: row.int("created_at")),
                                         updatedAt: Timestamp(milliseconds: row.int("updated_at")),
                                         quarantined: row.int("quarantined") != 0)
    }

    static let statementRecordColumns = statementColumns + """
        , id, entries, booked_credits, booked_debits, opening_balance, closing_balance, closing_available, integrity, \
        expected_closing, new_entries, continuity, state, received_at, review, review_reason, warnings
        """

    static func statementRecord(_ row: StoreRow) throws -> StatementRecord {
        let draft = try statementDraft(row)
        let state = try row.text("state")
        let completion = try state == "complete"
            ? StatementCompletion(entries: Int(row.int("entries")), bookedCredits: row.int("booked_credits"),
                                  bookedDebits: row.int("booked_debits"), openingBalance: row.optionalInt("opening_balance"),
                                  closingBalance: row.optionalInt("closing_balance"),
                                  closingAvailable: row.optionalInt("closing_available"), integrity: row.value("integrity"),
                                  expectedClosing: row.optionalInt("expected_closing"), balances: [])
            : nil
        return try StatementRecord(id: "stm_\(row.int("id"))", draft: draft, completion: completion,
                                   newEntries: Int(row.int("new_entries")), continuity: row.value("continuity"), state: state,
                                   receivedAt: Timestamp(milliseconds: row.int("received_at")),
                                   review: StatementReview(rawValue: row.text("review")) ?? .quarantined,
                                   reviewReason: row.optionalText("review_reason"),
                                   warnings: row.optionalText("warnings").map { $0.split(separator: "\n").map(String.init) } ?? [])
    }
}
