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
                guard let currency = Currency(code: row.text(3)) else { throw StoreError.database("corrupt balance row") }
                return AccountBalance(type: row.text(0), date: row.text(1), amount: Money(minorUnits: row.int(2), currency: currency),
                                      statementId: "stm_\(row.int(4))", recordedAt: Timestamp(milliseconds: row.int(5)))
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
                guard let currency = Currency(code: row.text(3)) else { throw StoreError.database("corrupt balance row") }
                return AccountBalance(type: row.text(0), date: row.text(1), amount: Money(minorUnits: row.int(2), currency: currency),
                                      statementId: "stm_\(row.int(4))", recordedAt: Timestamp(milliseconds: row.int(5)))
            }
        }
    }

    /// An account's transactions with a booking (else value) date in `from…to`, oldest first, after
    /// `cursor` (a transaction row id), at most `limit`.
    public func transactions(accountId: String, from: String?, to: String?, after cursor: Int64?, limit: Int) async throws
        -> [BankTransactionRecord] {
        try await database.read { db in
            try db.query("""
                SELECT \(Self.transactionColumns) FROM bank_transactions
                WHERE account_id = ? AND id > ? AND COALESCE(booking_date, value_date, '') >= ? AND COALESCE(booking_date, value_date, '') <= ?
                ORDER BY id LIMIT ?
                """, [.text(accountId), .integer(cursor ?? 0), .text(from ?? ""), .text(to ?? "9999-12-31"), .integer(Int64(limit))],
                Self.transaction)
        }
    }

    /// One transaction by id (`btx_<n>`).
    public func transaction(id: String) async throws -> BankTransactionRecord? {
        guard let row = BankTransactionRecord.rowId(id) else { return nil }
        return try await database.read { db in
            try db.queryFirst("SELECT \(Self.transactionColumns) FROM bank_transactions WHERE id = ?", [.integer(row)], Self.transaction)
        }
    }

    /// Transactions carrying `endToEndId` (any account).
    public func transactions(endToEndId: String) async throws -> [BankTransactionRecord] {
        try await database.read { db in
            try db.query("SELECT \(Self.transactionColumns) FROM bank_transactions WHERE end_to_end_id = ? ORDER BY id",
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
                StatementGap(id: row.int(0), accountId: row.text(1), reportKind: row.text(2), fromSequence: row.optionalInt(3),
                             toSequence: row.optionalInt(4), fromDate: row.text(5), toDate: row.text(6), reason: row.text(7),
                             state: row.text(8), pulls: Int(row.int(9)))
            }
        }
    }

    /// The most recent end-of-day statement date of an account, if any.
    public func lastStatementDate(accountId: String, reportKind: String) async throws -> String? {
        try await database.read { db in
            try db.queryFirst("""
                SELECT MAX(statement_date) FROM statements WHERE account_id = ? AND report_kind = ? AND state = 'complete'
                """, [.text(accountId), .text(reportKind)], { $0.optionalText(0) }) ?? nil
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

    static func transaction(_ row: SQLiteRow) throws -> BankTransactionRecord {
        guard let currency = Currency(code: row.text(9)) else { throw StoreError.database("corrupt transaction row") }
        let draft = BankTransactionDraft(
            identity: row.text(2), statementId: row.text(4), sequence: Int(row.int(5)), bookingDate: row.optionalText(6),
            valueDate: row.optionalText(7), amount: Money(minorUnits: row.int(8), currency: currency), status: row.text(10),
            reversal: row.int(11) != 0, bankReference: row.optionalText(12), accountServicerReference: row.optionalText(13),
            endToEndId: row.optionalText(14), instructionId: row.optionalText(15), messageId: row.optionalText(16),
            paymentInfoId: row.optionalText(17), uetr: row.optionalText(18), counterpartyName: row.optionalText(19),
            counterpartyAccount: row.optionalText(20), counterpartyBank: row.optionalText(21), remittanceInfo: row.optionalText(22),
            structuredReference: row.optionalText(23), codeDomain: row.optionalText(24), codeFamily: row.optionalText(25),
            codeSubFamily: row.optionalText(26), codeProprietary: row.optionalText(27), balanceAfter: row.optionalInt(28),
            additionalInfo: row.optionalText(29), sourceLine: Int(row.int(30)), sourcePath: row.text(31))
        return BankTransactionRecord(id: "btx_\(row.int(0))", accountId: row.text(1), statementRow: row.int(3), draft: draft,
                                     matchState: row.text(32), createdAt: Timestamp(milliseconds: row.int(33)),
                                     updatedAt: Timestamp(milliseconds: row.int(34)), quarantined: row.int(35) != 0)
    }

    static let statementRecordColumns = statementColumns + """
        , id, entries, booked_credits, booked_debits, opening_balance, closing_balance, closing_available, integrity, \
        expected_closing, new_entries, continuity, state, received_at, review, review_reason, warnings
        """

    static func statementRecord(_ row: SQLiteRow) throws -> StatementRecord {
        let draft = try statementDraft(row)
        let state = row.text(26)
        let completion = state == "complete"
            ? StatementCompletion(entries: Int(row.int(16)), bookedCredits: row.int(17), bookedDebits: row.int(18),
                                  openingBalance: row.optionalInt(19), closingBalance: row.optionalInt(20),
                                  closingAvailable: row.optionalInt(21), integrity: row.text(22), expectedClosing: row.optionalInt(23),
                                  balances: [])
            : nil
        return StatementRecord(id: "stm_\(row.int(15))", draft: draft, completion: completion, newEntries: Int(row.int(24)),
                               continuity: row.text(25), state: state, receivedAt: Timestamp(milliseconds: row.int(27)),
                               review: StatementReview(rawValue: row.text(28)) ?? .quarantined, reviewReason: row.optionalText(29),
                               warnings: row.optionalText(30).map { $0.split(separator: "\n").map(String.init) } ?? [])
    }
}
