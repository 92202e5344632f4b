import BankGateAPI
import BankGateCore
import BankGateEngine
import BankGateStore
import BankGateTestSupport
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import XCTest

/// `GET /v1/alerts` over the real store: filters by rule and day, pages with `next_cursor`,
/// refuses a malformed `from` with 400.
final class AlertRoutesTests: XCTestCase {
    func testListFilterAndPage() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("bankgate-alertroutes-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try PaymentStore(path: directory.appendingPathComponent("bankgate.sqlite").path)
        defer { store.close() }
        let day = APIHarness.today
        func occurrence(_ rule: String, _ subject: String) -> AlertOccurrence {
            AlertOccurrence(rule: rule, subjectKind: "bank", subjectId: subject, condition: "bank_circuit_open",
                            detailsJSON: "{\"bank_id\":\"\(subject)\"}", summary: "open", writesEvent: false)
        }
        try await store.recordAlerts([occurrence("circuit", "a"), occurrence("circuit", "b")], at: day.adding(milliseconds: -86_400_000))
        try await store.recordAlerts([occurrence("other", "c")], at: day)
        let alerts = AlertService(rules: [], store: store, clock: FixedClock(instant: day), logger: Logger(label: "alert-routes"))
        let router = APIServer.makeRouter(gateway: FakeGateway(), alerts: alerts, tokens: TestTokens.all, maxBodyBytes: 65_536,
                                          clock: FixedClock(instant: day))
        try await Application(router: router).test(.router) { client in
            let all = try await client.call(.get, "/v1/alerts", token: TestTokens.operatorToken)
            XCTAssertEqual(all.status, .ok)
            let items = try XCTUnwrap(all.json["alerts"] as? [[String: Any]])
            XCTAssertEqual(items.compactMap { $0["subject_id"] as? String }, ["a", "b", "c"])
            XCTAssertEqual((items.first?["details"] as? [String: Any])?["bank_id"] as? String, "a")
            XCTAssertTrue(all.json["next_cursor"] is NSNull || all.json["next_cursor"] == nil)

            let page = try await client.call(.get, "/v1/alerts?limit=2", token: TestTokens.operatorToken)
            let cursor = try XCTUnwrap(page.json["next_cursor"] as? String)
            let rest = try await client.call(.get, "/v1/alerts?cursor=\(cursor)", token: TestTokens.operatorToken)
            XCTAssertEqual((rest.json["alerts"] as? [[String: Any]])?.compactMap { $0["subject_id"] as? String }, ["c"])

            let rule = try await client.call(.get, "/v1/alerts?rule=circuit", token: TestTokens.operatorToken)
            XCTAssertEqual((rule.json["alerts"] as? [[String: Any]])?.count, 2)
            let today = try await client.call(.get, "/v1/alerts?from=\(day.dateString)", token: TestTokens.operatorToken)
            XCTAssertEqual((today.json["alerts"] as? [[String: Any]])?.compactMap { $0["rule"] as? String }, ["other"])

            let bad = try await client.call(.get, "/v1/alerts?from=yesterday", token: TestTokens.operatorToken)
            XCTAssertEqual(bad.status, .badRequest)
            let reader = try await client.call(.get, "/v1/alerts", token: TestTokens.reader)
            XCTAssertEqual(reader.status, .forbidden)
        }
    }
}
