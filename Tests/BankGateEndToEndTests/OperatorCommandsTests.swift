import BankGateSimulator
import Foundation
import XCTest

/// The operator commands of issue 12 against a live gateway and simulated bank: the exchange log,
/// the account list, the bulk actions, and the CLI for what the API offers (statements pull,
/// balances, transactions, expected payments, events tail).
final class OperatorCommandsTests: XCTestCase {
    var harness: GatewayHarness!

    override func setUp() async throws { harness = try GatewayHarness() }
    override func tearDown() async throws { await harness.stop() }

    private func bankgate(_ arguments: [String], token: String? = nil) throws -> (status: Int32, out: String, err: String) {
        try BankGateExecutable.run(arguments + ["--url", "http://127.0.0.1:\(harness.apiPort)", "--token", token ?? harness.token])
    }

    func testExchangeLogAccountsAndAccountCommands() async throws {
        try await harness.start()
        let created = try await harness.call("POST", "/v1/payments", body: GatewayHarness.payment(e2e: "OPS-1"), key: "ops-1")
        let paymentId = try XCTUnwrap(created.json["id"] as? String)
        _ = try await harness.waitForPayment(paymentId) { $0 == "completed" }
        let today = GatewayHarness.today

        let pull = try bankgate(["statements", "pull", "acme-eur", "--from", today, "--to", today])
        XCTAssertEqual(pull.status, 0, pull.err)
        XCTAssertTrue(pull.out.contains("stm_"), pull.out)

        let statements = try bankgate(["statements", "list", "acme-eur"])
        XCTAssertEqual(statements.status, 0, statements.err)
        let statementId = try XCTUnwrap(statements.out.split(whereSeparator: \.isWhitespace).first { $0.hasPrefix("stm_") }, statements.out)
        let statementMessages = try bankgate(["statements", "messages", String(statementId)])
        XCTAssertEqual(statementMessages.status, 0, statementMessages.err)
        XCTAssertTrue(statementMessages.out.contains("outbound camt.060") && statementMessages.out.contains("inbound camt.05"),
                      statementMessages.out)

        // The log holds the payment's exchange and the pull, newest first.
        let log = try await harness.call("GET", "/v1/bank-exchanges")
        XCTAssertEqual(log.status, 200, "\(log.json)")
        let exchanges = try XCTUnwrap(log.json["exchanges"] as? [[String: Any]])
        let payment = try XCTUnwrap(exchanges.first { ($0["payment_ids"] as? [String]) == [paymentId] && $0["kind"] as? String == "payment" },
                                    "\(exchanges)")
        XCTAssertEqual(payment["outcome"] as? String, "ok")
        XCTAssertEqual(payment["bank"] as? String, "sim")
        XCTAssertEqual(payment["account"] as? String, "acme-eur")
        let statement = try XCTUnwrap(exchanges.first { $0["kind"] as? String == "statement" }, "\(exchanges)")
        XCTAssertFalse((statement["statement_ids"] as? [String] ?? []).isEmpty, "\(statement)")
        let readerRefused = try await harness.call("GET", "/v1/bank-exchanges", token: "reader-token-0123456789")
        XCTAssertEqual(readerRefused.status, 403)

        let listed = try bankgate(["exchanges", "list", "--kind", "payment"])
        XCTAssertEqual(listed.status, 0, listed.err)
        XCTAssertTrue(listed.out.contains(paymentId) && listed.out.contains("payment"), listed.out)
        XCTAssertFalse(listed.out.contains("statement "), listed.out)
        let paymentExchange = try XCTUnwrap(payment["id"] as? String)
        let shown = try bankgate(["exchanges", "show", paymentExchange])
        XCTAssertEqual(shown.status, 0, shown.err)
        XCTAssertTrue(shown.out.contains("outbound pain.001") && shown.out.contains("OPS-1"), shown.out)
        let badKind = try bankgate(["exchanges", "list", "--kind", "fax"])
        XCTAssertEqual(badKind.status, 2, badKind.err)

        // The account list: bank, currency, status, the statement just pulled and its balance.
        let accounts = try await harness.call("GET", "/v1/accounts")
        let account = try XCTUnwrap((accounts.json["accounts"] as? [[String: Any]])?.first, "\(accounts.json)")
        XCTAssertEqual(account["id"] as? String, "acme-eur")
        XCTAssertEqual(account["status"] as? String, "active")
        XCTAssertEqual((account["last_statement"] as? [String: Any])?["period_end"] as? String, today, "\(account)")
        XCTAssertNotNil((account["last_balance"] as? [String: Any])?["amount"] as? String, "\(account)")
        let accountList = try bankgate(["accounts", "list"])
        XCTAssertEqual(accountList.status, 0, accountList.err)
        XCTAssertTrue(accountList.out.contains("acme-eur") && accountList.out.contains("active") && accountList.out.contains("stm_"),
                      accountList.out)

        let balances = try bankgate(["balances", "acme-eur"])
        XCTAssertEqual(balances.status, 0, balances.err)
        XCTAssertTrue(balances.out.contains("CLBD"), balances.out)
        let transactions = try bankgate(["transactions", "acme-eur"])
        XCTAssertEqual(transactions.status, 0, transactions.err)
        XCTAssertTrue(transactions.out.contains("-12.34") && transactions.out.contains("OPS-1"), transactions.out)

        let expected = try bankgate(["expected-payments", "create", "--account", "acme-eur", "--currency", "EUR", "--amount", "99.00",
                                     "--counterparty-name", "Kunde AG", "--reference", "INV-77", "--from", today, "--to", today, "--json"])
        XCTAssertEqual(expected.status, 0, expected.err)
        let expectedId = try XCTUnwrap((try JSONSerialization.jsonObject(with: Data(expected.out.utf8)) as? [String: Any])?["id"] as? String)
        let expectedList = try bankgate(["expected-payments", "list", "--account", "acme-eur"])
        XCTAssertTrue(expectedList.out.contains(expectedId) && expectedList.out.contains("INV-77"), expectedList.out)
        let cancelled = try bankgate(["expected-payments", "cancel", expectedId])
        XCTAssertEqual(cancelled.status, 0, cancelled.err)
        let expectedShown = try bankgate(["expected-payments", "show", expectedId])
        XCTAssertTrue(expectedShown.out.contains("cancelled"), expectedShown.out)
        let missing = try bankgate(["expected-payments", "show", "exp_nope"])
        XCTAssertEqual(missing.status, 1, missing.err)

        // The feed, one JSON line per event, read to its end.
        let tail = try bankgate(["events", "tail", "--limit", "2"])
        XCTAssertEqual(tail.status, 0, tail.err)
        let lines = tail.out.split(separator: "\n")
        XCTAssertGreaterThan(lines.count, 2, "read past the first page")
        let first = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any])
        XCTAssertEqual(first["type"] as? String, "payment.accepted")
        XCTAssertEqual(first["payment_id"] as? String, paymentId)
        XCTAssertTrue(lines.contains { $0.contains("payment.completed") }, tail.out)
    }

    /// Failed payments of a bank that was down, queued again at once by `retry-all`; each retry is
    /// the single action (its history entry and audit record); what the rule refuses is skipped.
    func testBulkRetryOfFailedPaymentsAndItsDryRun() async throws {
        let unreachable = try RefusingPort()
        defer { unreachable.close() }
        try await harness.start(bankURL: "http://127.0.0.1:\(unreachable.port)", extraBankKeys: "max_attempts = 1")
        var ids: [String] = []
        for n in 1...3 {
            // Distinct amounts: the same amount again would be held as a suspected duplicate.
            let created = try await harness.call("POST", "/v1/payments", body: GatewayHarness.payment(amount: "1\(n).00", e2e: "DOWN-\(n)"),
                                                 key: "down-\(n)")
            ids.append(try XCTUnwrap(created.json["id"] as? String))
        }
        for id in ids { _ = try await harness.waitForPayment(id) { $0 == "failed" } }

        let dryRun = try bankgate(["payments", "retry-all", "--bank", "sim", "--dry-run"])
        XCTAssertEqual(dryRun.status, 0, dryRun.err)
        XCTAssertTrue(dryRun.out.contains("would change 3"), dryRun.out)
        for id in ids {
            let unchanged = try await harness.call("GET", "/v1/payments/\(id)")
            XCTAssertEqual(unchanged.json["status"] as? String, "failed", "a dry run changes nothing")
        }

        // Refused by the single action's rule: a failed payment cannot be cancelled.
        let refused = try await harness.call("POST", "/v1/payments/cancel", body: ["status": "failed"])
        XCTAssertEqual(refused.status, 200, "\(refused.json)")
        XCTAssertEqual((refused.json["skipped"] as? [[String: Any]])?.compactMap { $0["code"] as? String }, ["invalid_state", "invalid_state", "invalid_state"])
        XCTAssertEqual((refused.json["changed"] as? [Any])?.count, 0)

        let refusedByCLI = try bankgate(["payments", "cancel-all", "--status", "failed"])
        XCTAssertEqual(refusedByCLI.status, 0, refusedByCLI.err)
        XCTAssertTrue(refusedByCLI.out.contains("changed 0, skipped 3") && refusedByCLI.out.contains("invalid_state"), refusedByCLI.out)
        let noneHeld = try bankgate(["payments", "release-all", "--hold-kind", "duplicate", "--json"])
        XCTAssertEqual(noneHeld.status, 0, noneHeld.err)
        XCTAssertTrue(noneHeld.out.contains("\"changed\":[]"), noneHeld.out)

        let retried = try await harness.call("POST", "/v1/payments/retry", body: ["bank": "sim", "limit": 2])
        XCTAssertEqual(retried.status, 200, "\(retried.json)")
        XCTAssertEqual((retried.json["changed"] as? [[String: Any]])?.compactMap { $0["id"] as? String }, Array(ids.prefix(2)))
        XCTAssertEqual(retried.json["more"] as? Bool, true)
        for id in ids.prefix(2) {
            let detail = try await harness.call("GET", "/v1/payments/\(id)")
            let reasons = (detail.json["history"] as? [[String: Any]])?.compactMap { $0["reason"] as? String } ?? []
            XCTAssertTrue(reasons.contains("retry by treasury"), "\(reasons)")
        }
        let untouched = try await harness.call("GET", "/v1/payments/\(ids[2])")
        let untouchedReasons = (untouched.json["history"] as? [[String: Any]])?.compactMap { $0["reason"] as? String } ?? []
        XCTAssertFalse(untouchedReasons.contains("retry by treasury"), "the bound held")

        // A bank that is not configured (a typo) is refused, not a silent "changed 0".
        let otherBank = try bankgate(["payments", "retry-all", "--bank", "elsewhere"])
        XCTAssertEqual(otherBank.status, 1, otherBank.out)
        XCTAssertTrue(otherBank.err.contains("bank elsewhere is not a configured bank (unknown_bank, field bank)"), otherBank.err)
        let noScope = try bankgate(["payments", "retry-all"], token: "reader-token-0123456789")
        XCTAssertEqual(noScope.status, 1, noScope.err)

        // The exchange log shows the failed sends as errors that never left (the connection was
        // refused): `not_sent`, as the logs and the metrics call them, not an unknown answer.
        let log = try await harness.call("GET", "/v1/bank-exchanges?kind=payment&outcome=error")
        let failedSends = log.json["exchanges"] as? [[String: Any]] ?? []
        XCTAssertGreaterThanOrEqual(failedSends.count, 3, "\(log.json)")
        XCTAssertEqual(Set(failedSends.compactMap { $0["error_code"] as? String }), ["not_sent"])
        let unknown = try await harness.call("GET", "/v1/bank-exchanges?kind=payment&outcome=unknown")
        XCTAssertEqual((unknown.json["exchanges"] as? [Any])?.count, 0, "\(unknown.json)")
    }

    /// A batch travels as one bank message: retrying its first payment re-queues the other with it,
    /// which the answer reports as changed `with_payment`, not retried a second time.
    func testBulkRetryOfABatchRetriesItsMessageOnce() async throws {
        let unreachable = try RefusingPort()
        defer { unreachable.close() }
        try await harness.start(bankURL: "http://127.0.0.1:\(unreachable.port)", extraBankKeys: "max_attempts = 1")
        let batch = try await harness.call("POST", "/v1/payment-batches", body: [
            "payments": [GatewayHarness.payment(amount: "21.00", e2e: "BATCH-1"), GatewayHarness.payment(amount: "22.00", e2e: "BATCH-2")],
        ], key: "batch-1")
        let ids = try XCTUnwrap((batch.json["payments"] as? [[String: Any]])?.compactMap { $0["id"] as? String }, "\(batch.json)")
        XCTAssertEqual(ids.count, 2)
        for id in ids { _ = try await harness.waitForPayment(id) { $0 == "failed" } }

        let retried = try await harness.call("POST", "/v1/payments/retry", body: [String: Any]())
        let changed = try XCTUnwrap(retried.json["changed"] as? [[String: Any]], "\(retried.json)")
        XCTAssertEqual(changed.compactMap { $0["id"] as? String }, ids)
        XCTAssertTrue(changed[0]["with_payment"] is NSNull, "\(changed)")
        XCTAssertEqual(changed[1]["with_payment"] as? String, ids[0])
        XCTAssertEqual((retried.json["skipped"] as? [Any])?.count, 0)
        let second = try await harness.call("GET", "/v1/payments/\(ids[1])")
        let reasons = (second.json["history"] as? [[String: Any]])?.compactMap { $0["reason"] as? String } ?? []
        XCTAssertEqual(reasons.filter { $0.hasPrefix("retry by treasury") }.count, 1, "\(reasons)")
    }

    /// `events tail --follow` prints each event as it comes, one JSON line, until stopped.
    func testEventsTailFollowPrintsNewEventsAsTheyCome() async throws {
        try await harness.start()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try BankGateExecutable.path)
        process.arguments = ["events", "tail", "--follow", "--wait", "5", "--url", "http://127.0.0.1:\(harness.apiPort)",
                             "--token", harness.token]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = Pipe()
        try process.run()
        defer { if process.isRunning { process.terminate() } }
        // From the start of the feed, then waiting: the payment's events reach it whether they come
        // before or after it started.
        let created = try await harness.call("POST", "/v1/payments", body: GatewayHarness.payment(e2e: "TAIL-1"), key: "tail-1")
        let id = try XCTUnwrap(created.json["id"] as? String)
        _ = try await harness.waitForPayment(id) { $0 == "completed" }
        // A tail that printed nothing would block the read below: it is stopped after 20 s whatever happens.
        DispatchQueue.global().asyncAfter(deadline: .now() + 20) { if process.isRunning { process.terminate() } }
        var text = ""
        while !text.contains("payment.completed") {
            let chunk = out.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            text += String(decoding: chunk, as: UTF8.self)
        }
        XCTAssertTrue(process.isRunning, "with --follow it keeps waiting after the feed's end")
        process.terminate()
        process.waitUntilExit()
        let types = try text.split(separator: "\n").map { line in
            try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])["type"] as? String
        }
        XCTAssertEqual(types.first, "payment.accepted", text)
        XCTAssertTrue(types.contains("payment.completed"), text)
    }
}
