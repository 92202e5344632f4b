import BankGateSimulator
import Foundation
import XCTest

/// API → dispatcher → simulated bank → status report, in one process.
final class PaymentFlowTests: XCTestCase {
    var harness: GatewayHarness!

    override func setUp() async throws { harness = try GatewayHarness() }
    override func tearDown() async throws { await harness.stop() }

    func testPaymentIsCompletedAndTraceable() async throws {
        try await harness.start()
        let created = try await harness.call("POST", "/v1/payments", body: GatewayHarness.payment(e2e: "INV-42"), key: "k-1")
        XCTAssertEqual(created.status, 201)
        let id = try XCTUnwrap(created.json["id"] as? String)
        XCTAssertEqual(created.json["amount"] as? String, "12.34")
        XCTAssertEqual(created.json["end_to_end_id"] as? String, "INV-42")

        let done = try await harness.waitForPayment(id) { $0 == "completed" }
        XCTAssertEqual(done["bank_status"] as? String, "ACSC")
        let history = try XCTUnwrap(done["history"] as? [[String: Any]]).compactMap { $0["to"] as? String }
        XCTAssertEqual(history, ["received", "queued", "sending", "completed"])

        let ledger = try await harness.ledger()
        XCTAssertEqual(ledger.count, 1)
        XCTAssertEqual(ledger.first?["end_to_end_id"] as? String, "INV-42")
        XCTAssertEqual(ledger.first?["amount"] as? String, "12.34")
        XCTAssertEqual(ledger.first?["msg_id"] as? String, created.json["message_id"] as? String)

        // The audit copies: the pain.001 exactly as sent, and the bank's answer.
        let messages = try await harness.call("GET", "/v1/payments/\(id)/messages")
        let list = try XCTUnwrap(messages.json["messages"] as? [[String: Any]])
        XCTAssertEqual(list.map { $0["direction"] as? String }, ["outbound", "inbound"])
        let sent = try XCTUnwrap(list.first?["body"] as? String)
        XCTAssertTrue(sent.contains("<EndToEndId>INV-42</EndToEndId>"))
        XCTAssertTrue(sent.contains("Müller &amp; Söhne GmbH"))
        XCTAssertTrue((list.last?["body"] as? String)?.contains("ACSC") ?? false)

        let events = try await harness.call("GET", "/v1/events?after=0")
        let types = (events.json["events"] as? [[String: Any]])?.compactMap { $0["type"] as? String }
        XCTAssertEqual(types, ["payment.accepted", "payment.completed"])
    }

    func testRejectionCarriesTheBanksReason() async throws {
        try await harness.start(accounts: """
            [{"number": "DE89370400440532013000", "currency": "EUR", "balance": "100.00", "status": "open"},
             {"number": "GB33BUKB20201555555555", "currency": "EUR", "balance": "0.00", "status": "closed"}]
            """)
        let tooMuch = try await harness.call("POST", "/v1/payments", body: GatewayHarness.payment(amount: "500.00"), key: "a")
        let closed = try await harness.call("POST", "/v1/payments", body: GatewayHarness.payment(creditor: "GB33BUKB20201555555555"), key: "b")
        let first = try await harness.waitForPayment(tooMuch.json["id"] as! String) { $0 == "rejected" }
        XCTAssertEqual(first["reason_code"] as? String, "AM04")
        let second = try await harness.waitForPayment(closed.json["id"] as! String) { $0 == "rejected" }
        XCTAssertEqual(second["reason_code"] as? String, "AC04")
        let ledger = try await harness.ledger()
        XCTAssertTrue(ledger.isEmpty, "nothing rejected was executed")
    }

    /// Parallel identical requests while the payment moves on: one acceptance, and every answer is
    /// the same status code and the same body; all but one say they are replays.
    func testParallelIdenticalRequestsAllGetTheFirstAnswer() async throws {
        try await harness.start()
        let body = Array(try JSONSerialization.data(withJSONObject: GatewayHarness.payment(amount: "9.00", e2e: "PAR-1")))
        let harness = self.harness!
        // Each answer as (status, its JSON with sorted keys, whether it says it is a replay).
        let answers = try await withThrowingTaskGroup(of: (Int, String, Bool).self) { group in
            for _ in 0..<20 {
                group.addTask {
                    let answer = try await harness.call("POST", "/v1/payments", rawBody: body, key: "parallel")
                    let canonical = try JSONSerialization.data(withJSONObject: answer.json, options: [.sortedKeys])
                    let replayed = answer.headers.headers.contains { $0.name.lowercased() == "idempotent-replayed" }
                    return (answer.status, String(decoding: canonical, as: UTF8.self), replayed)
                }
            }
            var all: [(Int, String, Bool)] = []
            for try await answer in group { all.append(answer) }
            return all
        }
        XCTAssertEqual(Set(answers.map(\.0)), [201])
        XCTAssertEqual(Set(answers.map(\.1)).count, 1, "\(Set(answers.map(\.1)))")
        XCTAssertEqual(answers.filter(\.2).count, answers.count - 1)
        let listed = try await harness.call("GET", "/v1/payments?limit=10")
        XCTAssertEqual((listed.json["payments"] as? [Any])?.count, 1)
    }

    func testIdempotentReplayAndConflict() async throws {
        try await harness.start()
        let body = GatewayHarness.payment(amount: "7.00")
        let first = try await harness.call("POST", "/v1/payments", body: body, key: "same-key")
        XCTAssertEqual(first.status, 201)
        _ = try await harness.waitForPayment(first.json["id"] as! String) { $0 == "completed" }
        // After the payment moved on, a replay is still exactly the first answer.
        let replay = try await harness.call("POST", "/v1/payments", body: body, key: "same-key")
        XCTAssertEqual(replay.status, 201)
        XCTAssertEqual(replay.headers.headers.first { $0.name.lowercased() == "idempotent-replayed" }?.value, "true")
        XCTAssertEqual(NSDictionary(dictionary: replay.json), NSDictionary(dictionary: first.json), "the same body")
        let other = try await harness.call("POST", "/v1/payments", body: GatewayHarness.payment(amount: "8.00"), key: "same-key")
        XCTAssertEqual(other.status, 409)
        XCTAssertEqual((other.json["error"] as? [String: Any])?["code"] as? String, "idempotency_conflict")
        _ = try await harness.waitForPayment(first.json["id"] as! String) { $0 == "completed" }
        let ledger = try await harness.ledger()
        XCTAssertEqual(ledger.count, 1)
    }

    func testBatchGoesAsOneMessageAndEachPaymentKeepsItsStatus() async throws {
        try await harness.start(accounts: """
            [{"number": "DE89370400440532013000", "currency": "EUR", "balance": "100.00", "status": "open"}]
            """)
        let batch = try await harness.call("POST", "/v1/payment-batches", body: ["payments": [
            GatewayHarness.payment(amount: "30.00", e2e: "PAYROLL-1"),
            GatewayHarness.payment(amount: "90.00", e2e: "PAYROLL-2"),
            GatewayHarness.payment(amount: "40.00", e2e: "PAYROLL-3"),
        ]], key: "payroll-nov")
        XCTAssertEqual(batch.status, 201)
        let payments = try XCTUnwrap(batch.json["payments"] as? [[String: Any]])
        XCTAssertEqual(payments.count, 3)
        XCTAssertEqual(Set(payments.compactMap { $0["message_id"] as? String }).count, 1, "one pain.001 for the batch")
        var final: [String] = []
        for payment in payments {
            let done = try await harness.waitForPayment(payment["id"] as! String) { ["completed", "rejected"].contains($0) }
            final.append(done["status"] as! String)
        }
        // 30 fits, 90 does not (70 left), 40 fits.
        XCTAssertEqual(final, ["completed", "rejected", "completed"])
        let ledger = try await harness.ledger()
        XCTAssertEqual(Set(ledger.compactMap { $0["end_to_end_id"] as? String }), ["PAYROLL-1", "PAYROLL-3"])
    }

    func testCancelBeforeSendingAndRefusedAfterwards() async throws {
        // A bank that cannot be reached: the payment waits in the queue with backoff.
        let unreachable = try RefusingPort()
        defer { unreachable.close() }
        try await harness.start(bankURL: "http://127.0.0.1:\(unreachable.port)",
                                extraBankKeys: "max_attempts = 100\nbackoff_base_ms = 600000\nbackoff_max_ms = 600000")
        let created = try await harness.call("POST", "/v1/payments", body: GatewayHarness.payment(), key: "c1")
        let id = try XCTUnwrap(created.json["id"] as? String)
        // The first attempt is refused; the next one is ten minutes away.
        _ = try await harness.waitUntilAttempted(id)
        let cancelled = try await harness.call("POST", "/v1/payments/\(id)/cancel")
        XCTAssertEqual(cancelled.status, 200)
        XCTAssertEqual(cancelled.json["status"] as? String, "cancelled")
        let again = try await harness.call("POST", "/v1/payments/\(id)/cancel")
        XCTAssertEqual(again.status, 409)
        let missing = try await harness.call("POST", "/v1/payments/pay_nope/cancel")
        XCTAssertEqual(missing.status, 404)
    }

    func testDroppedAnswerIsSettledByAStatusQueryNotByResending() async throws {
        try await harness.start(faults: FaultSettings(seed: 7, dropAfterExecuteRate: 1.0))
        let created = try await harness.call("POST", "/v1/payments", body: GatewayHarness.payment(), key: "d1")
        let id = try XCTUnwrap(created.json["id"] as? String)
        let done = try await harness.waitForPayment(id) { $0 == "completed" }
        let path = try XCTUnwrap(done["history"] as? [[String: Any]]).compactMap { $0["to"] as? String }
        XCTAssertEqual(path, ["received", "queued", "sending", "unknown", "completed"])
        let ledger = try await harness.ledger()
        XCTAssertEqual(ledger.count, 1, "executed exactly once")
        let messages = try await harness.call("GET", "/v1/payments/\(id)/messages")
        let kinds = (messages.json["messages"] as? [[String: Any]])?.compactMap { $0["kind"] as? String }
        XCTAssertEqual(kinds, ["pain.001.001.09", "pacs.028.001.03", "pain.002"])
        let exchanges = (messages.json["messages"] as? [[String: Any]])?.compactMap { $0["exchange"] as? String }
        XCTAssertEqual(exchanges, ["payment", "status_query", "status_answer"])
    }

    func testFailureBeforeExecutionIsResentAfterTheBankDeniesReceipt() async throws {
        // fail-rate 1: every payment answered 500 without execution. Unknown → query → NOTFOUND → resend.
        // With every send failing, the payment loops; switch the bank healthy by using a low rate and a seed.
        try await harness.start(faults: FaultSettings(seed: 3, failRate: 0.5))
        var ids: [String] = []
        for n in 0..<8 {
            let created = try await harness.call("POST", "/v1/payments", body: GatewayHarness.payment(amount: "\(20 + n).00", e2e: "F-\(n)"), key: "f\(n)")
            ids.append(try XCTUnwrap(created.json["id"] as? String))
        }
        var resent = 0
        for id in ids {
            let done = try await harness.waitForPayment(id) { $0 == "completed" }
            let path = try XCTUnwrap(done["history"] as? [[String: Any]]).compactMap { $0["to"] as? String }
            if path.contains("unknown") {
                XCTAssertTrue(path.contains("queued"), "only requeued after the bank denied receipt")
                resent += 1
            }
        }
        XCTAssertGreaterThan(resent, 0, "the seed must make the bank fail some sends")
        let ledger = try await harness.ledger()
        XCTAssertEqual(ledger.count, 8)
        XCTAssertEqual(Set(ledger.compactMap { $0["end_to_end_id"] as? String }).count, 8)
    }
}
