import Foundation
import XCTest

/// `POST/GET /v1/accounts/{id}/status` and `bankgate accounts`: an operator freezes an account
/// with a reason, intake refuses it (422 `account_frozen`), only `operate` may change it.
final class AccountStatusAPITests: XCTestCase {
    func testFreezeThroughTheCommandLineAndTheAPI() async throws {
        let harness = try GatewayHarness()
        try await harness.start()
        let daemon = ["--url", "http://127.0.0.1:\(harness.apiPort)", "--token", harness.token]
        let frozen = try BankGateExecutable.run(["accounts", "freeze", "acme-eur", "--reason", "结算户冻结 — court order"] + daemon)
        let status = try await harness.call("GET", "/v1/accounts/acme-eur/status")
        let refused = try await harness.call("POST", "/v1/payments", body: GatewayHarness.payment(), key: "s-1")
        let byReader = try await harness.call("POST", "/v1/accounts/acme-eur/status", body: ["status": "active"], token: "reader-token-0123456789")
        let badValue = try await harness.call("POST", "/v1/accounts/acme-eur/status", body: ["status": "dormant"])
        let unknown = try await harness.call("POST", "/v1/accounts/nope/status", body: ["status": "frozen", "reason": "x"])
        let activated = try BankGateExecutable.run(["accounts", "activate", "acme-eur"] + daemon)
        let accepted = try await harness.call("POST", "/v1/payments", body: GatewayHarness.payment(), key: "s-2")
        let events = try await harness.call("GET", "/v1/events?after=0")
        await harness.stop()

        XCTAssertEqual(frozen.status, 0, frozen.err)
        XCTAssertTrue(frozen.out.hasPrefix("acme-eur frozen: 结算户冻结 — court order (by treasury"), frozen.out)
        XCTAssertEqual(status.json["status"] as? String, "frozen")
        XCTAssertEqual(status.json["changed_by"] as? String, "treasury")
        XCTAssertEqual(refused.status, 422)
        let error = try XCTUnwrap(refused.json["error"] as? [String: Any])
        XCTAssertEqual(error["code"] as? String, "account_frozen")
        XCTAssertEqual(error["field"] as? String, "debtor_account")
        XCTAssertEqual(byReader.status, 403)
        XCTAssertEqual(badValue.status, 400)
        XCTAssertEqual(unknown.status, 404)
        XCTAssertEqual(activated.status, 0, activated.err)
        XCTAssertTrue(activated.out.hasPrefix("acme-eur active"), activated.out)
        XCTAssertEqual(accepted.status, 201)
        let types = try XCTUnwrap(events.json["events"] as? [[String: Any]]).compactMap { $0["type"] as? String }
        XCTAssertEqual(types.filter { $0 == "account.status_changed" }.count, 2, "\(types)")
    }
}
