import Foundation
import XCTest

/// Suspected duplicates (`[payment_controls]`): the same payment body under another
/// Idempotency-Key is held, not paid twice, naming the payment it resembles, until an operator
/// releases or cancels it; `duplicate_intended` and other amounts pass; a batch with a duplicate
/// line is held whole.
final class DuplicateHoldTests: XCTestCase {
    var harness: GatewayHarness!

    override func setUp() async throws { harness = try GatewayHarness() }
    override func tearDown() async throws { await harness.stop() }

    func testTheSameBodyUnderAnotherKeyIsHeldUntilReleased() async throws {
        try await harness.start()
        let body = GatewayHarness.payment(amount: "450.00")
        let first = try await harness.call("POST", "/v1/payments", body: body, key: "inv-7-a")
        XCTAssertEqual(first.status, 201)
        let firstId = try XCTUnwrap(first.json["id"] as? String)
        XCTAssertEqual(first.json["status"] as? String, "queued")
        XCTAssertTrue(first.json["suspected_duplicate_of"] is NSNull)
        _ = try await harness.waitForPayment(firstId) { $0 == "completed" }

        let second = try await harness.call("POST", "/v1/payments", body: body, key: "inv-7-b")
        XCTAssertEqual(second.status, 201, "\(second.json)")
        let secondId = try XCTUnwrap(second.json["id"] as? String)
        XCTAssertEqual(second.json["status"] as? String, "held")
        XCTAssertEqual(second.json["suspected_duplicate_of"] as? String, firstId)
        let reason = try XCTUnwrap(second.json["hold_reason"] as? String)
        XCTAssertTrue(reason.contains(firstId), reason)

        // Not sent while held: the bank executed one payment.
        try await Task.sleep(for: .milliseconds(600))
        let held = try await harness.call("GET", "/v1/payments/\(secondId)")
        XCTAssertEqual(held.json["status"] as? String, "held")
        XCTAssertEqual(held.json["suspected_duplicate_of"] as? String, firstId)
        let ledgerCount1 = try await harness.ledger().count
        XCTAssertEqual(ledgerCount1, 1)
        let events = try await harness.call("GET", "/v1/events?after=0")
        let types = try XCTUnwrap(events.json["events"] as? [[String: Any]]).compactMap { $0["type"] as? String }
        XCTAssertTrue(types.contains("payment.held"), "\(types)")

        // The operator releases it: then it is paid.
        let released = try await harness.call("POST", "/v1/payments/\(secondId)/release")
        XCTAssertEqual(released.status, 200, "\(released.json)")
        XCTAssertEqual(released.json["status"] as? String, "queued")
        _ = try await harness.waitForPayment(secondId) { $0 == "completed" }
        let ledgerCount2 = try await harness.ledger().count
        XCTAssertEqual(ledgerCount2, 2)

        // A replay of the second request answers exactly the first answer: held, resembling the first.
        let replay = try await harness.call("POST", "/v1/payments", body: body, key: "inv-7-b")
        XCTAssertEqual(replay.json["status"] as? String, "held")
        XCTAssertEqual(replay.json["hold_reason"] as? String, reason)
        XCTAssertEqual(replay.json["suspected_duplicate_of"] as? String, firstId)
    }

    func testAHeldDuplicateIsCancelledAndNeverPaid() async throws {
        try await harness.start()
        let body = GatewayHarness.payment(amount: "99.00")
        let first = try await harness.call("POST", "/v1/payments", body: body, key: "x-1")
        let second = try await harness.call("POST", "/v1/payments", body: body, key: "x-2")
        XCTAssertEqual(second.json["status"] as? String, "held")
        let secondId = try XCTUnwrap(second.json["id"] as? String)
        let cancelled = try await harness.call("POST", "/v1/payments/\(secondId)/cancel")
        XCTAssertEqual(cancelled.status, 200, "\(cancelled.json)")
        XCTAssertEqual(cancelled.json["status"] as? String, "cancelled")
        _ = try await harness.waitForPayment(try XCTUnwrap(first.json["id"] as? String)) { $0 == "completed" }
        let ledgerCount1 = try await harness.ledger().count
        XCTAssertEqual(ledgerCount1, 1)
        // A cancelled payment no longer counts: the same body again is not held.
        let third = try await harness.call("POST", "/v1/payments", body: body, key: "x-3")
        XCTAssertEqual(third.json["suspected_duplicate_of"] as? String, first.json["id"] as? String,
                       "the first payment still counts; only the cancelled one does not")
    }

    func testIntendedDuplicatesAndOtherAmountsAreNotHeld() async throws {
        try await harness.start()
        _ = try await harness.call("POST", "/v1/payments", body: GatewayHarness.payment(amount: "10.00"), key: "y-1")
        var intended = GatewayHarness.payment(amount: "10.00")
        intended["duplicate_intended"] = true
        let again = try await harness.call("POST", "/v1/payments", body: intended, key: "y-2")
        XCTAssertEqual(again.json["status"] as? String, "queued", "\(again.json)")
        let other = try await harness.call("POST", "/v1/payments", body: GatewayHarness.payment(amount: "10.01"), key: "y-3")
        XCTAssertEqual(other.json["status"] as? String, "queued")
        let otherCreditor = try await harness.call("POST", "/v1/payments",
                                                   body: GatewayHarness.payment(amount: "10.00", creditor: "DE89370400440532013000"), key: "y-4")
        XCTAssertEqual(otherCreditor.json["status"] as? String, "queued")
        var badFlag = GatewayHarness.payment(amount: "10.00")
        badFlag["duplicate_intended"] = "yes"
        let refused = try await harness.call("POST", "/v1/payments", body: badFlag, key: "y-5")
        XCTAssertEqual(refused.status, 400, "\(refused.json)")
        XCTAssertEqual((refused.json["error"] as? [String: Any])?["field"] as? String, "duplicate_intended")
    }

    func testABatchWithADuplicateLineIsHeldWhole() async throws {
        try await harness.start()
        let single = try await harness.call("POST", "/v1/payments", body: GatewayHarness.payment(amount: "31.00"), key: "z-1")
        let singleId = try XCTUnwrap(single.json["id"] as? String)
        let batch = try await harness.call("POST", "/v1/payment-batches", body: ["payments": [
            GatewayHarness.payment(amount: "30.00", e2e: "B-1"),
            GatewayHarness.payment(amount: "31.00", e2e: "B-2"),
            GatewayHarness.payment(amount: "32.00", e2e: "B-3"),
        ]], key: "z-2")
        XCTAssertEqual(batch.status, 201, "\(batch.json)")
        let payments = try XCTUnwrap(batch.json["payments"] as? [[String: Any]])
        XCTAssertEqual(payments.map { $0["status"] as? String }, ["held", "held", "held"])
        XCTAssertEqual(payments.map { $0["suspected_duplicate_of"] as? String }, [nil, singleId, nil])
        XCTAssertTrue((payments[0]["hold_reason"] as? String)?.contains(singleId) ?? false)
    }

    func testTheWindowAndTheRemittanceAreConfigured() async throws {
        try await harness.start(extraConfig: """
            [payment_controls]
            duplicate_same_remittance = true
            """)
        var body = GatewayHarness.payment(amount: "5.00")
        _ = try await harness.call("POST", "/v1/payments", body: body, key: "r-1")
        body["remittance_info"] = "Invoice 43"
        let otherText = try await harness.call("POST", "/v1/payments", body: body, key: "r-2")
        XCTAssertEqual(otherText.json["status"] as? String, "queued")
        let sameText = try await harness.call("POST", "/v1/payments", body: body, key: "r-3")
        XCTAssertEqual(sameText.json["status"] as? String, "held")
    }

    func testAWindowOfZeroTurnsTheCheckOff() async throws {
        try await harness.start(extraConfig: """
            [payment_controls]
            duplicate_window_minutes = 0
            """)
        let body = GatewayHarness.payment(amount: "6.00")
        _ = try await harness.call("POST", "/v1/payments", body: body, key: "o-1")
        let again = try await harness.call("POST", "/v1/payments", body: body, key: "o-2")
        XCTAssertEqual(again.json["status"] as? String, "queued")
    }
}
