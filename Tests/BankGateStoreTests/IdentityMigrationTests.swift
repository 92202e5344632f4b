import BankGateCore
import BankGateTestSupport
import Foundation
import XCTest
@testable import BankGateStore

/// Migration 003 derives stored transaction identities again: format-independent, the signed
/// amount beside the bank reference, entries stored twice merged (and audited), statements linked
/// to the entries they carried.
final class IdentityMigrationTests: XCTestCase {
    var directory: URL!
    var path: String { directory.appendingPathComponent("store.sqlite").path }

    override func setUp() async throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("bankgate-migration-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDown() async throws {
        try? FileManager.default.removeItem(at: directory)
    }

    /// A database as the releases before 003 left it: acme-usd's −500.00 stored twice, once from
    /// an MT940 (`ref:`) and once from a camt.052 (`asr:`), the first one matched; acme-eur's
    /// self-transfer debit stored under its bare reference.
    private func makeOldDatabase() async throws {
        let old = try StoreDatabase(path: path, migrations: Array(Schema.migrations.prefix(2)))
        try await old.write { db in
            let statement = """
                INSERT INTO statements (id, account_id, format, report_kind, message_id, statement_id, statement_date, currency,
                    integrity, state, source, received_at)
                VALUES (?, ?, ?, ?, ?, ?, '2026-11-20', ?, 'consistent', 'complete', 'pull', 0)
                """
            _ = try db.run(statement, [.integer(1), .text("acme-usd"), .text("MT940"), .text("end_of_day"), .text("M1"), .text("S1"), .text("USD")])
            _ = try db.run(statement, [.integer(2), .text("acme-usd"), .text("camt.052"), .text("intraday"), .text("M2"), .text("S2"), .text("USD")])
            _ = try db.run(statement, [.integer(3), .text("acme-eur"), .text("camt.053"), .text("end_of_day"), .text("M3"), .text("S3"), .text("EUR")])
            let entry = """
                INSERT INTO bank_transactions (id, account_id, identity, statement_row, statement_id, sequence, booking_date, amount_minor,
                    currency, status, bank_reference, account_servicer_reference, match_state, created_at, updated_at)
                VALUES (?, ?, ?, ?, 'S', 1, '2026-11-20', ?, ?, 'booked', ?, ?, ?, 0, 0)
                """
            _ = try db.run(entry, [.integer(10), .text("acme-usd"), .text("ref:SIM-7|2026-11-20|-50000"), .integer(1), .integer(-50000),
                                   .text("USD"), .text("SIM-7"), .null, .text("matched")])
            _ = try db.run(entry, [.integer(11), .text("acme-usd"), .text("asr:SIM-7"), .integer(2), .integer(-50000),
                                   .text("USD"), .text("SIM-7"), .text("SIM-7"), .text("unmatched")])
            _ = try db.run(entry, [.integer(12), .text("acme-eur"), .text("asr:SIM-2"), .integer(3), .integer(-310000),
                                   .text("EUR"), .null, .text("SIM-2"), .text("unmatched")])
            _ = try db.run("""
                INSERT INTO reconciliation_matches (transaction_id, target_kind, target_id, kind, score_permille, reasons, state, created_at)
                VALUES (10, 'payment', 'pay_1', 'exact', 1000, 'end_to_end_id', 'confirmed', 0)
                """)
        }
        old.close()
    }

    func testStoredIdentitiesAreDerivedAgainAndDoublesMerged() async throws {
        try TestStoreBackend.requireSQLite("opens an SQLite store at an old migration (StoreDatabase(path:migrations:)) to migrate its data")
        try await makeOldDatabase()
        let store = try PaymentStore(path: path)
        defer { store.close() }
        let rows = try await store.database.read { db in
            try db.query("SELECT id, identity, match_state FROM bank_transactions ORDER BY id") { try ($0.int("id"), $0.text("identity"), $0.text("match_state")) }
        }
        XCTAssertEqual(rows.map(\.0), [10, 12], "the camt.052 copy of SIM-7 is merged into the MT940 one")
        XCTAssertEqual(rows.map(\.1), ["asr:SIM-7|-50000", "asr:SIM-2|-310000"])
        XCTAssertEqual(rows.first?.2, "matched")

        let links = try await store.database.read { db in
            try db.query("SELECT statement_row, transaction_id FROM statement_entries ORDER BY statement_row") { try [$0.int("statement_row"), $0.int("transaction_id")] }
        }
        XCTAssertEqual(links, [[1, 10], [2, 10], [3, 12]], "both statements that carried SIM-7 point at the one entry")
        let merged = try await ReconciliationStore(sharing: store).auditEntries(subjectKind: "transaction", subjectId: "btx_11")
        XCTAssertEqual(merged.map(\.action), ["transaction.merged"])
        let matches = try await store.database.read { db in
            try db.query("SELECT transaction_id FROM reconciliation_matches") { try $0.int("transaction_id") }
        }
        XCTAssertEqual(matches, [10])

        // The credit side of acme-eur's self-transfer, under the same bank reference, is a new entry now.
        let credit = BankTransactionDraft(
            identity: "asr:SIM-2|310000", statementId: "S4", sequence: 2, bookingDate: "2026-11-20", valueDate: "2026-11-20",
            amount: Money(minorUnits: 310000, currency: Currency(code: "EUR")!), status: "booked", reversal: false,
            bankReference: nil, accountServicerReference: "SIM-2", endToEndId: nil, instructionId: nil, messageId: nil,
            paymentInfoId: nil, uetr: nil, counterpartyName: "ACME Trading GmbH", counterpartyAccount: nil, counterpartyBank: nil,
            remittanceInfo: nil, structuredReference: nil, codeDomain: nil, codeFamily: nil, codeSubFamily: nil,
            codeProprietary: nil, balanceAfter: nil, additionalInfo: nil, sourceLine: 1, sourcePath: "")
        let inserted = try await StatementStore(sharing: store).insertTransactions([credit], accountId: "acme-eur", statementRow: 3,
                                                                                   at: Timestamp(milliseconds: 1))
        XCTAssertEqual(inserted.inserted.count, 1)
        XCTAssertEqual(inserted.duplicates, 0)
    }
}
