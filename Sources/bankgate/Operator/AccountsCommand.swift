import ArgumentParser
import BankGateConfig
import BankGateCore
import Foundation

/// `bankgate accounts list|status|freeze|close|activate`: an account's status through the running daemon.
struct AccountsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "accounts",
        abstract: "Accounts through the running daemon: list them; show, freeze, close or activate one (audited).",
        subcommands: [List.self, Status.self, Freeze.self, Close.self, Activate.self]
    )

    /// `accounts status ID`
    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "status", abstract: "Show an account's status.")
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "The account id.") var account: String

        func run() async throws {
            try await runOperator { () async throws(OperatorFailure) in
                let client = try connection.client(preferring: [.operate])
                AccountsCommand.print(try JSONDocument(try await client.get("/v1/accounts/\(OperatorClient.escape(account))/status")))
            }
        }
    }

    /// `accounts freeze ID --reason TEXT`
    struct Freeze: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "freeze", abstract: "Freeze an account: it accepts no payment and its queued payments are held.")
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "The account id.") var account: String
        @Option(help: "Why (recorded in the audit trail).") var reason: String

        func run() async throws { try await AccountsCommand.set(account, "frozen", reason: reason, connection) }
    }

    /// `accounts close ID --reason TEXT`
    struct Close: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "close", abstract: "Close an account for good.")
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "The account id.") var account: String
        @Option(help: "Why (recorded in the audit trail).") var reason: String

        func run() async throws { try await AccountsCommand.set(account, "closed", reason: reason, connection) }
    }

    /// `accounts activate ID [--reason TEXT]`
    struct Activate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "activate", abstract: "Make a frozen account active again: its held payments go on.")
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "The account id.") var account: String
        @Option(help: "Why (recorded in the audit trail).") var reason: String?

        func run() async throws { try await AccountsCommand.set(account, "active", reason: reason, connection) }
    }

    static func set(_ account: String, _ status: String, reason: String?, _ connection: ConnectionOptions) async throws {
        try await runOperator { () async throws(OperatorFailure) in
            let client = try connection.client(preferring: [.operate])
            var members = [JSONMember(key: "status", value: .string(status))]
            if let reason { members.append(JSONMember(key: "reason", value: .string(reason))) }
            AccountsCommand.print(try JSONDocument(try await client.post("/v1/accounts/\(OperatorClient.escape(account))/status", json: members)))
        }
    }

    static func print(_ document: JSONDocument) {
        let reason = document.string("reason").map { ": \($0)" } ?? ""
        let by = document.string("changed_by").map { " (by \($0) at \(document.string("changed_at") ?? "-"))" } ?? ""
        Swift.print("\(document.string("account") ?? "-") \(document.string("status") ?? "-")\(reason)\(by)")
    }
}
