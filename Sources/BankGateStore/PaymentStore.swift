import BankGateCore
import BankGateCrypto
import Foundation
import Synchronization

/// The durable store of payments, bank messages, the audit trail and the outbox, on SQLite or
/// PostgreSQL.
///
/// Every method that changes state runs in one transaction (grouped with concurrent writes by
/// ``StoreDatabase``): the change, its audit records and its outbox events commit together.
public final class PaymentStore: Sendable {
    let database: StoreDatabase
    /// The directory that holds the database file; archived files too large for a row are copied
    /// under its `archive/` folder and recorded relative to it.
    public let directory: String
    /// How this instance leases work in a shared store; `nil` on SQLite.
    public let leasing: WorkLeasing?
    /// Per bank: reason codes that say a rejected payment's debtor account is frozen or closed.
    let learnedStatusCodes = Mutex<[String: [String: AccountStatus]]>([:])

    /// Opens or creates the SQLite store at `path` (the file is created with its schema).
    ///
    /// Test seam: with `BANKGATE_TEST_POSTGRES` set to a PostgreSQL URL, the store opens in that
    /// database instead, in a schema named after `path` (so a test that reopens a path finds its
    /// data, and two paths never share one). This is how the whole suite runs against PostgreSQL.
    public convenience init(path: String, maxGroupSize: Int = 512) throws {
        let directory = path.lastIndex(of: "/").map { String(path[..<$0]) }.map { $0.isEmpty ? "/" : $0 } ?? "."
        try self.init(location: Self.location(path: path), directory: directory, maxGroupSize: maxGroupSize,
                      leasing: WorkLeasing(owner: "test-instance", durationMilliseconds: 30_000))
    }

    /// Opens or creates the store at `location`; `directory` is the data folder (archived files too
    /// large for a row are kept under it). `leasing`: how this instance leases work in a store it
    /// shares with others (PostgreSQL; ignored for SQLite, whose file one process holds).
    public init(location: StoreLocation, directory: String, maxGroupSize: Int = 512, leasing: WorkLeasing? = nil) throws {
        database = try StoreDatabase(location: location, migrations: Schema.migrations, readerCount: 2, maxGroupSize: maxGroupSize)
        self.directory = directory
        if case .postgres = location { self.leasing = leasing } else { self.leasing = nil }
    }

    /// Where the database is.
    public var location: StoreLocation { database.location }

    /// Where the store whose SQLite file is at `path` is: that file, or under the test seam
    /// (`BANKGATE_TEST_POSTGRES`) the PostgreSQL schema ``init(path:maxGroupSize:)`` opens for it.
    /// Tools that read a store by its file path (`bankgate audit`, `bankgate doctor`) open this.
    public static func location(path: String) -> StoreLocation {
        testLocation(for: path) ?? .sqlite(path: path)
    }

    /// The PostgreSQL schema standing in for the SQLite file at `path` when the suite runs against
    /// PostgreSQL (`BANKGATE_TEST_POSTGRES`), else `nil`.
    static func testLocation(for path: String) -> StoreLocation? {
        guard let url = ProcessInfo.processInfo.environment["BANKGATE_TEST_POSTGRES"], !url.isEmpty,
              let server = PostgresLocation(url: url) else { return nil }
        return .postgres(server.inSchema("t_" + SHA256.hex(SHA256.digest(Array(path.utf8))).prefix(24)))
    }

    /// Stops the database threads after pending work.
    public func close() { database.close() }

    // MARK: - Columns and row mapping

    /// Maps a row of ``paymentSelect``: the payment's columns, then its submission's ids.
    static func payment(_ row: StoreRow) throws -> PaymentRecord {
        guard let currency = try Currency(code: row.text("currency")),
              let status = try PaymentStatus(rawValue: row.text("status")) else {
            throw StoreError.database("corrupt payment row")
        }
        var record = try PaymentRecord(
            id: row.text("id"), batchId: row.optionalText("batch_id"), submissionId: row.text("submission_id"),
            debtorAccountId: row.text("debtor_account_id"), bankId: row.text("bank_id"),
            amount: Money(minorUnits: row.int("amount_minor"), currency: currency),
            creditor: Party(name: row.text("creditor_name"), account: row.text("creditor_account"),
                            bankCode: row.optionalText("creditor_bank_code"), bankName: row.optionalText("creditor_bank_name"),
                            bankBranch: row.optionalText("creditor_bank_branch"), address: address(row)),
            remittanceInfo: row.optionalText("remittance_info"), endToEndId: row.text("end_to_end_id"),
            instructionId: row.text("instruction_id"), messageId: row.text("message_id"),
            paymentInfoId: row.text("payment_info_id"), requestedExecutionDate: row.text("requested_execution_date"),
            status: status, attempts: Int(row.int("attempts")), lastError: row.optionalText("last_error"),
            bankStatus: row.optionalText("bank_status"), reasonCode: row.optionalText("reason_code"),
            reasonText: row.optionalText("reason_text"), createdAt: Timestamp(milliseconds: row.int("created_at")),
            updatedAt: Timestamp(milliseconds: row.int("updated_at")),
            details: TransferDetails(
                purpose: row.optionalText("purpose"), priority: row.optionalText("priority").flatMap(PaymentPriority.init(rawValue:)),
                categoryPurpose: row.optionalText("category_purpose"),
                chargeBearer: row.optionalText("charge_bearer").flatMap(ChargeBearer.init(rawValue:)),
                sameBank: row.optionalInt("same_bank").map { $0 != 0 }))
        record.suspectedDuplicateOf = try row.optionalText("suspected_duplicate_of")
        record.holdReason = status == .queued || status == .held ? try row.optionalText("held_reason") : nil
        record.approval = try approval(row)
        return record
    }

    /// The creditor's address columns, or `nil` when no country is stored (there is none).
    static func address(_ row: StoreRow) throws -> PostalAddress? {
        guard let country = try row.optionalText("creditor_country") else { return nil }
        return try PostalAddress(
            street: row.optionalText("creditor_street"), town: row.optionalText("creditor_town"),
            postalCode: row.optionalText("creditor_postal_code"), country: country,
            lines: row.optionalText("creditor_address_lines").map { $0.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) } ?? [])
    }

    /// The columns of ``TransferDetails`` and of the creditor's bank and address, in the order of
    /// ``detailValues(_:_:)``.
    static let detailColumns = """
        purpose, priority, category_purpose, charge_bearer, same_bank, creditor_bank_name, creditor_bank_branch, \
        creditor_street, creditor_town, creditor_postal_code, creditor_country, creditor_address_lines
        """

    static func detailValues(_ details: TransferDetails, _ creditor: Party) -> [SQLValue] {
        let address = creditor.address
        return [details.purpose.sqlValue, details.priority?.rawValue.sqlValue ?? .null, details.categoryPurpose.sqlValue,
                details.chargeBearer?.rawValue.sqlValue ?? .null, details.sameBank.map { .integer($0 ? 1 : 0) } ?? .null,
                creditor.bankName.sqlValue, creditor.bankBranch.sqlValue, address?.street.sqlValue ?? .null,
                address?.town.sqlValue ?? .null, address?.postalCode.sqlValue ?? .null, address.map { .text($0.country) } ?? .null,
                address.flatMap { $0.lines.isEmpty ? nil : $0.lines.joined(separator: "\n") }.sqlValue]
    }

    static let paymentSelect = """
        SELECT p.id, p.batch_id, p.submission_id, p.debtor_account_id, p.bank_id, p.amount_minor, p.currency, \
        p.creditor_name, p.creditor_account, p.creditor_bank_code, p.remittance_info, p.end_to_end_id, p.instruction_id, \
        p.requested_execution_date, p.status, p.attempts, p.last_error, p.bank_status, p.reason_code, p.reason_text, \
        p.created_at, p.updated_at, p.seq, s.message_id, s.payment_info_id, s.held_reason, \
        p.purpose, p.priority, p.category_purpose, p.charge_bearer, p.same_bank, p.creditor_bank_name, p.creditor_bank_branch, \
        p.creditor_street, p.creditor_town, p.creditor_postal_code, p.creditor_country, p.creditor_address_lines, \
        p.suspected_duplicate_of, p.submitted_by, p.approvals_needed, p.approval_rules, p.approval_expires_at \
        FROM payments p JOIN submissions s ON s.id = p.submission_id
        """

    static let submissionColumns = """
        id, bank_id, debtor_account_id, message_id, payment_info_id, message_kind, created_at, \
        requested_execution_date, state, attempts, queries, next_attempt_at, first_sent_at, unknown_since, last_error, \
        request_id
        """

    static func submission(_ row: StoreRow) throws -> SubmissionRecord {
        guard let state = try SubmissionState(rawValue: row.text("state")) else { throw StoreError.database("corrupt submission row") }
        return try SubmissionRecord(
            id: row.text("id"), bankId: row.text("bank_id"), debtorAccountId: row.text("debtor_account_id"),
            messageId: row.text("message_id"), paymentInfoId: row.text("payment_info_id"), messageKind: row.text("message_kind"),
            createdAt: Timestamp(milliseconds: row.int("created_at")),
            requestedExecutionDate: row.text("requested_execution_date"), state: state, attempts: Int(row.int("attempts")),
            queries: Int(row.int("queries")), nextAttemptAt: Timestamp(milliseconds: row.int("next_attempt_at")),
            firstSentAt: row.optionalInt("first_sent_at").map(Timestamp.init(milliseconds:)),
            unknownSince: row.optionalInt("unknown_since").map(Timestamp.init(milliseconds:)),
            lastError: row.optionalText("last_error"), requestId: row.optionalText("request_id"))
    }

    static func loadPayment(_ db: StoreConnection, id: String) throws -> PaymentRecord? {
        try db.queryFirst(paymentSelect + " WHERE p.id = ?", [.text(id)], payment)
    }

    static func loadPayments(_ db: StoreConnection, submissionId: String) throws -> [PaymentRecord] {
        try db.query(paymentSelect + " WHERE p.submission_id = ? ORDER BY p.seq", [.text(submissionId)], payment)
    }

    static func loadSubmission(_ db: StoreConnection, id: String) throws -> SubmissionRecord? {
        try db.queryFirst("SELECT \(submissionColumns) FROM submissions WHERE id = ?", [.text(id)], submission)
    }
}

extension String {
    var sqlValue: SQLValue { .text(self) }
}

extension Optional where Wrapped == String {
    var sqlValue: SQLValue { map(SQLValue.text) ?? .null }
}
