import BankGateCore
import BankGateTestSupport
import Foundation
import XCTest
@testable import BankGateStore

/// The audit trail's hash chain: a record altered, removed or inserted directly in the database
/// is named by `verify` at exactly that record; records cut from the end are found against a
/// logged head; an excerpt verifies on its own; records written before the chain are chained by
/// its migration.
final class AuditChainTests: XCTestCase {
    var directory: URL!
    var path: String { directory.appendingPathComponent("store.sqlite").path }
    /// Where `PaymentStore(path:)` keeps the store: the file, or its PostgreSQL schema.
    var location: StoreLocation { PaymentStore.testLocation(for: path) ?? .sqlite(path: path) }
    let t0 = Timestamp(milliseconds: 1_795_000_000_000)

    override func setUp() async throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("bankgate-audit-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDown() async throws {
        try? FileManager.default.removeItem(at: directory)
    }

    /// A store with `count` audit records (ids 1…count), closed again.
    private func makeTrail(count: Int) async throws {
        let store = try PaymentStore(path: path)
        for index in 1...count {
            let at = t0.adding(milliseconds: Int64(index) * 1_000)
            try await store.database.write { db in
                try StoreJournal.audit(db, at: at, actor: "operator:ops", action: "account.frozen",
                                       subject: ("account", "acct-\(index)"), details: index % 3 == 0 ? nil : "reason \(index): 冻结")
            }
        }
        store.close()
    }

    private func verify(expectedHead: (id: Int64, hash: String)? = nil) throws -> AuditVerification {
        let db = try StoreConnection(location: location, readOnly: true)
        return try AuditTrail.verify(db, expectedHead: expectedHead)
    }

    private func tamper(_ sql: String, _ arguments: [SQLValue] = []) throws {
        let db = try StoreConnection(location: location)
        _ = try db.run(sql, arguments)
    }

    private func record(_ id: Int64) throws -> AuditRecord {
        let db = try StoreConnection(location: location, readOnly: true)
        return try XCTUnwrap(AuditTrail.records(db, after: id - 1, through: id, limit: 1).first)
    }

    func testAnIntactTrailVerifiesToItsLastRecord() async throws {
        try await makeTrail(count: 8)
        let result = try verify()
        XCTAssertTrue(result.isIntact, "\(String(describing: result.firstBreak))")
        XCTAssertEqual(result.checked, 8)
        XCTAssertEqual(result.head?.id, 8)
        let first = try record(1), second = try record(2)
        XCTAssertEqual(first.previousHash, AuditChain.genesis)
        XCTAssertEqual(second.previousHash, first.hash)
        XCTAssertEqual(first.hash, first.computedHash)
        XCTAssertEqual(first.hash.count, 64)
    }

    func testAnAlteredRecordIsNamed() async throws {
        try await makeTrail(count: 8)
        try tamper("UPDATE audit_log SET details = 'reason 5: nothing happened' WHERE id = 5")
        let result = try verify()
        XCTAssertEqual(result.firstBreak?.kind, .altered)
        XCTAssertEqual(result.firstBreak?.recordId, 5)
        XCTAssertEqual(result.checked, 5)
        XCTAssertNil(result.head)
    }

    func testAChangedActorOrTimeIsAnAlteration() async throws {
        try await makeTrail(count: 4)
        try tamper("UPDATE audit_log SET at = at + 1 WHERE id = 2")
        XCTAssertEqual(try verify().firstBreak?.recordId, 2)
        XCTAssertEqual(try verify().firstBreak?.kind, .altered)
    }

    func testARemovedRecordIsNamed() async throws {
        try await makeTrail(count: 8)
        try tamper("DELETE FROM audit_log WHERE id = 4")
        let result = try verify()
        XCTAssertEqual(result.firstBreak?.kind, .removed)
        XCTAssertEqual(result.firstBreak?.recordId, 4)
    }

    func testRemovedFirstRecordsAreNamed() async throws {
        try await makeTrail(count: 5)
        try tamper("DELETE FROM audit_log WHERE id <= 2")
        let result = try verify()
        XCTAssertEqual(result.firstBreak?.kind, .removed)
        XCTAssertEqual(result.firstBreak?.recordId, 1)
    }

    /// The attacker knows the algorithm: the later records are moved up one id and a record is put
    /// in at 4, chained to record 3 with a correct hash. Record 5 (once 4) still names record 3.
    func testAnInsertedRecordIsNamedEvenWithACorrectHash() async throws {
        try await makeTrail(count: 8)
        let third = try record(3)
        try tamper("UPDATE audit_log SET id = id + 1000 WHERE id > 3")
        try tamper("UPDATE audit_log SET id = id - 999 WHERE id > 1000")
        var forged = AuditRecord(id: 4, at: third.at.adding(milliseconds: 500), actor: "operator:ops", action: "payment.released",
                                 subjectKind: "payment", subjectId: "pay_forged", details: nil, previousHash: third.hash, hash: "")
        forged.hash = forged.computedHash
        try tamper("""
            INSERT INTO audit_log (id, at, actor, action, subject_kind, subject_id, details, previous_hash, hash)
            VALUES (?, ?, ?, ?, ?, ?, NULL, ?, ?)
            """, [.integer(4), .integer(forged.at.milliseconds), .text(forged.actor), .text(forged.action), .text("payment"),
                  .text("pay_forged"), .text(forged.previousHash), .text(forged.hash)])
        let result = try verify()
        XCTAssertEqual(result.firstBreak?.kind, .inserted)
        XCTAssertEqual(result.firstBreak?.recordId, 4)
    }

    func testARecordAppendedWithoutAValidHashIsNamed() async throws {
        try await makeTrail(count: 3)
        let last = try record(3)
        try tamper("""
            INSERT INTO audit_log (id, at, actor, action, subject_kind, subject_id, details, previous_hash, hash)
            VALUES (4, ?, 'operator:ops', 'payment.released', 'payment', 'pay_x', NULL, ?, ?)
            """, [.integer(last.at.milliseconds + 1), .text(last.hash), .text(String(repeating: "ab", count: 32))])
        XCTAssertEqual(try verify().firstBreak?.kind, .altered)
        XCTAssertEqual(try verify().firstBreak?.recordId, 4)
        try tamper("UPDATE audit_log SET hash = NULL, previous_hash = NULL WHERE id = 4")
        XCTAssertEqual(try verify().firstBreak?.kind, .unchained)
    }

    /// A record rewritten and its hash recomputed hashes right itself; the next record, which
    /// still names the old hash, breaks — at the rewritten record.
    func testARewrittenRecordWithARecomputedHashIsNamed() async throws {
        try await makeTrail(count: 6)
        var third = try record(3)
        third.details = "rewritten"
        let rehashed = third.computedHash
        try tamper("UPDATE audit_log SET details = 'rewritten', hash = ? WHERE id = 3", [.text(rehashed)])
        let result = try verify()
        XCTAssertEqual(result.firstBreak?.kind, .broken)
        XCTAssertEqual(result.firstBreak?.recordId, 3)
    }

    /// Cutting the last records leaves a chain that hashes right; the head a log line recorded
    /// finds it.
    func testRecordsCutFromTheEndAreFoundAgainstTheLoggedHead() async throws {
        try await makeTrail(count: 6)
        let head = try record(6)
        XCTAssertTrue(try verify(expectedHead: (6, head.hash)).isIntact)
        try tamper("DELETE FROM audit_log WHERE id >= 5")
        XCTAssertTrue(try verify().isIntact, "without the logged head the shorter chain holds")
        let result = try verify(expectedHead: (6, head.hash))
        XCTAssertEqual(result.firstBreak?.kind, .headMismatch)
        XCTAssertEqual(result.firstBreak?.recordId, 6)
    }

    func testAnExcerptVerifiesOnItsOwnAndAChangedLineIsNamed() async throws {
        try await makeTrail(count: 9)
        let db = try StoreConnection(location: location, readOnly: true)
        let range = try XCTUnwrap(AuditTrail.idRange(db, from: t0.adding(milliseconds: 3_000), to: t0.adding(milliseconds: 7_000)))
        XCTAssertEqual(range, 3...7)
        let records = try AuditTrail.records(db, after: range.lowerBound - 1, through: range.upperBound, limit: 100)
        var lines = [AuditExcerpt.header(firstId: 3, lastId: 7, records: records.count, anchor: records[0].previousHash,
                                         head: records[records.count - 1].hash)]
        lines += records.map(AuditExcerpt.line)
        let excerpt = lines.joined(separator: "\n") + "\n"

        let intact = try AuditExcerpt.verify(lines: excerpt.split(separator: "\n", omittingEmptySubsequences: false))
        XCTAssertTrue(intact.isIntact, "\(String(describing: intact.firstBreak))")
        XCTAssertEqual(intact.checked, 5)
        XCTAssertEqual(intact.head?.id, 7)

        let changed = excerpt.replacingOccurrences(of: "reason 5: 冻结", with: "reason 5: 解冻")
        let altered = try AuditExcerpt.verify(lines: changed.split(separator: "\n"))
        XCTAssertEqual(altered.firstBreak?.kind, .altered)
        XCTAssertEqual(altered.firstBreak?.recordId, 5)

        var withoutFifth = lines
        withoutFifth.remove(at: 3)
        let removed = try AuditExcerpt.verify(lines: withoutFifth.joined(separator: "\n").split(separator: "\n"))
        XCTAssertEqual(removed.firstBreak?.kind, .removed)
        XCTAssertEqual(removed.firstBreak?.recordId, 5)

        let cut = try AuditExcerpt.verify(lines: lines.dropLast().joined(separator: "\n").split(separator: "\n"))
        XCTAssertFalse(cut.isIntact, "a record cut from the end of the excerpt is found against its header")

        XCTAssertThrowsError(try AuditExcerpt.verify(lines: ["{\"id\": 3}"[...]]))
    }

    /// A database from before the chain: its records are chained by migration 012, oldest first,
    /// and records written afterwards continue the chain.
    func testRecordsWrittenBeforeTheChainAreChainedByItsMigration() async throws {
        try TestStoreBackend.requireSQLite("opens an SQLite store at an old migration (StoreDatabase(path:migrations:)) to migrate its data")
        let old = try StoreDatabase(path: path, migrations: Schema.migrations.filter { $0.name != "012_audit_chain" })
        try await old.write { db in
            for index in 1...4 {
                _ = try db.run("INSERT INTO audit_log (at, actor, action, subject_kind, subject_id, details) VALUES (?, 'api', 'x', 'k', ?, NULL)",
                               [.integer(Int64(index)), .text("s\(index)")])
            }
        }
        old.close()
        let store = try PaymentStore(path: path)
        try await store.database.write { db in
            try StoreJournal.audit(db, at: Timestamp(milliseconds: 5), actor: "api", action: "y", subject: ("k", "s5"), details: nil)
        }
        store.close()
        let result = try verify()
        XCTAssertTrue(result.isIntact, "\(String(describing: result.firstBreak))")
        XCTAssertEqual(result.checked, 5)
        XCTAssertEqual(try record(1).previousHash, AuditChain.genesis)
        XCTAssertEqual(try record(5).previousHash, try record(4).hash)
    }
}
