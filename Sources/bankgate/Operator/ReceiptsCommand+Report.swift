import ArgumentParser
import BankGateConfig
import BankGateCore

extension ReceiptsCommand {
    /// `receipts report --account ID --date D [--csv] [--json]`: the receipt execution report
    /// (电子回单执行报告) of an account and day.
    struct Report: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "report",
            abstract: "The receipt execution report of an account and day: expected, received, linked, missing, pulls.")

        @OptionGroup var connection: ConnectionOptions

        @Option(help: "The account id.") var account: String
        @Option(help: "The booking date, YYYY-MM-DD.") var date: String
        @Flag(help: "Print the report as CSV (one row per item, a kind column).") var csv = false
        @Flag(help: "Print the API's JSON.") var json = false

        func run() async throws {
            try await runOperator { () async throws(OperatorFailure) in
                let client = try connection.client(preferring: [.receiptsRead, .operate])
                let path = "/v1/accounts/\(OperatorClient.escape(account))/receipt-report?date=\(OperatorClient.escape(date))"
                let body = try await client.get(path + (csv ? "&format=csv" : ""))
                if csv || json { return printRaw(body) }
                print(ReceiptsCommand.reportText(try JSONDocument(body)))
            }
        }
    }

    /// `receipts missing [--account ID] [--from D] [--to D] [--json]`: payments and transactions
    /// still without a receipt.
    struct Missing: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "missing",
            abstract: "Completed payments and booked transactions without a receipt: pending, or missing once overdue.")

        @OptionGroup var connection: ConnectionOptions

        @Option(help: "Only this account's.") var account: String?
        @Option(help: "Booked on or after, YYYY-MM-DD (default: 30 days before --to).") var from: String?
        @Option(help: "Booked on or before, YYYY-MM-DD (default: today).") var to: String?
        @Flag(help: "Print the API's JSON.") var json = false

        func run() async throws {
            try await runOperator { () async throws(OperatorFailure) in
                let client = try connection.client(preferring: [.receiptsRead, .operate])
                let query = [("account", account), ("from", from), ("to", to)]
                    .compactMap { name, value in value.map { "\(name)=\(OperatorClient.escape($0))" } }
                let body = try await client.get("/v1/receipts/missing" + (query.isEmpty ? "" : "?" + query.joined(separator: "&")))
                if json { return printRaw(body) }
                let result = try JSONDocument(body)
                print(ReceiptsCommand.itemTable(result.list("items")))
                print("\(orDash(result.string("missing"))) missing, \(orDash(result.string("pending"))) pending "
                      + "(booked \(orDash(result.string("from"))) to \(orDash(result.string("to"))))")
            }
        }
    }

    /// Pulls `account`'s receipts of each day `from…to` through the daemon, one request a day, with
    /// a progress bar on a terminal (plain lines otherwise); a day that fails is reported and the
    /// others are still pulled. Fails (exit 1) when any day failed.
    static func pullDays(_ client: OperatorClient, account: String, from: String, to: String) async throws(OperatorFailure) {
        guard let first = CalendarDay(from), let last = CalendarDay(to), first <= last else {
            throw OperatorFailure(message: "--from and --to must be YYYY-MM-DD dates, --from not after --to", exitCode: OperatorFailure.usage)
        }
        let days = (0...first.distance(to: last)).map { first.adding(days: $0).description }
        var progress = ProgressDisplay(title: "pull \(account)", total: days.count)
        var listed = 0, new = 0
        var failed: [String] = []
        for (index, day) in days.enumerated() {
            let path = "/v1/accounts/\(OperatorClient.escape(account))/receipts/pull?date=\(day)"
            do {
                let result = try JSONDocument(try await client.post(path))
                listed += Int(result.string("listed") ?? "") ?? 0
                new += Int(result.string("new") ?? "") ?? 0
                progress.advance(to: index + 1, note: "\(day): \(orDash(result.string("listed"))) listed, \(orDash(result.string("new"))) new")
            } catch {
                failed.append("\(day): \(error.message)")
                progress.advance(to: index + 1, note: "\(day): failed")
            }
        }
        progress.finish(note: "\(listed) listed, \(new) new, \(failed.count) day(s) failed")
        for line in failed { print(line) }
        print("\(account) \(from)…\(to): \(days.count) day(s), \(listed) listed, \(new) new, \(failed.count) failed")
        guard failed.isEmpty else {
            throw OperatorFailure(message: "\(failed.count) day(s) could not be pulled", exitCode: OperatorFailure.apiError)
        }
    }

    /// The report as text: a summary, the items that should have a receipt, the unlinked
    /// receipts and the pulls.
    static func reportText(_ report: JSONDocument) -> String {
        let summary = report.child("summary")
        let count = { (key: String) in orDash(summary?.string(key)) }
        var text = "Receipt execution report \(orDash(report.string("account"))) \(orDash(report.string("date")))"
            + " (as of \(orDash(report.string("generated_at"))))\n"
        text += "expected \(count("expected")), received \(count("received")), linked \(count("linked")), "
            + "pending \(count("pending")), missing \(count("missing")), unlinked receipts \(count("unlinked_receipts")), "
            + "pulls \(count("pulls")) (\(count("failed_pulls")) failed)\n\n"
        text += itemTable(report.list("expected")) + "\n"
        let unlinked = report.list("received").filter { receipt in !receipt.list("links").contains { $0.bool("confirmed") == true } }
        if !unlinked.isEmpty {
            text += "\nUnlinked receipts\n" + table(unlinked) + "\n"
        }
        var pulls = TextTable("PULL", "DATE", "TRIGGER", "ATTEMPT", "STARTED", "OUTCOME", "LISTED", "NEW", "REASON")
        for pull in report.list("pulls") {
            pulls.add(orDash(pull.string("id")), orDash(pull.string("booking_date")), orDash(pull.string("trigger")),
                      orDash(pull.string("attempt")), orDash(pull.string("started_at")), orDash(pull.string("outcome")),
                      orDash(pull.string("listed")), orDash(pull.string("new")), orDash(pull.string("error_message")))
        }
        text += "\n" + pulls.render()
        return text
    }

    /// Payments and transactions with their receipt state as a text table.
    static func itemTable(_ items: [JSONDocument]) -> String {
        var table = TextTable("KIND", "ID", "ACCOUNT", "DATE", "AMOUNT", "COUNTERPARTY", "STATE", "RECEIPT", "SINCE", "REASON")
        for item in items {
            table.add(orDash(item.string("kind")), orDash(item.string("id")), orDash(item.string("account")),
                      orDash(item.string("booking_date")), "\(orDash(item.string("amount"))) \(orDash(item.string("currency")))",
                      orDash(item.string("counterparty")), orDash(item.string("state")), orDash(item.string("receipt_id")),
                      orDash(item.string("since")), orDash(item.string("reason_text")))
        }
        return table.render()
    }
}
