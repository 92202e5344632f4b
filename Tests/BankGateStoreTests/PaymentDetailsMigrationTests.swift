@testable import BankGateStore
import BankGateCore
import BankGateTestSupport
import Foundation
import XCTest

/// Migration 007: payments stored before it read back without details; payments stored after it
/// keep every field, an address without lines included.
final class PaymentDetailsMigrationTests: XCTestCase {
    var directory: URL!

    override func setUp() {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("bankgate-details-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDown() {
        try? FileManager.default.removeItem(at: directory)
    }

    func testPaymentsFromBeforeMigration007HaveNoDetailsAndNewOnesKeepThem() async throws {
        try TestStoreBackend.requireSQLite("opens an SQLite store at an old migration (StoreDatabase(path:migrations:)) to migrate its data")
        let path = directory.appendingPathComponent("store.sqlite").path
        XCTAssertEqual(Schema.migrations.map(\.name)[6], "007_payment_details")
        let released = try StoreDatabase(path: path, migrations: Array(Schema.migrations.prefix(6)))
        try await released.write { db in
            try db.run("""
                INSERT INTO submissions (id, bank_id, debtor_account_id, message_id, payment_info_id, message_kind, created_at,
                                         requested_execution_date, state, next_attempt_at)
                VALUES ('sub_1', 'bank', 'acme-eur', 'BGM1', 'BGM1-1', 'pain.001.001.09', 0, '2026-03-05', 'queued', 0)
                """)
            try db.run("""
                INSERT INTO payments (id, batch_id, submission_id, debtor_account_id, bank_id, amount_minor, currency, creditor_name,
                                      creditor_account, end_to_end_id, instruction_id, requested_execution_date, status,
                                      created_at, updated_at)
                VALUES ('pay_1', 'bat_1', 'sub_1', 'acme-eur', 'bank', 100, 'EUR', 'X', 'GB82WEST12345698765432', 'E1', 'I1',
                        '2026-03-05', 'queued', 0, 0)
                """)
        }
        released.close()

        let store = try PaymentStore(path: path)
        defer { store.close() }
        let stored = try await store.payment(id: "pay_1")
        let old = try XCTUnwrap(stored)
        XCTAssertEqual(old.details, TransferDetails())
        XCTAssertNil(old.creditor.bankName)
        XCTAssertNil(old.creditor.address)
        let oldBatch = try await store.payments(batchId: "bat_1")
        XCTAssertEqual(oldBatch.map(\.id), ["pay_1"])

        let eur = Currency(code: "EUR")!
        let details = TransferDetails(purpose: "Miete", priority: .normal, categoryPurpose: "RENT", chargeBearer: .creditor, sameBank: true)
        func draft(_ id: String, _ address: PostalAddress?) -> PaymentDraft {
            PaymentDraft(id: id, batchId: "bat_2", submissionId: "sub_2", debtorAccountId: "acme-eur", bankId: "bank",
                         amount: Money(minorUnits: 1, currency: eur),
                         creditor: Party(name: "Y", account: "GB82WEST12345698765432", bankCode: nil, bankName: "Westminster",
                                         bankBranch: "Soho", address: address),
                         remittanceInfo: nil, endToEndId: "E-\(id)", instructionId: "I-\(id)", requestedExecutionDate: "2026-03-05",
                         details: details)
        }
        let submission = SubmissionDraft(id: "sub_2", bankId: "bank", debtorAccountId: "acme-eur", messageId: "BGM2",
                                         paymentInfoId: "BGM2-1", messageKind: "pain.001.001.09", requestedExecutionDate: "2026-03-05")
        let withLines = PostalAddress(street: "1 Soho Sq", town: "London", postalCode: "W1D 3QU", country: "GB", lines: ["Floor 2", "Desk 4"])
        let townOnly = PostalAddress(town: "London", country: "GB")
        _ = try await store.accept([draft("pay_2", withLines), draft("pay_3", townOnly), draft("pay_4", nil)], submissions: [submission],
                                   claim: IdempotencyClaim(client: "t", key: "k", fingerprint: "f"), at: Timestamp(milliseconds: 1))
        let read = try await store.payments(batchId: "bat_2")
        XCTAssertEqual(read.map(\.id), ["pay_2", "pay_3", "pay_4"])
        XCTAssertEqual(read.map(\.details), [details, details, details])
        XCTAssertEqual(read.map(\.creditor.address), [withLines, townOnly, nil])
        XCTAssertEqual(read.map(\.creditor.bankName), ["Westminster", "Westminster", "Westminster"])
        XCTAssertEqual(read.map(\.creditor.bankBranch), ["Soho", "Soho", "Soho"])
        let none = try await store.payments(batchId: "bat_none")
        XCTAssertEqual(none, [])
    }
}
