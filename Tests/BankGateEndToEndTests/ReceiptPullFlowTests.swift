import BankGateCore
import BankGateSimulator
import BankGateTestSupport
import Foundation
import XCTest

/// Receipt pulls without anyone asking, against the CMB simulator, on a gateway clock the tests move
/// forward (ticks driven by hand, no waiting in real time): a completed payment's day is pulled
/// after the delay and its receipt linked; a receipt the bank never issues is tried for again, then
/// reported missing with its reason; a failed pull is reported with its reason and retried;
/// scheduled pulls catch up the days missed.
final class ReceiptPullFlowTests: XCTestCase {
    static let bank = ConformanceBank.cmb
    static let receiptKeys = "receipt_pull_delay = \"10m\"\nreceipt_missing_after = \"1h\""
    static let minute: Int64 = 60_000

    func testACompletedPaymentsDayIsPulledAfterTheDelayAndItsReceiptLinked() async throws {
        let clock = ShiftedClock(base: GatewayHarness.clock)
        try await Conformance.withProfile(profile: Self.bank.profile, extraBankKeys: Self.receiptKeys, gatewayClock: clock) { harness in
            let gateway = try XCTUnwrap(harness.gateway)
            let account = Self.bank.accountId
            var ids: [String] = []
            for n in 1...2 {
                let created = try await harness.call("POST", "/v1/payments", body: Self.bank.payment("RPA-\(n)", "\(n)00.00"), key: "rpa-\(n)")
                XCTAssertEqual(created.status, 201, "\(created.json)")
                ids.append(try XCTUnwrap(created.json["id"] as? String))
            }
            for id in ids { _ = try await harness.waitForPayment(id) { $0 == "completed" } }
            let today = clock.now().dateString

            // Before the delay: due, not pulled; each payment pending, no pull yet.
            await gateway.receiptPulls.tick()
            let before = try await harness.call("GET", "/v1/accounts/\(account)/receipt-report?date=\(today)")
            XCTAssertEqual(before.status, 200, "\(before.json)")
            let pending = try XCTUnwrap(before.json["expected"] as? [[String: Any]]).filter { $0["kind"] as? String == "payment" }
            XCTAssertEqual(Set(pending.compactMap { $0["id"] as? String }), Set(ids))
            XCTAssertEqual(pending.map { $0["state"] as? String }, ["pending", "pending"], "\(pending)")
            XCTAssertEqual(pending.first?["reason"] as? String, "no_pull_yet")
            XCTAssertEqual((before.json["pulls"] as? [[String: Any]])?.count, 0, "\(before.json)")

            // Ten minutes later: one pull for both, and their receipts linked.
            clock.advance(milliseconds: 11 * Self.minute)
            await gateway.receiptPulls.tick()
            await gateway.receiptPulls.tick()
            let after = try await harness.call("GET", "/v1/accounts/\(account)/receipt-report?date=\(today)")
            let pulls = try XCTUnwrap(after.json["pulls"] as? [[String: Any]])
            XCTAssertEqual(pulls.map { $0["trigger"] as? String }, ["after_payment"], "one pull for the account and day: \(pulls)")
            XCTAssertEqual(pulls.first?["outcome"] as? String, "ok")
            XCTAssertNil(pulls.first?["next_attempt_at"] as? String, "nothing left waiting: \(pulls)")
            let linked = try XCTUnwrap(after.json["expected"] as? [[String: Any]]).filter { $0["kind"] as? String == "payment" }
            XCTAssertEqual(linked.map { $0["state"] as? String }, ["linked", "linked"], "\(after.json)")
            XCTAssertTrue(linked.allSatisfy { ($0["receipt_id"] as? String)?.hasPrefix("rcp_") == true })
            let summary = try XCTUnwrap(after.json["summary"] as? [String: Any])
            XCTAssertEqual(summary["missing"] as? Int, 0)
            XCTAssertGreaterThanOrEqual(summary["received"] as? Int ?? 0, 2)
            for id in ids {
                let byPayment = try await harness.call("GET", "/v1/receipts?payment=\(id)&linked=true")
                XCTAssertEqual((byPayment.json["receipts"] as? [[String: Any]])?.count, 1, "\(byPayment.json)")
            }
            let missing = try await harness.call("GET", "/v1/receipts/missing?account=\(account)&from=\(today)&to=\(today)")
            XCTAssertEqual(missing.status, 200, "\(missing.json)")
            XCTAssertFalse((missing.json["items"] as? [[String: Any]] ?? []).contains { ids.contains($0["id"] as? String ?? "") },
                           "\(missing.json)")

            // The command line pulls each day of a range, with progress on standard error (plain lines off a
            // terminal); `--date` still pulls one day.
            let daemon = ["--url", "http://127.0.0.1:\(harness.apiPort)", "--token", harness.token]
            let yesterday = try XCTUnwrap(DateArithmetic.adding(days: -1, to: today))
            let range = try BankGateExecutable.run(["receipts", "pull", "--account", account, "--from", yesterday, "--to", today] + daemon)
            XCTAssertEqual(range.status, 0, range.err)
            XCTAssertTrue(range.out.contains("\(account) \(yesterday)…\(today): 2 day(s)"), range.out)
            XCTAssertTrue(range.err.contains("1/2 50% \(yesterday)") && range.err.contains("2/2 100% \(today)"), range.err)
            XCTAssertFalse(range.err.contains("\u{1B}["), "no control characters off a terminal")
            let oneDay = try BankGateExecutable.run(["receipts", "pull", "--account", account, "--date", today] + daemon)
            XCTAssertEqual(oneDay.status, 0, oneDay.err)
            let byCLI = try await harness.call("GET", "/v1/accounts/\(account)/receipt-report?date=\(today)")
            XCTAssertEqual((byCLI.json["pulls"] as? [[String: Any]])?.map { $0["trigger"] as? String },
                           ["after_payment", "on_demand", "on_demand"], "\(byCLI.json)")
        }
    }

    func testAReceiptTheBankNeverIssuesIsTriedForThenReportedMissing() async throws {
        let clock = ShiftedClock(base: GatewayHarness.clock)
        var faults = FaultSettings(seed: 7)
        faults.withheldReceiptRate = 1
        try await Conformance.withProfile(profile: Self.bank.profile, faults: faults, extraBankKeys: Self.receiptKeys,
                                          gatewayClock: clock) { harness in
            let gateway = try XCTUnwrap(harness.gateway)
            let account = Self.bank.accountId
            let created = try await harness.call("POST", "/v1/payments", body: Self.bank.payment("RPM-1", "321.00"), key: "rpm-1")
            let paymentId = try XCTUnwrap(created.json["id"] as? String, "\(created.json)")
            _ = try await harness.waitForPayment(paymentId) { $0 == "completed" }
            let today = clock.now().dateString
            await gateway.receiptPulls.tick()
            clock.advance(milliseconds: 11 * Self.minute)
            await gateway.receiptPulls.tick()

            // Pulled, the bank gave none: still pending (not overdue), and due again.
            let first = try await harness.call("GET", "/v1/accounts/\(account)/receipt-report?date=\(today)")
            let item = try XCTUnwrap((first.json["expected"] as? [[String: Any]])?.first { $0["id"] as? String == paymentId }, "\(first.json)")
            XCTAssertEqual(item["state"] as? String, "pending")
            XCTAssertEqual(item["reason"] as? String, "bank_gave_none", "\(item)")
            let firstPulls = try XCTUnwrap(first.json["pulls"] as? [[String: Any]])
            XCTAssertEqual(firstPulls.map { $0["trigger"] as? String }, ["after_payment"])
            XCTAssertNotNil(firstPulls.first?["next_attempt_at"] as? String, "tried again: \(firstPulls)")

            // Twenty minutes on: tried again.
            clock.advance(milliseconds: 21 * Self.minute)
            await gateway.receiptPulls.tick()
            let second = try await harness.call("GET", "/v1/accounts/\(account)/receipt-report?date=\(today)")
            let secondPulls = try XCTUnwrap(second.json["pulls"] as? [[String: Any]])
            XCTAssertEqual(secondPulls.map { $0["trigger"] as? String }, ["after_payment", "retry"], "\(secondPulls)")
            XCTAssertEqual(secondPulls.last?["attempt"] as? Int, 2)

            // An hour after it completed: missing, with its reason, in the report and the list.
            clock.advance(milliseconds: 40 * Self.minute)
            await gateway.receiptPulls.tick()
            let report = try await harness.call("GET", "/v1/accounts/\(account)/receipt-report?date=\(today)")
            let missing = try XCTUnwrap((report.json["missing"] as? [[String: Any]])?.first { $0["id"] as? String == paymentId },
                                        "\(report.json)")
            XCTAssertEqual(missing["state"] as? String, "missing")
            XCTAssertEqual(missing["reason"] as? String, "bank_gave_none")
            XCTAssertTrue((missing["reason_text"] as? String ?? "").hasPrefix("bank gave none"), "\(missing)")
            XCTAssertEqual((report.json["summary"] as? [String: Any])?["missing"] as? Int, 1, "\(report.json)")
            // Announced once: the event receipt.missing with the reason, not again on the next look.
            clock.advance(milliseconds: 11 * Self.minute)
            await gateway.receiptPulls.tick()
            let events = try await harness.call("GET", "/v1/events?after=0&limit=1000")
            let announced = (events.json["events"] as? [[String: Any]] ?? []).filter { $0["type"] as? String == "receipt.missing" }
            XCTAssertEqual(announced.count, 1, "\(events.json)")
            let data = announced.first?["data"] as? [String: Any]
            XCTAssertEqual(data?["payment_id"] as? String, paymentId)
            XCTAssertEqual(data?["reason"] as? String, "bank_gave_none")
            XCTAssertEqual(data?["amount"] as? String, "-321.00")
            let listed = try await harness.call("GET", "/v1/receipts/missing?account=\(account)")
            XCTAssertEqual(listed.status, 200, "\(listed.json)")
            let entry = try XCTUnwrap((listed.json["items"] as? [[String: Any]])?.first { $0["id"] as? String == paymentId }, "\(listed.json)")
            XCTAssertEqual(entry["state"] as? String, "missing")
            XCTAssertEqual(entry["kind"] as? String, "payment")
            XCTAssertEqual((entry["last_pull"] as? [String: Any])?["outcome"] as? String, "ok")

            // The CSV: a header, and the payment's row says missing and why.
            let csv = try await harness.client.send(
                method: "GET", url: "http://127.0.0.1:\(harness.apiPort)/v1/accounts/\(account)/receipt-report?date=\(today)&format=csv",
                headers: [("Authorization", "Bearer \(harness.token)")], body: nil)
            XCTAssertEqual(csv.status, 200)
            XCTAssertEqual(csv.headers.first { $0.name.lowercased() == "content-type" }?.value, "text/csv; charset=utf-8")
            let rows = CSVText.rows(String(decoding: csv.body, as: UTF8.self))
            XCTAssertEqual(rows.first, ["kind", "id", "booking_date", "amount", "currency", "counterparty", "reference", "state",
                                        "reason", "detail", "receipt_id", "at"])
            let row = try XCTUnwrap(rows.first { $0.count > 1 && $0[1] == paymentId }, "\(rows)")
            XCTAssertEqual(row[0], "payment")
            XCTAssertEqual(row[3], "-321.00")
            XCTAssertEqual(row[5], "上海某某贸易有限公司")
            XCTAssertEqual(row[7], "missing")
            XCTAssertEqual(row[8], "bank_gave_none")
            let finalPulls = try XCTUnwrap(report.json["pulls"] as? [[String: Any]])
            XCTAssertEqual(finalPulls.map { $0["trigger"] as? String }, ["after_payment", "retry", "retry"],
                           "tried until the deadline, then no more: \(finalPulls)")
            XCTAssertNil(finalPulls.last?["next_attempt_at"] as? String)
            XCTAssertEqual(rows.filter { $0.first == "pull" }.count, finalPulls.count)

            // The command line: the missing list and the report.
            let daemon = ["--url", "http://127.0.0.1:\(harness.apiPort)", "--token", harness.token]
            let missingByCLI = try BankGateExecutable.run(["receipts", "missing", "--account", account] + daemon)
            XCTAssertEqual(missingByCLI.status, 0, missingByCLI.err)
            XCTAssertTrue(missingByCLI.out.contains(paymentId) && missingByCLI.out.contains("missing"), missingByCLI.out)
            let reportByCLI = try BankGateExecutable.run(["receipts", "report", "--account", account, "--date", today] + daemon)
            XCTAssertEqual(reportByCLI.status, 0, reportByCLI.err)
            XCTAssertTrue(reportByCLI.out.contains("missing 1") && reportByCLI.out.contains(paymentId), reportByCLI.out)
            let csvByCLI = try BankGateExecutable.run(["receipts", "report", "--account", account, "--date", today, "--csv"] + daemon)
            XCTAssertTrue(csvByCLI.out.hasPrefix("kind,id,booking_date"), csvByCLI.out)
        }
    }

    func testAFailedPullIsReportedWithItsReasonAndRetried() async throws {
        let clock = ShiftedClock(base: GatewayHarness.clock)
        let closed = try RefusingPort()
        defer { closed.close() }
        try await Conformance.withProfile(profile: Self.bank.profile, extraBankKeys: Self.receiptKeys, gatewayClock: clock,
                                          adjustPrinted: { printed in
            printed.split(separator: "\n", omittingEmptySubsequences: false).map { line in
                line.hasPrefix("url = ") ? "url = \"http://127.0.0.1:\(closed.port)\"" : String(line)
            }.joined(separator: "\n")
        }) { harness in
            let gateway = try XCTUnwrap(harness.gateway)
            let account = Self.bank.accountId
            let today = clock.now().dateString
            let pulled = try await harness.call("POST", "/v1/accounts/\(account)/receipts/pull?date=\(today)")
            XCTAssertGreaterThanOrEqual(pulled.status, 500, "\(pulled.json)")

            let report = try await harness.call("GET", "/v1/accounts/\(account)/receipt-report?date=\(today)")
            let failed = try XCTUnwrap(report.json["failed_pulls"] as? [[String: Any]], "\(report.json)")
            XCTAssertEqual(failed.count, 1, "\(report.json)")
            XCTAssertEqual(failed.first?["trigger"] as? String, "on_demand")
            XCTAssertEqual(failed.first?["outcome"] as? String, "failed")
            XCTAssertEqual(failed.first?["error_code"] as? String, "bank_unreachable", "\(failed)")
            XCTAssertFalse((failed.first?["error_message"] as? String ?? "").isEmpty)
            XCTAssertNotNil(failed.first?["next_attempt_at"] as? String, "retried: \(failed)")

            // A minute or so on: tried again, attempt 2, failing the same way.
            clock.advance(milliseconds: 2 * Self.minute)
            await gateway.receiptPulls.tick()
            let again = try await harness.call("GET", "/v1/accounts/\(account)/receipt-report?date=\(today)")
            let pulls = try XCTUnwrap(again.json["pulls"] as? [[String: Any]])
            XCTAssertEqual(pulls.map { $0["trigger"] as? String }, ["on_demand", "retry"], "\(pulls)")
            XCTAssertEqual(pulls.map { $0["attempt"] as? Int }, [1, 2])
            XCTAssertEqual((again.json["summary"] as? [String: Any])?["failed_pulls"] as? Int, 2)

            // The CSV carries the failed pulls with their reason.
            let csv = try await harness.client.send(
                method: "GET", url: "http://127.0.0.1:\(harness.apiPort)/v1/accounts/\(account)/receipt-report?date=\(today)&format=csv",
                headers: [("Authorization", "Bearer \(harness.token)")], body: nil)
            let rows = CSVText.rows(String(decoding: csv.body, as: UTF8.self)).filter { $0.first == "pull" }
            XCTAssertEqual(rows.map { $0[7] }, ["failed", "failed"], "\(rows)")
            XCTAssertEqual(rows.map { $0[8] }, ["bank_unreachable", "bank_unreachable"])

            // Unknown account, bad date.
            let unknown = try await harness.call("GET", "/v1/accounts/nobody/receipt-report?date=\(today)")
            XCTAssertEqual(unknown.status, 404)
            let badDate = try await harness.call("GET", "/v1/accounts/\(account)/receipt-report?date=2026-02-30")
            XCTAssertEqual(badDate.status, 422)
            XCTAssertEqual((badDate.json["error"] as? [String: Any])?["code"] as? String, "invalid_date", "\(badDate.json)")
        }
    }

    func testScheduledPullsCatchUpTheDaysMissed() async throws {
        let clock = ShiftedClock(base: GatewayHarness.clock)
        try await Conformance.withProfile(profile: Self.bank.profile, extraBankKeys: Self.receiptKeys + "\nreceipt_pull_at = \"00:30\"",
                                          gatewayClock: clock) { harness in
            let gateway = try XCTUnwrap(harness.gateway)
            let account = Self.bank.accountId
            let today = clock.now().dateString
            let yesterday = try XCTUnwrap(DateArithmetic.adding(days: -1, to: today))
            await gateway.receiptPulls.tick()
            let first = try await Self.scheduledPulls(harness, account: account, days: [yesterday])
            XCTAssertEqual(first[yesterday], 1, "yesterday pulled on schedule: \(first)")

            // Three days later (the gateway was down): the days missed are caught up, each once.
            clock.advance(milliseconds: 3 * 86_400_000)
            await gateway.receiptPulls.tick()
            await gateway.receiptPulls.tick()
            let days = (0...2).compactMap { DateArithmetic.adding(days: $0, to: today) }
            let caught = try await Self.scheduledPulls(harness, account: account, days: [yesterday] + days)
            XCTAssertEqual(caught, Dictionary(uniqueKeysWithValues: ([yesterday] + days).map { ($0, 1) }), "\(caught)")
        }
    }

    /// Scheduled pulls that went through, per day.
    static func scheduledPulls(_ harness: GatewayHarness, account: String, days: [String]) async throws -> [String: Int] {
        var counts: [String: Int] = [:]
        for day in days {
            let report = try await harness.call("GET", "/v1/accounts/\(account)/receipt-report?date=\(day)")
            let pulls = report.json["pulls"] as? [[String: Any]] ?? []
            counts[day] = pulls.filter { $0["trigger"] as? String == "scheduled" && $0["outcome"] as? String == "ok" }.count
        }
        return counts
    }
}
