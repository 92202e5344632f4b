@testable import BankGateStore
import XCTest

/// Rows are read by column name, resolved once per prepared statement; a name the query lacks is
/// an error that names it.
final class StoreRowTests: XCTestCase {
    var connection: StoreConnection!

    override func setUp() async throws {
        connection = try StoreConnection(path: ":memory:")
        try connection.execute("""
            CREATE TABLE notes (id INTEGER PRIMARY KEY, title TEXT NOT NULL, body TEXT, size INTEGER, bytes BLOB);
            INSERT INTO notes (id, title, body, size, bytes) VALUES (1, 'first', NULL, NULL, x'0102');
            INSERT INTO notes (id, title, body, size, bytes) VALUES (2, 'second', 'text', 7, NULL);
            """)
    }

    override func tearDown() async throws {
        connection = nil
    }

    func testColumnsAreReadByNameWhateverTheirPosition() throws {
        let rows = try connection.query("SELECT bytes, size, body, title, id FROM notes ORDER BY id") { row in
            try (row.int("id"), row.text("title"), row.optionalText("body"), row.optionalInt("size"), row.blob("bytes"))
        }
        XCTAssertEqual(rows.map(\.0), [1, 2])
        XCTAssertEqual(rows.map(\.1), ["first", "second"])
        XCTAssertEqual(rows.map(\.2), [nil, "text"])
        XCTAssertEqual(rows.map(\.3), [nil, 7])
        XCTAssertEqual(rows.map(\.4), [[1, 2], []])
    }

    func testExpressionsAreReadByTheirAliasAndTablePrefixesAreDropped() throws {
        let counted = try connection.queryFirst("SELECT COUNT(*) AS notes, MAX(n.size) AS largest FROM notes n", []) { row in
            try (row.int("notes"), row.optionalInt("largest"))
        }
        XCTAssertEqual(counted?.0, 2)
        XCTAssertEqual(counted?.1, 7)
        let title = try connection.queryFirst("SELECT n.title FROM notes n WHERE n.id = ?", [.integer(2)]) { try $0.text("title") }
        XCTAssertEqual(title, "second")
        XCTAssertEqual(try connection.queryFirst("SELECT body FROM notes WHERE id = 1", []) { try $0.isNull("body") }, true)
    }

    func testAColumnTheQueryLacksIsAnErrorNamingIt() throws {
        XCTAssertThrowsError(try connection.queryFirst("SELECT id, title FROM notes", []) { try $0.text("body") }) { error in
            guard case StoreError.database(let message) = error else { return XCTFail("\(error)") }
            XCTAssertTrue(message.contains("body"), message)
        }
        XCTAssertThrowsError(try connection.query("SELECT id, title AS id FROM notes", []) { try $0.int("id") }) { error in
            guard case StoreError.database(let message) = error else { return XCTFail("\(error)") }
            XCTAssertTrue(message.contains("id") && message.contains("ambiguous"), message)
        }
    }

    func testTheCachedStatementKeepsItsColumnNames() throws {
        for _ in 0..<3 {
            let ids = try connection.query("SELECT id AS note FROM notes ORDER BY id", []) { try $0.int("note") }
            XCTAssertEqual(ids, [1, 2])
        }
    }
}
