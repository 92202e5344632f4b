import ArgumentParser
import BankGateConfig
import BankGateCore
import Foundation

/// `bankgate payments retry-all|release-all|cancel-all`: the bulk operator actions
/// (`POST /v1/payments/retry|release|cancel`), each payment audited as by the single action.
extension PaymentsCommand {
    /// The filter and flags the three bulk commands share.
    struct BulkOptions: ParsableArguments {
        @Option(help: "Only payments to this bank (bank id).") var bank: String?
        @Option(help: "Only payments from this debtor account id.") var account: String?
        @Option(help: "Only payments in this status (by default failed for retry-all, held for the others).") var status: String?
        @Option(help: "Only payments held this way: duplicate, unsettled, signing or account.") var holdKind: String?
        @Option(help: "Accepted from this day (YYYY-MM-DD) or instant (YYYY-MM-DDTHH:MM:SSZ).") var from: String?
        @Option(help: "Accepted up to this day (inclusive) or before this instant.") var to: String?
        @Option(help: "At most this many payments, 1 to 1000 (default 1000).") var limit: Int?
        @Flag(help: "Show what would change; change nothing.") var dryRun = false
        @Flag(help: "Print the API's JSON.") var json = false

        func validate() throws {
            if let status, PaymentStatus(rawValue: status) == nil {
                throw ValidationError("unknown status '\(status)'; one of: " + PaymentStatus.allCases.map(\.rawValue).joined(separator: ", "))
            }
            if let holdKind, !["duplicate", "unsettled", "signing", "account"].contains(holdKind) {
                throw ValidationError("unknown hold kind '\(holdKind)'; one of: duplicate, unsettled, signing, account")
            }
            if let limit, !(1...1000).contains(limit) { throw ValidationError("--limit must be from 1 to 1000") }
        }

        var members: [JSONMember] {
            var members: [JSONMember] = []
            for (key, value) in [("bank", bank), ("account", account), ("status", status), ("hold_kind", holdKind), ("from", from), ("to", to)] {
                if let value { members.append(JSONMember(key: key, value: .string(value))) }
            }
            if let limit { members.append(JSONMember(key: "limit", value: .number(String(limit)))) }
            if dryRun { members.append(JSONMember(key: "dry_run", value: .bool(true))) }
            return members
        }

        func run(_ action: String, _ connection: ConnectionOptions) async throws {
            try await runOperator { () async throws(OperatorFailure) in
                let client = try connection.client(preferring: [.operate])
                let body = try await client.post("/v1/payments/\(action)", json: members)
                if json { return printRaw(body) }
                print(PaymentsCommand.renderBulk(try JSONDocument(body)))
            }
        }
    }

    /// `payments retry-all [filter] [--dry-run]`
    struct RetryAll: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "retry-all", abstract: "Queue again every failed payment the filter selects (each audited).")
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var options: BulkOptions
        func run() async throws { try await options.run("retry", connection) }
    }

    /// `payments release-all [filter] [--dry-run]`
    struct ReleaseAll: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "release-all", abstract: "Release every held payment the filter selects (each audited).")
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var options: BulkOptions
        func run() async throws { try await options.run("release", connection) }
    }

    /// `payments cancel-all [filter] [--dry-run]`
    struct CancelAll: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "cancel-all", abstract: "Cancel every held payment the filter selects (each audited).")
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var options: BulkOptions
        func run() async throws { try await options.run("cancel", connection) }
    }

    /// `changed N, skipped M` and a line per payment.
    static func renderBulk(_ document: JSONDocument) -> String {
        let changed = document.list("changed"), skipped = document.list("skipped")
        let dryRun = document.bool("dry_run") == true
        var lines = ["\(document.string("action") ?? "-")\(dryRun ? " (dry run)" : ""): \(dryRun ? "would change" : "changed") "
                     + "\(changed.count), skipped \(skipped.count)"]
        for payment in changed {
            let with = payment.string("with_payment").map { " (with \($0))" } ?? ""
            lines.append("  \(dryRun ? "would change" : "changed") \(orDash(payment.string("id"))) \(orDash(payment.string("status")))\(with)")
        }
        for payment in skipped {
            lines.append("  skipped \(orDash(payment.string("id"))) \(orDash(payment.string("code"))): \(orDash(payment.string("message")))")
        }
        if document.bool("more") == true { lines.append("More payments match: run it again.") }
        return lines.joined(separator: "\n")
    }
}
