import BankGateCore

/// The durable store of payments, bank messages, the audit trail and the outbox, on SQLite.
///
/// Every method that changes state runs in one transaction (grouped with concurrent writes by
/// ``SQLiteDatabase``): the change, its audit records and its outbox events commit together.
public final class PaymentStore: Sendable {
    let database: SQLiteDatabase
    /// The directory that holds the database file; archived files too large for a row are copied
    /// under its `archive/` folder and recorded relative to it.
    public let directory: String

    /// Opens or creates the store at `path` (the file is created with its schema).
    public init(path: String, maxGroupSize: Int = 512) throws {
        database = try SQLiteDatabase(path: path, migrations: Schema.migrations, readerCount: 2, maxGroupSize: maxGroupSize)
        directory = path.lastIndex(of: "/").map { String(path[..<$0]) }.map { $0.isEmpty ? "/" : $0 } ?? "."
    }

    /// Stops the database threads after pending work.
    public func close() { database.close() }

    // MARK: - Columns and row mapping

    /// Maps a row of ``paymentSelect``: the payment's columns, `seq` (22), then its submission's ids (23, 24).
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
        SELECT p.id, p.batch_id, p.submission_id, p.debtor_account_id, p.bank_id, p.amount_minor, p.currency, \
        p.creditor_name, p.creditor_account, p.creditor_bank_code, p.remittance_info, p.end_to_end_id, p.instruction_id, \
        p.requested_execution_date, p.status, p.attempts, p.last_error, p.bank_status, p.reason_code, p.reason_text, \
        p.created_at, p.updated_at, p.seq, s.message_id, s.payment_info_id \
        FROM payments p JOIN submissions s ON s.id = p.submission_id
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

extension Optional where Wrapped == String {
    var sqlValue: SQLValue { map(SQLValue.text) ?? .null }
}
