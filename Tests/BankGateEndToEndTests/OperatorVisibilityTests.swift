import BankGateConfig
import BankGateRuntime
import BankGateSimulator
import Foundation
import Logging
import Synchronization
import XCTest

/// Issue 12, "What operators see": the log lines that tell a payment's story (with the request id
/// from the API call through the bank call, and nothing secret), `GET /v1/queue`'s per-bank health,
/// `/readyz` not mixed with bank health, and `GET /metrics` after payments went through the simulator.
final class OperatorVisibilityTests: XCTestCase {
    var harness: GatewayHarness!
    let lines = LogLines()

    override func setUp() async throws {
        harness = try GatewayHarness()
        let lines = self.lines
        let secrets = [harness.token, "reader-token-0123456789"]
        var logger = Logger(label: "gateway") { label in
            StructuredLogHandler(label: label, format: .json, level: .debug, secrets: secrets, write: { lines.append($0) })
        }
        logger.logLevel = .debug
        harness.gatewayLogger = logger
    }

    override func tearDown() async throws { await harness.stop() }

    /// A rejected payment: its line names the bank, the reason code, the payment and the request id
    /// the client sent, which the answer echoes; a request without one gets a generated id.
    func testARejectedPaymentIsLoggedWithItsRequestIdAndCode() async throws {
        try await harness.start(accounts: """
            [{"number": "DE89370400440532013000", "currency": "EUR", "balance": "100.00", "status": "open"}]
            """)
        let created = try await harness.call("POST", "/v1/payments", body: GatewayHarness.payment(amount: "500.00"), key: "story-1",
                                             headers: [("X-Request-Id", "req-story-1")])
        XCTAssertEqual(created.status, 201)
        XCTAssertEqual(created.headers.headerValue("X-Request-Id"), "req-story-1", "the answer echoes the request id")
        let id = try XCTUnwrap(created.json["id"] as? String)
        _ = try await harness.waitForPayment(id) { $0 == "rejected" }

        let rejected = try await lines.waitFor { $0["msg"] == "payment rejected by the bank" && $0["payment_id"]?.contains(id) == true }
        XCTAssertEqual(rejected["bank"], "sim")
        XCTAssertEqual(rejected["code"], "AM04")
        XCTAssertEqual(rejected["request_id"], "req-story-1", "the request id is carried from the API call to the bank's answer")
        XCTAssertEqual(rejected["level"], "warning")

        let anonymous = try await harness.call("POST", "/v1/payments", body: GatewayHarness.payment(amount: "1.00"), key: "story-2")
        let generated = try XCTUnwrap(anonymous.headers.headerValue("X-Request-Id"))
        XCTAssertTrue(generated.hasPrefix("req_"), generated)
        let odd = try await harness.call("GET", "/v1/queue", headers: [("X-Request-Id", "no spaces allowed")])
        XCTAssertTrue(odd.headers.headerValue("X-Request-Id")?.hasPrefix("req_") ?? false, "an unusable id is replaced")

        lines.assertNoSecrets(["e2e-token-0123456789abcdef", "reader-token-0123456789", "DE89370400440532013000",
                               "GB82WEST12345698765432"])
    }

    /// A bank that refuses connections: every failed call is a `bank error` line with the code and
    /// the request id, the circuit opens with its reason (logged, and shown by `GET /v1/queue` with
    /// since when), the last error shows with its time and code, and `/readyz` stays 200: bank
    /// health is reported, not mixed into readiness.
    func testAnUnreachableBankOpensTheCircuitVisiblyButLeavesTheInstanceReady() async throws {
        let refusing = try RefusingPort()
        defer { refusing.close() }
        try await harness.start(bankURL: "http://127.0.0.1:\(refusing.port)",
                                extraBankKeys: "circuit_failure_threshold = 2\ncircuit_cooldown_ms = 600000")
        let created = try await harness.call("POST", "/v1/payments", body: GatewayHarness.payment(), key: "down-1",
                                             headers: [("X-Request-Id", "req-down-1")])
        XCTAssertEqual(created.status, 201)
        let id = try XCTUnwrap(created.json["id"] as? String)

        let opened = try await lines.waitFor { $0["msg"] == "circuit opened" }
        XCTAssertEqual(opened["bank"], "sim")
        XCTAssertEqual(opened["to"], "open")
        XCTAssertTrue(opened["why"]?.contains("not_sent") ?? false, opened["why"] ?? "no why")
        let error = try await lines.waitFor { $0["msg"] == "bank error" }
        XCTAssertEqual(error["code"], "not_sent")
        XCTAssertEqual(error["kind"], "payment")
        XCTAssertEqual(error["request_id"], "req-down-1")
        XCTAssertEqual(error["payment_id"], id)

        // The log line is written when the send fails; the payment is back in the queue once that
        // outcome is committed, a moment later: read the queue until it shows the payment waiting.
        var bank: [String: Any] = [:]
        let deadline = Date().addingTimeInterval(10)
        repeat {
            let queue = try await harness.call("GET", "/v1/queue")
            bank = try XCTUnwrap((queue.json["banks"] as? [[String: Any]])?.first { $0["bank_id"] as? String == "sim" })
            if bank["oldest_queued_at"] is String { break }
            try await Task.sleep(for: .milliseconds(20))
        } while Date() < deadline
        XCTAssertEqual(bank["circuit"] as? String, "open")
        XCTAssertNotNil(bank["circuit_since"] as? String)
        XCTAssertTrue((bank["circuit_reason"] as? String)?.contains("not_sent") ?? false, "\(bank)")
        let lastError = try XCTUnwrap(bank["last_error"] as? [String: Any])
        XCTAssertEqual(lastError["code"] as? String, "not_sent")
        XCTAssertNotNil(lastError["at"] as? String)
        XCTAssertTrue(bank["last_success_at"] is NSNull, "the bank never answered")
        XCTAssertNotNil(bank["oldest_queued_at"] as? String, "the payment waits, queued")
        XCTAssertTrue(bank["oldest_unknown_at"] is NSNull)
        // The fields clients already read are still there.
        XCTAssertNotNil(bank["counts"] as? [String: Any])
        XCTAssertNotNil(bank["in_flight"] as? Int)
        XCTAssertNotNil(bank["oldest_queued_age_seconds"] as? Int)

        let ready = try await harness.call("GET", "/readyz")
        XCTAssertEqual(ready.status, 200, "an open circuit does not make the instance unready")
        XCTAssertEqual(ready.json["status"] as? String, "ready")
        let checks = try XCTUnwrap(ready.json["checks"] as? [String: [String: Any]])
        XCTAssertEqual(Set(checks.keys), ["configuration", "store", "dispatcher"])
        XCTAssertTrue(checks.values.allSatisfy { $0["ok"] as? Bool == true })

        let metrics = try await Scrape(harness.call("GET", "/metrics"))
        XCTAssertEqual(metrics.value("bankgate_circuit_state", ["bank": "sim"]), 2, "open")
        XCTAssertGreaterThanOrEqual(metrics.value("bankgate_bank_errors_total", ["bank": "sim", "code": "not_sent"]) ?? 0, 2)
        lines.assertNoSecrets(["e2e-token-0123456789abcdef", "DE89370400440532013000", "GB82WEST12345698765432"])
    }

    /// Payments through the simulator, then a scrape: intake by outcome, payments accepted, the
    /// bank calls' latency histogram, the circuit, the queue depth and the intake commits.
    func testMetricsCountWhatWentThroughTheSimulator() async throws {
        try await harness.start()
        // A webhook whose receiver is down: the payments' events pile up behind its cursor.
        let receiver = try RefusingPort()
        defer { receiver.close() }
        let hook = try await harness.call("POST", "/v1/webhooks", body: ["url": "http://127.0.0.1:\(receiver.port)/hook",
                                                                         "event_types": ["payment.*"]])
        XCTAssertEqual(hook.status, 201)
        var ids: [String] = []
        for index in 0..<3 {
            let created = try await harness.call("POST", "/v1/payments", body: GatewayHarness.payment(amount: "1.0\(index)"), key: "m-\(index)")
            XCTAssertEqual(created.status, 201)
            ids.append(try XCTUnwrap(created.json["id"] as? String))
        }
        let replay = try await harness.call("POST", "/v1/payments", body: GatewayHarness.payment(amount: "1.00"), key: "m-0")
        XCTAssertEqual(replay.headers.headerValue("Idempotent-Replayed"), "true")
        let refused = try await harness.call("POST", "/v1/payments", body: GatewayHarness.payment(amount: "-5"), key: "m-bad")
        XCTAssertEqual(refused.status, 422)
        let refusedCode = try XCTUnwrap((refused.json["error"] as? [String: Any])?["code"] as? String)
        for id in ids { _ = try await harness.waitForPayment(id) { $0 == "completed" } }
        let today = GatewayHarness.today
        let pulled = try await harness.call("POST", "/v1/accounts/acme-eur/statements/pull?kind=end_of_day&from=\(today)&to=\(today)")
        XCTAssertEqual(pulled.status, 200, "\(pulled.json)")
        let balances = try await harness.call("GET", "/v1/accounts/acme-eur/balances?refresh=true")
        XCTAssertEqual(balances.status, 200, "\(balances.json)")

        let anonymous = try await harness.call("GET", "/metrics", token: "not-a-token-at-all-000")
        XCTAssertEqual(anonymous.status, 401)
        let reader = try await harness.call("GET", "/metrics", token: "reader-token-0123456789")
        XCTAssertEqual(reader.status, 403, "payments:read is not enough; /metrics needs operate")

        let answer = try await harness.call("GET", "/metrics")
        XCTAssertEqual(answer.status, 200)
        XCTAssertTrue(answer.headers.headerValue("Content-Type")?.hasPrefix("text/plain") ?? false)
        let metrics = Scrape(answer)
        XCTAssertEqual(metrics.value("bankgate_intake_requests_total", ["outcome": "accepted"]), 3)
        XCTAssertEqual(metrics.value("bankgate_intake_requests_total", ["outcome": "replayed"]), 1)
        XCTAssertEqual(metrics.value("bankgate_intake_requests_total", ["outcome": "refused", "code": refusedCode]), 1)
        XCTAssertEqual(metrics.value("bankgate_intake_payments_total", ["outcome": "accepted"]), 3)
        XCTAssertEqual(metrics.value("bankgate_bank_call_duration_seconds_count", ["bank": "sim", "kind": "payment",
                                                                                   "message": "pain.001.001.09"]), 3,
                       "one timed call per payment message, labelled with the bank's message")
        XCTAssertNotNil(metrics.value("bankgate_bank_call_duration_seconds_bucket", ["bank": "sim", "kind": "payment", "le": "+Inf"]))
        XCTAssertEqual(metrics.value("bankgate_bank_call_duration_seconds_count", ["bank": "sim", "kind": "statement"]), 1)
        XCTAssertEqual(metrics.value("bankgate_bank_call_duration_seconds_count", ["bank": "sim", "kind": "balance"]), 1)
        let lag = try XCTUnwrap(metrics.value("bankgate_statement_lag_seconds", ["account": "acme-eur"]), "a statement was received")
        XCTAssertTrue((0..<3600).contains(lag), "\(lag)")
        XCTAssertEqual(metrics.value("bankgate_circuit_state", ["bank": "sim"]), 0, "closed")
        XCTAssertEqual(metrics.value("bankgate_queue_depth", ["bank": "sim", "state": "completed"]), 3)
        XCTAssertEqual(metrics.value("bankgate_queue_depth", ["bank": "sim", "state": "queued"]), 0)
        XCTAssertEqual(metrics.value("bankgate_store_intake_commit_duration_seconds_count", [:]), 4,
                       "three acceptances and one replay went through the intake transaction")
        XCTAssertGreaterThanOrEqual(metrics.value("bankgate_webhook_backlog_events", [:]) ?? 0, 6,
                                    "each payment's accepted and completed events wait for the receiver")
        XCTAssertNil(metrics.value("bankgate_bank_errors_total", ["bank": "sim"]), "no bank error")
    }
}

extension OperatorVisibilityTests {
    /// The bank executes but the answer is lost: the payment's outcome is unknown (logged with the
    /// request id and the payment), a `no_answer` bank error is counted, and a status query settles it.
    func testAnUnknownOutcomeIsLoggedAndSettledByAStatusQuery() async throws {
        try await harness.start(faults: FaultSettings(seed: 11, dropAfterExecuteRate: 1))
        let created = try await harness.call("POST", "/v1/payments", body: GatewayHarness.payment(), key: "lost-1",
                                             headers: [("X-Request-Id", "req-lost-1")])
        let id = try XCTUnwrap(created.json["id"] as? String)
        _ = try await harness.waitForPayment(id) { $0 == "completed" }

        let unknown = try await lines.waitFor { $0["msg"] == "payment outcome unknown" }
        XCTAssertEqual(unknown["bank"], "sim")
        XCTAssertEqual(unknown["code"], "unknown")
        XCTAssertEqual(unknown["request_id"], "req-lost-1")
        XCTAssertEqual(unknown["payment_id"], id)
        let error = try await lines.waitFor { $0["msg"] == "bank error" }
        XCTAssertEqual(error["code"], "no_answer")
        XCTAssertEqual(error["request_id"], "req-lost-1")

        let metrics = try await Scrape(harness.call("GET", "/metrics"))
        XCTAssertEqual(metrics.value("bankgate_bank_errors_total", ["bank": "sim", "code": "no_answer"]), 1)
        XCTAssertGreaterThanOrEqual(metrics.value("bankgate_bank_call_duration_seconds_count", ["bank": "sim", "kind": "status_query"]) ?? 0, 1)
        let queue = try await harness.call("GET", "/v1/queue")
        let bank = try XCTUnwrap((queue.json["banks"] as? [[String: Any]])?.first)
        XCTAssertNotNil(bank["last_success_at"] as? String, "the status query was answered")
        XCTAssertEqual((bank["last_error"] as? [String: Any])?["code"] as? String, "no_answer")
        lines.assertNoSecrets(["e2e-token-0123456789abcdef", "DE89370400440532013000", "GB82WEST12345698765432"])
    }
}

extension OperatorVisibilityTests {
    /// ICBC (numeric account numbers): a payment, the day's statement and receipts; each kind of call
    /// is timed (`payment`, `statement`, `receipt`), and the creditor's account number never reaches a log line.
    func testEveryKindOfBankCallIsTimedAtICBC() async throws {
        try await harness.start(profile: "icbc")
        let bank = ConformanceBank.icbc
        let created = try await harness.call("POST", "/v1/payments", body: bank.payment("VIS-1", "88.00"), key: "icbc-1",
                                             headers: [("X-Request-Id", "req-icbc-1")])
        XCTAssertEqual(created.status, 201, "\(created.json)")
        let id = try XCTUnwrap(created.json["id"] as? String)
        _ = try await harness.waitForPayment(id) { $0 == "completed" }
        let today = GatewayHarness.today
        let statements = try await harness.call("POST", "/v1/accounts/\(bank.accountId)/statements/pull?kind=end_of_day&from=\(today)&to=\(today)")
        XCTAssertEqual(statements.status, 200, "\(statements.json)")
        let receipts = try await harness.call("POST", "/v1/accounts/\(bank.accountId)/receipts/pull?date=\(today)")
        XCTAssertEqual(receipts.status, 200, "\(receipts.json)")

        let metrics = try await Scrape(harness.call("GET", "/metrics"))
        for kind in ["payment", "statement", "receipt"] {
            XCTAssertGreaterThanOrEqual(metrics.value("bankgate_bank_call_duration_seconds_count", ["bank": "icbc-sim", "kind": kind]) ?? 0, 1,
                                        "\(kind): \(metrics.samples.filter { $0.name.hasPrefix("bankgate_bank_call") && $0.name.hasSuffix("_count") })")
        }
        lines.assertNoSecrets([harness.token, "31001234567890123"])
    }
}

extension OperatorVisibilityTests {
    /// A suspected duplicate held at intake: logged with its code, the payment and the request id.
    func testAPaymentHeldAtIntakeIsLogged() async throws {
        try await harness.start()
        let body = GatewayHarness.payment(amount: "450.00")
        let first = try await harness.call("POST", "/v1/payments", body: body, key: "dup-a")
        let firstId = try XCTUnwrap(first.json["id"] as? String)
        let second = try await harness.call("POST", "/v1/payments", body: body, key: "dup-b", headers: [("X-Request-Id", "req-dup-b")])
        XCTAssertEqual(second.json["status"] as? String, "held")
        let secondId = try XCTUnwrap(second.json["id"] as? String)

        let held = try await lines.waitFor { $0["msg"] == "payment held" }
        XCTAssertEqual(held["payment_id"], secondId)
        XCTAssertEqual(held["code"], "suspected_duplicate")
        XCTAssertEqual(held["request_id"], "req-dup-b")
        XCTAssertEqual(held["bank"], "sim")
        XCTAssertTrue(held["reason"]?.contains(firstId) ?? false, "\(held)")
    }
}

/// The log lines a test's gateway wrote, as JSON objects of strings.
final class LogLines: Sendable {
    private let lines = Mutex<[String]>([])

    func append(_ line: String) { lines.withLock { $0.append(line) } }

    var all: [String] { lines.withLock { $0 } }

    /// The first line matching `predicate`, waiting up to `seconds` for it.
    func waitFor(seconds: Double = 20, _ predicate: ([String: String]) -> Bool) async throws -> [String: String] {
        let deadline = Date().addingTimeInterval(seconds)
        while true {
            for line in all {
                guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String] else { continue }
                if predicate(object) { return object }
            }
            if Date() > deadline { throw HarnessError("no such log line among \(all.count):\n" + all.suffix(20).joined(separator: "\n")) }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    /// Fails if any line holds one of `secrets`; and the lines are JSON objects.
    func assertNoSecrets(_ secrets: [String], file: StaticString = #filePath, line: UInt = #line) {
        let all = self.all
        XCTAssertFalse(all.isEmpty, file: file, line: line)
        for text in all {
            XCTAssertNotNil(try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: String], "not a JSON line: \(text)",
                            file: file, line: line)
            for secret in secrets where text.contains(secret) {
                XCTFail("a log line holds \(secret): \(text)", file: file, line: line)
            }
        }
    }
}

/// A Prometheus text exposition, read sample by sample.
struct Scrape {
    /// (name, labels, value) per sample line.
    let samples: [(name: String, labels: [String: String], value: Double)]

    init(_ answer: GatewayHarness.Answer) {
        let text = String(decoding: answer.headers.body, as: UTF8.self)
        var samples: [(String, [String: String], Double)] = []
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else { continue }
            let series = line[..<space]
            var labels: [String: String] = [:]
            var name = String(series)
            if let open = series.firstIndex(of: "{"), series.hasSuffix("}") {
                name = String(series[..<open])
                let inner = series[series.index(after: open)..<series.index(before: series.endIndex)]
                for pair in inner.split(separator: ",") {
                    let parts = pair.split(separator: "=", maxSplits: 1)
                    guard parts.count == 2 else { continue }
                    labels[String(parts[0])] = String(parts[1].dropFirst().dropLast())
                }
            }
            samples.append((name, labels, value))
        }
        self.samples = samples
    }

    /// The value of the sample named `name` whose labels include `labels` (nil: none).
    func value(_ name: String, _ labels: [String: String]) -> Double? {
        samples.first { sample in sample.name == name && labels.allSatisfy { key, value in sample.labels[key] == value } }?.value
    }
}
