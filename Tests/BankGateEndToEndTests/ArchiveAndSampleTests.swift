import BankGateCrypto
import Foundation
import XCTest

/// The exchanges that bring statements are archived and shown with them; the statement sample the
/// README uploads imports as documented.
final class ArchiveAndSampleTests: XCTestCase {
    /// The day docs/samples/statement-acme-eur.camt053.xml reports, read from the shipped file (its
    /// `FrDtTm`), so that the test follows the sample rather than a date written here.
    static let sampleDay: String = {
        let text = (try? String(contentsOf: sample, encoding: .utf8)) ?? ""
        guard let start = text.range(of: "<FrDtTm>")?.upperBound else { return "no FrDtTm in the sample" }
        return String(text[start...].prefix(10))
    }()

    var harness: GatewayHarness!

    override func setUp() async throws { harness = try GatewayHarness() }
    override func tearDown() async throws { await harness.stop() }

    static let sample = StatementsCommandTests.root.appendingPathComponent("docs/samples/statement-acme-eur.camt053.xml")

    func testTheShippedSampleStatementImportsAsTheREADMESays() async throws {
        try await harness.start()
        let file = Array(try Data(contentsOf: Self.sample))
        let upload = try await harness.call("POST", "/v1/statements?account=acme-eur", rawBody: file)
        XCTAssertEqual(upload.status, 201, "\(upload.json)")
        let imported = try XCTUnwrap(upload.json["statements"] as? [[String: Any]])
        XCTAssertEqual(imported.count, 1)
        XCTAssertEqual(imported.first?["account"] as? String, "acme-eur")
        XCTAssertEqual(imported.first?["bank_statement_id"] as? String, "SAMPLE-STMT-20251231")
        XCTAssertEqual(imported.first?["entries"] as? Int, 2)
        XCTAssertEqual(imported.first?["new_entries"] as? Int, 2)
        XCTAssertEqual(imported.first?["duplicates"] as? Int, 0)
        XCTAssertEqual(imported.first?["integrity"] as? String, "consistent")
        XCTAssertEqual(imported.first?["continuity"] as? String, "first")

        let transactions = try await harness.call("GET", "/v1/accounts/acme-eur/transactions")
        let rows = try XCTUnwrap(transactions.json["transactions"] as? [[String: Any]])
        XCTAssertEqual(rows.map { $0["amount"] as? String }, ["1180.00", "-280.00"])
        XCTAssertEqual(rows.map { $0["booking_date"] as? String }, [Self.sampleDay, Self.sampleDay])
        XCTAssertEqual(rows.map { $0["status"] as? String }, ["booked", "booked"])

        let balances = try await harness.call("GET", "/v1/accounts/acme-eur/balances")
        let byType = Dictionary(uniqueKeysWithValues: try XCTUnwrap(balances.json["balances"] as? [[String: Any]]).compactMap { balance in
            (balance["type"] as? String).map { ($0, balance["amount"] as? String) }
        })
        XCTAssertEqual(byType["OPBD"], "999999100.00")
        XCTAssertEqual(byType["CLBD"], "1000000000.00", "the balance the simulated bank opens acme-eur with")

        let statements = try await harness.call("GET", "/v1/accounts/acme-eur/statements")
        let listed = try XCTUnwrap((statements.json["statements"] as? [[String: Any]])?.first)
        XCTAssertEqual(listed["date"] as? String, Self.sampleDay)
        XCTAssertEqual(listed["report_kind"] as? String, "end_of_day")
        XCTAssertEqual(listed["opening_balance"] as? String, "999999100.00")
        XCTAssertEqual(listed["closing_balance"] as? String, "1000000000.00")
        XCTAssertEqual(listed["source"] as? String, "upload")
        XCTAssertEqual(listed["archived_message_ids"] as? [Int], [], "an upload is no exchange with a bank")
        let gaps = try await harness.call("GET", "/v1/reconciliation/exceptions?account=acme-eur")
        XCTAssertEqual(gaps.status, 200)

        // Uploading it again stores nothing twice.
        let again = try await harness.call("POST", "/v1/statements?account=acme-eur", rawBody: file)
        XCTAssertEqual(again.status, 201)
        XCTAssertEqual((again.json["statements"] as? [[String: Any]])?.first?["new_entries"] as? Int, 0)
    }

    func testTheSampleLeavesTodaysReconciliationBalanced() async throws {
        try await harness.start()
        let created = try await harness.call("POST", "/v1/payments", body: GatewayHarness.payment(e2e: "SAMPLE-1"), key: "s-1")
        let paymentId = try XCTUnwrap(created.json["id"] as? String)
        _ = try await harness.waitForPayment(paymentId) { $0 == "completed" }
        let today = AccountFlowTests.today
        let pulled = try await harness.call("POST", "/v1/accounts/acme-eur/statements/pull?kind=end_of_day&from=\(today)")
        XCTAssertEqual(pulled.status, 200, "\(pulled.json)")
        let upload = try await harness.call("POST", "/v1/statements?account=acme-eur", rawBody: Array(try Data(contentsOf: Self.sample)))
        XCTAssertEqual(upload.status, 201, "\(upload.json)")
        XCTAssertEqual((upload.json["statements"] as? [[String: Any]])?.first?["continuity"] as? String, "first")

        let statements = try await harness.call("GET", "/v1/accounts/acme-eur/statements")
        let continuity = try XCTUnwrap(statements.json["statements"] as? [[String: Any]]).filter { $0["report_kind"] as? String == "end_of_day" }
            .map { $0["continuity"] as? String }
        XCTAssertEqual(continuity, ["first", "first"], "the sample opens no gap before the simulator's statements")
        let reconciliation = try await harness.call("GET", "/v1/accounts/acme-eur/reconciliation?date=\(today)")
        XCTAssertEqual(reconciliation.status, 200, "\(reconciliation.json)")
        XCTAssertEqual(reconciliation.json["balanced"] as? Bool, true, "\(reconciliation.json)")
    }

    func testAPulledStatementLinksToTheArchivedRequestAndAnswer() async throws {
        try await harness.start()
        // The simulated bank opens the account with its first payment.
        let created = try await harness.call("POST", "/v1/payments", body: GatewayHarness.payment(e2e: "ARCH-1"), key: "arch-1")
        let paymentId = try XCTUnwrap(created.json["id"] as? String)
        _ = try await harness.waitForPayment(paymentId) { $0 == "completed" }
        let today = AccountFlowTests.today
        let pulled = try await harness.call("POST", "/v1/accounts/acme-eur/statements/pull?kind=end_of_day&from=\(today)")
        XCTAssertEqual(pulled.status, 200, "\(pulled.json)")
        let statementId = try XCTUnwrap((pulled.json["statements"] as? [[String: Any]])?.first?["id"] as? String)

        let statements = try await harness.call("GET", "/v1/accounts/acme-eur/statements")
        let listed = try XCTUnwrap((statements.json["statements"] as? [[String: Any]])?.first { $0["id"] as? String == statementId })
        XCTAssertEqual(listed["messages_url"] as? String, "/v1/statements/\(statementId)/messages")
        XCTAssertEqual((listed["archived_message_ids"] as? [Int])?.count, 1)

        let exchange = try await harness.call("GET", "/v1/statements/\(statementId)/messages")
        XCTAssertEqual(exchange.status, 200)
        let messages = try XCTUnwrap(exchange.json["messages"] as? [[String: Any]])
        XCTAssertEqual(messages.map { $0["exchange"] as? String }, ["statement_request", "statement_answer"])
        XCTAssertEqual(messages.map { $0["direction"] as? String }, ["outbound", "inbound"])
        XCTAssertEqual(messages.map { $0["account"] as? String }, ["acme-eur", "acme-eur"])
        XCTAssertEqual(messages[0]["kind"] as? String, "camt.060.001.05")
        XCTAssertEqual(messages[1]["kind"] as? String, "camt.053.001.08")
        XCTAssertEqual(messages[1]["answers_message_id"] as? Int, messages[0]["id"] as? Int)
        XCTAssertEqual(messages[1]["http_status"] as? Int, 200)
        for message in messages {
            let body = try XCTUnwrap(Data(base64Encoded: try XCTUnwrap(message["body_base64"] as? String)))
            XCTAssertEqual(message["sha256"] as? String, SHA256.hex(Array(body)))
            XCTAssertEqual(message["size"] as? Int, body.count)
        }
        let answer = try XCTUnwrap(messages[1]["body"] as? String)
        XCTAssertTrue(answer.contains("ARCH-1"), "the statement that booked the payment")

        let missing = try await harness.call("GET", "/v1/statements/stm_999999/messages")
        XCTAssertEqual(missing.status, 404)
    }
}
