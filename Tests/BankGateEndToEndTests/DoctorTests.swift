import BankGateConfig
import BankGateCore
@testable import BankGateRuntime
import BankGateSimulator
import BankGateTestSupport
import Foundation
import XCTest

/// `bankgate doctor` (issue 12): a line per check, `ok|warn|fail  <check>  <text>`, exit status 7
/// when a check failed. Against simulated banks a good configuration is all ok (the banks answer a
/// harmless query); a bank that is down and an expired certificate are failures with their fix.
final class DoctorTests: XCTestCase {
    var harness: GatewayHarness!

    override func setUp() async throws { harness = try GatewayHarness() }
    override func tearDown() async throws { await harness.stop() }

    /// A configuration of the end-to-end tests around an in-process simulator (or a bank URL).
    func writeConfiguration(bankURL: String) throws -> String {
        let text = GatewayHarness.configuration(listen: "127.0.0.1:0", dataDirectory: harness.directory.appendingPathComponent("data").path,
                                                token: harness.token, transport: "transport = \"http\"\nurl = \"\(bankURL)\"",
                                                bankKeys: GatewayHarness.bankKeys(overriddenBy: ""))
        let path = harness.directory.appendingPathComponent("doctor.toml").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func testEverythingOkAgainstARunningGatewayAndItsSimulatedBank() async throws {
        // The gateway runs (store created and open), its simulated bank answers.
        try await harness.start()
        let path = try writeConfiguration(bankURL: "http://127.0.0.1:\(harness.bankPort)")
        // The store of the running gateway is the harness's own data folder: point doctor at it.
        let text = try String(contentsOfFile: path, encoding: .utf8)
            .replacingOccurrences(of: harness.directory.appendingPathComponent("data").path,
                                  with: harness.directory.appendingPathComponent("gateway").path)
        try text.write(toFile: path, atomically: true, encoding: .utf8)

        var doctor = Doctor()
        doctor.minimumFreeBytes = 0
        doctor.minimumFreeFraction = 0
        let findings = await doctor.examine(configurationPath: path)
        XCTAssertEqual(findings.filter { $0.level != .ok }, [], findings.map(\.description).joined(separator: "\n"))
        XCTAssertEqual(Set(findings.map(\.check)), ["config", "store", "disk", "clock", "bank sim"])
        let bank = try XCTUnwrap(findings.first { $0.check == "bank sim" })
        XCTAssertTrue(bank.text.contains("answered a status query (HTTP "), bank.text)
        let store = try XCTUnwrap(findings.first { $0.check == "store" })
        // SQLite's quick_check has no counterpart in PostgreSQL.
        XCTAssertTrue(store.text.contains(TestStoreBackend.isPostgres ? "migrations current" : "migrations current, quick_check ok"), store.text)
        XCTAssertTrue(findings[0].description.hasPrefix("ok    config  "), findings[0].description)
        let clock = try XCTUnwrap(findings.first { $0.check == "clock" })
        XCTAssertTrue(clock.text.contains("bank sim's clock (its HTTP Date header)"), clock.text)

        // The command prints the same lines and exits 0.
        let run = try BankGateExecutable.run(["doctor", "--config", path])
        XCTAssertTrue(run.out.contains("ok    bank sim  "), run.out + run.err)
        XCTAssertTrue(run.status == 0 || run.out.contains("warn  disk"), "status \(run.status): \(run.out)")
    }

    func testABankThatIsDownFailsWithTheFixAndExitStatus7() async throws {
        let refusing = try RefusingPort()
        defer { refusing.close() }
        let path = try writeConfiguration(bankURL: "http://127.0.0.1:\(refusing.port)")
        let findings = await Doctor().examine(configurationPath: path)
        let bank = try XCTUnwrap(findings.first { $0.check == "bank sim" })
        XCTAssertEqual(bank.level, .fail)
        XCTAssertTrue(bank.text.contains("cannot reach http://127.0.0.1:\(refusing.port)"), bank.text)
        XCTAssertTrue(bank.text.contains("check that the bank's endpoint"), bank.text)
        // No database yet: a warning, not a failure.
        XCTAssertEqual(findings.first { $0.check == "store" }?.level, .warn)
        XCTAssertFalse(FileManager.default.fileExists(atPath: harness.directory.appendingPathComponent("data").path),
                       "doctor creates nothing")

        let run = try BankGateExecutable.run(["doctor", "--config", path])
        XCTAssertEqual(run.status, 7, run.out + run.err)
        XCTAssertTrue(run.out.contains("fail  bank sim  cannot reach"), run.out)
    }

    /// Every bank profile's simulator answers doctor's harmless query: a balance query where the
    /// adapter has one, a status query about a message never sent otherwise.
    func testEveryBankProfileAnswersTheHarmlessQuery() async throws {
        for profile in ["cmb", "cmb-cloud", "icbc", "ccb", "boc", "abc", "hsbc"] {
            let bank = try GatewayHarness()
            do {
                try await bank.start(profile: profile)
                let configuration = try XCTUnwrap(bank.gateway?.configuration)
                var doctor = Doctor()
                doctor.minimumFreeBytes = 0
                doctor.minimumFreeFraction = 0
                let findings = await doctor.examine(configuration)
                let banks = findings.filter { $0.check.hasPrefix("bank ") }
                XCTAssertFalse(banks.isEmpty, profile)
                for finding in banks {
                    XCTAssertEqual(finding.level, .ok, "\(profile): \(finding)")
                    XCTAssertTrue(finding.text.contains("answered a balance query") || finding.text.contains("answered a status query"),
                                  "\(profile): \(finding)")
                }
            } catch {
                XCTFail("\(profile): \(error)")
            }
            await bank.stop()
        }
    }

    /// A data folder that cannot be made (its parent is a file) or is a file: doctor fails it with
    /// the folder at fault and exit status 7, and `serve` refuses to start with the same words
    /// instead of a file system error.
    func testADataFolderThatCannotBeMadeFailsInDoctorAndServe() async throws {
        let refusing = try RefusingPort()
        defer { refusing.close() }
        let path = try writeConfiguration(bankURL: "http://127.0.0.1:\(refusing.port)")
        let blocker = harness.directory.appendingPathComponent("a-file").path
        try "not a folder".write(toFile: blocker, atomically: true, encoding: .utf8)
        let original = try String(contentsOfFile: path, encoding: .utf8)
        let data = harness.directory.appendingPathComponent("data").path
        for (dataDirectory, expected) in [(blocker + "/data", "\(blocker) is a file, so \(blocker)/data cannot be created under it"),
                                          (blocker, "\(blocker) is a file, not a folder")] {
            try original.replacingOccurrences(of: data, with: dataDirectory).write(toFile: path, atomically: true, encoding: .utf8)
            let findings = await Doctor().examine(configurationPath: path)
            let store = try XCTUnwrap(findings.first { $0.check == "store" })
            XCTAssertEqual(store.level, .fail)
            XCTAssertTrue(store.text.contains(expected), store.text)
            let doctor = try BankGateExecutable.run(["doctor", "--config", path])
            XCTAssertEqual(doctor.status, 7, doctor.out + doctor.err)
            XCTAssertTrue(doctor.out.contains("fail  store"), doctor.out)

            let serve = try BankGateExecutable.run(["serve", "--config", path])
            XCTAssertNotEqual(serve.status, 0)
            XCTAssertTrue(serve.err.contains("data_dir: \(expected)"), serve.err)
            XCTAssertFalse(serve.err.contains("NSCocoaErrorDomain"), serve.err)
        }
    }

    func testAnHTTPDateIsRead() {
        XCTAssertEqual(Doctor.httpDate("Sun, 06 Nov 1994 08:49:37 GMT")?.milliseconds, 784_111_777_000)
        XCTAssertNil(Doctor.httpDate("yesterday"))
    }

    func testAnInvalidConfigurationFailsAlone() async throws {
        let path = harness.directory.appendingPathComponent("broken.toml").path
        try "[server]\nlisten = \"nowhere\"\n".write(toFile: path, atomically: true, encoding: .utf8)
        let findings = await Doctor().examine(configurationPath: path)
        XCTAssertEqual(findings.count, 1)
        XCTAssertEqual(findings.first?.level, .fail)
        XCTAssertEqual(findings.first?.check, "config")
    }

    func testExpiredAndExpiringCertificatesAndKeys() async throws {
        let files = try KeyFiles("doctor")
        defer { files.remove() }
        let now = SystemClock().now()
        try files.write("old", notBefore: now.adding(milliseconds: -400 * KeyFiles.day), notAfter: now.adding(milliseconds: -KeyFiles.day))
        try files.write("soon", notBefore: now.adding(milliseconds: -KeyFiles.day), notAfter: now.adding(milliseconds: 10 * KeyFiles.day))
        try files.write("fine", notBefore: now.adding(milliseconds: -KeyFiles.day), notAfter: now.adding(milliseconds: 300 * KeyFiles.day))
        let doctor = Doctor()
        XCTAssertEqual(doctor.certificate(at: files.path("old.crt"), what: "test").level, .fail)
        XCTAssertTrue(doctor.certificate(at: files.path("old.crt"), what: "test").text.contains("expired at"))
        XCTAssertEqual(doctor.certificate(at: files.path("soon.crt"), what: "test").level, .warn)
        XCTAssertEqual(doctor.certificate(at: files.path("fine.crt"), what: "test").level, .ok)
        XCTAssertEqual(doctor.certificate(at: files.path("missing.crt"), what: "test").level, .fail)

        // A configured signing key whose certificate expired fails the key check.
        let path = try files.writeConfiguration([files.entry("old", bank: "cn")])
        let findings = await doctor.examine(configurationPath: path)
        let key = try XCTUnwrap(findings.first { $0.check == "key old" }, findings.map(\.description).joined(separator: "\n"))
        XCTAssertEqual(key.level, .fail)
        XCTAssertTrue(key.text.contains("expired"), key.text)
    }
}
