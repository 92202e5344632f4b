import BankGateCore

/// The durable store of payments, bank messages, the audit trail and the outbox, on SQLite.
///
/// Every method that changes state runs in one transaction (grouped with concurrent writes by
/// ``SQLiteDatabase``): the change, its audit records and its outbox events commit together.
public final class PaymentStore: Sendable {
    let database: SQLiteDatabase

    /// Opens or creates the store at `path` (the file is created with its schema).
    public init(path: String, maxGroupSize: Int = 512) throws {
        database = try SQLiteDatabase(path: path, migrations: Schema.migrations, readerCount: 2, maxGroupSize: maxGroupSize)
    }

    /// Stops the database threads after pending work.
    public func close() { database.close() }

    // MARK: - Columns and row mapping

    static let paymentColumns = """
        id, batch_id, submission_id, debtor_account_id, bank_id, amount_minor, currency, creditor_name, \
        creditor_account, creditor_bank_code, remittance_info, end_to_end_id, instruction_id, \
        requested_execution_date, status, attempts, last_error, bank_status, reason_code, reason_text, \
        created_at, updated_at, seq
        """

    /// Maps a row selected with ``paymentColumns`` joined with the submission's ids (columns 23, 24).
    static func payment(_ row: SQLiteRow) throws -> PaymentRecord {
        guard let currency = Currency(code: row.text(6)),
              let status = PaymentStatus(rawValue: row.text(14)) else {
            throw StoreError.database("corrupt payment row")
        }
        return PaymentRecord(
            id: row.text(0), batchId: row.optionalText(1), submissionId: row.text(2),
            debtorAccountId: row.text(3), bankId: row.text(4),
            amount: Money(minorUnits: row.int(5), currency: currency),
            creditor: Party(name: row.text(7), account: row.text(8), bankCode: row.optionalText(9)),
            remittanceInfo: row.optionalText(10), endToEndId: row.text(11), instructionId: row.text(12),
            messageId: row.text(23), paymentInfoId: row.text(24),
            requestedExecutionDate: row.text(13), status: status, attempts: Int(row.int(15)),
            lastError: row.optionalText(16), bankStatus: row.optionalText(17), reasonCode: row.optionalText(18),
            reasonText: row.optionalText(19), createdAt: Timestamp(milliseconds: row.int(20)),
            updatedAt: Timestamp(milliseconds: row.int(21)))
    }

    static let paymentSelect = """
        SELECT \(paymentColumns.split(separator: ",").map { "p." + $0.trimmingCharacters() }.joined(separator: ", ")), \
        s.message_id, s.payment_info_id FROM payments p JOIN submissions s ON s.id = p.submission_id
        """

    static let submissionColumns = """
        id, bank_id, debtor_account_id, message_id, payment_info_id, message_kind, created_at, \
        requested_execution_date, state, attempts, queries, next_attempt_at, first_sent_at, unknown_since, last_error
        """

    static func submission(_ row: SQLiteRow) throws -> SubmissionRecord {
        guard let state = SubmissionState(rawValue: row.text(8)) else { throw StoreError.database("corrupt submission row") }
        return SubmissionRecord(
            id: row.text(0), bankId: row.text(1), debtorAccountId: row.text(2), messageId: row.text(3),
            paymentInfoId: row.text(4), messageKind: row.text(5), createdAt: Timestamp(milliseconds: row.int(6)),
            requestedExecutionDate: row.text(7), state: state, attempts: Int(row.int(9)), queries: Int(row.int(10)),
            nextAttemptAt: Timestamp(milliseconds: row.int(11)),
            firstSentAt: row.optionalInt(12).map(Timestamp.init(milliseconds:)),
            unknownSince: row.optionalInt(13).map(Timestamp.init(milliseconds:)), lastError: row.optionalText(14))
    }

    static func loadPayment(_ db: SQLiteConnection, id: String) throws -> PaymentRecord? {
        try db.queryFirst(paymentSelect + " WHERE p.id = ?", [.text(id)], payment)
    }

    static func loadPayments(_ db: SQLiteConnection, submissionId: String) throws -> [PaymentRecord] {
        try db.query(paymentSelect + " WHERE p.submission_id = ? ORDER BY p.seq", [.text(submissionId)], payment)
    }

    static func loadSubmission(_ db: SQLiteConnection, id: String) throws -> SubmissionRecord? {
        try db.queryFirst("SELECT \(submissionColumns) FROM submissions WHERE id = ?", [.text(id)], submission)
    }
}

extension StringProtocol {
    func trimmingCharacters() -> String {
        String(self.drop(while: { $0 == " " || $0 == "\n" }).reversed().drop(while: { $0 == " " || $0 == "\n" }).reversed())
    }
}

extension Optional where Wrapped == String {
    var sqlValue: SQLValue { map(SQLValue.text) ?? .null }
}
