import Foundation
import XCTest

/// Bad requests get clear 4xx answers and leave what was accepted untouched.
final class BadInputTests: XCTestCase {
    var harness: GatewayHarness!

    override func setUp() async throws { harness = try GatewayHarness() }
    override func tearDown() async throws { await harness.stop() }

    func testBadRequestsAreRefusedWithCodeAndFieldAndNothingAcceptedIsTouched() async throws {
        try await harness.start()
        let good = try await harness.call("POST", "/v1/payments", body: GatewayHarness.payment(e2e: "KEEP-1"), key: "good")
        let id = try XCTUnwrap(good.json["id"] as? String)
        _ = try await harness.waitForPayment(id) { $0 == "completed" }
        let before = try await harness.call("GET", "/v1/payments/\(id)")

        func refuse(_ body: [UInt8], key: String, status: Int, code: String, field: String? = nil,
                    line: UInt = #line) async throws {
            let answer = try await harness.call("POST", "/v1/payments", rawBody: body, key: key)
            XCTAssertEqual(answer.status, status, line: line)
            let error = answer.json["error"] as? [String: Any]
            XCTAssertEqual(error?["code"] as? String, code, line: line)
            if let field { XCTAssertEqual(error?["field"] as? String, field, line: line) }
        }
        let valid = String(decoding: try JSONSerialization.data(withJSONObject: GatewayHarness.payment()), as: UTF8.self)
        try await refuse(Array("{\"debtor_account\": ".utf8), key: "b1", status: 400, code: "malformed_json")
        try await refuse(Array(valid.replacingOccurrences(of: "\"12.34\"", with: "12.34").utf8), key: "b2",
                         status: 400, code: "invalid_type", field: "amount")
        try await refuse(Array(valid.replacingOccurrences(of: "{\"", with: "{\"surprise\": 1, \"").utf8), key: "b3",
                         status: 400, code: "unknown_field", field: "surprise")
        try await refuse(Array(repeating: UInt8(ascii: " "), count: 2 << 20) + Array(valid.utf8), key: "b4",
                         status: 413, code: "payload_too_large")
        try await refuse(Array(valid.replacingOccurrences(of: "12.34", with: "12.345").utf8), key: "b5",
                         status: 422, code: "invalid_amount", field: "amount")
        try await refuse(Array(valid.replacingOccurrences(of: "GB82WEST12345698765432", with: "GB82WEST12345698765433").utf8),
                         key: "b6", status: 422, code: "invalid_iban", field: "creditor.account")
        let duplicate = try await harness.call("POST", "/v1/payments", body: GatewayHarness.payment(e2e: "KEEP-1"), key: "b7")
        XCTAssertEqual(duplicate.status, 422)
        XCTAssertEqual((duplicate.json["error"] as? [String: Any])?["field"] as? String, "end_to_end_id")
        let noToken = try await harness.call("GET", "/v1/payments/\(id)", token: "wrong-token-0123456789")
        XCTAssertEqual(noToken.status, 401)
        let readerOnly = try await harness.call("POST", "/v1/payments", body: GatewayHarness.payment(), key: "b8",
                                                token: "reader-token-0123456789")
        XCTAssertEqual(readerOnly.status, 403)

        let after = try await harness.call("GET", "/v1/payments/\(id)")
        XCTAssertEqual(after.json["status"] as? String, "completed")
        XCTAssertEqual((after.json["history"] as? [Any])?.count, (before.json["history"] as? [Any])?.count)
        let list = try await harness.call("GET", "/v1/payments?limit=100")
        XCTAssertEqual((list.json["payments"] as? [Any])?.count, 1, "no refused request left a payment behind")
        let ledger = try await harness.ledger()
        XCTAssertEqual(ledger.count, 1)
    }

    /// Amounts the bank's message cannot carry are refused at intake (422, the field named), not
    /// accepted and then failed at encoding; nothing of the request is stored.
    func testAmountsTheBankMessageCannotCarryAreRefusedAtIntake() async throws {
        try await harness.start()
        let huge = try await harness.call("POST", "/v1/payments", body: GatewayHarness.payment(amount: "10000000000000000.00"),
                                          key: "huge")
        XCTAssertEqual(huge.status, 422, "\(huge.json)")
        XCTAssertEqual((huge.json["error"] as? [String: Any])?["code"] as? String, "amount_too_large")
        XCTAssertEqual((huge.json["error"] as? [String: Any])?["field"] as? String, "amount")
        let largest = try await harness.call("POST", "/v1/payments", body: GatewayHarness.payment(amount: "9999999999999999.99"),
                                             key: "largest")
        XCTAssertEqual(largest.status, 201, "18 digits fit: \(largest.json)")

        let batch = try await harness.call("POST", "/v1/payment-batches", body: ["payments": [
            GatewayHarness.payment(amount: "6000000000000000.00", e2e: "BIG-1"),
            GatewayHarness.payment(amount: "6000000000000000.00", e2e: "BIG-2"),
        ]], key: "big-batch")
        XCTAssertEqual(batch.status, 422, "\(batch.json)")
        XCTAssertEqual((batch.json["error"] as? [String: Any])?["code"] as? String, "batch_total_too_large")
        XCTAssertEqual((batch.json["error"] as? [String: Any])?["field"] as? String, "payments")
        let listed = try await harness.call("GET", "/v1/payments?limit=10")
        XCTAssertEqual((listed.json["payments"] as? [Any])?.count, 1, "only the payment that fits was accepted")
    }
}
