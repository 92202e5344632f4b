import ArgumentParser
import BankGateConfig
import BankGateCore
import Foundation

/// `bankgate exchanges list|show`: the bank exchange log (银企日志) through the running daemon.
struct ExchangesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "exchanges",
        abstract: "The bank exchange log: every exchange with a bank, and one with its archived bytes both ways.",
        subcommands: [List.self, Show.self]
    )

    /// `exchanges list [--bank] [--account] [--kind] [--outcome] [--from] [--to] [--limit] [--cursor]`
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List exchanges, newest first, one page at a time.")
        @OptionGroup var connection: ConnectionOptions
        @Option(help: "Only this bank's exchanges (bank id).") var bank: String?
        @Option(help: "Only exchanges about this account id.") var account: String?
        @Option(help: "payment, status_query, statement, balance, receipt or inbox_file.") var kind: String?
        @Option(help: "ok, rejected, error or unknown.") var outcome: String?
        @Option(help: "Started from this day (YYYY-MM-DD) or instant (YYYY-MM-DDTHH:MM:SSZ).") var from: String?
        @Option(help: "Started up to this day (inclusive) or before this instant.") var to: String?
        @Option(help: "Exchanges per page, 1 to 500.") var limit: Int?
        @Option(help: "The next_cursor of the previous page.") var cursor: String?
        @Flag(help: "Print the API's JSON instead of a table.") var json = false

        func validate() throws {
            if let kind, !["payment", "status_query", "statement", "balance", "receipt", "inbox_file"].contains(kind) {
                throw ValidationError("unknown kind '\(kind)'; one of: payment, status_query, statement, balance, receipt, inbox_file")
            }
            if let outcome, !["ok", "rejected", "error", "unknown"].contains(outcome) {
                throw ValidationError("unknown outcome '\(outcome)'; one of: ok, rejected, error, unknown")
            }
            if let limit, !(1...500).contains(limit) { throw ValidationError("--limit must be from 1 to 500") }
        }

        func run() async throws {
            try await runOperator { () async throws(OperatorFailure) in
                let client = try connection.client(preferring: [.operate])
                let query = OperatorQuery([("bank", bank), ("account", account), ("kind", kind), ("outcome", outcome), ("from", from),
                                           ("to", to), ("limit", limit.map(String.init)), ("cursor", cursor)])
                let body = try await client.get("/v1/bank-exchanges" + query.text)
                if json { return printRaw(body) }
                let page = try JSONDocument(body)
                let exchanges = page.list("exchanges")
                guard !exchanges.isEmpty else { return print("No exchanges.") }
                var table = TextTable("ID", "BANK", "ACCOUNT", "KIND", "OUTCOME", "STARTED", "MS", "SENT", "RECEIVED", "ABOUT")
                for exchange in exchanges {
                    let about = (exchange.strings("payment_ids") ?? []) + (exchange.strings("statement_ids") ?? [])
                    let outcome = orDash(exchange.string("outcome")) + (exchange.string("error_code").map { " (\($0))" } ?? "")
                    table.rows.append([orDash(exchange.string("id")), orDash(exchange.string("bank")), orDash(exchange.string("account")),
                                       orDash(exchange.string("kind")), outcome, orDash(exchange.string("started_at")),
                                       ExchangesCommand.duration(exchange), orDash(exchange.child("request")?.string("size")),
                                       orDash(exchange.child("answer")?.string("size")), about.isEmpty ? "-" : about.joined(separator: " ")])
                }
                var text = table.render()
                if let next = page.string("next_cursor") { text += "\n\nMore: --cursor \(next)" }
                print(text)
            }
        }
    }

    /// `exchanges show ID [--json]`
    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "show", abstract: "Show one exchange with its messages (text when UTF-8).")
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "The exchange id (bx_…).") var id: String
        @Flag(help: "Print the API's JSON (with each message's bytes in base64).") var json = false

        func run() async throws {
            try await runOperator { () async throws(OperatorFailure) in
                let client = try connection.client(preferring: [.operate])
                let body = try await client.get("/v1/bank-exchanges/\(OperatorClient.escape(id))")
                if json { return printRaw(body) }
                let document = try JSONDocument(body)
                guard let exchange = document.child("exchange") else {
                    throw OperatorFailure(message: "the daemon's answer has no exchange", exitCode: OperatorFailure.apiError)
                }
                var lines = [
                    "Exchange:  \(orDash(exchange.string("id")))",
                    "Bank:      \(orDash(exchange.string("bank")))",
                    "Account:   \(orDash(exchange.string("account")))",
                    "Kind:      \(orDash(exchange.string("kind")))",
                    "Outcome:   \(orDash(exchange.string("outcome")))" + (exchange.string("error_code").map { " (\($0))" } ?? ""),
                    "Started:   \(orDash(exchange.string("started_at")))",
                    "Ended:     \(orDash(exchange.string("ended_at")))",
                ]
                if let payments = exchange.strings("payment_ids"), !payments.isEmpty { lines.append("Payments:  " + payments.joined(separator: ", ")) }
                if let statements = exchange.strings("statement_ids"), !statements.isEmpty {
                    lines.append("Statements: " + statements.joined(separator: ", "))
                }
                for message in document.list("messages") {
                    lines.append("")
                    let status = message.string("http_status").map { " HTTP \($0)" } ?? ""
                    lines.append("--- \(orDash(message.string("direction"))) \(orDash(message.string("kind")))\(status) "
                                 + "at \(orDash(message.string("at"))), \(orDash(message.string("size"))) bytes, message \(orDash(message.string("id")))")
                    if let text = message.string("body") {
                        lines.append(text)
                    } else if let file = message.string("stored_file") {
                        lines.append("(kept in the data folder: \(file))")
                    } else {
                        lines.append("(not UTF-8; base64:) " + orDash(message.string("body_base64")))
                    }
                }
                print(lines.joined(separator: "\n"))
            }
        }
    }

    /// Milliseconds from start to end, `-` without an end.
    static func duration(_ exchange: JSONDocument) -> String {
        guard let started = exchange.string("started_at").flatMap(instantMilliseconds),
              let ended = exchange.string("ended_at").flatMap(instantMilliseconds) else { return "-" }
        return String(ended - started)
    }

    /// The milliseconds of the API's `YYYY-MM-DDTHH:MM:SS.fffZ`.
    static func instantMilliseconds(_ text: String) -> Int64? {
        let parts = text.split(separator: "T")
        guard parts.count == 2, let day = CalendarDay(String(parts[0])) else { return nil }
        let time = parts[1].filter { $0.isNumber }
        guard time.count >= 6, let hms = Int64(time.prefix(6)) else { return nil }
        let millis = Int64(time.dropFirst(6).prefix(3)) ?? 0
        let seconds = hms / 10_000 * 3600 + hms / 100 % 100 * 60 + hms % 100
        return day.midnight.milliseconds + seconds * 1000 + millis
    }
}

/// A query string from optional parameters, each value escaped; empty when none is set.
struct OperatorQuery {
    let text: String

    init(_ parameters: [(String, String?)]) {
        let parts = parameters.compactMap { name, value in value.map { "\(name)=\(OperatorClient.escape($0))" } }
        text = parts.isEmpty ? "" : "?" + parts.joined(separator: "&")
    }
}
