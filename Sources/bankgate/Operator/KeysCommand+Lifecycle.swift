import ArgumentParser
import BankGateConfig
import BankGateCore
import Foundation

/// `bankgate keys bind|report-lost|revoke|retire|history`: the signing keys' life cycle (the
/// U-key, U盾), through the running daemon's `/v1/keys` (audited with the token's name).
extension KeysCommand {
    /// `keys bind ID --account A [--account B] --role ROLE [--replaces OLD] [--reason TEXT]`
    struct Bind: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "bind", abstract: "Bind a key to the accounts and the operator role it signs for (or rebind it).",
            discussion: "With --replaces the key changes places with an older key of the bank: the old key retires when this one takes over (at once, or at this key's valid_from). Payments held for want of a usable key are looked at again at once.")
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "The key id ([[keys]] id).") var id: String
        @Option(name: .customLong("account"), help: "An account id of the key's bank; repeat for more.") var accounts: [String] = []
        @Option(help: "The operator role the key signs for, as registered with the bank.") var role: String
        @Option(help: "The key this one replaces (a key change).") var replaces: String?
        @Option(help: "Why (recorded in the audit trail).") var reason: String?
        @Flag(help: "Print the API's JSON.") var json = false

        func validate() throws {
            if accounts.isEmpty { throw ValidationError("give at least one --account") }
        }

        func run() async throws {
            var members = [JSONMember(key: "accounts", value: .array(accounts.map(JSONValue.string))),
                           JSONMember(key: "role", value: .string(role))]
            if let replaces { members.append(JSONMember(key: "replaces", value: .string(replaces))) }
            if let reason { members.append(JSONMember(key: "reason", value: .string(reason))) }
            let sent = members
            try await runOperator { () async throws(OperatorFailure) in
                let body = try await connection.client(preferring: [.keysAdmin])
                    .post("/v1/keys/\(OperatorClient.escape(id))/bind", json: sent)
                if json { return printRaw(body) }
                let key = try JSONDocument(body)
                print("key \(id) is \(orDash(key.string("state"))): accounts \((key.strings("accounts") ?? []).joined(separator: ", ")), role \(orDash(key.string("role")))"
                      + (key.string("replaces").map { ", replaces \($0)" } ?? ""))
            }
        }
    }

    struct ReportLost: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "report-lost", abstract: "Report a key lost: it signs nothing from now on; its payments are held, not failed.")
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "The key id.") var id: String
        @Option(help: "Why (required, recorded in the audit trail).") var reason: String
        func run() async throws { try await changeKey(id, action: "report-lost", reason: reason, connection: connection) }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "revoke", abstract: "Revoke a key: it signs nothing from now on; its payments are held, not failed.")
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "The key id.") var id: String
        @Option(help: "Why (required, recorded in the audit trail).") var reason: String
        func run() async throws { try await changeKey(id, action: "revoke", reason: reason, connection: connection) }
    }

    struct Retire: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "retire", abstract: "Retire a key for good.")
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "The key id.") var id: String
        @Option(help: "Why (required, recorded in the audit trail).") var reason: String
        func run() async throws { try await changeKey(id, action: "retire", reason: reason, connection: connection) }
    }

    /// `keys history [ID]`: every key's state, or one key's audited steps.
    struct History: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "history", abstract: "Show the keys' life-cycle states, or one key's audited history.")
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "A key id (all keys' states when omitted).") var id: String?
        @Flag(help: "Print the API's JSON.") var json = false

        func run() async throws {
            try await runOperator { () async throws(OperatorFailure) in
                let client = try connection.client(preferring: [.keysAdmin])
                guard let id else {
                    let body = try await client.get("/v1/keys")
                    if json { return printRaw(body) }
                    let keys = try JSONDocument(body).list("keys")
                    guard !keys.isEmpty else { return print("No signing keys recorded.") }
                    var table = TextTable("ID", "BANK", "MATERIAL", "STATE", "ACCOUNTS", "ROLE", "REPLACED BY", "UPDATED")
                    for key in keys {
                        table.add(orDash(key.string("id")), orDash(key.string("bank")), orDash(key.string("material")),
                                  orDash(key.string("state")), (key.strings("accounts") ?? []).joined(separator: ","),
                                  orDash(key.string("role")), orDash(key.string("replaced_by")), orDash(key.string("updated_at")))
                    }
                    return print(table.render())
                }
                let body = try await client.get("/v1/keys/\(OperatorClient.escape(id))")
                if json { return printRaw(body) }
                let key = try JSONDocument(body)
                print("key \(id) (bank \(orDash(key.string("bank"))), \(orDash(key.string("material")))): \(orDash(key.string("state")))")
                var table = TextTable("AT", "ACTOR", "ACTION", "DETAILS")
                for event in key.list("history") {
                    table.add(orDash(event.string("at")), orDash(event.string("actor")), orDash(event.string("action")),
                              orDash(event.string("details")))
                }
                print(table.render())
            }
        }
    }
}

private func changeKey(_ id: String, action: String, reason: String, connection: ConnectionOptions) async throws {
    try await runOperator { () async throws(OperatorFailure) in
        let client = try connection.client(preferring: [.keysAdmin])
        let body = try await client.post("/v1/keys/\(OperatorClient.escape(id))/\(action)",
                                         json: [JSONMember(key: "reason", value: .string(reason))])
        print("key \(id) is now \(orDash(try JSONDocument(body).string("state")))")
    }
}
