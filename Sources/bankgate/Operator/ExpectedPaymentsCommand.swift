import ArgumentParser
import BankGateConfig
import BankGateCore
import Foundation

/// `bankgate expected-payments create|list|show|cancel`: money the business expects to receive
/// (`/v1/expected-payments`), matched against incoming bank transactions.
struct ExpectedPaymentsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "expected-payments", abstract: "Declare, list, show or cancel expected incoming payments.",
        subcommands: [Create.self, List.self, Show.self, Cancel.self])

    /// `expected-payments create --account --currency (--amount | --amount-min --amount-max) --from --to …`
    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "create", abstract: "Declare money the business expects.")
        @OptionGroup var connection: ConnectionOptions
        @Option(help: "The account id it is expected on.") var account: String
        @Option(help: "ISO 4217 currency code.") var currency: String
        @Option(help: "The exact amount (decimal, e.g. 1250.00).") var amount: String?
        @Option(help: "The lowest amount accepted.") var amountMin: String?
        @Option(help: "The highest amount accepted.") var amountMax: String?
        @Option(help: "The payer's name.") var counterpartyName: String?
        @Option(help: "The payer's account.") var counterpartyAccount: String?
        @Option(help: "The reference the payer is to quote.") var reference: String?
        @Option(help: "Expected from this day (YYYY-MM-DD).") var from: String
        @Option(help: "Expected up to this day (YYYY-MM-DD).") var to: String
        @Flag(help: "Print the API's JSON.") var json = false

        func validate() throws {
            if amount == nil, amountMin == nil || amountMax == nil {
                throw ValidationError("give --amount, or --amount-min and --amount-max")
            }
        }

        func run() async throws {
            try await runOperator { () async throws(OperatorFailure) in
                let client = try connection.client(preferring: [.accountsWrite])
                var members: [JSONMember] = [JSONMember(key: "account", value: .string(account)),
                                             JSONMember(key: "currency", value: .string(currency))]
                for (key, value) in [("amount", amount), ("amount_min", amountMin), ("amount_max", amountMax)] {
                    if let value { members.append(JSONMember(key: key, value: .string(value))) }
                }
                var counterparty: [JSONMember] = []
                if let counterpartyName { counterparty.append(JSONMember(key: "name", value: .string(counterpartyName))) }
                if let counterpartyAccount { counterparty.append(JSONMember(key: "account", value: .string(counterpartyAccount))) }
                if !counterparty.isEmpty { members.append(JSONMember(key: "counterparty", value: .object(counterparty))) }
                if let reference { members.append(JSONMember(key: "reference", value: .string(reference))) }
                members += [JSONMember(key: "from", value: .string(from)), JSONMember(key: "to", value: .string(to))]
                let body = try await client.post("/v1/expected-payments", json: members)
                if json { return printRaw(body) }
                print(ExpectedPaymentsCommand.describe(try JSONDocument(body)))
            }
        }
    }

    /// `expected-payments list [--account] [--status] [--limit]`
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List expected payments, newest first.")
        @OptionGroup var connection: ConnectionOptions
        @Option(help: "Only those on this account id.") var account: String?
        @Option(help: "Only those in this status (open, matched, overdue, cancelled…).") var status: String?
        @Option(help: "At most this many.") var limit: Int?
        @Flag(help: "Print the API's JSON instead of a table.") var json = false

        func run() async throws {
            try await runOperator { () async throws(OperatorFailure) in
                let client = try connection.client(preferring: [.accountsRead, .operate])
                let query = OperatorQuery([("account", account), ("status", status), ("limit", limit.map(String.init))])
                let body = try await client.get("/v1/expected-payments" + query.text)
                if json { return printRaw(body) }
                let records = try JSONDocument(body).list("expected_payments")
                guard !records.isEmpty else { return print("No expected payments.") }
                var table = TextTable("ID", "ACCOUNT", "AMOUNT", "CURRENCY", "COUNTERPARTY", "REFERENCE", "FROM", "TO", "STATUS")
                for record in records {
                    table.rows.append([orDash(record.string("id")), orDash(record.string("account")), ExpectedPaymentsCommand.amount(record),
                                       orDash(record.string("currency")), orDash(record.child("counterparty")?.string("name")),
                                       orDash(record.string("reference")), orDash(record.string("from")), orDash(record.string("to")),
                                       orDash(record.string("status"))])
                }
                print(table.render())
            }
        }
    }

    /// `expected-payments show ID`
    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "show", abstract: "Show one expected payment.")
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "The expected payment id.") var id: String
        @Flag(help: "Print the API's JSON.") var json = false

        func run() async throws {
            try await runOperator { () async throws(OperatorFailure) in
                let client = try connection.client(preferring: [.accountsRead, .operate])
                let body = try await client.get("/v1/expected-payments/\(OperatorClient.escape(id))")
                if json { return printRaw(body) }
                print(ExpectedPaymentsCommand.describe(try JSONDocument(body)))
            }
        }
    }

    /// `expected-payments cancel ID`
    struct Cancel: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "cancel", abstract: "No longer expected (audited).")
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "The expected payment id.") var id: String
        @Flag(help: "Print the API's JSON.") var json = false

        func run() async throws {
            try await runOperator { () async throws(OperatorFailure) in
                let client = try connection.client(preferring: [.accountsWrite, .operate])
                let body = try await client.post("/v1/expected-payments/\(OperatorClient.escape(id))/cancel")
                if json { return printRaw(body) }
                print(ExpectedPaymentsCommand.describe(try JSONDocument(body)))
            }
        }
    }

    static func amount(_ record: JSONDocument) -> String {
        record.string("amount") ?? "\(orDash(record.string("amount_min")))–\(orDash(record.string("amount_max")))"
    }

    static func describe(_ record: JSONDocument) -> String {
        [
            "Expected payment: \(orDash(record.string("id")))",
            "Account:          \(orDash(record.string("account")))",
            "Amount:           \(amount(record)) \(orDash(record.string("currency")))",
            "Counterparty:     \(orDash(record.child("counterparty")?.string("name"))) \(orDash(record.child("counterparty")?.string("account")))",
            "Reference:        \(orDash(record.string("reference")))",
            "Window:           \(orDash(record.string("from"))) … \(orDash(record.string("to")))",
            "Status:           \(orDash(record.string("status")))",
        ].joined(separator: "\n")
    }
}
