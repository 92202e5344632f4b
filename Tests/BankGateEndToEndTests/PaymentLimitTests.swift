import Foundation
import XCTest

/// `[[limits]]` per account and per token: a payment over the single limit, today's total or
/// today's count is refused (422 `limit_exceeded` naming the limit and the payment), exactly under
/// concurrency; a batch counts as its payments.
final class PaymentLimitTests: XCTestCase {
    static let limits = """
        [[limits]]
        account = "acme-eur"
        currency = "EUR"
        single = "1000.00"
        daily_total = "1500.00"
        daily_count = 3

        [[tokens]]
        name = "erp2"
        token = "erp2-token-0123456789abc"
        scopes = ["payments:write", "payments:read"]

        [[limits]]
        token = "erp2"
        currency = "EUR"
        daily_count = 1
        """

    func error(_ answer: GatewayHarness.Answer) -> (code: String?, field: String?, message: String) {
        let error = answer.json["error"] as? [String: Any]
        return (error?["code"] as? String, error?["field"] as? String, error?["message"] as? String ?? "")
    }

    func testSingleDailyTotalAndDailyCountPerAccount() async throws {
        let harness = try GatewayHarness()
        try await harness.start(extraConfig: Self.limits)
        let single = try await harness.call("POST", "/v1/payments", body: GatewayHarness.payment(amount: "1000.01"), key: "l-1")
        let first = try await harness.call("POST", "/v1/payments", body: GatewayHarness.payment(amount: "900.00"), key: "l-2")
        let overTotal = try await harness.call("POST", "/v1/payments", body: GatewayHarness.payment(amount: "700.00"), key: "l-3")
        let second = try await harness.call("POST", "/v1/payments", body: GatewayHarness.payment(amount: "100.00"), key: "l-4")
        let third = try await harness.call("POST", "/v1/payments", body: GatewayHarness.payment(amount: "100.01"), key: "l-5")
        let batch = try await harness.call("POST", "/v1/payment-batches", body: ["payments": [GatewayHarness.payment(amount: "1.00", e2e: "LB-1")]],
                                           key: "l-6")
        await harness.stop()

        XCTAssertEqual(single.status, 422)
        XCTAssertEqual(error(single).code, "limit_exceeded")
        XCTAssertEqual(error(single).field, "amount")
        XCTAssertTrue(error(single).message.contains("single-payment limit of 1000.00 EUR for account acme-eur"), error(single).message)
        XCTAssertEqual(first.status, 201)
        XCTAssertEqual(overTotal.status, 422)
        XCTAssertTrue(error(overTotal).message.contains("daily limit of 1500.00 EUR"), error(overTotal).message)
        XCTAssertEqual(second.status, 201)
        XCTAssertEqual(third.status, 201)
        XCTAssertEqual(batch.status, 422, "a fourth payment today: over the count")
        XCTAssertEqual(error(batch).field, "payments[0].amount")
        XCTAssertTrue(error(batch).message.contains("daily limit of 3 payments"), error(batch).message)
    }

    func testATokensLimitBoundsItsOwnPaymentsOnly() async throws {
        let harness = try GatewayHarness()
        try await harness.start(extraConfig: Self.limits)
        let first = try await harness.call("POST", "/v1/payments", body: GatewayHarness.payment(amount: "10.00"), key: "t-1",
                                           token: "erp2-token-0123456789abc")
        let second = try await harness.call("POST", "/v1/payments", body: GatewayHarness.payment(amount: "11.00"), key: "t-2",
                                            token: "erp2-token-0123456789abc")
        let other = try await harness.call("POST", "/v1/payments", body: GatewayHarness.payment(amount: "12.00"), key: "t-3")
        await harness.stop()
        XCTAssertEqual(first.status, 201)
        XCTAssertEqual(second.status, 422)
        XCTAssertTrue(error(second).message.contains("token erp2"), error(second).message)
        XCTAssertEqual(other.status, 201, "another token is not bound by erp2's limit")
    }

    /// Twelve payments at once against a count of three: exactly three accepted.
    func testTheDaysCountIsExactUnderConcurrency() async throws {
        let harness = try GatewayHarness()
        try await harness.start(extraConfig: Self.limits)
        let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
            for index in 0..<12 {
                group.addTask {
                    try await harness.call("POST", "/v1/payments", body: GatewayHarness.payment(amount: "\(10 + index).00"), key: "c-\(index)").status
                }
            }
            var all: [Int] = []
            for try await status in group { all.append(status) }
            return all
        }
        await harness.stop()
        XCTAssertEqual(statuses.filter { $0 == 201 }.count, 3, "\(statuses)")
        XCTAssertEqual(statuses.filter { $0 == 422 }.count, 9, "\(statuses)")
    }
}
