import Foundation
import XCTest

/// `[[schedules]]` through the daemon: the plans with their next run, a run now through the API and
/// `bankgate schedules`, its job and tasks; a balance pull then a sweep of what is above a target.
final class ScheduleAPITests: XCTestCase {
    static let plans = """
        [[accounts]]
        id = "acme-hq"
        bank = "sim"
        number = "GB82WEST12345698765432"
        bank_code = "NWBKGB2LXXX"
        name = "ACME Holding"
        currency = "EUR"

        [[schedules]]
        name = "pull-balances"
        kind = "balance_pull"
        at = ["06:00"]
        accounts = ["acme-eur"]

        [[schedules]]
        name = "sweep-up"
        kind = "sweep"
        at = ["16:00"]
        days = "daily"
        from_account = "acme-eur"
        to_account = "acme-hq"
        target = "1000.00"
        """

    func testPlansJobsAndTasksThroughTheAPIAndTheCommandLine() async throws {
        let harness = try GatewayHarness()
        try await harness.start(extraConfig: Self.plans)
        let daemon = ["--url", "http://127.0.0.1:\(harness.apiPort)", "--token", harness.token]
        // A first payment opens the debtor account in the simulated bank's ledger.
        let created = try await harness.call("POST", "/v1/payments", body: GatewayHarness.payment(), key: "open-1")
        _ = try await harness.waitForPayment(try XCTUnwrap(created.json["id"] as? String)) { $0 == "completed" }
        let listed = try await harness.call("GET", "/v1/schedules")
        let pulled = try await harness.call("POST", "/v1/schedules/pull-balances/run")
        let swept = try BankGateExecutable.run(["schedules", "run", "sweep-up", "--json"] + daemon)
        let jobs = try await harness.call("GET", "/v1/schedules/sweep-up/jobs")
        let jobId = ((jobs.json["jobs"] as? [[String: Any]])?.first?["id"] as? String) ?? "none"
        let job = try await harness.call("GET", "/v1/schedule-jobs/\(jobId)")
        let paymentId = ((job.json["tasks"] as? [[String: Any]])?.first?["payment_id"] as? String) ?? "none"
        let payment = try await harness.call("GET", "/v1/payments/\(paymentId)")
        let table = try BankGateExecutable.run(["schedules", "list"] + daemon)
        let unknown = try await harness.call("GET", "/v1/schedules/nope/jobs")
        let unknownJob = try await harness.call("GET", "/v1/schedule-jobs/sjb_999")
        let byReader = try await harness.call("POST", "/v1/schedules/sweep-up/run", token: "reader-token-0123456789")
        await harness.stop()

        XCTAssertEqual(listed.status, 200)
        let plans = try XCTUnwrap(listed.json["schedules"] as? [[String: Any]])
        XCTAssertEqual(plans.compactMap { $0["name"] as? String }, ["pull-balances", "sweep-up"])
        XCTAssertNotNil(plans[0]["next_run"] as? String)
        XCTAssertEqual(plans[1]["target"] as? String, "1000.00")
        XCTAssertEqual(pulled.status, 201, "\(pulled.json)")
        XCTAssertEqual(pulled.json["outcome"] as? String, "succeeded", "\(pulled.json)")
        XCTAssertEqual(pulled.json["trigger"] as? String, "manual")
        XCTAssertEqual(pulled.json["actor"] as? String, "treasury")
        XCTAssertEqual(swept.status, 0, swept.err)
        XCTAssertTrue(swept.out.contains("\"outcome\":\"succeeded\""), swept.out)
        XCTAssertEqual(jobs.status, 200)
        XCTAssertTrue(jobId.hasPrefix("sjb_"), "\(jobs.json)")
        XCTAssertEqual(job.status, 200)
        let task = try XCTUnwrap((job.json["tasks"] as? [[String: Any]])?.first, "\(job.json)")
        XCTAssertEqual(task["kind"] as? String, "sweep_payment")
        XCTAssertEqual(task["outcome"] as? String, "succeeded", "\(task)")
        XCTAssertEqual(payment.status, 200, "\(payment.json)")
        XCTAssertEqual(payment.json["debtor_account"] as? String, "acme-eur")
        XCTAssertEqual((payment.json["creditor"] as? [String: Any])?["account"] as? String, "GB82WEST12345698765432")
        XCTAssertEqual(table.status, 0, table.err)
        XCTAssertTrue(table.out.contains("sweep-up") && table.out.contains("succeeded"), table.out)
        XCTAssertEqual(unknown.status, 404)
        XCTAssertEqual(unknownJob.status, 404)
        XCTAssertEqual(byReader.status, 403)
    }
}
