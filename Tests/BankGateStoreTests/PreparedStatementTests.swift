import BankGateCore
@testable import BankGateStore
import BankGateTestSupport
import Foundation
import XCTest

/// Which statements a PostgreSQL session prepares and when (``PreparedStatementNames``), and that a
/// prepared statement answers as the unnamed one did: its rows, the count of rows it changed, its
/// byte and NULL arguments, and a failed preparation that never poisons the statement.
final class PreparedStatementNamesTests: XCTestCase {
    private let key = PreparedStatementNames.Key(sql: "SELECT 1", byteArguments: [])

    func testAStatementIsPreparedOnItsThirdRunUnderANameOfItsOwn() {
        var names = PreparedStatementNames()
        XCTAssertNil(names.name(for: key))
        XCTAssertNil(names.name(for: key))
        let name = names.name(for: key)
        XCTAssertEqual(name, "bankgate_1")
        names.succeeded(key)
        XCTAssertEqual(names.name(for: key), name)
        let other = PreparedStatementNames.Key(sql: "SELECT 1", byteArguments: [0])
        XCTAssertNil(names.name(for: other))
        XCTAssertNil(names.name(for: other))
        XCTAssertEqual(names.name(for: other), "bankgate_2", "the same text with a byte argument is another statement")
    }

    func testAFailedFirstRunNeverReusesItsNameAndThreeLeaveTheStatementUnnamed() {
        var names = PreparedStatementNames()
        var given: [String] = []
        for _ in 1...PreparedStatementNames.preparationAttempts {
            var name: String?
            while name == nil { name = names.name(for: key) }
            given.append(name!)
            names.failed(key)
        }
        XCTAssertEqual(given, ["bankgate_1", "bankgate_2", "bankgate_3"])
        for _ in 1...10 { XCTAssertNil(names.name(for: key)) }
    }

    func testAFailureAfterASuccessfulRunKeepsTheName() {
        var names = PreparedStatementNames()
        _ = names.name(for: key)
        _ = names.name(for: key)
        let name = names.name(for: key)
        names.succeeded(key)
        names.failed(key)
        XCTAssertEqual(names.name(for: key), name)
    }

    func testNoMoreNamesThanTheCapacityAndNoneKeptAfterAReconnection() {
        var names = PreparedStatementNames()
        for number in 0..<(PreparedStatementNames.capacity + 10) {
            let key = PreparedStatementNames.Key(sql: "SELECT \(number)", byteArguments: [])
            for _ in 1...PreparedStatementNames.preparedAfterRuns { _ = names.name(for: key) }
        }
        XCTAssertEqual(names.namesGiven, PreparedStatementNames.capacity)
        let late = PreparedStatementNames.Key(sql: "SELECT late", byteArguments: [])
        for _ in 1...10 { XCTAssertNil(names.name(for: late)) }
        names.forgetAll()
        for _ in 1..<PreparedStatementNames.preparedAfterRuns { XCTAssertNil(names.name(for: late)) }
        XCTAssertEqual(names.name(for: late), "bankgate_1")
    }
}

/// Against the suite's PostgreSQL (skipped without it): statements run often enough run prepared,
/// and answer exactly as they did unnamed.
final class PostgresPreparedStatementTests: XCTestCase {
    var directory: URL!
    var database: StoreDatabase!

    override func setUp() async throws {
        guard TestStoreBackend.isPostgres else { throw XCTSkip("needs PostgreSQL: set BANKGATE_TEST_POSTGRES") }
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("bankgate-prepared-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let migrations = Schema.migrations + [Migration(name: "900_prepared_test", sql: """
            CREATE TABLE prepared_rows (id INTEGER PRIMARY KEY, kind TEXT NOT NULL, amount INTEGER NOT NULL, payload BLOB);
            """)]
        database = try StoreDatabase(location: scratchStoreLocation(named: "prepared", in: directory), migrations: migrations)
    }

    override func tearDown() async throws {
        database?.close()
        if let directory { try? FileManager.default.removeItem(at: directory) }
    }

    /// The writer's prepared statements, as the server lists them for its connection.
    private func preparedOnWriter() async throws -> [String] {
        try await database.write { db in
            try db.query("SELECT statement AS text FROM pg_prepared_statements ORDER BY name") { try $0.text("text") }
        }
    }

    func testChangedRowCountsAreTheSamePreparedAsUnnamed() async throws {
        try await database.write { db in
            for id in 1...6 {
                try db.run("INSERT INTO prepared_rows (id, kind, amount) VALUES (?, ?, ?)", [.integer(Int64(id)), .text(id <= 5 ? "a" : "b"), .integer(100)])
            }
        }
        var counts: [Int] = []
        for kind in ["a", "b", "none", "a", "b", "none", "a"] {
            counts.append(try await database.write { db in
                try db.run("UPDATE prepared_rows SET amount = amount + 1 WHERE kind = ?", [.text(kind)])
            })
        }
        XCTAssertEqual(counts, [5, 1, 0, 5, 1, 0, 5])
        let amounts = try await database.read { db in try db.query("SELECT amount FROM prepared_rows ORDER BY id") { try $0.int("amount") } }
        XCTAssertEqual(amounts, [103, 103, 103, 103, 103, 102])
        let prepared = try await preparedOnWriter()
        XCTAssertTrue(prepared.contains { $0.hasPrefix("UPDATE prepared_rows SET amount = amount + 1 WHERE kind = $1") && $0.hasSuffix("RETURNING 1") },
                      "the update ran prepared: \(prepared)")
        XCTAssertTrue(prepared.contains { $0.hasPrefix("INSERT INTO prepared_rows") }, "the insert ran prepared: \(prepared)")
    }

    /// On the writer, so that every run of a text is on the connection whose prepared statements
    /// are checked: each read runs twice, six times per text, prepared from its third run.
    func testBytesAndNullsComeBackAsWrittenPreparedAsUnnamed() async throws {
        let payloads: [[UInt8]?] = [[0, 1, 2, 255], nil, [], [7], nil, Array(repeating: 0x41, count: 3000)]
        for (index, payload) in payloads.enumerated() {
            try await database.write { db in
                try db.run("INSERT INTO prepared_rows (id, kind, amount, payload) VALUES (?, ?, ?, ?)",
                           [.integer(Int64(index + 1)), .text("k"), .integer(Int64(index)), payload.map { .blob($0) } ?? .null])
            }
        }
        let select = "SELECT payload FROM prepared_rows WHERE id = ? AND (?2 IS NULL OR kind = ?2)"
        for _ in 1...2 {
            for (index, payload) in payloads.enumerated() {
                let read = try await database.write { db in
                    try db.queryFirst(select, [.integer(Int64(index + 1)), index.isMultiple(of: 2) ? .null : .text("k")]) { row -> [UInt8]? in
                        try row.isNull("payload") ? nil : try row.blob("payload")
                    }
                }
                XCTAssertEqual(read, .some(payload), "row \(index + 1)")
            }
        }
        for _ in 1...3 {
            let byPayload = try await database.write { db in
                try db.query("SELECT id FROM prepared_rows WHERE payload = ?", [.blob([7])]) { try $0.int("id") }
            }
            XCTAssertEqual(byPayload, [4])
        }
        let prepared = try await preparedOnWriter()
        XCTAssertTrue(prepared.contains("SELECT payload FROM prepared_rows WHERE id = $1 AND (TRUE OR kind = $2)"), "\(prepared)")
        XCTAssertTrue(prepared.contains("SELECT payload FROM prepared_rows WHERE id = $1 AND (FALSE OR kind = $2)"), "\(prepared)")
        XCTAssertTrue(prepared.contains("SELECT id FROM prepared_rows WHERE payload = $1"), "\(prepared)")
    }

    /// A statement whose preparation fails (its table is not there yet) fails as it did unnamed,
    /// rolls back only its own job, and runs prepared once the table exists.
    func testAFailedPreparationDoesNotPoisonTheStatement() async throws {
        let select = "SELECT count(*) AS n FROM prepared_later WHERE id > ?"
        for _ in 1...(PreparedStatementNames.preparedAfterRuns * PreparedStatementNames.preparationAttempts - 1) {
            do {
                _ = try await database.write { db in try db.queryFirst(select, [.integer(0)]) { try $0.int("n") } }
                XCTFail("the table is not there yet")
            } catch let error as DatabaseError {
                XCTAssertEqual(error.sqlState, "42P01", error.message)
            }
        }
        try await database.write { db in
            try db.execute("CREATE TABLE prepared_later (id BIGINT PRIMARY KEY)")
            try db.run("INSERT INTO prepared_later (id) VALUES (1), (2), (3)")
        }
        for _ in 1...6 {
            let count = try await database.write { db in try db.queryFirst(select, [.integer(1)]) { try $0.int("n") } }
            XCTAssertEqual(count, 2)
        }
        let prepared = try await preparedOnWriter()
        XCTAssertTrue(prepared.contains(select.replacingOccurrences(of: "?", with: "$1")), "\(prepared)")
    }
}
