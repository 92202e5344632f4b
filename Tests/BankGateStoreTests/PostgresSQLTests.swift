@testable import BankGateStore
import XCTest

/// The translation of the store's SQL into PostgreSQL's (runs on either backend: no server needed).
final class PostgresSQLTests: XCTestCase {
    private func translated(_ sql: String, nulls: [Bool] = []) -> String {
        PostgresSQL.template(sql).render(nulls: nulls).sql
    }

    func testSQLitesNullSafeComparisonWithAPlaceholderIsSpelledTheStandardWay() {
        XCTAssertEqual(translated("SELECT 1 FROM t WHERE a = ? AND b IS ? AND c IS NOT ?"),
                       "SELECT 1 FROM t WHERE a = $1 AND b IS NOT DISTINCT FROM $2 AND c IS DISTINCT FROM $3")
        XCTAssertEqual(translated("SELECT 1 FROM t WHERE x = ?1 AND (?2 IS NULL OR y IS ?2)", nulls: [false, true]),
                       "SELECT 1 FROM t WHERE x = $1 AND (TRUE OR y IS NOT DISTINCT FROM $2)")
        XCTAssertEqual(translated("SELECT 'a IS ?' AS s, b FROM t WHERE b = ?"), "SELECT 'a IS ?' AS s, b FROM t WHERE b = $1",
                       "text in quotes is left alone")
    }
}
