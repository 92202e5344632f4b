import BankGateCore
@testable import BankGateStore
import BankGateTestSupport
import Foundation
import Synchronization
import XCTest

/// Rerunnable writes (``StoreDatabase/write(rerunnable:_:)``, intake's) run without a savepoint of
/// their own; when one throws, its group is rolled back whole and run again with savepoints, so that
/// every caller still learns the outcome of its own body alone, and a guarded body never runs twice.
/// Runs on SQLite, and on PostgreSQL in the suite's PostgreSQL pass.
final class RerunnableWriteTests: XCTestCase {
    var directory: URL!
    var database: StoreDatabase!

    override func setUp() async throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("bankgate-rerun-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let migrations = Schema.migrations + [Migration(name: "900_rerun_test", sql: "CREATE TABLE notes (id BIGINT PRIMARY KEY)")]
        database = try StoreDatabase(location: scratchStoreLocation(named: "rerun", in: directory), migrations: migrations)
    }

    override func tearDown() async throws {
        database?.close()
        try? FileManager.default.removeItem(at: directory)
    }

    private struct Refused: Error {}

    /// Six rerunnable writes in one group, the third refusing after it inserted its row: the group
    /// ran twice (the refusing body once without and once with its savepoint), the other five are
    /// stored and reported stored, the refused one neither.
    func testARerunnableBodyThatThrowsIsRolledBackAloneAfterItsGroupRunsAgain() async throws {
        let runs = Mutex([Int: Int]())
        let outcomes = try await GroupCommitTests.submitAsOneGroup(ids: Array(1...6), to: database, rerunnable: { _ in true }) { id, db in
            runs.withLock { $0[id, default: 0] += 1 }
            try db.run("INSERT INTO notes (id) VALUES (?)", [.integer(Int64(id))])
            if id == 3 { throw Refused() }
        }
        let stored = try await storedIds()
        XCTAssertEqual(stored, [1, 2, 4, 5, 6])
        for (id, outcome) in outcomes {
            switch outcome {
            case .success: XCTAssertNotEqual(id, 3, "the refused write reported stored")
            case .failure(let error):
                XCTAssertEqual(id, 3, "write \(id) failed: \(error)")
                XCTAssertTrue(error is Refused, "the caller learns its own body's error, got \(error)")
            }
        }
        let counts = runs.withLock { $0 }
        XCTAssertEqual(counts[3], 2, "run without a savepoint, then again in one")
        XCTAssertTrue(counts.values.allSatisfy { $0 <= 2 }, "no body runs more than twice: \(counts)")
    }

    /// A group of rerunnable writes that all succeed runs once and commits them all.
    func testRerunnableBodiesThatSucceedRunOnce() async throws {
        let runs = Mutex([Int: Int]())
        let outcomes = try await GroupCommitTests.submitAsOneGroup(ids: Array(1...5), to: database, rerunnable: { _ in true }) { id, db in
            runs.withLock { $0[id, default: 0] += 1 }
            try db.run("INSERT INTO notes (id) VALUES (?)", [.integer(Int64(id))])
        }
        XCTAssertTrue(outcomes.values.allSatisfy { (try? $0.get()) != nil })
        let stored = try await storedIds()
        XCTAssertEqual(stored, [1, 2, 3, 4, 5])
        XCTAssertEqual(runs.withLock { $0 }, [1: 1, 2: 1, 3: 1, 4: 1, 5: 1])
    }

    /// Guarded and rerunnable writes in one group, a rerunnable one refusing: the group runs again,
    /// but each guarded body runs exactly once (the rerunnable ones run first, so no guarded body
    /// has run when the group is rolled back); a refusing guarded body rolls back alone.
    func testAGuardedBodyNeverRunsTwice() async throws {
        let runs = Mutex([Int: Int]())
        let outcomes = try await GroupCommitTests.submitAsOneGroup(ids: Array(1...8), to: database,
                                                                   rerunnable: { $0.isMultiple(of: 2) }) { id, db in
            runs.withLock { $0[id, default: 0] += 1 }
            try db.run("INSERT INTO notes (id) VALUES (?)", [.integer(Int64(id))])
            if id == 4 || id == 5 { throw Refused() }
        }
        let stored = try await storedIds()
        XCTAssertEqual(stored, [1, 2, 3, 6, 7, 8])
        for (id, outcome) in outcomes {
            XCTAssertEqual((try? outcome.get()) != nil, stored.contains(id), "write \(id): reported and stored disagree")
        }
        let counts = runs.withLock { $0 }
        for id in [1, 3, 5, 7] { XCTAssertEqual(counts[id], 1, "guarded body \(id) ran \(counts[id] ?? 0) times") }
        XCTAssertEqual(counts[4], 2)
    }

    /// Rerunnable writes appending audit records, one refusing after its appends: the group's rerun
    /// starts from the chain as committed (the head remembered in the rolled-back run is forgotten),
    /// so the chain verifies with consecutive ids and the refused body's records are gone.
    func testTheAuditChainHoldsAcrossARerunGroup() async throws {
        let at = Timestamp(milliseconds: 1_796_000_000_000)
        _ = try await database.write { db in
            try AuditChain.append(db, at: at, actor: "test", action: "before", subject: ("note", "before"), details: nil)
        }
        let outcomes = try await GroupCommitTests.submitAsOneGroup(ids: Array(1...6), to: database, rerunnable: { _ in true }) { id, db in
            var batch = WriteBatch()
            try AuditChain.append(db, into: &batch, at: at, actor: "test", action: "batch.\(id)", subject: ("note", "\(id)"), details: nil)
            try db.runBatch(batch)
            try AuditChain.append(db, at: at, actor: "test", action: "direct.\(id)", subject: ("note", "\(id)"), details: nil)
            if id == 4 { throw Refused() }
        }
        XCTAssertEqual(outcomes.values.filter { (try? $0.get()) == nil }.count, 1)

        let records = try await database.read { db in try AuditChain.records(db, after: 0, limit: 1000) }
        var verifier = AuditChainVerifier()
        for record in records where !verifier.check(record) { break }
        XCTAssertNil(verifier.firstBreak, "\(verifier.firstBreak.map(String.init(describing:)) ?? "")")
        XCTAssertEqual(records.map(\.id), Array(1...Int64(records.count)), "ids follow each other")
        XCTAssertEqual(records.count, 1 + 5 * 2)
        XCTAssertFalse(records.contains { $0.action.hasSuffix(".4") }, "the refused body's records are gone")
    }

    private func storedIds() async throws -> [Int] {
        try await database.read { try $0.query("SELECT id FROM notes ORDER BY id") { try Int($0.int("id")) } }
    }
}
