import BankGateConfig
import BankGateCore
import BankGateTestSupport
import Hummingbird
import HummingbirdTesting
import XCTest
@testable import BankGateAPI

/// The account side's routes over a fake ``AccountReporting``: scopes, bodies, error mapping and the
/// JSON of quarantined statements, without a store.
final class AccountRoutesTests: XCTestCase {
    static let tokens = TestTokens.all + [
        TokenConfig(name: "finance", secret: .plain("finance-token-0123456789"), scopes: [.accountsRead]),
    ]

    private func run(_ reports: FakeAccountReports = FakeAccountReports(),
                     _ test: @escaping @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        let router = APIServer.makeRouter(gateway: FakeGateway(), reports: reports, tokens: Self.tokens, maxBodyBytes: 65_536,
                                          clock: FixedClock(instant: APIHarness.today))
        try await Application(router: router).test(.router) { client in try await test(client) }
    }

    func testAcceptingAQuarantinedStatementNeedsOperateAndHappensOnce() async throws {
        let reports = FakeAccountReports()
        try await run(reports) { client in
            let anonymous = try await client.call(.post, "/v1/statements/stm_1/accept")
            XCTAssertEqual(anonymous.status, .unauthorized)
            let finance = try await client.call(.post, "/v1/statements/stm_1/accept", token: "finance-token-0123456789")
            XCTAssertEqual(finance.status, .forbidden)
            let unknownField = try await client.call(.post, "/v1/statements/stm_1/accept", token: TestTokens.operatorToken,
                                                     body: #"{"why": "x"}"#)
            XCTAssertEqual(unknownField.status, .badRequest)
            XCTAssertEqual(unknownField.errorField, "why")

            let accepted = try await client.call(.post, "/v1/statements/stm_1/accept", token: TestTokens.operatorToken,
                                                 body: #"{"reason": "confirmed with the bank"}"#)
            XCTAssertEqual(accepted.status, .ok)
            XCTAssertEqual(accepted.json["review"] as? String, "accepted")
            XCTAssertEqual(accepted.json["warnings"] as? [String], ["line 1: byte order mark skipped"])
            let again = try await client.call(.post, "/v1/statements/stm_1/accept", token: TestTokens.operatorToken)
            XCTAssertEqual(again.status, .conflict)
            XCTAssertEqual(again.errorCode, "invalid_state")
            let missing = try await client.call(.post, "/v1/statements/stm_9/accept", token: TestTokens.operatorToken)
            XCTAssertEqual(missing.status, .notFound)
        }
        let acceptances = reports.acceptances.withLock { $0 }
        XCTAssertEqual(acceptances.map(\.actor), ["ops", "ops"])
        XCTAssertEqual(acceptances.first?.reason, "confirmed with the bank")
    }

    func testHeldStatementsShowInTheExceptionsAndTheReconciliation() async throws {
        try await run { client in
            let exceptions = try await client.call(.get, "/v1/reconciliation/exceptions", token: "finance-token-0123456789")
            XCTAssertEqual(exceptions.status, .ok)
            let held = try XCTUnwrap(exceptions.json["quarantined_statements"] as? [[String: Any]])
            XCTAssertEqual(held.map { $0["id"] as? String }, ["stm_1"])
            XCTAssertEqual(held.first?["review"] as? String, "quarantined")
            XCTAssertEqual(held.first?["expected_closing_balance"] as? String, "975.32")

            let report = try await client.call(.get, "/v1/accounts/acme-eur/reconciliation?date=2026-11-20", token: "finance-token-0123456789")
            XCTAssertEqual(report.status, .ok)
            XCTAssertEqual(report.json["difference"] as? String, "0.00")
            XCTAssertEqual(report.json["held_statements"] as? [String], ["stm_1"])
            XCTAssertEqual(report.json["balanced"] as? Bool, false, "nothing balances while a statement is held")

            let noDate = try await client.call(.get, "/v1/accounts/acme-eur/reconciliation", token: "finance-token-0123456789")
            XCTAssertEqual(noDate.status, .badRequest)
            XCTAssertEqual(noDate.errorField, "date")
            let unknown = try await client.call(.get, "/v1/accounts/nope/reconciliation?date=2026-11-20", token: "finance-token-0123456789")
            XCTAssertEqual(unknown.status, .notFound)
            XCTAssertEqual(unknown.errorCode, "unknown_account")
        }
    }

    func testStatementListCarriesReviewAndWarnings() async throws {
        try await run { client in
            let listed = try await client.call(.get, "/v1/accounts/acme-eur/statements", token: "finance-token-0123456789")
            XCTAssertEqual(listed.status, .ok)
            let first = try XCTUnwrap((listed.json["statements"] as? [[String: Any]])?.first)
            XCTAssertEqual(first["review"] as? String, "quarantined")
            XCTAssertEqual(first["review_reason"] as? String, "entries do not add up")
            XCTAssertEqual(first["integrity"] as? String, "inconsistent")
        }
    }
}
