import ArgumentParser
import BankGateConfig
import Foundation

/// `bankgate receipts pull|list|show|get|export|verify|report|missing`: electronic receipts (电子回单) through the running daemon.
struct ReceiptsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "receipts",
        abstract: "Electronic receipts through the running daemon: pull an account's day, list them, verify the kept files.",
        subcommands: [Pull.self, List.self, Show.self, Get.self, Export.self, Verify.self, Report.self, Missing.self]
    )

    /// `receipts pull --account ID [--date YYYY-MM-DD | --from D --to D]`
    struct Pull: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "pull",
                                                        abstract: "Ask the bank for an account's receipts of a day (or of each day of a range) now.")

        @OptionGroup var connection: ConnectionOptions

        @Option(help: "The account id.")
        var account: String

        @Option(help: "The booking date, YYYY-MM-DD (default: today).")
        var date: String?

        @Option(help: "The first day of a range to pull, YYYY-MM-DD (with --to).") var from: String?
        @Option(help: "The last day of the range, YYYY-MM-DD (with --from).") var to: String?

        func validate() throws {
            if (from == nil) != (to == nil) { throw ValidationError("give --from and --to together") }
            if from != nil, date != nil { throw ValidationError("give either --date or --from and --to") }
        }

        func run() async throws {
            try await runOperator { () async throws(OperatorFailure) in
                let client = try connection.client(preferring: [.operate])
                if let from, let to {
                    return try await ReceiptsCommand.pullDays(client, account: account, from: from, to: to)
                }
                var path = "/v1/accounts/\(OperatorClient.escape(account))/receipts/pull"
                if let date { path += "?date=\(OperatorClient.escape(date))" }
                let result = try JSONDocument(try await client.post(path))
                print("\(orDash(result.string("account"))) \(orDash(result.string("date"))): "
                      + "\(orDash(result.string("listed"))) listed, \(orDash(result.string("new"))) new, "
                      + "\(orDash(result.string("known"))) known, \(orDash(result.string("added_links"))) links added")
                print(ReceiptsCommand.table(result.list("receipts")))
            }
        }
    }

    /// `receipts list [--account ID] [--from D] [--to D] [--payment ID] [--linked true|false] [--json]`
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "Receipts kept, oldest first (one page).")

        @OptionGroup var connection: ConnectionOptions

        @Option(help: "Only this account's.") var account: String?
        @Option(help: "Booked on or after, YYYY-MM-DD.") var from: String?
        @Option(help: "Booked on or before, YYYY-MM-DD.") var to: String?
        @Option(help: "Only those linked to this payment.") var payment: String?
        @Option(help: "true: only linked receipts; false: only unlinked ones.") var linked: String?
        @Flag(help: "Print the API's JSON.") var json = false

        func run() async throws {
            try await runOperator { () async throws(OperatorFailure) in
                let client = try connection.client(preferring: [.receiptsRead, .operate])
                let query = [("account", account), ("from", from), ("to", to), ("payment", payment), ("linked", linked)]
                    .compactMap { name, value in value.map { "\(name)=\(OperatorClient.escape($0))" } }
                let body = try await client.get("/v1/receipts" + (query.isEmpty ? "" : "?" + query.joined(separator: "&")))
                if json { return printRaw(body) }
                print(ReceiptsCommand.table(try JSONDocument(body).list("receipts")))
            }
        }
    }

    /// `receipts verify`: exit status 5 when a kept file is missing or altered.
    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "verify",
            abstract: "Re-hash every kept receipt file; name each one missing or altered (exit status 5).")

        @OptionGroup var connection: ConnectionOptions

        func run() async throws {
            try await runOperator { () async throws(OperatorFailure) in
                let client = try connection.client(preferring: [.operate])
                let result = try JSONDocument(try await client.post("/v1/receipts/verify"))
                let failed = result.list("failed")
                for failure in failed {
                    let found = failure.string("found_sha256").map { " (its bytes hash to \($0))" } ?? ""
                    print("\(orDash(failure.string("receipt_id"))) \(orDash(failure.string("problem"))): "
                          + "kept as \(orDash(failure.string("sha256")))\(found)")
                }
                print("\(orDash(result.string("checked"))) receipt files checked, \(orDash(result.string("intact"))) intact, "
                      + "\(failed.count) missing or altered")
                guard failed.isEmpty else {
                    throw OperatorFailure(message: "\(failed.count) receipt file(s) missing or altered",
                                          exitCode: OperatorFailure.receiptsAltered)
                }
            }
        }
    }

    /// Receipts as a text table: id, account, date, direction, amount, counterparty, receipt number, links.
    static func table(_ receipts: [JSONDocument]) -> String {
        var table = TextTable("RECEIPT", "ACCOUNT", "DATE", "DIR", "AMOUNT", "COUNTERPARTY", "NUMBER", "LINKS")
        for receipt in receipts {
            let links = receipt.list("links").compactMap { $0.string("payment_id") ?? $0.string("transaction_id") }
            table.add(orDash(receipt.string("id")), orDash(receipt.string("account")), orDash(receipt.string("booking_date")),
                      orDash(receipt.string("direction")),
                      "\(orDash(receipt.string("amount"))) \(orDash(receipt.string("currency")))",
                      orDash(receipt.string("counterparty_name") ?? receipt.string("counterparty_account")),
                      orDash(receipt.string("receipt_number")), links.isEmpty ? "-" : links.joined(separator: ","))
        }
        return table.render()
    }
}
