import BankGateTransport
import Foundation
import Synchronization
import XCTest

/// The real processes: `bankgate bank-sim` failing 10% of sends before executing and dropping 10% of
/// answers after executing, and `bankgate serve` killed with SIGKILL several times while payments
/// are submitted and dispatched. Afterwards every accepted payment must have been executed by the
/// bank exactly once, and none lost.
final class CrashRecoveryTests: XCTestCase {
    let paymentCount = 500
    let token = "crash-token-0123456789abcdef"
    var directory: URL!
    var simulator: Process?
    var gateway: Process?
    let client = HTTPClient(timeoutMilliseconds: 10_000)

    override func setUp() async throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("bankgate-crash-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDown() async throws {
        for process in [gateway, simulator].compactMap({ $0 }) where process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        if testRun?.hasSucceeded ?? false, ProcessInfo.processInfo.environment["BANKGATE_KEEP_TEST_DATA"] == nil {
            try? FileManager.default.removeItem(at: directory)
        }
    }

    /// `.build/debug/bankgate`, built by `swift build --build-tests` before the tests run.
    var executable: String {
        get throws {
            let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            let candidates = [
                Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("bankgate").path,
                Bundle(for: Self.self).bundleURL.deletingLastPathComponent().appendingPathComponent("bankgate").path,
                root.appendingPathComponent(".build/debug/bankgate").path,
            ]
            guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
                throw HarnessError("bankgate executable not found (run `swift build` first): \(candidates)")
            }
            return found
        }
    }

    func launch(_ arguments: [String], log: String) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try executable)
        process.arguments = arguments
        let logURL = directory.appendingPathComponent(log)
        if !FileManager.default.fileExists(atPath: logURL.path) { _ = FileManager.default.createFile(atPath: logURL.path, contents: nil) }
        let handle = try FileHandle(forWritingTo: logURL)
        handle.seekToEndOfFile()
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        return process
    }

    func startGateway(config: String, apiPort: Int) async throws {
        gateway = try launch(["serve", "--config", config, "--log-level", "warning"], log: "gateway.log")
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            if let answer = try? await client.send(method: "GET", url: "http://127.0.0.1:\(apiPort)/readyz", headers: [], body: nil),
               answer.status == 200 { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw HarnessError("gateway did not become ready")
    }

    func killGateway() {
        guard let gateway, gateway.isRunning else { return }
        kill(gateway.processIdentifier, SIGKILL)
        gateway.waitUntilExit()
    }

    func testKillNineDuringIntakeAndDispatchLosesNothingAndPaysNothingTwice() async throws {
        let simPort = try PaymentFlowTests.unusedPort()
        let apiPort = try PaymentFlowTests.unusedPort()
        simulator = try launch(["bank-sim", "--listen", "127.0.0.1:\(simPort)", "--data-dir", directory.appendingPathComponent("sim").path,
                                "--seed", "20261123", "--fail-rate", "0.1", "--drop-after-execute-rate", "0.1"], log: "sim.log")
        let config = directory.appendingPathComponent("bankgate.toml").path
        try GatewayHarness.configuration(
            listen: "127.0.0.1:\(apiPort)", dataDirectory: directory.appendingPathComponent("gateway").path, token: token,
            transport: "transport = \"http\"\nurl = \"http://127.0.0.1:\(simPort)\"",
            bankKeys: GatewayHarness.bankKeys(overriddenBy: "max_attempts = 100")
        ).write(toFile: config, atomically: true, encoding: .utf8)
        try await startGateway(config: config, apiPort: apiPort)

        // Submit from 16 clients. A client whose request fails (the gateway was killed) retries with
        // the same Idempotency-Key, as a treasury system does, until the gateway answers.
        let accepted = AcceptedPayments()
        let killPoints = [150, 350]
        let client = Submitter(client: client, token: token, apiPort: apiPort)
        let count = paymentCount
        let submitter = Task {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for worker in 0..<16 {
                    group.addTask {
                        for n in stride(from: worker, to: count, by: 16) {
                            let id = try await client.submitUntilAnswered(n)
                            accepted.record(n, id)
                        }
                    }
                }
                try await group.waitForAll()
            }
        }
        for point in killPoints {
            while accepted.count < point { try await Task.sleep(for: .milliseconds(5)) }
            killGateway()
            try await startGateway(config: config, apiPort: apiPort)
        }
        try await submitter.value
        // One more kill while the queue is being dispatched.
        try await Task.sleep(for: .milliseconds(300))
        killGateway()
        try await startGateway(config: config, apiPort: apiPort)

        let ids = accepted.all
        XCTAssertEqual(ids.count, paymentCount)
        XCTAssertEqual(Set(ids.values).count, paymentCount, "replays answered the same payment, never a second one")

        // Wait until every payment is final.
        let deadline = Date().addingTimeInterval(240)
        var statuses: [String: Int] = [:]
        while true {
            let queue = try await getJSON("http://127.0.0.1:\(apiPort)/v1/queue")
            statuses = (queue["counts"] as? [String: Int]) ?? [:]
            let final = ["completed", "rejected", "failed", "cancelled", "returned"].reduce(0) { $0 + (statuses[$1] ?? 0) }
            if final == paymentCount { break }
            if Date() > deadline { return XCTFail("not all payments final: \(statuses)") }
            try await Task.sleep(for: .milliseconds(200))
        }
        XCTAssertEqual(statuses["completed"], paymentCount, "every payment completed: \(statuses)")

        // The bank's ledger: each accepted payment executed exactly once.
        let ledger = try await getJSON("http://127.0.0.1:\(simPort)/sim/ledger")
        let transfers = try XCTUnwrap(ledger["transfers"] as? [[String: Any]])
        var executions: [String: Int] = [:]
        for transfer in transfers {
            executions[transfer["end_to_end_id"] as? String ?? "?", default: 0] += 1
        }
        XCTAssertEqual(transfers.count, paymentCount)
        for n in 0..<paymentCount {
            XCTAssertEqual(executions["CRASH-\(n)"], 1, "CRASH-\(n) executed \(executions["CRASH-\(n)"] ?? 0) times")
        }
        // The faults really happened: some payments went through `unknown` and were settled by asking.
        var settledByQuery = 0
        for id in ids.values.prefix(200) {
            let payment = try await getJSON("http://127.0.0.1:\(apiPort)/v1/payments/\(id)")
            let path = (payment["history"] as? [[String: Any]])?.compactMap { $0["to"] as? String } ?? []
            if path.contains("unknown") { settledByQuery += 1 }
        }
        XCTAssertGreaterThan(settledByQuery, 0)
    }

    func getJSON(_ url: String) async throws -> [String: Any] {
        let answer = try await client.send(method: "GET", url: url, headers: [("Authorization", "Bearer \(token)")], body: nil)
        return try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(answer.body)) as? [String: Any])
    }
}

/// The payments the gateway acknowledged, by payment number.
final class AcceptedPayments: Sendable {
    private let ids = Mutex<[Int: String]>([:])
    func record(_ n: Int, _ id: String) { ids.withLock { $0[n] = id } }
    var count: Int { ids.withLock { $0.count } }
    var all: [Int: String] { ids.withLock { $0 } }
}

/// A treasury client: retries with the same Idempotency-Key until the gateway answers.
struct Submitter: Sendable {
    let client: HTTPClient
    let token: String
    let apiPort: Int

    func submitUntilAnswered(_ n: Int) async throws -> String {
        let body = """
            {"debtor_account":"acme-eur","amount":"\(n + 1).00","currency":"EUR","end_to_end_id":"CRASH-\(n)",\
            "creditor":{"name":"Creditor \(n)","account":"GB82WEST12345698765432","bank_code":"WESTGB2L"},"remittance_info":"crash test \(n)"}
            """
        for _ in 0..<600 {
            if let answer = try? await client.send(
                method: "POST", url: "http://127.0.0.1:\(apiPort)/v1/payments",
                headers: [("Authorization", "Bearer \(token)"), ("Idempotency-Key", "crash-\(n)"), ("Content-Type", "application/json")],
                body: Array(body.utf8)), answer.status == 201 || answer.status == 200,
               let json = try? JSONSerialization.jsonObject(with: Data(answer.body)) as? [String: Any],
               let id = json["id"] as? String {
                return id
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw HarnessError("payment \(n) never accepted")
    }
}
