import BankGateTestSupport
import Foundation
import XCTest

/// Every route of README.md's API table has a `bankgate` command: ``commands`` is the one list of
/// route → command, a route without an entry (a new route without a command) fails, and each
/// listed command must exist (`bankgate WORDS --help`, its flags in the help). Then the commands
/// added for issue 12 that create or change something run against a live gateway.
final class CLICoverageTests: XCTestCase {
    /// `METHOD /path` (query and `[…]` parts dropped, as README writes the path) → the command's
    /// words and the flags that select the route (`payments show --messages`).
    static let commands: [String: String] = [
        "POST /v1/payments": "payments submit",
        "POST /v1/payment-batches": "payments submit --batch",
        "GET /v1/payment-batches/{id}": "payments batch",
        "GET /v1/payments/{id}": "payments show",
        "GET /v1/payments": "payments list",
        "GET /v1/payments/{id}/messages": "payments show --messages",
        "POST /v1/payments/{id}/cancel": "payments cancel",
        "POST /v1/payments/{id}/retry": "payments retry",
        "GET /v1/accounts/{id}/status": "accounts status",
        "POST /v1/accounts/{id}/status": "accounts freeze",
        "POST /v1/payments/{id}/release": "payments release",
        "POST /v1/payments/{id}/approve": "approvals approve",
        "POST /v1/payments/{id}/reject": "approvals reject",
        "POST /v1/payment-batches/{id}/approve": "approvals approve --batch",
        "POST /v1/payment-batches/{id}/reject": "approvals reject --batch",
        "GET /v1/approvals": "approvals list",
        "GET /v1/queue": "status",
        "GET /v1/configuration": "configuration show",
        "GET /v1/tenant": "tenant show",
        "GET /v1/events": "events tail",
        "GET /v1/payments/{id}/trace": "payments trace",
        "POST /v1/statements": "statements upload",
        "POST /v1/statements/{id}/accept": "statements accept",
        "POST /v1/accounts/{id}/statements/pull": "statements pull",
        "GET /v1/accounts/{id}/statements": "statements list",
        "GET /v1/statements/{id}/messages": "statements messages",
        "GET /v1/accounts/{id}/balances": "balances --refresh",
        "GET /v1/accounts/{id}/transactions": "transactions list",
        "GET /v1/transactions/{id}": "transactions show",
        "GET /v1/accounts/{id}/reconciliation": "reconcile report",
        "POST /v1/accounts/{id}/receipts/pull": "receipts pull",
        "GET /v1/receipts": "receipts list",
        "GET /v1/receipts/{id}": "receipts show",
        "GET /v1/receipts/{id}/file": "receipts get",
        "POST /v1/receipt-exports": "receipts export",
        "GET /v1/receipt-exports": "receipt-exports list",
        "GET /v1/receipt-exports/{id}": "receipt-exports show",
        "GET /v1/receipt-exports/{id}/file": "receipt-exports get",
        "POST /v1/receipts/verify": "receipts verify",
        "GET /v1/accounts/{id}/receipt-report": "receipts report",
        "GET /v1/receipts/missing": "receipts missing",
        "POST /v1/expected-payments": "expected-payments create",
        "GET /v1/expected-payments": "expected-payments list",
        "GET /v1/expected-payments/{id}": "expected-payments show",
        "POST /v1/expected-payments/{id}/cancel": "expected-payments cancel",
        "GET /v1/reconciliation/exceptions": "reconcile exceptions",
        "POST /v1/reconciliation/run": "reconcile run",
        "POST /v1/matches": "reconcile match",
        "POST /v1/matches/{id}/confirm": "reconcile confirm",
        "POST /v1/matches/{id}/reject": "reconcile reject",
        "POST /v1/matches/{id}/unmatch": "reconcile unmatch",
        "POST /v1/webhooks": "webhooks create",
        "GET /v1/webhooks": "webhooks list",
        "POST /v1/webhooks/{id}/enable": "webhooks enable",
        "POST /v1/webhooks/{id}/disable": "webhooks disable",
        "DELETE /v1/webhooks/{id}": "webhooks delete",
        "POST /v1/webhooks/redeliver": "webhooks redeliver",
        "GET /v1/alerts": "alerts list",
        "GET /v1/whoami": "whoami",
        "GET /v1/stats/throughput": "stats throughput --hours --bucket-minutes",
        "GET /v1/schedules": "schedules list",
        "POST /v1/schedules": "schedules create",
        "DELETE /v1/schedules/{name}": "schedules delete",
        "GET /v1/schedules/{name}/jobs": "schedules jobs",
        "GET /v1/schedule-jobs/{id}": "schedules job",
        "POST /v1/schedules/{name}/run": "schedules run",
        "GET /v1/keys": "keys history",
        "GET /v1/keys/{id}": "keys history",
        "POST /v1/keys/{id}/bind": "keys bind",
        "POST /v1/keys/{id}/report-lost": "keys report-lost",
        "POST /v1/keys/{id}/revoke": "keys revoke",
        "POST /v1/keys/{id}/retire": "keys retire",
        "GET /v1/bank-exchanges": "exchanges list",
        "GET /v1/bank-exchanges/{id}": "exchanges show",
        "POST /v1/payments/retry": "payments retry-all",
        "POST /v1/payments/release": "payments release-all",
        "POST /v1/payments/cancel": "payments cancel-all",
        "GET /v1/accounts": "accounts list",
        "GET /healthz": "health",
        "GET /readyz": "health",
    ]

    /// Routes that are not for a command line, and why.
    static let withoutCommand: [String: String] = [
        "GET /console": "the web console, for a browser",
        "GET /metrics": "Prometheus text for a scraper (or curl)",
    ]

    /// Every `METHOD /path` in the first column of README's API table (a cell may name several).
    static func readmeRoutes() throws -> [(route: String, line: Int)] {
        let readme = try String(contentsOf: projectRoot.appendingPathComponent("README.md"), encoding: .utf8)
        var routes: [(String, Int)] = []
        var inTable = false
        for (index, line) in readme.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if line.hasPrefix("| method and path |") { inTable = true; continue }
            guard inTable else { continue }
            guard line.hasPrefix("|") else { if routes.isEmpty { continue } else { break } }
            if line.hasPrefix("|---") { continue }
            // `\|` inside a cell is a literal bar (alternatives in a query), not a cell border.
            let cells = line.replacingOccurrences(of: "\\|", with: "/").split(separator: "|", omittingEmptySubsequences: false)
            guard cells.count >= 3 else { continue }
            // The cell's code spans are the odd pieces between backticks.
            let spans = cells[1].split(separator: "`", omittingEmptySubsequences: false).enumerated()
                .filter { $0.offset % 2 == 1 }.map { String($0.element) }
            for span in spans {
                let parts = span.split(separator: " ", maxSplits: 1)
                guard parts.count == 2, parts[0].allSatisfy(\.isUppercase) else { continue }
                var path = String(parts[1])
                while let open = path.firstIndex(of: "["), let close = path[open...].firstIndex(of: "]") {
                    path.removeSubrange(open...close)
                }
                if let query = path.firstIndex(of: "?") { path = String(path[..<query]) }
                routes.append(("\(parts[0]) \(path)", index + 1))
            }
        }
        return routes
    }

    func testEveryREADMERouteHasACommand() throws {
        let routes = try Self.readmeRoutes()
        XCTAssertGreaterThan(routes.count, 70, "README's API table was not found or not read")
        for (route, line) in routes {
            XCTAssertTrue(Self.commands[route] != nil || Self.withoutCommand[route] != nil,
                          "README line \(line): \(route) has no bankgate command; add one and list it in CLICoverageTests.commands")
        }
        let documented = Set(routes.map(\.route))
        for route in Set(Self.commands.keys).union(Self.withoutCommand.keys).subtracting(documented) {
            XCTFail("CLICoverageTests lists \(route), which README's API table does not have")
        }
    }

    func testEveryListedCommandExistsWithItsFlags() throws {
        var flagsByCommand: [String: Set<String>] = [:]
        for mapping in Self.commands.values {
            let words = mapping.split(separator: " ").map(String.init)
            let command = words.prefix { !$0.hasPrefix("--") }.joined(separator: " ")
            flagsByCommand[command, default: []].formUnion(words.filter { $0.hasPrefix("--") })
        }
        for (command, flags) in flagsByCommand.sorted(by: { $0.key < $1.key }) {
            let help = try BankGateExecutable.run(command.split(separator: " ").map(String.init) + ["--help"])
            XCTAssertEqual(help.status, 0, "bankgate \(command) --help: \(help.err)")
            XCTAssertTrue(help.out.contains("USAGE: bankgate \(command)"), "bankgate \(command) --help:\n\(help.out)")
            for flag in flags {
                XCTAssertTrue(help.out.contains(flag), "bankgate \(command) has no \(flag):\n\(help.out)")
            }
        }
    }

    // MARK: - The new commands against a live gateway

    var harness: GatewayHarness!
    var scratch: URL!

    override func setUp() async throws {
        harness = try GatewayHarness()
        scratch = FileManager.default.temporaryDirectory.appendingPathComponent("cli-coverage-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    }

    override func tearDown() async throws {
        await harness.stop()
        try? FileManager.default.removeItem(at: scratch)
    }

    private func bankgate(_ arguments: [String], stdin: URL? = nil) throws -> (status: Int32, out: String, err: String) {
        let connection = ["--url", "http://127.0.0.1:\(harness.apiPort)", "--token", harness.token]
        guard let stdin else { return try BankGateExecutable.run(arguments + connection) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try BankGateExecutable.path)
        process.arguments = arguments + connection
        process.standardInput = try FileHandle(forReadingFrom: stdin)
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let output = out.fileHandleForReading.readDataToEndOfFile()
        let errors = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: output, as: UTF8.self), String(decoding: errors, as: UTF8.self))
    }

    private func write(_ object: Any, _ name: String) throws -> URL {
        let file = scratch.appendingPathComponent(name)
        try JSONSerialization.data(withJSONObject: object).write(to: file)
        return file
    }

    private func object(_ text: String) throws -> [String: Any] {
        try XCTUnwrap(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], text)
    }

    /// `payments submit` from a file and from standard input: accepted, replayed under the same key,
    /// refused under the same key with another body (409, exit 1), a missing key a usage error (2).
    func testPaymentsSubmitFromAFileAndStandardInput() async throws {
        try await harness.start()
        let body = try write(GatewayHarness.payment(amount: "21.50", e2e: "CLI-SUBMIT-1"), "payment.json")

        let submitted = try bankgate(["payments", "submit", "--file", body.path, "--idempotency-key", "cli-submit-1", "--json"])
        XCTAssertEqual(submitted.status, 0, submitted.err)
        let payment = try object(submitted.out)
        let id = try XCTUnwrap(payment["id"] as? String, submitted.out)
        XCTAssertEqual(payment["amount"] as? String, "21.50")
        let stored = try await harness.call("GET", "/v1/payments/\(id)")
        XCTAssertEqual(stored.status, 200)
        XCTAssertEqual(stored.json["end_to_end_id"] as? String, "CLI-SUBMIT-1")

        let replay = try bankgate(["payments", "submit", "--idempotency-key", "cli-submit-1"], stdin: body)
        XCTAssertEqual(replay.status, 0, replay.err)
        XCTAssertTrue(replay.out.contains("payment \(id) accepted") && replay.out.contains("21.50 EUR from acme-eur"), replay.out)
        XCTAssertTrue(replay.out.contains("(a replay"), replay.out)
        XCTAssertFalse(submitted.out.contains("(a replay"), submitted.out)

        let other = try write(GatewayHarness.payment(amount: "99.00", e2e: "CLI-SUBMIT-2"), "other.json")
        let conflict = try bankgate(["payments", "submit", "--file", other.path, "--idempotency-key", "cli-submit-1"])
        XCTAssertEqual(conflict.status, 1, conflict.out)
        XCTAssertTrue(conflict.err.hasPrefix("error: "), conflict.err)

        let noKey = try bankgate(["payments", "submit", "--file", other.path])
        XCTAssertEqual(noKey.status, 2, noKey.err)
        XCTAssertTrue(noKey.err.contains("--idempotency-key"), noKey.err)

        let empty = scratch.appendingPathComponent("empty.json")
        try Data().write(to: empty)
        let emptyBody = try bankgate(["payments", "submit", "--file", empty.path, "--idempotency-key", "cli-submit-3"])
        XCTAssertEqual(emptyBody.status, 2, emptyBody.err)

        let list = try await harness.call("GET", "/v1/payments")
        XCTAssertEqual((list.json["payments"] as? [Any])?.count, 1, "a replay or a refusal made no second payment: \(list.json)")
    }

    /// `payments submit --batch`: the batch is accepted as a whole and `payments batch` finds it.
    func testPaymentsSubmitABatch() async throws {
        try await harness.start()
        let body = try write(["payments": [GatewayHarness.payment(amount: "1.00", e2e: "CLI-SB-1"),
                                           GatewayHarness.payment(amount: "2.00", e2e: "CLI-SB-2")]], "batch.json")
        let submitted = try bankgate(["payments", "submit", "--batch", "--file", body.path, "--idempotency-key", "cli-batch-1"])
        XCTAssertEqual(submitted.status, 0, submitted.err)
        XCTAssertTrue(submitted.out.contains("accepted: 2 payment(s)"), submitted.out)
        XCTAssertTrue(submitted.out.contains("CLI-SB-1") && submitted.out.contains("CLI-SB-2"), submitted.out)
        let batchId = try XCTUnwrap(submitted.out.split(separator: " ").dropFirst().first.map(String.init), submitted.out)
        let shown = try bankgate(["payments", "batch", batchId])
        XCTAssertEqual(shown.status, 0, shown.err)
        XCTAssertTrue(shown.out.contains("2 payments, 3.00 EUR"), shown.out)
    }

    /// `webhooks create` then `delete` through the CLI; the API's list shows the change each time.
    func testWebhookCreateAndDelete() async throws {
        try await harness.start()
        let created = try bankgate(["webhooks", "create", "--endpoint", "http://127.0.0.1:9/cli-hook", "--event-type", "payment.*", "--json"])
        XCTAssertEqual(created.status, 0, created.err)
        let hook = try object(created.out)
        let id = try XCTUnwrap(hook["id"] as? String, created.out)
        XCTAssertNotNil(hook["secret"] as? String, "the secret is shown once, at creation")

        let listed = try await harness.call("GET", "/v1/webhooks")
        let urls = (listed.json["webhooks"] as? [[String: Any]] ?? []).compactMap { $0["url"] as? String }
        XCTAssertEqual(urls, ["http://127.0.0.1:9/cli-hook"])

        let deleted = try bankgate(["webhooks", "delete", id])
        XCTAssertEqual(deleted.status, 0, deleted.err)
        let after = try await harness.call("GET", "/v1/webhooks")
        XCTAssertEqual((after.json["webhooks"] as? [Any])?.count, 0, "\(after.json)")
        let again = try bankgate(["webhooks", "delete", id])
        XCTAssertEqual(again.status, 1, "a second delete finds no webhook: \(again.out)")
    }

    /// The reads: `whoami`, `stats throughput` (the submitted payment counted), `configuration show`,
    /// `health`, and `payments release` of a payment that is not held (refused: exit 1).
    func testWhoamiAndTheOtherReads() async throws {
        try await harness.start()
        let whoami = try bankgate(["whoami"])
        XCTAssertEqual(whoami.status, 0, whoami.err)
        XCTAssertTrue(whoami.out.contains("Token:  treasury"), whoami.out)
        XCTAssertTrue(whoami.out.contains("payments:write") && whoami.out.contains("receipts:read"), whoami.out)
        let reader = try BankGateExecutable.run(["whoami", "--json", "--url", "http://127.0.0.1:\(harness.apiPort)",
                                                 "--token", "reader-token-0123456789"])
        XCTAssertEqual(reader.status, 0, reader.err)
        XCTAssertEqual(try object(reader.out)["scopes"] as? [String], ["payments:read"])
        let wrongToken = try BankGateExecutable.run(["whoami", "--url", "http://127.0.0.1:\(harness.apiPort)", "--token", "not-a-token-000000"])
        XCTAssertEqual(wrongToken.status, 1, wrongToken.out)

        let created = try await harness.call("POST", "/v1/payments", body: GatewayHarness.payment(e2e: "CLI-STATS"), key: "cli-stats")
        let id = try XCTUnwrap(created.json["id"] as? String)
        let stats = try bankgate(["stats", "throughput", "--hours", "2", "--bucket-minutes", "30"])
        XCTAssertEqual(stats.status, 0, stats.err)
        let total = try XCTUnwrap(stats.out.split(separator: "\n").last.map(String.init), stats.out)
        XCTAssertEqual(total.split(separator: " ").map(String.init).first, "total", stats.out)
        XCTAssertEqual(total.split(separator: " ").dropFirst().first.map(String.init), "1", "one payment accepted:\n\(stats.out)")
        XCTAssertEqual(try bankgate(["stats", "throughput", "--hours", "200"]).status, 2)

        let configuration = try bankgate(["configuration", "show"])
        XCTAssertEqual(configuration.status, 0, configuration.err)
        XCTAssertTrue(configuration.out.contains("SHA-256:") && configuration.out.contains("Last reload:      never"), configuration.out)

        let health = try BankGateExecutable.run(["health", "--url", "http://127.0.0.1:\(harness.apiPort)"])
        XCTAssertEqual(health.status, 0, health.err)
        XCTAssertTrue(health.out.contains("alive: yes") && health.out.contains("ready: yes"), health.out)

        _ = try await harness.waitForPayment(id) { $0 == "completed" }
        let today = GatewayHarness.today
        let pulled = try await harness.call("POST", "/v1/accounts/acme-eur/statements/pull?from=\(today)&to=\(today)")
        XCTAssertEqual(pulled.status, 200, "\(pulled.json)")
        let page = try await harness.call("GET", "/v1/accounts/acme-eur/transactions")
        let booked = try XCTUnwrap((page.json["transactions"] as? [[String: Any]])?.first { $0["end_to_end_id"] as? String == "CLI-STATS" },
                                   "\(page.json)")
        let transactionId = try XCTUnwrap(booked["id"] as? String)
        let shown = try bankgate(["transactions", "show", transactionId])
        XCTAssertEqual(shown.status, 0, shown.err)
        XCTAssertTrue(shown.out.contains("id:") && shown.out.contains(transactionId) && shown.out.contains("-12.34"), shown.out)

        let release = try bankgate(["payments", "release", id])
        XCTAssertEqual(release.status, 1, release.out)
        let transaction = try bankgate(["transactions", "show", "btx_does_not_exist"])
        XCTAssertEqual(transaction.status, 1, transaction.out)
        XCTAssertTrue(transaction.err.contains("not_found"), transaction.err)
        let tenant = try bankgate(["tenant", "show"])
        XCTAssertEqual(tenant.status, 1, "the token has no admin scope: \(tenant.out)")
        XCTAssertTrue(tenant.err.contains("error: "), tenant.err)
    }

    /// `schedules job ID`: a job run now, with its plan, trigger and outcome; an unknown job exits 1.
    func testSchedulesJobShowsARunJob() async throws {
        try await harness.start(extraConfig: """
            [[schedules]]
            name = "pull-balances"
            kind = "balance_pull"
            at = ["06:00"]
            accounts = ["acme-eur"]
            """)
        let run = try bankgate(["schedules", "run", "pull-balances", "--json"])
        let ran = try object(run.out)
        let jobId = try XCTUnwrap(ran["id"] as? String, run.out)
        // The simulated bank knows the account once it has paid from it; before, the pull fails: either is shown as it is,
        // and a failed job ends the command with status 8 (for scripts).
        let outcome = try XCTUnwrap(ran["outcome"] as? String, run.out)
        XCTAssertEqual(run.status, outcome == "succeeded" ? 0 : 8, run.err)
        let job = try bankgate(["schedules", "job", jobId])
        XCTAssertEqual(job.status, 0, job.err)
        XCTAssertTrue(job.out.contains("Job:        \(jobId)"), job.out)
        XCTAssertTrue(job.out.contains("Plan:       pull-balances") && job.out.contains("Trigger:    manual"), job.out)
        XCTAssertTrue(job.out.contains("Outcome:    \(outcome)") && job.out.contains("balance_pull  acme-eur"), job.out)
        XCTAssertTrue(job.out.contains("Tasks\nKIND"), job.out)
        let unknown = try bankgate(["schedules", "job", "sjb_999"])
        XCTAssertEqual(unknown.status, 1, unknown.out)
    }

    /// `receipt-exports list|show|get` find the export `receipts export` made, and download it again.
    func testReceiptExportsListShowAndGet() async throws {
        try await harness.start()
        let today = GatewayHarness.today
        let made = try bankgate(["receipts", "export", "--account", "acme-eur", "--from", today, "--to", today,
                                 "--output", scratch.appendingPathComponent("first.zip").path, "--poll-seconds", "0.1"])
        XCTAssertEqual(made.status, 0, made.err)
        let listed = try bankgate(["receipt-exports", "list", "--json"])
        XCTAssertEqual(listed.status, 0, listed.err)
        let exports = try XCTUnwrap(try object(listed.out)["exports"] as? [[String: Any]], listed.out)
        XCTAssertEqual(exports.count, 1, listed.out)
        let id = try XCTUnwrap(exports.first?["id"] as? String)
        let table = try bankgate(["receipt-exports", "list"])
        XCTAssertTrue(table.out.contains(id) && table.out.contains("ready") && table.out.contains("acme-eur"), table.out)
        let shown = try bankgate(["receipt-exports", "show", id])
        XCTAssertEqual(shown.status, 0, shown.err)
        XCTAssertTrue(shown.out.contains("State:") && shown.out.contains("ready"), shown.out)
        let again = scratch.appendingPathComponent("again.zip")
        let got = try bankgate(["receipt-exports", "get", id, "--output", again.path])
        XCTAssertEqual(got.status, 0, got.err)
        XCTAssertTrue(got.out.contains("(checked)"), got.out)
        XCTAssertEqual(try Data(contentsOf: again), try Data(contentsOf: scratch.appendingPathComponent("first.zip")))
    }
}
