import BankGateTransport
import Foundation
import XCTest

/// `bankgate serve` and SIGTERM (issue 12): intake stops, sends in flight may finish within
/// `[server] shutdown_grace_seconds`, and the process exits 0 within the bound. A send the bound
/// cuts off stays recorded as sent; the next start asks the bank about it and never sends it
/// blindly again: the simulator's ledger shows every payment executed exactly once.
final class GracefulShutdownTests: XCTestCase {
    let token = "shutdown-token-0123456789abcdef"
    let client = HTTPClient(timeoutMilliseconds: 30_000)
    var daemons: DaemonProcesses!
    var gatewayStarts = 0

    override func setUp() async throws { daemons = try DaemonProcesses(label: "shutdown") }
    override func tearDown() async throws { daemons.stop(keep: !(testRun?.hasSucceeded ?? false)) }

    /// The simulator answering every request `latency` ms after it executed it, and the gateway's
    /// configuration for it with `grace` seconds of shutdown grace.
    func prepare(latencyMilliseconds: Int, graceSeconds: Int) async throws -> (config: String, simPort: Int) {
        _ = try daemons.launch(["bank-sim", "--listen", "127.0.0.1:0", "--data-dir", daemons.path("sim"),
                                "--latency-ms", "\(latencyMilliseconds)"], log: "sim.log")
        let simPort = try await daemons.announcedPort(in: "sim.log", message: "bank simulator listening")
        let text = GatewayHarness.configuration(
            listen: "127.0.0.1:0", dataDirectory: daemons.path("gateway"), token: token,
            transport: "transport = \"http\"\nurl = \"http://127.0.0.1:\(simPort)\"",
            bankKeys: GatewayHarness.bankKeys(overriddenBy: "max_in_flight = 4\nrequest_timeout_ms = 60000\nmax_attempts = 100"))
            .replacingOccurrences(of: "listen = \"127.0.0.1:0\"\n", with: "listen = \"127.0.0.1:0\"\nshutdown_grace_seconds = \(graceSeconds)\n")
        let config = daemons.path("bankgate.toml")
        try text.write(toFile: config, atomically: true, encoding: .utf8)
        return (config, simPort)
    }

    /// Starts `bankgate serve` and returns it with its API port once ready.
    func startGateway(_ config: String) async throws -> (process: Process, port: Int, log: String) {
        gatewayStarts += 1
        let log = "gateway-\(gatewayStarts).log"
        let process = try daemons.launch(["serve", "--config", config, "--log-level", "info"], log: log)
        let port = try await daemons.announcedPort(in: log, message: "bankgate API listening")
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            if let answer = try? await client.send(method: "GET", url: "http://127.0.0.1:\(port)/readyz", headers: [], body: nil),
               answer.status == 200 { return (process, port, log) }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw HarnessError("the gateway did not become ready")
    }

    func submit(_ count: Int, port: Int) async throws -> [String: String] {
        var ids: [String: String] = [:]
        for n in 0..<count {
            let body = try JSONSerialization.data(withJSONObject: GatewayHarness.payment(amount: "\(n + 1).00", e2e: "TERM-\(n)"))
            let answer = try await client.send(method: "POST", url: "http://127.0.0.1:\(port)/v1/payments",
                                               headers: [("Authorization", "Bearer \(token)"), ("Idempotency-Key", "term-\(n)"),
                                                         ("Content-Type", "application/json")], body: Array(body))
            XCTAssertEqual(answer.status, 201)
            let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(answer.body)) as? [String: Any])
            ids["TERM-\(n)"] = try XCTUnwrap(json["id"] as? String)
        }
        return ids
    }

    func getJSON(_ url: String) async throws -> [String: Any] {
        let answer = try await client.send(method: "GET", url: url, headers: [("Authorization", "Bearer \(token)")], body: nil)
        return try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(answer.body)) as? [String: Any])
    }

    func ledgerCounts(simPort: Int) async throws -> [String: Int] {
        let ledger = try await getJSON("http://127.0.0.1:\(simPort)/sim/ledger")
        var counts: [String: Int] = [:]
        for transfer in (ledger["transfers"] as? [[String: Any]]) ?? [] {
            counts[transfer["end_to_end_id"] as? String ?? "?", default: 0] += 1
        }
        return counts
    }

    /// Every payment completed, each executed once by the bank; returns the payments' JSON.
    func assertEachExecutedOnce(_ ids: [String: String], port: Int, simPort: Int) async throws -> [[String: Any]] {
        let deadline = Date().addingTimeInterval(120)
        var payments: [[String: Any]] = []
        while true {
            payments = []
            for id in ids.values { payments.append(try await getJSON("http://127.0.0.1:\(port)/v1/payments/\(id)")) }
            if payments.allSatisfy({ $0["status"] as? String == "completed" }) { break }
            if Date() > deadline {
                XCTFail("not all completed: \(payments.map { $0["status"] as? String ?? "?" })")
                break
            }
            try await Task.sleep(for: .milliseconds(200))
        }
        let counts = try await ledgerCounts(simPort: simPort)
        for e2e in ids.keys { XCTAssertEqual(counts[e2e] ?? 0, 1, "\(e2e) executed \(counts[e2e] ?? 0) times") }
        XCTAssertEqual(counts.values.reduce(0, +), ids.count)
        return payments
    }

    func causes(_ payment: [String: Any]) -> [String] {
        ((payment["history"] as? [[String: Any]]) ?? []).compactMap { $0["cause"] as? String }
    }

    /// Sends slower than grace + cancellation: the daemon stops at the bound with sends under way
    /// (exit 0), and the next start settles them by asking the bank.
    func testSIGTERMCutsOffSlowSendsAtTheBoundAndTheNextStartAsksTheBank() async throws {
        let grace = 1
        let (config, simPort) = try await prepare(latencyMilliseconds: 9_000, graceSeconds: grace)
        let first = try await startGateway(config)
        let ids = try await submit(8, port: first.port)
        // Wait until the bank has executed some of them and holds back its answers.
        let deadline = Date().addingTimeInterval(30)
        while try await ledgerCounts(simPort: simPort).isEmpty {
            if Date() > deadline { return XCTFail("the bank executed nothing") }
            try await Task.sleep(for: .milliseconds(20))
        }
        let signalled = Date()
        XCTAssertTrue(DaemonProcesses.accepts(port: first.port))
        kill(first.process.processIdentifier, SIGTERM)
        // Intake stops at once: while the daemon still waits for the bank, its API port is closed.
        try await daemons.waitForLog(first.log, containing: "shutting down")
        var closed = false
        for _ in 0..<100 where !closed {
            closed = !DaemonProcesses.accepts(port: first.port)
            if !closed { try await Task.sleep(for: .milliseconds(20)) }
        }
        XCTAssertTrue(closed, "the API still accepts connections 2 s after SIGTERM")
        XCTAssertTrue(first.process.isRunning, "the daemon waits for its sends meanwhile")
        let bound = Double(grace + ServeSignalsBound.cancellationSeconds + 3)
        let exited = try await daemons.waitForExit(first.process, seconds: bound)
        XCTAssertTrue(exited, "still running \(bound) s after SIGTERM")
        guard exited else { return }
        XCTAssertEqual(first.process.terminationStatus, 0, daemons.log(first.log))
        XCTAssertLessThan(Date().timeIntervalSince(signalled), bound)
        let log = daemons.log(first.log)
        XCTAssertTrue(log.contains("shutting down"), log)
        XCTAssertTrue(log.contains("bank calls still in flight stay recorded as sent"), log)

        let second = try await startGateway(config)
        let payments = try await assertEachExecutedOnce(ids, port: second.port, simPort: simPort)
        // The sends cut off were recovered at the start and asked about, not sent again.
        XCTAssertGreaterThan(payments.filter { causes($0).contains("recovery") }.count, 0,
                             payments.map { "\($0["id"] ?? "?"): \(causes($0))" }.joined(separator: "\n"))
        kill(second.process.processIdentifier, SIGTERM)
        _ = try await daemons.waitForExit(second.process, seconds: 30)
        XCTAssertEqual(second.process.terminationStatus, 0)
    }

    /// Sends that take less than the grace finish: exit 0, and nothing is left for recovery.
    func testSIGTERMLetsSendsInFlightFinishWithinTheGrace() async throws {
        let grace = 20
        let (config, simPort) = try await prepare(latencyMilliseconds: 1_500, graceSeconds: grace)
        let first = try await startGateway(config)
        let ids = try await submit(6, port: first.port)
        let deadline = Date().addingTimeInterval(30)
        while try await ledgerCounts(simPort: simPort).isEmpty {
            if Date() > deadline { return XCTFail("the bank executed nothing") }
            try await Task.sleep(for: .milliseconds(20))
        }
        kill(first.process.processIdentifier, SIGTERM)
        let exited = try await daemons.waitForExit(first.process, seconds: Double(grace))
        XCTAssertTrue(exited, "still running \(grace) s after SIGTERM")
        guard exited else { return }
        XCTAssertEqual(first.process.terminationStatus, 0, daemons.log(first.log))
        XCTAssertFalse(daemons.log(first.log).contains("stopping now"), daemons.log(first.log))

        let second = try await startGateway(config)
        XCTAssertFalse(daemons.log(second.log).contains("recovered interrupted sends"), daemons.log(second.log))
        let payments = try await assertEachExecutedOnce(ids, port: second.port, simPort: simPort)
        XCTAssertEqual(payments.filter { causes($0).contains("recovery") }.count, 0)
    }
}

/// The daemon's bound after the grace (``ServeSignals/cancellationSeconds`` in the executable).
enum ServeSignalsBound {
    static let cancellationSeconds = 5
}
