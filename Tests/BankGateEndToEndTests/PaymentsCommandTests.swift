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

    func testAnAPIErrorDocumentBecomesTheMessage() async throws {
        try await harness.start()
        let missing = try bankgate(["payments", "show", "pay_does_not_exist"])
        XCTAssertNotEqual(missing.status, 0)
        XCTAssertTrue(missing.err.contains("(not_found") || missing.err.contains("not_found"), missing.err)
    }
}
