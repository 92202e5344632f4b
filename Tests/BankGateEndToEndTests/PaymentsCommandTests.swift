import BankGateSimulator
import XCTest

/// `bankgate payments show|list` and `bankgate status` read the API's documents with the project's
/// JSON reader; an API error document becomes the message and exit status.
final class PaymentsCommandTests: XCTestCase {
    var harness: GatewayHarness!

    override func setUp() async throws { harness = try GatewayHarness() }
    override func tearDown() async throws { await harness.stop() }

    private func bankgate(_ arguments: [String]) throws -> (status: Int32, out: String, err: String) {
        try BankGateExecutable.run(arguments + ["--url", "http://127.0.0.1:\(harness.apiPort)", "--token", harness.token])
    }

    func testShowListAndStatusRenderTheDocuments() async throws {
        try await harness.start()
        let created = try await harness.call("POST", "/v1/payments", body: GatewayHarness.payment(e2e: "CLI-1"), key: "cli-1")
        let id = try XCTUnwrap(created.json["id"] as? String)
        _ = try await harness.waitForPayment(id) { $0 == "completed" }

        let show = try bankgate(["payments", "show", id, "--messages"])
        XCTAssertEqual(show.status, 0, show.err)
        XCTAssertTrue(show.out.contains("Payment:") && show.out.contains(id), show.out)
        XCTAssertTrue(show.out.contains("End-to-end id:") && show.out.contains("CLI-1"), show.out)
        XCTAssertTrue(show.out.contains("History") && show.out.contains("Messages"), show.out)

        let combined = try bankgate(["payments", "show", id, "--messages", "--json"])
        XCTAssertEqual(combined.status, 0, combined.err)
        let document = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(combined.out.utf8)) as? [String: Any])
        XCTAssertEqual((document["payment"] as? [String: Any])?["id"] as? String, id)
        XCTAssertFalse((document["messages"] as? [Any] ?? []).isEmpty, combined.out)

        let list = try bankgate(["payments", "list"])
        XCTAssertEqual(list.status, 0, list.err)
        XCTAssertTrue(list.out.contains(id), list.out)

        let status = try bankgate(["status"])
        XCTAssertEqual(status.status, 0, status.err)
        XCTAssertTrue(status.out.contains("completed"), status.out)
    }

    /// A batch with every optional field goes through the simulated bank; `payments batch` shows
    /// its total and each payment's status.
    func testBatchShowsItsPaymentsStatuses() async throws {
        try await harness.start()
        var first = GatewayHarness.payment(amount: "100.00", e2e: "CLI-B1")
        first["purpose"] = "Rent"
        first["priority"] = "urgent"
        first["category_purpose"] = "SUPP"
        first["charge_bearer"] = "SHAR"
        first["creditor"] = ["name": "Müller & Söhne GmbH", "account": "GB82WEST12345698765432", "bank_code": "WESTGB2L",
                             "bank_name": "NatWest", "bank_branch": "Soho", "address": ["town": "London", "country": "GB"]]
        let second = GatewayHarness.payment(amount: "0.51", e2e: "CLI-B2")
        let created = try await harness.call("POST", "/v1/payment-batches", body: ["payments": [first, second]], key: "cli-b")
        let batchId = try XCTUnwrap(created.json["batch_id"] as? String, "\(created.json)")
        let payments = try XCTUnwrap(created.json["payments"] as? [[String: Any]], "\(created.json)")
        XCTAssertEqual(payments.count, 2)
        for payment in payments {
            _ = try await harness.waitForPayment(try XCTUnwrap(payment["id"] as? String)) { $0 == "completed" }
        }
        let batch = try bankgate(["payments", "batch", batchId])
        XCTAssertEqual(batch.status, 0, batch.err)
        XCTAssertTrue(batch.out.contains("batch \(batchId): 2 payments, 100.51 EUR"), batch.out)
        XCTAssertTrue(batch.out.contains("completed 2"), batch.out)
        XCTAssertTrue(batch.out.contains("CLI-B1") && batch.out.contains("CLI-B2"), batch.out)
    }

    func testAnAPIErrorDocumentBecomesTheMessage() async throws {
        try await harness.start()
        let missing = try bankgate(["payments", "show", "pay_does_not_exist"])
        XCTAssertNotEqual(missing.status, 0)
        XCTAssertTrue(missing.err.contains("not_found"), missing.err)
    }
}
