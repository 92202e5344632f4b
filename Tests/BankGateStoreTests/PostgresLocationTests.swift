import XCTest
@testable import BankGateCore

/// Reading a `postgres://` URL: what the daemon and the tools connect to.
final class PostgresLocationTests: XCTestCase {
    func testTheURLsPartsAreRead() throws {
        let location = try XCTUnwrap(PostgresLocation(url: "postgres://bank%40gate:s3cret@db.internal:6543/bankgate?schema=main_1"))
        XCTAssertEqual(location.username, "bank@gate")
        XCTAssertEqual(location.password, "s3cret")
        XCTAssertEqual(location.host, "db.internal")
        XCTAssertEqual(location.port, 6543)
        XCTAssertEqual(location.database, "bankgate")
        XCTAssertEqual(location.schema, "main_1")
        XCTAssertEqual(PostgresLocation(url: "postgresql://bankgate@127.0.0.1/bankgate")?.port, 5432)
        XCTAssertEqual(PostgresLocation(url: "postgres://bankgate@[::1]/bankgate")?.host, "[::1]", "an IPv6 address keeps its colons")
    }

    /// A port that is not a number was taken as part of the host name; now the URL is refused.
    func testABadPortOrSchemaIsRefused() {
        XCTAssertNil(PostgresLocation(url: "postgres://bankgate@127.0.0.1:notaport/bankgate"))
        XCTAssertNil(PostgresLocation(url: "postgres://bankgate@127.0.0.1:0/bankgate"))
        XCTAssertNil(PostgresLocation(url: "postgres://bankgate@127.0.0.1/bankgate?schema=bad-name;drop"))
    }
}
