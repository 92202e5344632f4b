import ArgumentParser
import BankGateConfig
import BankGateCore
import Foundation

/// `bankgate alerts list`: the alert rules' firings, through the running daemon.
struct AlertsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "alerts",
        abstract: "Show what the [[alerts]] rules fired, through the running daemon.",
        subcommands: [List.self]
    )

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List firings, oldest first.")
        @OptionGroup var connection: ConnectionOptions
        @Option(help: "Only this rule's firings.") var rule: String?
        @Option(help: "Only firings on or after this day (YYYY-MM-DD, UTC).") var from: String?
        @Option(help: "Continue after this cursor (the previous page's next cursor).") var cursor: String?
        @Option(help: "At most this many (1-1000).") var limit: Int = 100
        @Flag(help: "Print the API's JSON.") var json = false

        func validate() throws {
            if !(1...1000).contains(limit) { throw ValidationError("--limit must be from 1 to 1000") }
        }

        func run() async throws {
            try await runOperator { () async throws(OperatorFailure) in
                var query = ["limit=\(limit)"]
                if let rule { query.append("rule=" + OperatorClient.escape(rule)) }
                if let from { query.append("from=" + OperatorClient.escape(from)) }
                if let cursor { query.append("cursor=" + OperatorClient.escape(cursor)) }
                let body = try await connection.client(preferring: [.operate]).get("/v1/alerts?" + query.joined(separator: "&"))
                if json { return printRaw(body) }
                let document = try JSONDocument(body)
                let alerts = document.list("alerts")
                guard !alerts.isEmpty else { return print("No alerts.") }
                var table = TextTable("ID", "FIRED AT", "RULE", "CONDITION", "SUBJECT", "PAYMENT")
                for alert in alerts {
                    table.add(orDash(alert.string("id")), orDash(alert.string("fired_at")), orDash(alert.string("rule")),
                              orDash(alert.string("condition")),
                              "\(orDash(alert.string("subject_kind"))) \(orDash(alert.string("subject_id")))",
                              orDash(alert.string("payment_id")))
                }
                print(table.render())
                if let next = document.string("next_cursor") { print("more: --cursor \(next)") }
            }
        }
    }
}
