import Foundation
import XCTest

/// Which database the suite's stores use: SQLite files, or (with `BANKGATE_TEST_POSTGRES` set to a
/// PostgreSQL URL, as `make test` does for its second pass) one schema per store in PostgreSQL.
public enum TestStoreBackend {
    /// The PostgreSQL URL the stores open in, or `nil` for SQLite.
    public static var postgresURL: String? {
        guard let url = ProcessInfo.processInfo.environment["BANKGATE_TEST_POSTGRES"], !url.isEmpty else { return nil }
        return url
    }

    /// Whether the stores are in PostgreSQL.
    public static var isPostgres: Bool { postgresURL != nil }

    /// Skips a test that is about the SQLite file itself (its bytes, its pages, a store opened at an
    /// old migration, SQLite's online backup) when the suite runs against PostgreSQL.
    public static func requireSQLite(_ reason: String, file: StaticString = #filePath, line: UInt = #line) throws {
        if isPostgres { throw XCTSkip("SQLite only: \(reason)", file: file, line: line) }
    }
}
