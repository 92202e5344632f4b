import BankGateTestSupport
import Dispatch
import Foundation
import XCTest

/// The web console in headless Chromium (Debian's `chromium`), driven through the DevTools
/// protocol by Tests/Browser/chromium_steps.py: every page loads with nothing in the browser's
/// console, the retry, release and cancel buttons act on real payments, and a token sees only the
/// pages and buttons its scopes allow. With `BANKGATE_CONSOLE_SCREENSHOTS=DIR` the screenshots are
/// kept there (docs/console/ holds the committed ones).
final class ConsoleBrowserTests: XCTestCase {
    var harness: GatewayHarness!
    var deadBank: RefusingPort!

    override func setUp() async throws {
        harness = try GatewayHarness()
        deadBank = try RefusingPort()
    }

    override func tearDown() async throws {
        await harness.stop()
        deadBank.close()
    }

    /// A second bank that refuses every connection, so that its payments fail after one attempt.
    private var deadBankConfiguration: String {
        """
        [[banks]]
        id = "down"
        adapter = "iso20022"
        transport = "http"
        url = "http://127.0.0.1:\(deadBank.port)"
        max_attempts = 1
        connect_timeout_ms = 500
        request_timeout_ms = 1000
        backoff_base_ms = 50

        [[accounts]]
        id = "acme-down"
        bank = "down"
        number = "DE44500105175407324931"
        bank_code = "INGDDEFFXXX"
        name = "ACME Trading GmbH"
        currency = "EUR"

        [[schedules]]
        name = "evening-statements"
        kind = "statement_pull"
        at = ["23:59"]
        days = "daily"
        accounts = ["acme-eur"]
        """
    }

    func testEveryPageLoadsCleanAndTheActionsWork() async throws {
        let driver = try Self.browserDriver()
        try await harness.start(extraConfig: deadBankConfiguration)

        // A completed payment, its duplicate held, and a payment that fails at the unreachable bank.
        let body = GatewayHarness.payment(amount: "450.00")
        let completedId = try await submit(body, key: "console-1")
        _ = try await harness.waitForPayment(completedId) { $0 == "completed" }
        let heldId = try await submit(body, key: "console-2")
        let held = try await harness.call("GET", "/v1/payments/\(heldId)")
        XCTAssertEqual(held.json["status"] as? String, "held")
        var failing = GatewayHarness.payment(amount: "77.00")
        failing["debtor_account"] = "acme-down"
        let failedId = try await submit(failing, key: "console-3")
        _ = try await harness.waitForPayment(failedId) { $0 == "failed" }

        let base = "http://127.0.0.1:\(harness.apiPort)/console"
        var steps = Steps()
        steps.goto(base)
        steps.wait("!!document.querySelector('form.login')")
        steps.screenshot("login")
        steps.signIn(harness.token, landingPage: "queue")
        let navigation = steps.eval("[...document.querySelectorAll('#nav a')].map(a => a.dataset.page).join(',')")
        let heldCard = steps.eval("document.querySelector('.card[data-status=held] .value')?.textContent")
        let bankRows = steps.eval("document.querySelectorAll('main tbody tr').length")
        steps.screenshot("queue")
        steps.open("activity")
        let chartLines = steps.eval("document.querySelectorAll('svg.chart polyline').length")
        let acceptedTotal = steps.eval("document.querySelector('.card .value').textContent")
        steps.screenshot("activity")
        steps.open("payments")
        let paymentRows = steps.eval("document.querySelectorAll('main tbody tr').length")
        steps.screenshot("payments")
        steps.open("payment/\(completedId)")
        let timeline = steps.eval("[...document.querySelectorAll('.timeline strong')].map(s => s.textContent).join('|')")
        let messageCount = steps.eval("document.querySelectorAll('details.message').length")
        steps.screenshot("payment")
        steps.open("attention")
        let retryButtons = steps.eval("document.querySelectorAll('button[data-action=retry]').length")
        steps.screenshot("attention")
        // Retry the failed payment: the page redraws after the action.
        steps.clickAndWaitForRedraw("button[data-action=retry]")
        // Cancel the held one: the first click arms the button, the second cancels.
        steps.eval("document.querySelector('button[data-action=cancel]').click(); true")
        let armed = steps.eval("document.querySelector('button[data-action=cancel]').textContent")
        steps.clickAndWaitForRedraw("button[data-action=cancel]")
        let heldAfter = steps.eval("document.getElementById('held').textContent")
        steps.open("banks")
        let circuits = steps.eval("[...document.querySelectorAll('section.bank h2')].map(h => h.textContent).join('|')")
        steps.screenshot("banks")
        steps.open("accounts")
        let accountIds = steps.eval("[...document.querySelectorAll('main tbody tr td:first-child')].map(td => td.textContent).join(',')")
        steps.screenshot("accounts")
        steps.open("account/acme-eur")
        steps.screenshot("account")
        steps.open("schedules")
        let planRows = steps.eval("document.querySelectorAll('main tbody tr').length")
        // Run the plan now: the page redraws with the job's outcome as the plan's last one.
        steps.clickAndWaitForRedraw("button[data-action=run]")
        let lastOutcome = steps.eval("document.querySelector('main tbody tr td:nth-child(7)').textContent")
        steps.screenshot("schedules")
        steps.open("schedule/evening-statements")
        let jobRows = steps.eval("document.querySelectorAll('main > table tbody tr').length")
        let taskKinds = steps.eval("[...document.querySelectorAll('section.job tbody tr td:first-child')].map(td => td.textContent).join(',')")
        steps.screenshot("schedule")
        // The test's token has no payments:approve: no Approvals page in the menu, and a refusal by address.
        steps.open("approvals")
        let approvalsRefused = steps.eval("document.querySelector('.notice.error')?.textContent")
        // A token with payments:read only: fewer pages, no buttons.
        steps.eval("[...document.querySelectorAll('#who button')].find(b => b.textContent === 'Sign out').click(); true")
        steps.wait("!!document.querySelector('form.login')")
        steps.signIn("reader-token-0123456789", landingPage: "queue")
        let readerNavigation = steps.eval("[...document.querySelectorAll('#nav a')].map(a => a.dataset.page).join(',')")
        steps.open("attention")
        let readerButtons = steps.eval("document.querySelectorAll('main button').length")
        let readerRows = steps.eval("document.querySelectorAll('main tbody tr').length")
        steps.open("banks")
        let refusedPage = steps.eval("document.querySelector('.notice.error')?.textContent")

        let result = try await driver.run(steps)
        XCTAssertNil(result.failed, "the browser session failed: \(result.failed ?? "")")
        XCTAssertEqual(result.errors, [], "the browser's console showed errors")
        XCTAssertEqual(result.string(navigation), "queue,activity,payments,attention,banks,accounts,schedules")
        XCTAssertEqual(result.string(approvalsRefused), "This token's scopes do not include this page.")
        XCTAssertEqual(result.string(heldCard), "1")
        XCTAssertEqual(result.int(bankRows), 2, "one row per bank: sim and down")
        XCTAssertEqual(result.int(chartLines), 5)
        XCTAssertEqual(result.string(acceptedTotal), "3")
        XCTAssertEqual(result.int(paymentRows), 3)
        XCTAssertEqual(result.string(timeline)?.split(separator: "|").first, "received")
        XCTAssertTrue(result.string(timeline)?.hasSuffix("→ completed") == true, result.string(timeline) ?? "")
        XCTAssertGreaterThanOrEqual(result.int(messageCount) ?? 0, 2, "the pain.001 sent and the bank's answers")
        XCTAssertEqual(result.int(retryButtons), 1)
        XCTAssertEqual(result.string(armed), "Confirm cancel")
        XCTAssertEqual(result.string(heldAfter), "Held (0)")
        XCTAssertEqual(result.string(circuits).map { $0.contains("down open") || $0.contains("down closed") }, true, result.string(circuits) ?? "")
        XCTAssertEqual(result.string(readerNavigation), "queue,payments,attention")
        XCTAssertGreaterThanOrEqual(result.int(readerRows) ?? 0, 1, "the failed payment is listed")
        XCTAssertEqual(result.int(readerButtons), 0, "a payments:read token has no actions")
        XCTAssertEqual(result.string(refusedPage), "This token's scopes do not include this page.")

        XCTAssertEqual(result.string(accountIds), "acme-eur,acme-down", "in configuration order")
        XCTAssertEqual(result.int(planRows), 1)
        XCTAssertEqual(result.string(lastOutcome).map { ["succeeded", "partial", "failed"].contains($0) }, true,
                       "the manual run's outcome: \(result.string(lastOutcome) ?? "nil")")
        XCTAssertEqual(result.int(jobRows), 1)
        XCTAssertEqual(result.string(taskKinds), "statement_pull")

        // What the buttons did, seen through the API.
        let cancelled = try await harness.call("GET", "/v1/payments/\(heldId)")
        XCTAssertEqual(cancelled.json["status"] as? String, "cancelled")
        let retried = try await harness.call("GET", "/v1/payments/\(failedId)")
        let history = try XCTUnwrap(retried.json["history"] as? [[String: Any]])
        XCTAssertTrue(history.contains { $0["from"] as? String == "failed" && $0["to"] as? String == "queued" && $0["cause"] as? String == "operator" },
                      "the retry is in the payment's history: \(history)")
        let ledger = try await harness.ledger()
        XCTAssertEqual(ledger.count, 1, "the cancelled duplicate was never paid")
    }

    /// What an outside check found: a `payments:write` token was offered Cancel on a held payment
    /// (the API refuses it: only `operate` cancels a held one); the Approvals page showed "? / ?"
    /// and no submitter; after sign-in a leaked refresh timer redrew pages that do not refresh.
    func testButtonsFollowTheAPIApprovalsShowTheirCountAndOnlyRefreshingPagesRefresh() async throws {
        let driver = try Self.browserDriver()
        try await harness.start(extraConfig: """
            [[approval_rules]]
            name = "large"
            currencies = ["EUR"]
            amount_at_least = "1000.00"
            approvals = 2

            [[tokens]]
            name = "writer"
            token = "writer-token-0123456789"
            scopes = ["payments:write", "payments:read"]

            [[tokens]]
            name = "approver"
            token = "approver-token-0123456789"
            scopes = ["payments:approve", "payments:read"]
            """)
        let body = GatewayHarness.payment(amount: "450.00")
        let completedId = try await submit(body, key: "rules-1")
        _ = try await harness.waitForPayment(completedId) { $0 == "completed" }
        let heldId = try await submit(body, key: "rules-2")
        _ = try await harness.waitForPayment(heldId) { $0 == "held" }
        let largeId = try await submit(GatewayHarness.payment(amount: "5000.00"), key: "rules-3")
        let approved = try await harness.call("POST", "/v1/payments/\(largeId)/approve", token: "approver-token-0123456789")
        XCTAssertEqual(approved.status, 200, "\(approved.json)")

        var steps = Steps()
        steps.goto("http://127.0.0.1:\(harness.apiPort)/console")
        steps.wait("!!document.querySelector('form.login')")
        steps.signIn("writer-token-0123456789", landingPage: "queue")
        steps.open("attention")
        let writerCancels = steps.eval("document.querySelectorAll('button[data-action=cancel]').length")
        let heldHeading = steps.eval("document.getElementById('held').textContent")
        // A page that does not refresh is not drawn again by a timer left from the sign-in.
        steps.open("payment/\(heldId)")
        steps.eval("window.__drawnAt = document.body.dataset.rendered; window.__t0 = Date.now(); true")
        steps.wait("Date.now() - window.__t0 > 17000", timeout: 30)
        let redrawn = steps.eval("document.body.dataset.rendered !== window.__drawnAt")
        steps.eval("[...document.querySelectorAll('#who button')].find(b => b.textContent === 'Sign out').click(); true")
        steps.wait("!!document.querySelector('form.login')")
        steps.signIn("approver-token-0123456789", landingPage: "queue")
        steps.open("approvals")
        let givenNeeded = steps.eval("document.querySelector('main tbody tr td:nth-child(5)')?.textContent")
        let submittedBy = steps.eval("document.querySelector('main tbody tr td:nth-child(6)')?.textContent")

        let result = try await driver.run(steps)
        XCTAssertNil(result.failed, "the browser session failed: \(result.failed ?? "")")
        XCTAssertEqual(result.errors, [], "the browser's console showed errors")
        XCTAssertEqual(result.string(heldHeading), "Held (1)")
        XCTAssertEqual(result.int(writerCancels), 0, "payments:write may not cancel a held payment: no button")
        XCTAssertEqual(result.values.indices.contains(redrawn) ? result.values[redrawn] as? Bool : nil, false,
                       "the payment page was redrawn by a refresh timer")
        XCTAssertEqual(result.string(givenNeeded), "1 / 2")
        XCTAssertEqual(result.string(submittedBy), "treasury")
    }

    /// A token that is not valid stays on the sign-in page with the reason.
    func testAnInvalidTokenIsRefusedAtSignIn() async throws {
        let driver = try Self.browserDriver()
        try await harness.start()
        var steps = Steps()
        steps.goto("http://127.0.0.1:\(harness.apiPort)/console")
        steps.wait("!!document.querySelector('form.login')")
        steps.eval("document.querySelector('input[name=token]').value = 'not-a-token'; document.querySelector('form.login').requestSubmit(); true")
        let message = steps.wait("document.querySelector('.notice.error')?.textContent")
        let stored = steps.eval("sessionStorage.length")
        let result = try await driver.run(steps)
        XCTAssertNil(result.failed, result.failed ?? "")
        XCTAssertEqual(result.string(message), "That token is not valid.")
        XCTAssertEqual(result.int(stored), 0, "a refused token is not kept")
        // The refused sign-in is an ordinary 401 in the browser's console (a failed load), nothing else.
        XCTAssertTrue(result.errors.allSatisfy { $0.contains("401") }, "\(result.errors)")
    }

    /// The console's files carry the security headers: no inline script, no framing, no sniffing.
    func testConsoleFilesCarryTheSecurityHeaders() async throws {
        try await harness.start()
        for path in ["/console", "/console/app.js", "/console/app.css"] {
            let answer = try await harness.call("GET", path)
            XCTAssertEqual(answer.status, 200, path)
            let policy = answer.headers.headerValue("Content-Security-Policy") ?? ""
            XCTAssertTrue(policy.contains("script-src 'self'") && policy.contains("frame-ancestors 'none'"), "\(path): \(policy)")
            XCTAssertFalse(policy.contains("unsafe-inline"), policy)
            XCTAssertEqual(answer.headers.headerValue("X-Content-Type-Options"), "nosniff")
        }
    }

    private func submit(_ body: [String: Any], key: String) async throws -> String {
        let answer = try await harness.call("POST", "/v1/payments", body: body, key: key)
        XCTAssertEqual(answer.status, 201, "\(answer.json)")
        return try XCTUnwrap(answer.json["id"] as? String)
    }
}

// MARK: - The browser driver

/// Steps for Tests/Browser/chromium_steps.py; each returns the index of its value in the result.
struct Steps {
    private(set) var list: [[String: Any]] = []

    mutating func goto(_ url: String) { list.append(["op": "goto", "url": url]) }

    @discardableResult
    mutating func eval(_ expression: String) -> Int {
        list.append(["op": "eval", "expr": expression])
        return list.count - 1
    }

    @discardableResult
    mutating func wait(_ expression: String, timeout: Int = 15) -> Int {
        list.append(["op": "wait", "expr": expression, "timeout": timeout])
        return list.count - 1
    }

    mutating func screenshot(_ name: String) { list.append(["op": "screenshot", "name": name]) }

    /// Navigates to `#/<route>` and waits until the page has drawn (or reported its failure).
    mutating func open(_ route: String) {
        let page = route.split(separator: "/").first.map(String.init) ?? route
        eval("delete document.body.dataset.page; location.hash = '#/\(route)'; true")
        wait("document.body.dataset.page === '\(page)'")
    }

    mutating func signIn(_ token: String, landingPage: String) {
        eval("delete document.body.dataset.page; document.querySelector('input[name=token]').value = '\(token)'; document.querySelector('form.login').requestSubmit(); true")
        wait("document.body.dataset.page === '\(landingPage)'")
    }

    /// Clicks the first element matching `selector`, then waits for the page to draw again.
    mutating func clickAndWaitForRedraw(_ selector: String) {
        eval("window.__drawn = document.body.dataset.rendered; document.querySelector('\(selector)').click(); true")
        wait("document.body.dataset.rendered !== window.__drawn")
    }
}

/// Runs the Python driver with headless Chromium; skips when Chromium is missing outside CI.
struct BrowserDriver {
    let script: String

    struct Result {
        var values: [Any]
        var errors: [String]
        var failed: String?

        func string(_ index: Int) -> String? { values.indices.contains(index) ? values[index] as? String : nil }
        func int(_ index: Int) -> Int? { values.indices.contains(index) ? (values[index] as? NSNumber)?.intValue : nil }
    }

    func run(_ steps: Steps) async throws -> Result {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("console-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let stepsFile = directory.appendingPathComponent("steps.json")
        try JSONSerialization.data(withJSONObject: steps.list).write(to: stepsFile)
        let screenshots = ProcessInfo.processInfo.environment["BANKGATE_CONSOLE_SCREENSHOTS"]
            ?? directory.appendingPathComponent("screenshots").path
        let arguments = [script, "--steps", stepsFile.path, "--screenshots", screenshots]
        // The driver blocks for seconds: off the cooperative pool, which serves the gateway under test.
        let output: Data = try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                do {
                    let process = Process()
                    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
                    process.arguments = ["python3"] + arguments
                    let pipe = Pipe()
                    process.standardOutput = pipe
                    try process.run()
                    let data = pipe.fileHandleForReading.readDataToEndOfFile()
                    process.waitUntilExit()
                    continuation.resume(returning: data)
                } catch {
                    continuation.resume(throwing: error)
                }
            }
        }
        guard let json = try JSONSerialization.jsonObject(with: output) as? [String: Any] else {
            throw HarnessError("the browser driver printed no result: \(String(decoding: output, as: UTF8.self))")
        }
        return Result(values: json["values"] as? [Any] ?? [], errors: json["errors"] as? [String] ?? [],
                      failed: json["failed"] as? String)
    }
}

extension ConsoleBrowserTests {
    /// The driver, when Chromium and Python are installed; a skip outside CI otherwise, a failure in CI.
    static func browserDriver() throws -> BrowserDriver {
        let browser = ["/usr/lib/chromium/chromium", "/usr/bin/chromium"].first { FileManager.default.isExecutableFile(atPath: $0) }
        let python = ["/usr/bin/python3", "/usr/local/bin/python3"].first { FileManager.default.isExecutableFile(atPath: $0) }
            ?? (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":")
                .map { "\($0)/python3" }.first { FileManager.default.isExecutableFile(atPath: $0) }
        guard browser != nil, python != nil else {
            if ProcessInfo.processInfo.environment["CI"] != nil {
                throw HarnessError("chromium and python3 are needed for the console tests (`make deps` installs chromium)")
            }
            throw XCTSkip("chromium or python3 is not installed")
        }
        return BrowserDriver(script: projectRoot.appendingPathComponent("Tests/Browser/chromium_steps.py").path)
    }
}
