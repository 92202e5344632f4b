import ArgumentParser
import BankGateConfig
import BankGateCore

/// `bankgate approvals list|approve|reject`: the maker-checker desk through the running daemon.
struct ApprovalsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "approvals",
        abstract: "List payments pending approval, approve or reject one (or a batch) through the running daemon.",
        subcommands: [List.self, Approve.self, Reject.self]
    )

    /// `approvals list`
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "Payments pending approval, oldest first.")

        @OptionGroup var connection: ConnectionOptions

        @Option(help: "Payments per page, 1 to 1000.")
        var limit: Int?

        @Option(help: "The next_cursor of the previous page.")
        var cursor: String?

        @Flag(help: "Print the API's JSON instead of a table.")
        var json = false

        func validate() throws {
            if let limit, !(1...1000).contains(limit) { throw ValidationError("--limit must be from 1 to 1000") }
        }

        func run() async throws {
            try await runOperator { () async throws(OperatorFailure) in
                let client = try connection.client(preferring: [.paymentsApprove, .paymentsRead])
                var query: [String] = []
                if let limit { query.append("limit=\(limit)") }
                if let cursor { query.append("cursor=\(OperatorClient.escape(cursor))") }
                let body = try await client.get("/v1/approvals" + (query.isEmpty ? "" : "?" + query.joined(separator: "&")))
                if json { return printRaw(body) }
                print(Self.render(try JSONDocument(body)))
            }
        }

        static func render(_ page: JSONDocument) -> String {
            let rows = page.list("approvals")
            guard !rows.isEmpty else { return "No payment is pending approval." }
            var table = TextTable("PAYMENT", "BATCH", "AMOUNT", "DEBTOR", "CREDITOR", "SUBMITTED BY", "RULES", "APPROVALS", "EXPIRES")
            for row in rows {
                let given = row.list("approvals").compactMap { $0.string("principal") }
                table.add(orDash(row.string("payment_id")), orDash(row.string("batch_id")),
                          "\(orDash(row.string("amount"))) \(orDash(row.string("currency")))", orDash(row.string("debtor_account")),
                          orDash(row.child("creditor")?.string("name")), orDash(row.string("submitted_by")),
                          (row.strings("rules") ?? []).joined(separator: ","),
                          "\(given.count)/\(orDash(row.string("approvals_needed")))" + (given.isEmpty ? "" : " (\(given.joined(separator: ", ")))"),
                          orDash(row.string("expires_at")))
            }
            var text = table.render()
            if let next = page.string("next_cursor") { text += "\n\nMore: --cursor \(next)" }
            return text
        }
    }

    /// `approvals approve ID [--batch] [--note TEXT]`
    struct Approve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "approve", abstract: "Approve a payment (or, with --batch, a batch).")

        @OptionGroup var decision: DecisionOptions

        func run() async throws { try await decision.post("approve") }
    }

    /// `approvals reject ID [--batch] [--note TEXT]`
    struct Reject: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "reject", abstract: "Reject a payment (or, with --batch, a batch).")

        @OptionGroup var decision: DecisionOptions

        func run() async throws { try await decision.post("reject") }
    }

    /// What approve and reject share.
    struct DecisionOptions: ParsableArguments {
        @OptionGroup var connection: ConnectionOptions

        @Argument(help: "The payment id (the batch id with --batch).")
        var id: String

        @Flag(help: "ID is a batch: decide on the whole batch.")
        var batch = false

        @Option(help: "A note recorded with the decision (at most 500 characters).")
        var note: String?

        @Flag(help: "Print the API's JSON.")
        var json = false

        func post(_ action: String) async throws {
            try await runOperator { () async throws(OperatorFailure) in
                let client = try connection.client(preferring: [.paymentsApprove])
                let path = (batch ? "/v1/payment-batches/" : "/v1/payments/") + OperatorClient.escape(id) + "/" + action
                let body = try await client.post(path, json: note.map { [JSONMember(key: "note", value: .string($0))] } ?? [])
                if json { return printRaw(body) }
                let answer = try JSONDocument(body)
                let statuses = answer.list("payments").map { "\(orDash($0.string("id"))) \(orDash($0.string("status")))" }
                print("\(action == "approve" ? "approved" : "rejected") by \(orDash(answer.string("principal"))): "
                      + "\(orDash(answer.string("approvals_given")))/\(orDash(answer.string("approvals_needed"))) approvals; "
                      + statuses.joined(separator: ", "))
            }
        }
    }
}
