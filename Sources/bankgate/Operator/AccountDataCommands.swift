import ArgumentParser
import BankGateConfig
import BankGateCore
import Foundation

/// `bankgate balances ACCOUNT [--refresh]`: `GET /v1/accounts/{id}/balances`.
struct BalancesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "balances", abstract: "An account's latest balance of each type (--refresh asks the bank first).")
    @OptionGroup var connection: ConnectionOptions
    @Argument(help: "The account id.") var account: String
    @Flag(help: "Ask the bank for today's intraday report first (a live balance query).") var refresh = false
    @Flag(help: "Print the API's JSON instead of a table.") var json = false

    func run() async throws {
        try await runOperator { () async throws(OperatorFailure) in
            let client = try connection.client(preferring: [.accountsRead, .operate])
            let body = try await client.get("/v1/accounts/\(OperatorClient.escape(account))/balances" + (refresh ? "?refresh=true" : ""))
            if json { return printRaw(body) }
            let balances = try JSONDocument(body).list("balances")
            guard !balances.isEmpty else { return print("No balances for \(account).") }
            var table = TextTable("TYPE", "DATE", "AMOUNT", "CURRENCY", "STATEMENT", "RECORDED")
            for balance in balances {
                table.rows.append(["type", "date", "amount", "currency", "statement_id", "recorded_at"].map { orDash(balance.string($0)) })
            }
            print(table.render())
        }
    }
}

/// `bankgate transactions [list] ACCOUNT [--from] [--to] [--limit] [--cursor]`: `GET /v1/accounts/{id}/transactions`
/// (the default subcommand of ``TransactionsCommand``).
struct TransactionsListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "An account's booked and pending bank transactions, oldest first, one page at a time.")
    @OptionGroup var connection: ConnectionOptions
    @Argument(help: "The account id.") var account: String
    @Option(help: "Booked on or after this day (YYYY-MM-DD).") var from: String?
    @Option(help: "Booked on or before this day (YYYY-MM-DD).") var to: String?
    @Option(help: "Transactions per page.") var limit: Int?
    @Option(help: "The next_cursor of the previous page.") var cursor: String?
    @Flag(help: "Print the API's JSON instead of a table.") var json = false

    func run() async throws {
        try await runOperator { () async throws(OperatorFailure) in
            let client = try connection.client(preferring: [.accountsRead, .operate])
            let query = OperatorQuery([("from", from), ("to", to), ("limit", limit.map(String.init)), ("cursor", cursor)])
            let body = try await client.get("/v1/accounts/\(OperatorClient.escape(account))/transactions" + query.text)
            if json { return printRaw(body) }
            let page = try JSONDocument(body)
            let transactions = page.list("transactions")
            guard !transactions.isEmpty else { return print("No transactions.") }
            var table = TextTable("ID", "BOOKED", "AMOUNT", "CURRENCY", "STATUS", "COUNTERPARTY", "REFERENCE", "MATCH")
            for transaction in transactions {
                table.rows.append([orDash(transaction.string("id")), orDash(transaction.string("booking_date")),
                                   orDash(transaction.string("amount")), orDash(transaction.string("currency")),
                                   orDash(transaction.string("status")), orDash(transaction.string("counterparty_name")),
                                   orDash(transaction.string("end_to_end_id") ?? transaction.string("bank_reference")),
                                   orDash(transaction.string("match_state"))])
            }
            var text = table.render()
            if let next = page.string("next_cursor") { text += "\n\nMore: --cursor \(next)" }
            print(text)
        }
    }
}

/// `bankgate events tail [--after SEQ] [--limit N] [--follow]`: the outbox feed (`GET /v1/events`),
/// one event per line as JSON; with `--follow` it long-polls for more until stopped.
struct EventsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "events", abstract: "The event feed through the running daemon.", subcommands: [Tail.self])

    struct Tail: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "tail", abstract: "Print events after a sequence number, one JSON line each; --follow keeps waiting for more.")
        @OptionGroup var connection: ConnectionOptions
        @Option(help: "Print events after this sequence number (default 0: from the first).") var after: Int64 = 0
        @Option(help: "Events per request, 1 to 1000.") var limit: Int = 100
        @Flag(help: "Keep waiting for new events (long poll) until interrupted.") var follow = false
        @Option(help: "With --follow: seconds each long poll waits, 1 to 60.") var wait: Int = 30

        func validate() throws {
            if !(1...1000).contains(limit) { throw ValidationError("--limit must be from 1 to 1000") }
            if !(1...60).contains(wait) { throw ValidationError("--wait must be from 1 to 60") }
            if after < 0 { throw ValidationError("--after must not be negative") }
        }

        func run() async throws {
            try await runOperator { () async throws(OperatorFailure) in
                let client = try connection.client(preferring: [.eventsRead, .paymentsRead])
                var cursor = after
                while true {
                    let body = try await client.get("/v1/events?after=\(cursor)&limit=\(limit)&wait=\(follow ? wait : 0)")
                    let page = try JSONDocument(body)
                    guard case .array(let events)? = page.object.member("events") else {
                        throw OperatorFailure(message: "the daemon's answer has no events", exitCode: OperatorFailure.apiError)
                    }
                    var lines: [UInt8] = []
                    for event in events {
                        var writer = JSONWriter(capacity: 512)
                        writer.value(event)
                        lines += writer.bytes
                        lines.append(UInt8(ascii: "\n"))
                    }
                    // Written at once, unbuffered: a pipe reading a --follow sees each page as it comes.
                    FileHandle.standardOutput.write(Data(lines))
                    let next = page.string("next_after").flatMap(Int64.init) ?? cursor
                    // Without --follow: until the feed is read to its end.
                    if !follow, events.count < limit || next == cursor { return }
                    cursor = next
                }
            }
        }
    }
}
