import BankGateTestSupport
import BankGateTransport
import Foundation
import Synchronization
import XCTest

/// Three `bankgate serve` processes share one PostgreSQL store (`[server] database`), behind a
/// treasury client that sends each payment to the next instance that answers. One instance is
/// killed with SIGKILL while it has sends in flight and is not restarted: the others take its
/// leased work over once its leases ran out (asking the bank first), and the simulator's ledger
/// shows every accepted payment executed exactly once. Needs `BANKGATE_TEST_POSTGRES`.
final class MultiInstanceTests: XCTestCase {
    let paymentCount = 240
    let token = "multi-token-0123456789abcdef"
    var daemons: DaemonProcesses!
    var instances: [Process] = []

    override func setUp() async throws {
        guard TestStoreBackend.isPostgres else { throw XCTSkip("needs PostgreSQL: set BANKGATE_TEST_POSTGRES") }
        daemons = try DaemonProcesses(label: "multi")
    }

    override func tearDown() async throws {
        for process in daemons?.processes ?? [] where process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        if testRun?.hasSucceeded ?? false { try? FileManager.default.removeItem(at: daemons.directory) }
    }

    func testThreeInstancesOneKilledEveryPaymentExecutedExactlyOnce() async throws {
        let directory = daemons.directory
        _ = try daemons.launch(["bank-sim", "--listen", "127.0.0.1:0", "--data-dir", directory.appendingPathComponent("sim").path,
                                                "--seed", "20261204", "--drop-after-execute-rate", "0.05", "--latency-ms", "300"],
                                               log: "sim.log")
        let simPort = try await daemons.announcedPort(in: "sim.log", message: "bank simulator listening")
        let url = try XCTUnwrap(TestStoreBackend.postgresURL)
        let schema = "multi_\(UInt32.random(in: 0...UInt32.max))"
        var ports: [Int] = []
        for index in 1...3 {
            let config = directory.appendingPathComponent("gateway-\(index).toml").path
            try GatewayHarness.configuration(
                listen: "127.0.0.1:0", dataDirectory: directory.appendingPathComponent("gateway-\(index)").path, token: token,
                transport: "transport = \"http\"\nurl = \"http://127.0.0.1:\(simPort)\"",
                bankKeys: GatewayHarness.bankKeys(overriddenBy: "max_attempts = 100\nmax_in_flight = 16")
            )
            .replacingOccurrences(of: "[server]\n", with: """
                [server]
                database = "\(url)?schema=\(schema)"
                instance_id = "gateway-\(index)"
                lease_seconds = 3

                """)
            .write(toFile: config, atomically: true, encoding: .utf8)
            let log = "gateway-\(index).log"
            instances.append(try daemons.launch(["serve", "--config", config, "--log-level", "info"], log: log))
            ports.append(try await daemons.announcedPort(in: log, message: "bankgate API listening"))
        }
        let live = LivePorts(ports)

        // 16 clients; a request that fails (its instance died) goes to the next live instance with
        // the same Idempotency-Key.
        let accepted = AcceptedPayments()
        let client = HTTPClient(timeoutMilliseconds: 10_000)
        let token = token
        let count = paymentCount
        let submitter = Task {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for worker in 0..<16 {
                    group.addTask {
                        for n in stride(from: worker, to: count, by: 16) {
                            accepted.record(n, try await MultiInstanceTests.submit(n, client: client, token: token, ports: live))
                        }
                    }
                }
                try await group.waitForAll()
            }
        }

        // Kill instance 2 once half the payments are in and it has work in flight.
        while accepted.count < paymentCount / 2 { try await Task.sleep(for: .milliseconds(5)) }
        var killedWithWorkInFlight = false
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            if let queue = try? await getJSON(client, "http://127.0.0.1:\(ports[1])/v1/queue"),
               let banks = queue["banks"] as? [[String: Any]], banks.contains(where: { ($0["in_flight"] as? Int ?? 0) > 0 }) {
                kill(instances[1].processIdentifier, SIGKILL)
                instances[1].waitUntilExit()
                killedWithWorkInFlight = true
                break
            }
            try await Task.sleep(for: .milliseconds(2))
        }
        XCTAssertTrue(killedWithWorkInFlight, "instance 2 had work in flight when it was killed")
        live.remove(ports[1])
        try await submitter.value
        let ids = accepted.all
        XCTAssertEqual(ids.count, paymentCount)
        XCTAssertEqual(Set(ids.values).count, paymentCount, "replays answered the same payment, never a second one")

        // Every payment final, as seen from a surviving instance (the store is one).
        let observer = ports[0]
        let finalDeadline = Date().addingTimeInterval(180)
        var counts: [String: Int] = [:]
        while true {
            let queue = try await getJSON(client, "http://127.0.0.1:\(observer)/v1/queue")
            counts = (queue["counts"] as? [String: Int]) ?? [:]
            if (counts["completed"] ?? 0) == paymentCount { break }
            if Date() > finalDeadline { return XCTFail("not all payments completed: \(counts)") }
            try await Task.sleep(for: .milliseconds(200))
        }

        // The bank's ledger: each payment executed exactly once.
        let ledger = try await getJSON(client, "http://127.0.0.1:\(simPort)/sim/ledger")
        let transfers = try XCTUnwrap(ledger["transfers"] as? [[String: Any]])
        var executions: [String: Int] = [:]
        for transfer in transfers { executions[transfer["end_to_end_id"] as? String ?? "?", default: 0] += 1 }
        XCTAssertEqual(transfers.count, paymentCount)
        for n in 0..<paymentCount {
            XCTAssertEqual(executions["MULTI-\(n)"] ?? 0, 1, "MULTI-\(n) executed \(executions["MULTI-\(n)"] ?? 0) times")
        }

        // The killed instance's sends were taken over by the others: recovered (asked about), not resent.
        var takenOver = 0
        for id in ids.values {
            let payment = try await getJSON(client, "http://127.0.0.1:\(observer)/v1/payments/\(id)")
            let history = (payment["history"] as? [[String: Any]]) ?? []
            if history.contains(where: { $0["cause"] as? String == "recovery" }) { takenOver += 1 }
        }
        XCTAssertGreaterThan(takenOver, 0, "the killed instance's interrupted sends were recovered by another instance")
        // Work went through all three instances.
        for index in [1, 3] {
            let log = (try? String(contentsOf: directory.appendingPathComponent("gateway-\(index).log"), encoding: .utf8)) ?? ""
            XCTAssertTrue(log.contains("bankgate API listening"), "instance \(index) ran")
        }
    }

    static func submit(_ n: Int, client: HTTPClient, token: String, ports: LivePorts) async throws -> String {
        let body = """
            {"debtor_account":"acme-eur","amount":"\(n + 1).00","currency":"EUR","end_to_end_id":"MULTI-\(n)",\
            "creditor":{"name":"Creditor \(n)","account":"GB82WEST12345698765432","bank_code":"WESTGB2L"}}
            """
        for attempt in 0..<600 {
            let port = ports.pick(n + attempt)
            if let answer = try? await client.send(
                method: "POST", url: "http://127.0.0.1:\(port)/v1/payments",
                headers: [("Authorization", "Bearer \(token)"), ("Idempotency-Key", "multi-\(n)"), ("Content-Type", "application/json")],
                body: Array(body.utf8)), answer.status == 201 || answer.status == 200,
               let json = try? JSONSerialization.jsonObject(with: Data(answer.body)) as? [String: Any], let id = json["id"] as? String {
                return id
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw HarnessError("payment \(n) never accepted")
    }

    func getJSON(_ client: HTTPClient, _ url: String) async throws -> [String: Any] {
        let answer = try await client.send(method: "GET", url: url, headers: [("Authorization", "Bearer \(token)")], body: nil)
        return try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(answer.body)) as? [String: Any])
    }
}

/// The API ports of the instances still alive; a client spreads its requests over them.
final class LivePorts: Sendable {
    private let ports: Mutex<[Int]>
    init(_ ports: [Int]) { self.ports = Mutex(ports) }
    func pick(_ n: Int) -> Int { ports.withLock { $0[n % $0.count] } }
    func remove(_ port: Int) { ports.withLock { $0.removeAll { $0 == port } } }
}
