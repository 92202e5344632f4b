import BankGateStore
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

/// Plans made through the API (`POST /v1/schedules`, `DELETE /v1/schedules/{name}`): checked as the
/// file's, audited, in force at once (listed, run now), kept across a restart; the file's plans are
/// not deleted through the API.
final class SchedulePlanAPITests: XCTestCase {
    func testAPlanMadeThroughTheAPIRunsIsKeptAcrossARestartAndIsDeleted() async throws {
        let harness = try GatewayHarness()
        try await harness.start(extraConfig: ScheduleAPITests.plans)
        let plan: [String: Any] = ["name": "noon-balances", "kind": "balance_pull", "at": ["12:30"], "days": "daily",
                                   "utc_offset": "+08:00", "accounts": ["acme-eur", "acme-hq"], "grace_minutes": 30]
        let created = try await harness.call("POST", "/v1/schedules", body: plan)
        XCTAssertEqual(created.status, 201, "\(created.json)")
        XCTAssertEqual(created.json["source"] as? String, "api")
        XCTAssertEqual(created.json["created_by"] as? String, "treasury")
        XCTAssertEqual(created.json["at"] as? [String], ["12:30"])
        XCTAssertNotNil(created.json["next_run"] as? String)

        XCTAssertEqual(created.json["utc_offset"] as? String, "+08:00", "the offset its times are in")
        XCTAssertEqual(created.json["days"] as? String, "daily")

        // Refused: a name in use, an unknown account (the key named), a batch_release, a wrong type
        // (a string for grace_minutes: the JSON reader's 400, as for any other key), an object where
        // strings belong (the JSON reader).
        let again = try await harness.call("POST", "/v1/schedules", body: plan)
        XCTAssertEqual(again.status, 409)
        XCTAssertEqual((again.json["error"] as? [String: Any])?["code"] as? String, "name_in_use")
        var unknownAccount = plan
        unknownAccount["name"] = "other"
        unknownAccount["accounts"] = ["nope"]
        let refused = try await harness.call("POST", "/v1/schedules", body: unknownAccount)
        XCTAssertEqual(refused.status, 422, "\(refused.json)")
        XCTAssertEqual((refused.json["error"] as? [String: Any])?["field"] as? String, "accounts")
        let batchRelease = try await harness.call("POST", "/v1/schedules",
                                                  body: ["name": "release", "kind": "batch_release", "at": ["10:00"], "accounts": ["acme-eur"]])
        XCTAssertEqual((batchRelease.json["error"] as? [String: Any])?["field"] as? String, "kind", "\(batchRelease.json)")
        let wrongType = try await harness.call("POST", "/v1/schedules", body: ["name": "x", "kind": "balance_pull", "at": ["10:00"],
                                                                               "accounts": ["acme-eur"], "grace_minutes": "soon"])
        XCTAssertEqual(wrongType.status, 400, "\(wrongType.json)")
        XCTAssertEqual((wrongType.json["error"] as? [String: Any])?["code"] as? String, "invalid_type")
        XCTAssertEqual((wrongType.json["error"] as? [String: Any])?["field"] as? String, "grace_minutes")
        let object = try await harness.call("POST", "/v1/schedules", body: ["name": "y", "kind": "balance_pull", "at": [["10:00"]]])
        XCTAssertEqual(object.status, 400, "\(object.json)")
        XCTAssertEqual((object.json["error"] as? [String: Any])?["field"] as? String, "at[0]")

        // In force at once: listed after the file's plans, and it runs.
        let listed = try await harness.call("GET", "/v1/schedules")
        XCTAssertEqual((listed.json["schedules"] as? [[String: Any]])?.compactMap { $0["name"] as? String },
                       ["pull-balances", "sweep-up", "noon-balances"])
        let ran = try await harness.call("POST", "/v1/schedules/noon-balances/run")
        XCTAssertEqual(ran.status, 201, "\(ran.json)")
        XCTAssertEqual((ran.json["tasks"] as? [[String: Any]])?.compactMap { $0["account"] as? String }, ["acme-eur", "acme-hq"])

        // A file's plan is not deleted through the API.
        let fileDelete = try await harness.call("DELETE", "/v1/schedules/sweep-up")
        XCTAssertEqual(fileDelete.status, 409)

        // Kept across a restart: a new gateway on the same data folder puts it in force again.
        let dataDirectory = harness.directory.appendingPathComponent("gateway").path
        await harness.stopKeepingFiles()
        let second = try GatewayHarness(directory: harness.directory)
        try await second.start(bankURL: "http://127.0.0.1:\(harness.bankPort)", extraConfig: ScheduleAPITests.plans)
        XCTAssertTrue(FileManager.default.fileExists(atPath: dataDirectory))
        // The schedule service reads the kept plans as it starts, beside the API: wait for it.
        var names: [String]?
        for _ in 0..<100 {
            let afterRestart = try await second.call("GET", "/v1/schedules")
            names = (afterRestart.json["schedules"] as? [[String: Any]])?.compactMap { $0["name"] as? String }
            if names?.count == 3 { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        XCTAssertEqual(names, ["pull-balances", "sweep-up", "noon-balances"])
        let jobs = try await second.call("GET", "/v1/schedules/noon-balances/jobs")
        XCTAssertEqual((jobs.json["jobs"] as? [Any])?.count, 1, "its job is kept too")

        // The command line: create from a file, then delete.
        let daemon = ["--url", "http://127.0.0.1:\(second.apiPort)", "--token", second.token]
        let planFile = harness.directory.appendingPathComponent("plan.json")
        try #"{"name": "evening-balances", "kind": "balance_pull", "at": ["18:00"], "accounts": ["acme-eur"]}"#
            .write(to: planFile, atomically: true, encoding: .utf8)
        let made = try BankGateExecutable.run(["schedules", "create", "--file", planFile.path] + daemon)
        XCTAssertEqual(made.status, 0, made.err)
        XCTAssertTrue(made.out.hasPrefix("created evening-balances (balance_pull)"), made.out)
        let removed = try BankGateExecutable.run(["schedules", "delete", "evening-balances"] + daemon)
        XCTAssertEqual(removed.status, 0, removed.err)
        let removedAgain = try BankGateExecutable.run(["schedules", "delete", "evening-balances"] + daemon)
        XCTAssertEqual(removedAgain.status, 1, "not found: an API error")

        let deleted = try await second.call("DELETE", "/v1/schedules/noon-balances")
        XCTAssertEqual(deleted.status, 204)
        let gone = try await second.call("GET", "/v1/schedules/noon-balances/jobs")
        XCTAssertEqual(gone.status, 404)
        let audit = try await ReconciliationStore(sharing: try XCTUnwrap(second.gateway).store)
            .auditEntries(subjectKind: "schedule", subjectId: "noon-balances")
        XCTAssertEqual(audit.map(\.action), ["schedule.created", "schedule.deleted"])
        await second.stop()
    }
}
