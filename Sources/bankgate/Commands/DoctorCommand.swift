import ArgumentParser
import BankGateRuntime
import Foundation

/// `bankgate doctor [--config F]`: one line per check, `ok|warn|fail  <check>  <what and how to fix>`;
/// exits 0 when nothing failed (warnings included) and 7 when a check failed.
struct DoctorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Check the configuration, keys, certificates, store, disk and clock, and reach every bank with a harmless query.",
        discussion: "Prints `ok|warn|fail  <check>  <text>` per check. Exit status 0 when no check failed (warnings do not change it), 7 when one failed. Reads only: the store is opened read-only and no payment is sent.")

    /// The exit status when a check failed.
    static let failed: Int32 = 7

    @Option(help: ArgumentHelp("The configuration file (TOML).", valueName: "file"))
    var config = "/etc/bankgate/bankgate.toml"

    func run() async throws {
        let findings = await Doctor().examine(configurationPath: config)
        for finding in findings { print(finding) }
        let failures = findings.filter { $0.level == .fail }.count
        let warnings = findings.filter { $0.level == .warn }.count
        print("\(findings.count) checks: \(failures) failed, \(warnings) warnings")
        if failures > 0 { throw ExitCode(Self.failed) }
    }
}
