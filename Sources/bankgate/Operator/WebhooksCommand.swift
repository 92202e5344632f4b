import ArgumentParser
import BankGateConfig
import BankGateCore
import Foundation

/// `bankgate webhooks list|create|enable|disable|delete|redeliver`.
struct WebhooksCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "webhooks",
        abstract: "Manage webhook subscriptions to the event feed, through the running daemon.",
        subcommands: [List.self, Create.self, Enable.self, Disable.self, Delete.self, Redeliver.self]
    )

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List subscriptions with their delivery state.")
        @OptionGroup var connection: ConnectionOptions
        @Flag(help: "Print the API's JSON.") var json = false

        func run() async throws {
            try await runOperator { () async throws(OperatorFailure) in
                let body = try await connection.client(preferring: [.operate]).get("/v1/webhooks")
                if json { return printRaw(body) }
                let hooks = try JSONDocument(body).list("webhooks")
                guard !hooks.isEmpty else { return print("No webhooks.") }
                var table = TextTable("ID", "STATE", "URL", "EVENTS", "DELIVERED THROUGH", "FAILURES", "LAST ERROR")
                for hook in hooks {
                    table.add(orDash(hook.string("id")), orDash(hook.string("state")), orDash(hook.string("url")),
                              (hook.strings("event_types") ?? []).joined(separator: ","),
                              orDash(hook.string("delivered_through_sequence")), orDash(hook.string("consecutive_failures")),
                              orDash(hook.string("last_error")))
                }
                print(table.render())
            }
        }
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "create", abstract: "Subscribe a URL to event types; prints the signing secret once.")
        @OptionGroup var connection: ConnectionOptions
        // Not `--url`: that is the daemon's URL (ConnectionOptions); two options of one name made the command unusable.
        @Option(name: .customLong("endpoint"), help: "The receiver's http(s) URL.") var url: String
        @Option(name: .customLong("event-type"), help: "An event type or pattern (payment.completed, transaction.*, *); repeat for more.")
        var eventTypes: [String] = []
        @Option(help: "Deliver from this outbox sequence on (default: from now).") var fromSeq: Int64?
        @Flag(help: "Print the API's JSON.") var json = false

        func validate() throws {
            if eventTypes.isEmpty { throw ValidationError("give at least one --event-type") }
            if let fromSeq, fromSeq < 1 { throw ValidationError("--from-seq must be at least 1") }
        }

        func run() async throws {
            try await runOperator { () async throws(OperatorFailure) in
                let client = try connection.client(preferring: [.operate])
                let body = try await client.post("/v1/webhooks" + (fromSeq.map { "?from_seq=\($0)" } ?? ""),
                                                 json: [JSONMember(key: "event_types", value: .array(eventTypes.map(JSONValue.string))),
                                                        JSONMember(key: "url", value: .string(url))])
                if json { return printRaw(body) }
                let hook = try JSONDocument(body)
                print("webhook \(orDash(hook.string("id"))) created; signing secret (shown only now): \(orDash(hook.string("secret")))")
            }
        }
    }

    struct Enable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "enable", abstract: "Enable a subscription again (failures reset; delivery resumes where it stopped).")
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "The webhook id.") var id: String
        func run() async throws { try await setState("enable", id: id, connection: connection) }
    }

    struct Disable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "disable", abstract: "Stop deliveries to a subscription.")
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "The webhook id.") var id: String
        func run() async throws { try await setState("disable", id: id, connection: connection) }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "delete", abstract: "Remove a subscription.")
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "The webhook id.") var id: String

        func run() async throws {
            try await runOperator { () async throws(OperatorFailure) in
                let client = try connection.client(preferring: [.operate])
                _ = try await client.send("DELETE", "/v1/webhooks/\(OperatorClient.escape(id))")
                print("webhook \(id) deleted")
            }
        }
    }

    /// `webhooks redeliver --from-seq N [--webhook ID]`
    struct Redeliver: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "redeliver", abstract: "Deliver events again from an outbox sequence on (all subscriptions, or one).")
        @OptionGroup var connection: ConnectionOptions
        @Option(help: "The first outbox sequence to deliver again.") var fromSeq: Int64
        @Option(help: "Only this webhook id.") var webhook: String?

        func validate() throws {
            if fromSeq < 1 { throw ValidationError("--from-seq must be at least 1") }
        }

        func run() async throws {
            try await runOperator { () async throws(OperatorFailure) in
                let client = try connection.client(preferring: [.operate])
                let body = try await client.post("/v1/webhooks/redeliver?from_seq=\(fromSeq)"
                                                 + (webhook.map { "&webhook=\(OperatorClient.escape($0))" } ?? ""))
                let hooks = try JSONDocument(body).list("webhooks")
                print("\(hooks.count) webhook(s) will deliver again from sequence \(fromSeq): "
                      + hooks.compactMap { $0.string("id") }.joined(separator: ", "))
            }
        }
    }
}

private func setState(_ action: String, id: String, connection: ConnectionOptions) async throws {
    try await runOperator { () async throws(OperatorFailure) in
        let client = try connection.client(preferring: [.operate])
        let body = try await client.post("/v1/webhooks/\(OperatorClient.escape(id))/\(action)")
        print("webhook \(id) is now \(orDash(try JSONDocument(body).string("state")))")
    }
}
