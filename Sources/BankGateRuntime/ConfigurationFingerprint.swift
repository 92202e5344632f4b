import BankGateConfig
import BankGateCrypto
import Foundation

/// What the audit trail records of the configuration a daemon started with: its file, the file's
/// SHA-256 and what it configures, so that a changed configuration shows as a new hash.
struct ConfigurationFingerprint: Sendable {
    var path: String
    var sha256: String?
    var summary: String

    init(_ configuration: BankGateConfiguration) {
        path = configuration.sourcePath ?? "(built in)"
        sha256 = configuration.sourcePath.flatMap { FileManager.default.contents(atPath: $0) }
            .map { SHA256.hex([UInt8]($0)) }
        summary = "\(configuration.banks.count) banks, \(configuration.accounts.count) accounts, "
            + "\(configuration.tokens.count) tokens (\(configuration.tokens.map(\.name).sorted().joined(separator: ", "))), "
            + "\(configuration.keys.count) signing keys"
    }

    /// The audit record's details.
    var details: String { "sha256 \(sha256 ?? "unknown"); \(summary)" }
}
