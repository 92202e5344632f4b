import XCTest
@testable import BankGateConfig

/// `[server] database`: a PostgreSQL URL is checked at load as the store reads it, so that the
/// daemon never starts on a URL it would refuse or misread (an outside check saw a port that is
/// not a number taken as part of the host name, and a schema with `;` pass the check).
final class DatabaseURLConfigTests: XCTestCase {
    private func withDatabase(_ url: String) -> String {
        ConfigurationFixture.replacing("data_dir = \"var\"", with: "data_dir = \"var\"\ndatabase = \"\(url)\"")
    }

    func testAGoodURLIsKept() throws {
        let configuration = try XCTUnwrap(validConfiguration(withDatabase("postgres://bankgate@127.0.0.1:5432/bankgate?schema=main_1")))
        XCTAssertEqual(configuration.server.database, "postgres://bankgate@127.0.0.1:5432/bankgate?schema=main_1")
        XCTAssertNotNil(validConfiguration(withDatabase("postgresql://bankgate@db.internal/bankgate")))
    }

    func testEachBadPartIsNamed() {
        assertConfigurationError(withDatabase("postgres:/broken"), key: "server.database", "must be a PostgreSQL URL")
        assertConfigurationError(withDatabase("postgres://bankgate@127.0.0.1:notaport/bankgate"), key: "server.database",
                                 "has the port \"notaport\"")
        assertConfigurationError(withDatabase("postgres://bankgate@127.0.0.1:70000/bankgate"), key: "server.database", "has the port")
        assertConfigurationError(withDatabase("postgres://bankgate@127.0.0.1/bankgate?schema=bad-name;drop"), key: "server.database",
                                 "has the schema \"bad-name;drop\"")
    }
}
