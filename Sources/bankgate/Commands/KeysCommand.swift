import BankGateAdapters
import ArgumentParser
import BankGateConfig
import BankGateCore
import BankGateCrypto
import BankGateRuntime
import Foundation

/// `bankgate keys`: the signing keys of `[[keys]]` and making key files (`list`, `check`,
/// `generate`, `import`: offline, reading the configuration and the key files, never the daemon's
/// store), and their life cycle through the running daemon (`bind`, `report-lost`, `revoke`,
/// `retire`, `history`).
struct KeysCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys", abstract: "Signing keys, their certificates and their life cycle.",
        subcommands: [List.self, Check.self, Generate.self, Import.self, Bind.self, ReportLost.self, Revoke.self, Retire.self,
                      History.self])

    /// `bankgate keys list`: every configured key with its certificate's facts and state.
    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list", abstract: "List the configured signing keys, their certificates and expiry.",
            discussion: "States: ok, expires soon (30 days or less), expired, not yet valid, unreadable or mismatched with the reason. MATERIAL is file, pkcs12, or pkcs11: with the token's label. Passphrases and token PINs come from each key's passphrase_env/passphrase_file or pin_env/pin_file and are never printed.")

        @Option(help: ArgumentHelp("The configuration file.", valueName: "file")) var config: String
        @Flag(help: "JSON instead of a table.") var json = false

        func run() throws {
            let statuses = SigningKeyInventory.inspect(try loadKeys(config), at: SystemClock().now())
            if json {
                print(Self.json(statuses))
                return
            }
            guard !statuses.isEmpty else {
                print("no [[keys]] configured in \(config)")
                return
            }
            var table = TextTable("ID", "BANK", "ALGORITHM", "MATERIAL", "SUBJECT", "ISSUER", "SERIAL", "NOT BEFORE", "NOT AFTER", "DAYS LEFT", "STATE")
            for status in statuses {
                let facts = status.facts
                table.add(status.config.id, status.config.bank, status.config.algorithm.rawValue, status.materialText, orDash(facts?.subject),
                          orDash(facts?.issuer), orDash(facts?.serialNumber), orDash(facts?.notBefore.iso8601Seconds),
                          orDash(facts?.notAfter.iso8601Seconds), orDash(status.daysLeft.map(String.init)),
                          ([status.stateText] + status.notes).joined(separator: "; "))
            }
            print(table.render())
        }

        /// `{"keys":[{…}]}`, every field present (`null` when unknown).
        static func json(_ statuses: [SigningKeyStatus]) -> String {
            var writer = JSONWriter(capacity: 512 * max(statuses.count, 1))
            writer.beginObject()
            writer.key("keys")
            writer.beginArray()
            for status in statuses {
                let facts = status.facts
                writer.beginObject()
                writer.field("id", status.config.id)
                writer.field("bank", status.config.bank)
                writer.field("algorithm", status.config.algorithm.rawValue)
                writer.field("material", status.materialText)
                writer.field("valid_from", status.config.validFrom?.iso8601Seconds)
                writer.field("subject", facts?.subject)
                writer.field("issuer", facts?.issuer)
                writer.field("serial", facts?.serialNumber)
                writer.field("not_before", facts?.notBefore.iso8601Seconds)
                writer.field("not_after", facts?.notAfter.iso8601Seconds)
                writer.field("days_left", status.daysLeft)
                writer.field("sha256_fingerprint", facts?.sha256Fingerprint)
                writer.field("state", stateName(status.state))
                writer.field("reason", reason(status.state))
                writer.field("replaced_by", status.replacedBy)
                writer.field("notes", status.notes)
                writer.field("severity", ["ok", "warning", "failure"][status.severity.rawValue])
                writer.endObject()
            }
            writer.endArray()
            writer.endObject()
            return String(decoding: writer.bytes, as: UTF8.self)
        }

        private static func stateName(_ state: SigningKeyStatus.State) -> String {
            switch state {
            case .ok: "ok"
            case .expiresSoon: "expires_soon"
            case .expired: "expired"
            case .notYetValid: "not_yet_valid"
            case .unreadable: "unreadable"
            case .mismatched: "mismatched"
            }
        }

        private static func reason(_ state: SigningKeyStatus.State) -> String? {
            switch state {
            case .unreadable(let reason), .mismatched(let reason): reason
            default: nil
            }
        }
    }

    /// `bankgate keys check`: whether `bankgate serve` would start with these keys.
    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "check", abstract: "Check the configured signing keys as `bankgate serve` does at start-up.",
            discussion: """
            Prints one line per key: `ok:`, `warning:` (its certificate ends within 30 days, an expired key already replaced by a newer one through valid_from, or a key file others may read) or `error:` (expired, not yet valid, unreadable, or the key does not match its certificate or algorithm).
            Exit status: 0 when `bankgate serve` would start (warnings included; they are on standard error), 1 when it would refuse, or the configuration is invalid.
            """)

        @Option(help: ArgumentHelp("The configuration file.", valueName: "file")) var config: String

        func run() throws {
            let statuses = SigningKeyInventory.inspect(try loadKeys(config), at: SystemClock().now())
            for status in statuses {
                switch status.severity {
                case .ok: print("ok: \(status.summary)")
                case .warning: FileHandle.standardError.write(Data("warning: \(status.summary)\n".utf8))
                case .failure: FileHandle.standardError.write(Data("error: \(status.summary)\n".utf8))
                }
            }
            if statuses.isEmpty { print("no [[keys]] configured in \(config)") }
            if statuses.contains(where: { $0.severity == .failure }) { throw ExitCode(1) }
        }
    }
}

/// The `[[keys]]` of the configuration at `path`, or exit 1 naming every problem of the file.
func loadKeys(_ path: String) throws -> [KeyConfig] {
    do {
        return try BankGateConfiguration.load(path: path).keys
    } catch {
        throw commandFailure("invalid configuration\n\(error)")
    }
}
