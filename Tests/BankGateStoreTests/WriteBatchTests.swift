import BankGateCore
@testable import BankGateStore
import BankGateTestSupport
import Foundation
import XCTest

/// Writes gathered in a ``WriteBatch`` land as if run one by one (on PostgreSQL they are one
/// statement), fail as a whole with their job, and the audit chain's head the writer remembers
/// within a group never outlives a rolled-back job. Runs on SQLite, and on PostgreSQL in the
/// suite's PostgreSQL pass.
final class WriteBatchTests: XCTestCase {
    var directory: URL!
    var database: StoreDatabase!

    override func setUp() async throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("bankgate-batch-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let migrations = Schema.migrations + [Migration(name: "900_batch_test", sql: """
            CREATE TABLE batch_parent (id TEXT PRIMARY KEY, note TEXT);
            CREATE TABLE batch_child (id INTEGER PRIMARY KEY, parent_id TEXT NOT NULL REFERENCES batch_parent (id),
                                      amount INTEGER NOT NULL, note TEXT NOT NULL);
            """)]
        database = try StoreDatabase(location: scratchStoreLocation(named: "batch", in: directory), migrations: migrations)
    }

    override func tearDown() async throws {
        database?.close()
        try? FileManager.default.removeItem(at: directory)
    }

    /// 2 parents and 38 children in one batch (more than one combined statement on PostgreSQL):
    /// every row has its own arguments, the children's parents were written by the same batch,
    /// and a placeholder tested for NULL is told apart per row.
    func testEveryStatementOfABatchLandsWithItsOwnArguments() async throws {
        var batch = WriteBatch()
        batch.add("INSERT INTO batch_parent (id, note) VALUES (?, ?)", [.text("p1"), .text("first")])
        batch.add("INSERT INTO batch_parent (id, note) VALUES (?, ?)", [.text("p2"), .null])
        for n in 1...38 {
            batch.add("INSERT INTO batch_child (id, parent_id, amount, note) VALUES (?, ?, ?, CASE WHEN ?4 IS NULL THEN 'none' ELSE ?4 END)",
                      [.integer(Int64(n)), .text(n.isMultiple(of: 2) ? "p2" : "p1"), .integer(Int64(n * 100)),
                       n.isMultiple(of: 3) ? .null : .text("note \(n)")])
        }
        let statements = batch
        try await database.write { try $0.runBatch(statements) }

        let children = try await database.read { db in
            try db.query("SELECT id, parent_id, amount, note FROM batch_child ORDER BY id") {
                "\(try $0.int("id")) \(try $0.text("parent_id")) \(try $0.int("amount")) \(try $0.text("note"))"
            }
        }
        XCTAssertEqual(children, (1...38).map { n in
            "\(n) \(n.isMultiple(of: 2) ? "p2" : "p1") \(n * 100) \(n.isMultiple(of: 3) ? "none" : "note \(n)")"
        })
        let parents = try await database.read { db in
            try db.query("SELECT id, note FROM batch_parent ORDER BY id") { "\(try $0.text("id"))=\(try $0.optionalText("note") ?? "nil")" }
        }
        XCTAssertEqual(parents, ["p1=first", "p2=nil"])
    }

    /// A part that fails (a duplicate key) fails its job: nothing of the batch is stored, and a
    /// job after it writes as usual.
    func testAFailingPartLeavesNothingOfItsBatch() async throws {
        _ = try await database.write { try $0.run("INSERT INTO batch_parent (id, note) VALUES ('p1', 'stored before')") }
        var batch = WriteBatch()
        batch.add("INSERT INTO batch_parent (id, note) VALUES (?, ?)", [.text("p2"), .text("new")])
        batch.add("INSERT INTO batch_child (id, parent_id, amount, note) VALUES (?, ?, ?, ?)",
                  [.integer(1), .text("p2"), .integer(5), .text("child")])
        batch.add("INSERT INTO batch_parent (id, note) VALUES (?, ?)", [.text("p1"), .text("again")])
        let failing = batch
        do {
            try await database.write { try $0.runBatch(failing) }
            XCTFail("a batch with a duplicate key must fail")
        } catch let error as DatabaseError {
            XCTAssertTrue(error.isConstraintViolation, "\(error)")
        }
        _ = try await database.write { try $0.run("INSERT INTO batch_parent (id, note) VALUES ('p3', 'after')") }
        let parents = try await database.read { db in try db.query("SELECT id FROM batch_parent ORDER BY id") { try $0.text("id") } }
        XCTAssertEqual(parents, ["p1", "p3"])
        let children = try await database.read { db in try db.query("SELECT id FROM batch_child") { try $0.int("id") } }
        XCTAssertEqual(children, [])
    }

    /// Audit appends of one group: the writer remembers the chain's head between jobs, and forgets
    /// it when a job that appended is rolled back, so the next record chains to the last one kept.
    func testTheAuditChainHoldsAcrossAGroupWithARolledBackJob() async throws {
        let at = Timestamp(milliseconds: 1_796_000_000_000)
        struct Refused: Error {}
        let outcomes = try await GroupCommitTests.submitAsOneGroup(ids: Array(1...8), to: database) { id, db in
            var batch = WriteBatch()
            try AuditChain.append(db, into: &batch, at: at, actor: "test", action: "batch.\(id)", subject: ("note", "\(id)"), details: nil)
            try db.runBatch(batch)
            try AuditChain.append(db, at: at, actor: "test", action: "direct.\(id)", subject: ("note", "\(id)"), details: "one by one")
            if id.isMultiple(of: 3) { throw Refused() }
        }
        XCTAssertEqual(outcomes.values.filter { (try? $0.get()) == nil }.count, 2, "jobs 3 and 6 fail")
        _ = try await database.write { db in
            try AuditChain.append(db, at: at, actor: "test", action: "after", subject: ("note", "after"), details: nil)
        }

        let records = try await database.read { db in try AuditChain.records(db, after: 0, limit: 1000) }
        var verifier = AuditChainVerifier()
        for record in records where !verifier.check(record) { break }
        XCTAssertNil(verifier.firstBreak, "\(verifier.firstBreak.map(String.init(describing:)) ?? "")")
        XCTAssertEqual(records.map(\.id), Array(1...Int64(records.count)), "ids follow each other")
        let kept = Set(records.map(\.action))
        XCTAssertEqual(kept.count, 6 * 2 + 1)
        XCTAssertFalse(kept.contains("batch.3") || kept.contains("direct.6"), "a failed job's records are gone")
        XCTAssertEqual(records.last?.action, "after")
    }

    /// Text that would need quoting in SQL comes back as written, run after run of the same cached
    /// statement; text with a NUL, which PostgreSQL's text cannot hold, is refused by both stores
    /// (SQLite bound it cut at the NUL before) and leaves nothing behind.
    func testArgumentsComeBackAsWritten() async throws {
        let notes = ["O'Brien'); DROP TABLE batch_parent; --", #"back\slash \' \\ 上海 '' "#, "tab\tnew\nline", "", "€ and ☃"]
        for (index, note) in notes.enumerated() {
            _ = try await database.write { db in
                try db.run("INSERT INTO batch_parent (id, note) VALUES (?, ?)", [.text("p\(index)"), .text(note)])
            }
        }
        _ = try await database.write { db in try db.run("INSERT INTO batch_parent (id, note) VALUES (?, ?)", [.text("null"), .null]) }
        let stored = try await database.read { db in
            try db.query("SELECT id, note FROM batch_parent ORDER BY id") { (try $0.text("id"), try $0.optionalText("note")) }
        }
        XCTAssertEqual(stored.map(\.0), ["null"] + notes.indices.map { "p\($0)" })
        XCTAssertEqual(stored.map(\.1), [nil] + notes)
        let nul = try? await database.write { db in try db.run("INSERT INTO batch_parent (id, note) VALUES (?, ?)", [.text("n"), .text("a\u{0}b")]) }
        XCTAssertNil(nul, "text with a NUL is refused")
        let rows = try await database.read { db in try db.query("SELECT id FROM batch_parent WHERE id = 'n'") { try $0.text("id") } }
        XCTAssertEqual(rows, [])
    }
}
