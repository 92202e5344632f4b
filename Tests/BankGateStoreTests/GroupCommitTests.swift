@testable import BankGateStore
import Foundation
import Synchronization
import XCTest

/// Group commit tells every caller exactly whether its write is durable, also when the group's
/// transaction cannot begin or is rolled back in the middle.
final class GroupCommitTests: XCTestCase {
    var directory: URL!
    var database: StoreDatabase!
    var path: String { directory.appendingPathComponent("group.sqlite").path }

    override func setUp() async throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("bankgate-group-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        database = try StoreDatabase(path: path, migrations: [
            Migration(name: "notes", sql: "CREATE TABLE notes (id INTEGER PRIMARY KEY)"),
        ])
    }

    override func tearDown() async throws {
        database.close()
        try? FileManager.default.removeItem(at: directory)
    }

    /// While another connection holds the write lock, BEGIN fails and no body of the group may run:
    /// each body here releases that lock first, so a body that did run would commit on its own.
    func testWritesOfAGroupThatCannotBeginNeverRunAndAllFail() async throws {
        try await database.write { try $0.execute("PRAGMA busy_timeout=50") }
        let holder = try LockHolder(path: path)
        let ran = Mutex(0)
        let outcomes = await Self.submit(ids: Array(1...6), to: database) { id, connection in
            ran.withLock { $0 += 1 }
            holder.release()
            try connection.run("INSERT INTO notes (id) VALUES (?)", [.integer(Int64(id))])
        }
        holder.release()

        XCTAssertEqual(ran.withLock { $0 }, 0, "no body runs when the transaction did not begin")
        for (id, outcome) in outcomes {
            guard case .failure(let error) = outcome else { return XCTFail("write \(id) reported stored") }
            XCTAssertEqual((error as? DatabaseError).map { $0.code & 0xFF }, 5, "write \(id): SQLITE_BUSY, got \(error)")
        }
        let stored = try await storedIds()
        XCTAssertEqual(stored, [], "a write reported failed is not in the database")
        // The writer is usable again once the lock is free.
        _ = try await database.write { try $0.run("INSERT INTO notes (id) VALUES (100)") }
        let after = try await storedIds()
        XCTAssertEqual(after, [100])
    }

    /// A body that ends the transaction stands for SQLite rolling it back on its own: what ran is
    /// gone and reported failed, and the rest of the group does not run outside the transaction.
    func testAutomaticRollbackInTheMiddleOfAGroupFailsEveryWriteOfTheGroup() async throws {
        let ids = Array(1...6)
        let executed = Mutex(0)
        let outcomes = try await Self.submitAsOneGroup(ids: ids, to: database) { id, connection in
            try connection.run("INSERT INTO notes (id) VALUES (?)", [.integer(Int64(id))])
            let order = executed.withLock { count -> Int in
                count += 1
                return count
            }
            if order == 3 { try connection.execute("ROLLBACK") }
        }

        XCTAssertEqual(executed.withLock { $0 }, 3, "no body runs after the rollback")
        let stored = try await storedIds()
        XCTAssertEqual(stored, [])
        for (id, outcome) in outcomes {
            if case .success = outcome { XCTFail("write \(id) reported stored, but the transaction was rolled back") }
        }
        _ = try await database.write { try $0.run("INSERT INTO notes (id) VALUES (100)") }
        let after = try await storedIds()
        XCTAssertEqual(after, [100], "the writer is usable after the rollback")
    }

    /// One body failing on its own rolls back only its own changes; the others commit.
    func testAFailingBodyRollsBackOnlyItself() async throws {
        struct Refused: Error {}
        let outcomes = try await Self.submitAsOneGroup(ids: Array(1...4), to: database) { id, connection in
            try connection.run("INSERT INTO notes (id) VALUES (?)", [.integer(Int64(id))])
            if id == 2 { throw Refused() }
        }
        let stored = try await storedIds()
        XCTAssertEqual(stored, [1, 3, 4])
        for (id, outcome) in outcomes {
            switch outcome {
            case .success: XCTAssertTrue(stored.contains(id), "write \(id) reported stored but missing")
            case .failure: XCTAssertFalse(stored.contains(id), "write \(id) reported failed but stored")
            }
        }
    }

    // MARK: - Helpers

    typealias Body = @Sendable (Int, StoreConnection) throws -> Void

    /// Submits one write per id concurrently and returns each outcome; the ids `rerunnable` names
    /// are submitted as rerunnable writes (``StoreDatabase/write(rerunnable:_:)``).
    static func submit(ids: [Int], to database: StoreDatabase, rerunnable: @escaping @Sendable (Int) -> Bool = { _ in false },
                       body: @escaping Body) async -> [Int: Result<Void, any Error>] {
        await withTaskGroup(of: (Int, Result<Void, any Error>).self) { group in
            for id in ids {
                group.addTask {
                    do {
                        try await database.write(rerunnable: rerunnable(id)) { connection in try body(id, connection) }
                        return (id, .success(()))
                    } catch {
                        return (id, .failure(error))
                    }
                }
            }
            var outcomes: [Int: Result<Void, any Error>] = [:]
            for await (id, outcome) in group { outcomes[id] = outcome }
            return outcomes
        }
    }

    /// Holds the writer in a first write until all `ids` are queued, so that they run as one group.
    static func submitAsOneGroup(ids: [Int], to database: StoreDatabase, rerunnable: @escaping @Sendable (Int) -> Bool = { _ in false },
                                 body: @escaping Body) async throws -> [Int: Result<Void, any Error>] {
        let started = DispatchSemaphore(value: 0)
        let proceed = DispatchSemaphore(value: 0)
        let blocker = Task {
            try await database.write { _ in
                started.signal()
                proceed.wait()
            }
        }
        await Task.detached { started.wait() }.value
        let writes = Task { await GroupCommitTests.submit(ids: ids, to: database, rerunnable: rerunnable, body: body) }
        let deadline = ContinuousClock.now + .seconds(30)
        while database.queuedWriteCount < ids.count {
            guard ContinuousClock.now < deadline else {
                proceed.signal()
                throw GroupNotFormed(queued: database.queuedWriteCount, expected: ids.count)
            }
            try await Task.sleep(for: .milliseconds(5))
        }
        proceed.signal()
        try await blocker.value
        return await writes.value
    }

    func storedIds() async throws -> [Int] {
        try await database.read { try $0.query("SELECT id FROM notes ORDER BY id") { try Int($0.int("id")) } }
    }
}

/// The writes of a test did not all reach the writer's queue in time.
struct GroupNotFormed: Error {
    var queued: Int
    var expected: Int
}

/// A second connection to the same file holding the write lock (`BEGIN IMMEDIATE`) until released.
final class LockHolder: Sendable {
    private let connection: Mutex<StoreConnection?>

    init(path: String) throws {
        let connection = try StoreConnection(path: path)
        try connection.execute("BEGIN IMMEDIATE")
        self.connection = Mutex(connection)
    }

    /// Ends the transaction and closes the connection; later calls do nothing.
    func release() {
        connection.withLock { held in
            try? held?.execute("ROLLBACK")
            held = nil
        }
    }
}
