import BankGateTransport
import Foundation
import XCTest

#if canImport(Glibc)
import Glibc
#endif

/// Issue 12 through the real daemon: `bankgate serve` with `[logging] format = "json"` writes only
/// JSON lines (the bootstrap in the serve command), carries the request id into the bank's failure,
/// keeps the token and the account number out, and serves `/metrics` without a token when
/// `[server] metrics_public = true`.
final class ServeLoggingTests: XCTestCase {
    var directory: URL!
    var gateway: Process?
    let token = "serve-log-token-0123456789abcdef"

    override func setUp() async throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("bankgate-servelog-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDown() async throws {
        if let gateway, gateway.isRunning {
            kill(gateway.processIdentifier, SIGKILL)
            gateway.waitUntilExit()
        }
        try? FileManager.default.removeItem(at: directory)
    }

    func testServeWritesJSONLinesWithTheRequestIdAndServesPublicMetrics() async throws {
        let refusing = try RefusingPort()
        defer { refusing.close() }
        let config = directory.appendingPathComponent("bankgate.toml").path
        try """
            [server]
            listen = "127.0.0.1:0"
            data_dir = "\(directory.appendingPathComponent("data").path)"
            metrics_public = true

            [logging]
            format = "json"
            level = "info"

            [[tokens]]
            name = "erp"
            token = "\(token)"
            scopes = ["payments:write", "payments:read"]

            [[banks]]
            id = "down"
            adapter = "iso20022"
            transport = "http"
            url = "http://127.0.0.1:\(refusing.port)"
            backoff_base_ms = 100
            backoff_max_ms = 200

            [[accounts]]
            id = "acme-eur"
            bank = "down"
            number = "DE89370400440532013000"
            bank_code = "COBADEFFXXX"
            name = "ACME Trading GmbH"
            currency = "EUR"

            [dispatch]
            poll_interval_ms = 50
            """.write(toFile: config, atomically: true, encoding: .utf8)
        let log = directory.appendingPathComponent("serve.log")
        FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try BankGateExecutable.path)
        process.arguments = ["serve", "--config", config]
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        gateway = process

        let listening = try await waitForLine(in: log) { $0["msg"] == "bankgate API listening" }
        let port = try XCTUnwrap(listening["port"].flatMap(Int.init))
        let client = HTTPClient(timeoutMilliseconds: 10_000)
        let body = Array(#"{"debtor_account": "acme-eur", "amount": "12.34", "currency": "EUR", "creditor": {"name": "Müller GmbH", "account": "GB82WEST12345698765432", "bank_code": "WESTGB2L"}}"#.utf8)
        let created = try await client.send(method: "POST", url: "http://127.0.0.1:\(port)/v1/payments",
                                            headers: [("Authorization", "Bearer \(token)"), ("Content-Type", "application/json"),
                                                      ("Idempotency-Key", "serve-1"), ("X-Request-Id", "req-serve-1")], body: body)
        XCTAssertEqual(created.status, 201, String(decoding: created.body, as: UTF8.self))
        XCTAssertEqual(created.headerValue("X-Request-Id"), "req-serve-1")

        let failed = try await waitForLine(in: log) { $0["msg"] == "bank error" }
        XCTAssertEqual(failed["bank"], "down")
        XCTAssertEqual(failed["code"], "not_sent")
        XCTAssertEqual(failed["request_id"], "req-serve-1")

        let metrics = try await client.send(method: "GET", url: "http://127.0.0.1:\(port)/metrics", headers: [], body: nil)
        XCTAssertEqual(metrics.status, 200, "metrics_public: no token needed")
        let text = String(decoding: metrics.body, as: UTF8.self)
        XCTAssertTrue(text.contains(#"bankgate_intake_requests_total{outcome="accepted",code="none"} 1"#), text)
        XCTAssertTrue(text.contains(#"bankgate_bank_errors_total{bank="down",code="not_sent"}"#), text)

        kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
        let all = try String(contentsOf: log, encoding: .utf8).split(separator: "\n")
        XCTAssertGreaterThan(all.count, 3)
        for line in all {
            XCTAssertNotNil(try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "not JSON: \(line)")
            XCTAssertFalse(line.contains(token), String(line))
            XCTAssertFalse(line.contains("DE89370400440532013000"), String(line))
            XCTAssertFalse(line.contains("GB82WEST12345698765432"), String(line))
        }
    }

    /// The first JSON line of `log` matching `predicate`, waiting up to 30 s.
    func waitForLine(in log: URL, _ predicate: ([String: String]) -> Bool) async throws -> [String: String] {
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            for line in text.split(separator: "\n") {
                if let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String], predicate(object) {
                    return object
                }
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw HarnessError("no such line in \(log.lastPathComponent):\n" + ((try? String(contentsOf: log, encoding: .utf8)) ?? ""))
    }
}
