import BankGateAdapters
import BankGateConfig
import BankGateEngine
import Logging
import BankGateTestSupport
import BankGateTransport
@testable import BankGateRuntime
import Foundation
import XCTest

/// `bankgate serve` and SIGHUP (issue 12): the configuration file is read again and applied whole
/// (a token's new secret and scopes answer the next request, the old one is refused; a new limit
/// refuses the next payment over it), or refused
/// whole when invalid or when it changes what only a restart applies — the running configuration
/// then stays, and `GET /v1/configuration` shows the error.
final class ConfigurationReloadTests: XCTestCase {
    let token = "reload-token-0123456789abcdef"
    let client = HTTPClient(timeoutMilliseconds: 10_000)
    var daemons: DaemonProcesses!

    override func setUp() async throws { daemons = try DaemonProcesses(label: "reload") }
    override func tearDown() async throws { daemons.stop(keep: !(testRun?.hasSucceeded ?? false)) }

    /// Asserts the status of `GET path` with `token`.
    func expect(_ path: String, token: String, port: Int, _ expected: Int, _ message: String = "",
                line: UInt = #line) async throws {
        let status = try await client.send(method: "GET", url: "http://127.0.0.1:\(port)\(path)",
                                           headers: [("Authorization", "Bearer \(token)")], body: nil).status
        XCTAssertEqual(status, expected, message, line: line)
    }

    /// Asserts the status of a payment of `amount` EUR.
    func expectPayment(_ amount: String, key: String, port: Int, _ expected: Int, _ message: String = "",
                       line: UInt = #line) async throws {
        let status = try await pay(amount, key: key, port: port)
        XCTAssertEqual(status, expected, message, line: line)
    }

    /// Submits a payment of `amount` EUR; the answer's status.
    func pay(_ amount: String, key: String, port: Int) async throws -> Int {
        let body = try JSONSerialization.data(withJSONObject: GatewayHarness.payment(amount: amount))
        return try await client.send(method: "POST", url: "http://127.0.0.1:\(port)/v1/payments",
                                     headers: [("Authorization", "Bearer \(token)"), ("Idempotency-Key", key),
                                               ("Content-Type", "application/json")], body: Array(body)).status
    }

    func configurationState(port: Int) async throws -> [String: Any] {
        let answer = try await client.send(method: "GET", url: "http://127.0.0.1:\(port)/v1/configuration",
                                           headers: [("Authorization", "Bearer \(token)")], body: nil)
        XCTAssertEqual(answer.status, 200)
        return try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(answer.body)) as? [String: Any])
    }

    func testSIGHUPAppliesAValidFileWholeAndRefusesAnInvalidOneWhole() async throws {
        let config = daemons.path("bankgate.toml")
        // The bank is never called in this test: its URL only has to be valid.
        let original = GatewayHarness.configuration(listen: "127.0.0.1:0", dataDirectory: daemons.path("gateway"), token: token,
                                                    transport: "transport = \"http\"\nurl = \"http://127.0.0.1:9\"",
                                                    bankKeys: GatewayHarness.bankKeys(overriddenBy: ""))
        try original.write(toFile: config, atomically: true, encoding: .utf8)
        let gateway = try daemons.launch(["serve", "--config", config, "--log-level", "info"], log: "gateway.log")
        let port = try await daemons.announcedPort(in: "gateway.log", message: "bankgate API listening")

        let oldReader = "reader-token-0123456789"
        let newReader = "reader-token-rotated-9876543210"
        try await expect("/v1/payments", token: oldReader, port: port, 200)
        try await expect("/v1/configuration", token: oldReader, port: port, 403, "reader has payments:read only")
        let started = try await configurationState(port: port)
        XCTAssertEqual(started["last_reload_error"] as? NSNull, NSNull())
        let startedHash = try XCTUnwrap(started["sha256"] as? String)
        try await expectPayment("50.00", key: "before", port: port, 201)

        // A valid file: the reader's token is rotated and gains operate.
        let rotated = original
            .replacingOccurrences(of: "token = \"\(oldReader)\"\nscopes = [\"payments:read\"]",
                                  with: "token = \"\(newReader)\"\nscopes = [\"payments:read\", \"operate\"]")
            + "\n[[limits]]\naccount = \"acme-eur\"\ncurrency = \"EUR\"\nsingle = \"20.00\"\n"
            + "\n[[alerts]]\nname = \"over-ten\"\npayment_amount_above = \"10.00\"\ncurrency = \"EUR\"\nevent = true\n"
        XCTAssertNotEqual(rotated, original)
        try rotated.write(toFile: config, atomically: true, encoding: .utf8)
        kill(gateway.processIdentifier, SIGHUP)
        try await daemons.waitForLog("gateway.log", containing: "configuration reloaded")
        try await expect("/v1/payments", token: oldReader, port: port, 401, "the old token is refused")
        try await expect("/v1/payments", token: newReader, port: port, 200)
        try await expect("/v1/configuration", token: newReader, port: port, 200, "the new scope is in force")
        try await expect("/v1/payments", token: token, port: port, 200)
        try await expectPayment("50.00", key: "after", port: port, 422, "the new limit is in force")
        try await expectPayment("15.00", key: "under", port: port, 201)
        // The new alert rule is evaluated by the running alert engine: the 15.00 payment fires it.
        let alertDeadline = Date().addingTimeInterval(30)
        while true {
            let answer = try await client.send(method: "GET", url: "http://127.0.0.1:\(port)/v1/alerts?rule=over-ten",
                                               headers: [("Authorization", "Bearer \(token)")], body: nil)
            let json = try JSONSerialization.jsonObject(with: Data(answer.body)) as? [String: Any]
            if let firings = json?["alerts"] as? [[String: Any]], !firings.isEmpty { break }
            if Date() > alertDeadline { return XCTFail("the reloaded alert rule never fired: \(String(decoding: answer.body, as: UTF8.self))") }
            try await Task.sleep(for: .milliseconds(200))
        }
        let applied = try await configurationState(port: port)
        let appliedHash = try XCTUnwrap(applied["sha256"] as? String)
        XCTAssertNotEqual(appliedHash, startedHash)
        // The file's SHA-256, as `sha256sum` prints it, so an operator can tell which file is in force.
        let sha256sum = Process()
        sha256sum.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum")
        sha256sum.arguments = [config]
        let printed = Pipe()
        sha256sum.standardOutput = printed
        try sha256sum.run()
        let line = String(decoding: printed.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        sha256sum.waitUntilExit()
        XCTAssertEqual(appliedHash, String(line.prefix(64)))
        XCTAssertEqual(applied["last_reload_error"] as? NSNull, NSNull())
        XCTAssertNotNil(applied["last_reload_at"] as? String)

        // An invalid file: refused whole, the running tokens stay, the error is shown.
        try (rotated + "\n[[tokens]]\nname = \"broken\"\nscopes = [\"no-such-scope\"]\n").write(toFile: config, atomically: true, encoding: .utf8)
        kill(gateway.processIdentifier, SIGHUP)
        try await daemons.waitForLog("gateway.log", containing: "configuration reload refused")
        try await expect("/v1/payments", token: newReader, port: port, 200)
        try await expect("/v1/payments", token: oldReader, port: port, 401)
        let refused = try await configurationState(port: port)
        XCTAssertEqual(refused["sha256"] as? String, appliedHash, "the configuration in force is still the applied one")
        let error = try XCTUnwrap(refused["last_reload_error"] as? String)
        XCTAssertTrue(error.contains("no-such-scope") || error.contains("scope"), error)

        // A valid file that changes the listener: refused whole (a restart applies it), tokens untouched.
        let restartOnly = rotated
            .replacingOccurrences(of: "listen = \"127.0.0.1:0\"", with: "listen = \"127.0.0.1:1\"")
            .replacingOccurrences(of: "token = \"\(newReader)\"", with: "token = \"reader-token-never-applied-000\"")
        try restartOnly.write(toFile: config, atomically: true, encoding: .utf8)
        let refusals = daemons.log("gateway.log").components(separatedBy: "configuration reload refused").count
        kill(gateway.processIdentifier, SIGHUP)
        let deadline = Date().addingTimeInterval(30)
        while daemons.log("gateway.log").components(separatedBy: "configuration reload refused").count == refusals {
            if Date() > deadline { return XCTFail("the second refusal was not logged") }
            try await Task.sleep(for: .milliseconds(20))
        }
        try await expect("/v1/payments", token: newReader, port: port, 200)
        try await expect("/v1/payments", token: "reader-token-never-applied-000", port: port, 401)
        let restart = try await configurationState(port: port)
        XCTAssertEqual(restart["restart_required"] as? [String], ["server"])
        XCTAssertTrue((restart["last_reload_error"] as? String)?.contains("restart") == true)

        // A valid file that changes a bank: applied by a new generation of the bank side, while
        // the daemon runs on; SIGTERM afterwards still stops it cleanly.
        let reloads = daemons.log("gateway.log").components(separatedBy: "configuration reloaded").count
        try rotated.replacingOccurrences(of: "url = \"http://127.0.0.1:9\"", with: "url = \"http://127.0.0.1:10\"")
            .write(toFile: config, atomically: true, encoding: .utf8)
        kill(gateway.processIdentifier, SIGHUP)
        let rebuildDeadline = Date().addingTimeInterval(30)
        while daemons.log("gateway.log").components(separatedBy: "configuration reloaded").count == reloads {
            if Date() > rebuildDeadline { return XCTFail("the changed bank was not applied:\n\(daemons.log("gateway.log"))") }
            try await Task.sleep(for: .milliseconds(20))
        }
        XCTAssertTrue(daemons.log("gateway.log").contains("rebuilt=banks"), "the bank side was rebuilt")
        let rebuilt = try await configurationState(port: port)
        XCTAssertEqual(rebuilt["last_reload_error"] as? NSNull, NSNull())
        XCTAssertEqual(rebuilt["restart_required"] as? [String] ?? [], [])
        try await expectPayment("16.00", key: "after-rebuild", port: port, 201)
        try await expectPayment("50.00", key: "over-limit-after-rebuild", port: port, 422, "the limit is still in force")

        kill(gateway.processIdentifier, SIGTERM)
        let exited = try await daemons.waitForExit(gateway, seconds: 30)
        XCTAssertTrue(exited)
        XCTAssertEqual(gateway.terminationStatus, 0)
    }
}

/// What a reload compares: the same file read twice changes nothing (dictionaries such as the banks'
/// adapter options compare by content, whatever their order); each restart-only section is named.
final class ConfigurationSectionTests: XCTestCase {
    func testTheSameFileReadTwiceNeedsNoRestartAndEachChangedSectionIsNamed() throws {
        let demo = projectRoot.appendingPathComponent("config/demo.toml").path
        let base = projectRoot.path
        let first = try BankGateConfiguration.load(path: demo, baseDirectory: base)
        let second = try BankGateConfiguration.load(path: demo, baseDirectory: base)
        XCTAssertTrue(first.banks.contains { !$0.adapterOptions.isEmpty }, "the demo has adapter options to compare")
        XCTAssertEqual(ConfigurationReloader.sectionsNeedingRestart(from: first, to: second), [])

        var changed = second
        changed.banks[0].adapterOptions["extra_option"] = "x"
        changed.accounts[0].name += " (renamed)"
        changed.dispatch.pollIntervalMilliseconds += 1
        changed.limits = []
        changed.alerts = []
        changed.tokens = []
        XCTAssertEqual(ConfigurationReloader.sectionsNeedingRestart(from: first, to: changed), ["dispatch"],
                       "tokens, limits, alert rules, banks and accounts are applied without a restart")
        XCTAssertEqual(ConfigurationReloader.sectionsNeedingNewGeneration(from: first, to: changed), ["banks", "accounts"],
                       "banks and accounts are applied by a new generation")
        XCTAssertEqual(ConfigurationReloader.sectionsNeedingNewGeneration(from: first, to: second), [])
    }
}

/// `[[schedules]]` are reloaded live: the next tick and `/v1/schedules` use the file's plans; a
/// changed `[[calendars]]` is applied by a new generation; a changed `[dispatch]` needs a restart.
final class ScheduleReloadTests: XCTestCase {
    func testAReloadReplacesThePlansAppliesAChangedCalendarAndRefusesAChangedDispatch() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("bankgate-schedule-reload-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("bankgate.toml")
        func write(plans: [String], weekend: String = #"["sat", "sun"]"#, pollMilliseconds: Int = 50) throws {
            let schedules = plans.map { name in
                """
                [[schedules]]
                name = "\(name)"
                kind = "balance_pull"
                at = ["08:30"]
                days = "business"
                calendar = "de"
                accounts = ["acme-eur"]
                """
            }.joined(separator: "\n\n")
            try """
                [server]
                listen = "127.0.0.1:0"
                data_dir = "\(directory.appendingPathComponent("data").path)"

                [[tokens]]
                name = "ops"
                token = "ops-token-0123456789abcdef"
                scopes = ["operate"]

                [[calendars]]
                name = "de"
                weekend = \(weekend)
                utc_offset = "+01:00"

                [[banks]]
                id = "sim"
                adapter = "iso20022"
                transport = "http"
                url = "http://127.0.0.1:9"

                [[accounts]]
                id = "acme-eur"
                bank = "sim"
                number = "DE89370400440532013000"
                bank_code = "COBADEFFXXX"
                name = "ACME Trading GmbH"
                currency = "EUR"

                [dispatch]
                poll_interval_ms = \(pollMilliseconds)

                \(schedules)
                """.write(to: file, atomically: true, encoding: .utf8)
        }
        try write(plans: ["morning-balances"])
        let configuration = try BankGateConfiguration.load(path: file.path, baseDirectory: nil)
        var logger = Logger(label: "schedule-reload")
        logger.logLevel = .critical
        let runtime = try GatewayRuntime(configuration: configuration, clock: GatewayHarness.clock, logger: logger)
        defer { runtime.close() }
        XCTAssertEqual(runtime.schedules.plans.map(\.name), ["morning-balances"])

        try write(plans: ["morning-balances", "noon-balances"])
        let applied = await runtime.reloader.reload()
        guard case .applied = applied else { return XCTFail("refused: \(applied)") }
        XCTAssertEqual(runtime.schedules.plans.map(\.name), ["morning-balances", "noon-balances"])
        let overview = try await runtime.schedules.overview()
        XCTAssertEqual(overview.map(\.plan.name), ["morning-balances", "noon-balances"])

        // A changed calendar builds a new generation of the services, with the file's plans.
        try write(plans: ["evening-balances"], weekend: #"["sun"]"#)
        let rebuilt = await runtime.reloader.reload()
        guard case .applied = rebuilt else { return XCTFail("refused: \(rebuilt)") }
        XCTAssertEqual(runtime.schedules.plans.map(\.name), ["evening-balances"])
        XCTAssertEqual(runtime.configuration.calendars.first?.weekend.count, 1)

        // `[dispatch]` is read at start only: the whole file is refused, the plans stay.
        try write(plans: ["night-balances"], weekend: #"["sun"]"#, pollMilliseconds: 75)
        let refused = await runtime.reloader.reload()
        guard case .refused(let reason) = refused else { return XCTFail("applied a changed [dispatch]") }
        XCTAssertTrue(reason.contains("dispatch"), reason)
        XCTAssertEqual(runtime.schedules.plans.map(\.name), ["evening-balances"])
    }
}
