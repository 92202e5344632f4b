import ArgumentParser
import BankGateConfig
import BankGateCore
import Foundation

/// `bankgate reconcile report|exceptions|run|confirm|reject|match|unmatch`.
struct ReconcileCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reconcile",
        abstract: "Balance reconciliation reports, the exceptions list and match decisions, through the running daemon.",
        subcommands: [Report.self, Exceptions.self, Run.self, Confirm.self, Reject.self, Match.self, Unmatch.self]
    )

    /// `reconcile report --account ID --date YYYY-MM-DD [--format csv|json]`
    struct Report: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "report",
            abstract: "The daily balance reconciliation (余额调节表) of an account: bank side, ledger side, difference.")

        @OptionGroup var connection: ConnectionOptions

        @Option(help: "The account id.")
        var account: String

        @Option(help: "The date, YYYY-MM-DD.")
        var date: String

        enum Format: String, ExpressibleByArgument, CaseIterable { case text, csv, json }

        @Option(help: "text (default), csv or json.")
        var format: Format = .text

        func validate() throws {
            guard date.utf8.count == 10, date.split(separator: "-").count == 3 else {
                throw ValidationError("--date must be YYYY-MM-DD")
            }
        }

        func run() async throws {
            try await runOperator { () async throws(OperatorFailure) in
                let client = try connection.client(preferring: [.accountsRead])
                let path = "/v1/accounts/\(OperatorClient.escape(account))/reconciliation?date=\(OperatorClient.escape(date))"
                let body = try await client.get(path)
                let report = try JSONDocument(body)
                switch format {
                case .text: print(Self.render(report))
                case .json: printRaw(body)
                case .csv: printRaw(try await client.get(path + "&format=csv"))
                }
                // The verdict is the exit status too, so a script can stop on a day that does not balance.
                guard report.bool("balanced") == true else {
                    throw OperatorFailure(message: "the reconciliation of \(account) on \(date) is not balanced "
                                          + "(difference \(orDash(report.string("difference"))))",
                                          exitCode: OperatorFailure.notBalanced)
                }
            }
        }

        static func render(_ report: JSONDocument) -> String {
            let bank = report.child("bank_side")
            let ledger = report.child("ledger_side")
            var lines = ["Balance reconciliation of \(orDash(report.string("account"))) on \(orDash(report.string("date"))) (\(orDash(report.string("currency"))))", ""]
            lines.append("Bank side")
            lines.append("  statement balance            \(orDash(bank?.string("statement_balance")))")
            for item in bank?.list("outstanding_payments") ?? [] {
                lines.append("  − outstanding \(orDash(item.string("id")))  \(orDash(item.string("amount")))  \(orDash(item.string("description")))")
            }
            for item in bank?.list("receipts_in_transit") ?? [] {
                lines.append("  + in transit  \(orDash(item.string("id")))  \(orDash(item.string("amount")))  \(orDash(item.string("description")))")
            }
            lines.append("  adjusted bank balance        \(orDash(bank?.string("adjusted_balance")))")
            lines.append("Ledger side")
            lines.append("  ledger balance               \(orDash(ledger?.string("ledger_balance")))")
            for item in ledger?.list("unmatched_bank_credits") ?? [] {
                lines.append("  + bank credit \(orDash(item.string("id")))  \(orDash(item.string("amount")))  \(orDash(item.string("description")))")
            }
            for item in ledger?.list("unmatched_bank_debits") ?? [] {
                lines.append("  − bank debit  \(orDash(item.string("id")))  \(orDash(item.string("amount")))  \(orDash(item.string("description")))")
            }
            lines.append("  adjusted ledger balance      \(orDash(ledger?.string("adjusted_balance")))")
            lines.append("")
            lines.append("Difference                     \(orDash(report.string("difference")))"
                         + (report.bool("balanced") == true ? "  (balanced)" : "  (NOT balanced)"))
            return lines.joined(separator: "\n")
        }
    }

    /// `reconcile exceptions [--account ID]`
    struct Exceptions: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "exceptions",
            abstract: "Unmatched bank transactions and payments, suggestions waiting for a decision, overdue expected payments.")

        @OptionGroup var connection: ConnectionOptions

        @Option(help: "Only this account.")
        var account: String?

        @Flag(help: "Print the API's JSON.")
        var json = false

        func run() async throws {
            try await runOperator { () async throws(OperatorFailure) in
                let client = try connection.client(preferring: [.accountsRead])
                let body = try await client.get("/v1/reconciliation/exceptions" + (account.map { "?account=\(OperatorClient.escape($0))" } ?? ""))
                if json { return printRaw(body) }
                let document = try JSONDocument(body)
                var sections: [String] = []
                var transactions = TextTable("TRANSACTION", "ACCOUNT", "BOOKED", "AMOUNT", "COUNTERPARTY", "END-TO-END ID", "STATE")
                for item in document.list("unmatched_transactions") {
                    transactions.add(orDash(item.string("id")), orDash(item.string("account")), orDash(item.string("booking_date")),
                                     "\(orDash(item.string("amount"))) \(orDash(item.string("currency")))",
                                     orDash(item.string("counterparty_name")), orDash(item.string("end_to_end_id")),
                                     orDash(item.string("match_state")))
                }
                sections.append("Unmatched bank transactions\n" + transactions.render())
                var payments = TextTable("PAYMENT", "ACCOUNT", "EXECUTION", "AMOUNT", "CREDITOR", "END-TO-END ID", "STATUS")
                for item in document.list("unmatched_payments") {
                    payments.add(orDash(item.string("payment_id")), orDash(item.string("account")), orDash(item.string("execution_date")),
                                 "\(orDash(item.string("amount"))) \(orDash(item.string("currency")))", orDash(item.string("creditor_name")),
                                 orDash(item.string("end_to_end_id")), orDash(item.string("status")))
                }
                sections.append("Payments not yet seen on a statement\n" + payments.render())
                var suggestions = TextTable("MATCH", "TRANSACTION", "TARGET", "SCORE ‰", "REASONS")
                for item in document.list("suggestions") {
                    let reasons = item.strings("reasons")?.joined(separator: ",")
                    suggestions.add(orDash(item.string("id")), orDash(item.string("transaction_id")),
                                    "\(orDash(item.string("target_kind"))) \(orDash(item.string("target_id")))",
                                    orDash(item.string("score_permille")), orDash(reasons))
                }
                sections.append("Suggested matches (bankgate reconcile confirm|reject MATCH)\n" + suggestions.render())
                var overdue = TextTable("EXPECTED", "ACCOUNT", "AMOUNT", "WINDOW", "REFERENCE")
                for item in document.list("overdue_expected_payments") {
                    overdue.add(orDash(item.string("id")), orDash(item.string("account")),
                                "\(item.string("amount") ?? "\(orDash(item.string("amount_min")))–\(orDash(item.string("amount_max")))") \(orDash(item.string("currency")))",
                                "\(orDash(item.string("from")))…\(orDash(item.string("to")))", orDash(item.string("reference")))
                }
                sections.append("Overdue expected payments\n" + overdue.render())
                var held = TextTable("STATEMENT", "ACCOUNT", "DATE", "FORMAT", "CLOSING", "ADDS UP TO", "WHY")
                for item in document.list("quarantined_statements") {
                    held.add(orDash(item.string("id")), orDash(item.string("account")), orDash(item.string("date")),
                             orDash(item.string("format")), orDash(item.string("closing_balance")),
                             orDash(item.string("expected_closing_balance")), orDash(item.string("review_reason")))
                }
                sections.append("Statements held for review (bankgate statements accept STATEMENT)\n" + held.render())
                print(sections.joined(separator: "\n\n"))
            }
        }
    }

    /// `reconcile run [--account ID]`
    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "run", abstract: "Run a reconciliation pass now.")

        @OptionGroup var connection: ConnectionOptions

        @Option(help: "Only this account.")
        var account: String?

        func run() async throws {
            try await runOperator { () async throws(OperatorFailure) in
                let client = try connection.client(preferring: [.operate])
                let body = try await client.post("/v1/reconciliation/run" + (account.map { "?account=\(OperatorClient.escape($0))" } ?? ""))
                let summary = try JSONDocument(body)
                print("considered \(orDash(summary.string("transactions_considered"))) transactions: "
                      + "\(orDash(summary.string("exact_matches"))) matched, \(orDash(summary.string("suggestions"))) suggested, "
                      + "\(orDash(summary.string("overdue_expected_payments"))) expected payments now overdue")
            }
        }
    }

    struct Confirm: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "confirm", abstract: "Confirm a suggested match.")
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "The match id (mat_…).") var id: String
        @Flag(help: "Print the API's JSON.") var json = false
        func run() async throws { try await decide("confirm", id: id, connection: connection, json: json) }
    }

    struct Reject: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "reject", abstract: "Reject a suggested match; it is not suggested again.")
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "The match id (mat_…).") var id: String
        @Flag(help: "Print the API's JSON.") var json = false
        func run() async throws { try await decide("reject", id: id, connection: connection, json: json) }
    }

    struct Unmatch: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "unmatch", abstract: "Undo a confirmed match; both sides become unmatched.")
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "The match id (mat_…).") var id: String
        @Flag(help: "Print the API's JSON.") var json = false
        func run() async throws { try await decide("unmatch", id: id, connection: connection, json: json) }
    }

    /// `reconcile match --transaction btx_… (--payment pay_… | --expected exp_…)`
    struct Match: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "match", abstract: "Match a bank transaction to a payment or an expected payment by hand.")
        @OptionGroup var connection: ConnectionOptions
        @Option(help: "The bank transaction id (btx_…).") var transaction: String
        @Option(help: "The payment id.") var payment: String?
        @Option(help: "The expected payment id.") var expected: String?
        @Flag(help: "Print the API's JSON.") var json = false

        func validate() throws {
            guard (payment == nil) != (expected == nil) else { throw ValidationError("give exactly one of --payment and --expected") }
        }

        func run() async throws {
            try await runOperator { () async throws(OperatorFailure) in
                let client = try connection.client(preferring: [.operate])
                var members: [JSONMember] = []
                if let expected { members.append(JSONMember(key: "expected_payment_id", value: .string(expected))) }
                if let payment { members.append(JSONMember(key: "payment_id", value: .string(payment))) }
                members.append(JSONMember(key: "transaction_id", value: .string(transaction)))
                let body = try await client.post("/v1/matches", json: members)
                if json { return printRaw(body) }
                let match = try JSONDocument(body)
                print("match \(orDash(match.string("id"))): \(transaction) ↔ \(orDash(match.string("target_kind"))) \(orDash(match.string("target_id"))) is \(orDash(match.string("state")))")
            }
        }
    }
}

/// `POST /v1/matches/{id}/{action}`.
private func decide(_ action: String, id: String, connection: ConnectionOptions, json: Bool) async throws {
    try await runOperator { () async throws(OperatorFailure) in
        let client = try connection.client(preferring: [.operate])
        let body = try await client.post("/v1/matches/\(OperatorClient.escape(id))/\(action)")
        if json { return printRaw(body) }
        let match = try JSONDocument(body)
        print("match \(id) is now \(orDash(match.string("state")))")
    }
}
