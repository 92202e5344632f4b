@testable import BankGateStore
import BankGateCore
import BankGateCrypto
import BankGateTestSupport
import Foundation
import XCTest

/// Migration 004 keeps what was archived before it and fills in what it can tell.
final class ArchiveMigrationTests: XCTestCase {
    func testMessagesArchivedBeforeMigration004KeepTheirBytesAndGainSizeDigestExchangeAndAccount() async throws {
        try TestStoreBackend.requireSQLite("opens an SQLite store at an old migration (StoreDatabase(path:migrations:)) to migrate its data")
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("bankgate-archive-migration-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("store.sqlite").path
        let released = try StoreDatabase(path: path, migrations: Array(Schema.migrations.prefix(3)))
        let query = Array("<Document>pacs.028</Document>".utf8)
        let answer = Array("<Document>pain.002</Document>".utf8)
        try await released.write { db in
            try db.run("""
                INSERT INTO submissions (id, bank_id, debtor_account_id, message_id, payment_info_id, message_kind, created_at,
                                         requested_execution_date, state, next_attempt_at)
                VALUES ('sub_1', 'bank', 'acme-eur', 'BGM1', 'BGM1-1', 'pain.001.001.09', 0, '2026-03-05', 'done', 0)
                """)
            try db.run("""
                INSERT INTO payments (id, submission_id, debtor_account_id, bank_id, amount_minor, currency, creditor_name,
                                      creditor_account, end_to_end_id, instruction_id, requested_execution_date, status,
                                      created_at, updated_at)
                VALUES ('pay_1', 'sub_1', 'acme-eur', 'bank', 100, 'EUR', 'X', 'GB82WEST12345698765432', 'E1', 'I1', '2026-03-05',
                        'completed', 0, 0)
                """)
            try db.run("INSERT INTO bank_messages (direction, bank_id, kind, submission_id, at, bytes) VALUES ('outbound', 'bank', 'pacs.028.001.03', 'sub_1', 1, ?)",
                       [.blob(query)])
            try db.run("INSERT INTO bank_messages (direction, bank_id, kind, submission_id, http_status, at, bytes) VALUES ('inbound', 'bank', 'pain.002', 'sub_1', 200, 2, ?)",
                       [.blob(answer)])
        }
        released.close()

        let store = try PaymentStore(path: path)
        defer { store.close() }
        let messages = try await store.messages(paymentId: "pay_1")
        XCTAssertEqual(messages.map(\.bytes), [query, answer])
        XCTAssertEqual(messages.map(\.size), [Int64(query.count), Int64(answer.count)])
        XCTAssertEqual(messages.map(\.sha256), [SHA256.hex(query), SHA256.hex(answer)], "computed when read")
        XCTAssertEqual(messages.map(\.exchange), [.statusQuery, nil], "an old inbound message cannot be told apart")
        XCTAssertEqual(messages.map(\.accountId), ["acme-eur", "acme-eur"])
    }

    func testMigration006CountsWhatWasArchivedAndThePrefixOfARefusedAnswer() async throws {
        try TestStoreBackend.requireSQLite("opens an SQLite store at an old migration (StoreDatabase(path:migrations:)) to migrate its data")
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("bankgate-archive-totals-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("store.sqlite").path
        let released = try StoreDatabase(path: path, migrations: Array(Schema.migrations.prefix(4)))
        try await released.write { db in
            try db.run("INSERT INTO bank_messages (direction, bank_id, kind, at, size, bytes) VALUES ('inbound', 'a', 'pain.002', 1, 3, ?)",
                       [.blob([1, 2, 3])])
            try db.run("INSERT INTO bank_messages (direction, bank_id, kind, at, size, bytes) VALUES ('inbound', 'a', 'pain.002', 2, 2, ?)",
                       [.blob([4, 5])])
            try db.run("""
                INSERT INTO bank_messages (direction, bank_id, kind, at, size, sha256, stored_file, bytes)
                VALUES ('inbound', 'b', 'camt.053', 3, 5000, 'x', 'archive/inbox/b/f', ?)
                """, [.blob([])])
        }
        released.close()

        let store = try PaymentStore(path: path)
        defer { store.close() }
        var totals = try await store.archiveTotals()
        XCTAssertEqual(totals["a"], ArchiveTotals(messages: 2, bytes: 5, prefixes: 0))
        XCTAssertEqual(totals["b"], ArchiveTotals(messages: 1, bytes: 5000, prefixes: 0), "a copied file counts its size")

        let refused = [UInt8](repeating: 65, count: 10_000)
        let id = try await store.archive(bankId: "a", message: MessageToArchive(
            direction: .inbound, kind: "pain.002", exchange: .statusAnswer, httpStatus: 200, bytes: refused).keepingPrefix(100),
            at: Timestamp(milliseconds: 4))
        totals = try await store.archiveTotals()
        XCTAssertEqual(totals["a"], ArchiveTotals(messages: 3, bytes: 105, prefixes: 1))
        let kept = try await store.archivedMessage(id: id)
        XCTAssertEqual(kept?.bytes, Array(refused.prefix(100)))
        XCTAssertEqual(kept?.size, 10_000)
        XCTAssertEqual(kept?.sha256, SHA256.hex(refused))
        XCTAssertEqual(kept?.isPrefix, true)
    }
}
