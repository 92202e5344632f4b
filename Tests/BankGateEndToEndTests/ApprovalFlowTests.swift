import Foundation
import XCTest

/// Maker-checker through the API and the simulated bank: a payment over the threshold waits for two
/// approvals from two principals and then reaches the bank exactly once; a rejected one never does;
/// the submitter never approves its own payment; a batch is approved as a whole.
final class ApprovalFlowTests: XCTestCase {
    var harness: GatewayHarness!
    let alice = "alice-token-0123456789"
    let bob = "bob-token-0123456789ab"
    let maker = "maker-token-0123456789"

    override func setUp() async throws { harness = try GatewayHarness() }
    override func tearDown() async throws { await harness.stop() }

    func start() async throws {
        try await harness.start(extraConfig: """
            [payment_controls]
            duplicate_window_minutes = 0

            [[approval_rules]]
            name = "large-eur"
            currencies = ["EUR"]
            amount_at_least = "1000.00"
            approvals = 2

            [[approval_rules]]
            name = "batches"
            kinds = ["batch"]
            batch_size_over = 1
            approvals = 1

            [approvals]
            expire_after_minutes = 60

            [[tokens]]
            name = "alice"
            token = "\(alice)"
            scopes = ["payments:approve", "payments:read"]

            [[tokens]]
            name = "bob"
            token = "\(bob)"
            scopes = ["payments:approve"]

            [[tokens]]
            name = "maker"
            token = "\(maker)"
            scopes = ["payments:write", "payments:approve"]
            """)
    }

    func code(_ answer: GatewayHarness.Answer) -> String? {
        (answer.json["error"] as? [String: Any])?["code"] as? String
    }

    func testTwoApprovalsFromTwoPrincipalsSendThePaymentOnce() async throws {
        try await start()
        let created = try await harness.call("POST", "/v1/payments", body: GatewayHarness.payment(amount: "1000.00"), key: "a-1")
        XCTAssertEqual(created.status, 201, "\(created.json)")
        XCTAssertEqual(created.json["status"] as? String, "pending_approval")
        let id = try XCTUnwrap(created.json["id"] as? String)
        let approval = try XCTUnwrap(created.json["approval"] as? [String: Any])
        XCTAssertEqual(approval["needed"] as? Int, 2)
        XCTAssertEqual(approval["rules"] as? [String], ["large-eur"])
        XCTAssertEqual(approval["submitted_by"] as? String, "treasury")

        let list = try await harness.call("GET", "/v1/approvals", token: alice)
        XCTAssertEqual(list.status, 200, "\(list.json)")
        let rows = try XCTUnwrap(list.json["approvals"] as? [[String: Any]])
        XCTAssertEqual(rows.map { $0["payment_id"] as? String }, [id])

        let noScope = try await harness.call("POST", "/v1/payments/\(id)/approve")
        XCTAssertEqual(noScope.status, 403, "the treasury token has no payments:approve")
        let first = try await harness.call("POST", "/v1/payments/\(id)/approve", body: ["note": "checked the invoice"], token: alice)
        XCTAssertEqual(first.status, 200, "\(first.json)")
        XCTAssertEqual(first.json["approvals_given"] as? Int, 1)
        let twice = try await harness.call("POST", "/v1/payments/\(id)/approve", token: alice)
        XCTAssertEqual(twice.status, 409)
        XCTAssertEqual(code(twice), "already_decided")
        let second = try await harness.call("POST", "/v1/payments/\(id)/approve", token: bob)
        XCTAssertEqual(second.status, 200, "\(second.json)")
        let payments = try XCTUnwrap(second.json["payments"] as? [[String: Any]])
        XCTAssertEqual(payments.first?["status"] as? String, "queued")

        _ = try await harness.waitForPayment(id) { $0 == "completed" }
        let ledger = try await harness.ledger()
        XCTAssertEqual(ledger.count, 1)
        let detail = try await harness.call("GET", "/v1/payments/\(id)")
        let decisions = try XCTUnwrap((detail.json["approval"] as? [String: Any])?["decisions"] as? [[String: Any]])
        XCTAssertEqual(decisions.map { $0["principal"] as? String }, ["alice", "bob"])
        XCTAssertEqual(decisions.first?["note"] as? String, "checked the invoice")
        let late = try await harness.call("POST", "/v1/payments/\(id)/reject", token: alice)
        XCTAssertEqual(code(late), "not_pending_approval")
        let events = try await harness.call("GET", "/v1/events?after=0&limit=1000")
        let types = try XCTUnwrap(events.json["events"] as? [[String: Any]]).compactMap { $0["type"] as? String }
        XCTAssertTrue(types.contains("payment.approval_required") && types.contains("payment.approved"), "\(types)")
    }

    func testARejectedPaymentNeverReachesTheBankAndTheSubmitterNeverApproves() async throws {
        try await start()
        let own = try await harness.call("POST", "/v1/payments", body: GatewayHarness.payment(amount: "5000.00"), key: "m-1", token: maker)
        XCTAssertEqual(own.json["status"] as? String, "pending_approval", "\(own.json)")
        let ownId = try XCTUnwrap(own.json["id"] as? String)
        let selfApproval = try await harness.call("POST", "/v1/payments/\(ownId)/approve", token: maker)
        XCTAssertEqual(selfApproval.status, 403)
        XCTAssertEqual(code(selfApproval), "own_payment")
        let rejected = try await harness.call("POST", "/v1/payments/\(ownId)/reject", body: ["note": "not ours"], token: bob)
        XCTAssertEqual(rejected.status, 200, "\(rejected.json)")
        XCTAssertEqual((rejected.json["payments"] as? [[String: Any]])?.first?["status"] as? String, "rejected")

        // A small payment after it is sent; the rejected one never is.
        let small = try await harness.call("POST", "/v1/payments", body: GatewayHarness.payment(amount: "10.00"), key: "m-2")
        XCTAssertEqual(small.json["status"] as? String, "queued")
        _ = try await harness.waitForPayment(try XCTUnwrap(small.json["id"] as? String)) { $0 == "completed" }
        let ledger = try await harness.ledger()
        XCTAssertEqual(ledger.count, 1)
        let shown = try await harness.call("GET", "/v1/payments/\(ownId)")
        XCTAssertEqual(shown.json["status"] as? String, "rejected")
        XCTAssertEqual(shown.json["reason_code"] as? String, "approval_rejected")
        XCTAssertEqual((shown.json["approval"] as? [String: Any])?["state"] as? String, "rejected")
    }

    func testABatchIsApprovedAsAWhole() async throws {
        try await start()
        let batch = try await harness.call("POST", "/v1/payment-batches", body: ["payments": [
            GatewayHarness.payment(amount: "20.00", e2e: "AB-1"),
            GatewayHarness.payment(amount: "21.00", e2e: "AB-2"),
        ]], key: "b-1")
        XCTAssertEqual(batch.status, 201, "\(batch.json)")
        let batchId = try XCTUnwrap(batch.json["batch_id"] as? String ?? (batch.json["payments"] as? [[String: Any]])?.first?["batch_id"] as? String)
        let payments = try XCTUnwrap(batch.json["payments"] as? [[String: Any]])
        XCTAssertEqual(payments.map { $0["status"] as? String }, ["pending_approval", "pending_approval"])
        let paymentId = try XCTUnwrap(payments.first?["id"] as? String)
        let one = try await harness.call("POST", "/v1/payments/\(paymentId)/approve", token: alice)
        XCTAssertEqual(one.status, 409)
        XCTAssertEqual(code(one), "batch_approval")
        let approved = try await harness.call("POST", "/v1/payment-batches/\(batchId)/approve", token: alice)
        XCTAssertEqual(approved.status, 200, "\(approved.json)")
        XCTAssertEqual((approved.json["payments"] as? [[String: Any]])?.map { $0["status"] as? String }, ["queued", "queued"])
        for payment in payments {
            _ = try await harness.waitForPayment(try XCTUnwrap(payment["id"] as? String)) { $0 == "completed" }
        }
        let ledger = try await harness.ledger()
        XCTAssertEqual(ledger.count, 2)
    }

    /// `bankgate approvals list|approve|reject` through the running daemon.
    func testTheCommandListsApprovesAndRejects() async throws {
        try await start()
        func bankgate(_ arguments: [String], token: String) throws -> (status: Int32, out: String, err: String) {
            try BankGateExecutable.run(arguments + ["--url", "http://127.0.0.1:\(harness.apiPort)", "--token", token])
        }
        let first = try await harness.call("POST", "/v1/payments", body: GatewayHarness.payment(amount: "2000.00", e2e: "CLI-A1"), key: "c-1")
        let second = try await harness.call("POST", "/v1/payments", body: GatewayHarness.payment(amount: "3000.00", e2e: "CLI-A2"), key: "c-2")
        let firstId = try XCTUnwrap(first.json["id"] as? String), secondId = try XCTUnwrap(second.json["id"] as? String)

        let list = try bankgate(["approvals", "list"], token: alice)
        XCTAssertEqual(list.status, 0, list.err)
        XCTAssertTrue(list.out.contains(firstId) && list.out.contains(secondId) && list.out.contains("large-eur"), list.out)
        XCTAssertTrue(list.out.contains("0/2"), list.out)

        let approved = try bankgate(["approvals", "approve", firstId, "--note", "invoice 7 checked"], token: alice)
        XCTAssertEqual(approved.status, 0, approved.err)
        XCTAssertTrue(approved.out.contains("1/2 approvals") && approved.out.contains("pending_approval"), approved.out)
        let again = try bankgate(["approvals", "approve", firstId], token: alice)
        XCTAssertNotEqual(again.status, 0)
        XCTAssertTrue(again.err.contains("already_decided") || again.err.contains("already decided"), again.err)
        let rejected = try bankgate(["approvals", "reject", secondId, "--note", "duplicate invoice"], token: bob)
        XCTAssertEqual(rejected.status, 0, rejected.err)
        XCTAssertTrue(rejected.out.contains("rejected"), rejected.out)

        let after = try bankgate(["approvals", "list", "--json"], token: alice)
        XCTAssertEqual(after.status, 0, after.err)
        let document = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(after.out.utf8)) as? [String: Any])
        let rows = try XCTUnwrap(document["approvals"] as? [[String: Any]])
        XCTAssertEqual(rows.map { $0["payment_id"] as? String }, [firstId])
        XCTAssertEqual((rows.first?["approvals"] as? [[String: Any]])?.first?["note"] as? String, "invoice 7 checked")
    }
}
