import ArgumentParser
import BankGateConfig
import BankGateCore

/// `bankgate payments list|show|batch|retry|cancel|trace|submit|release|retry-all|release-all|cancel-all`: look at payments,
/// submit them and act on them.
struct PaymentsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "payments",
        abstract: "List, inspect, retry or cancel payments through the running daemon.",
        subcommands: [List.self, Show.self, Batch.self, Retry.self, Cancel.self, Trace.self, RetryAll.self, ReleaseAll.self, CancelAll.self,
                      Submit.self, Release.self]
    )

    /// `payments list`
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List payments, one page at a time.")

        @OptionGroup var connection: ConnectionOptions

        @Option(help: "Only payments in this status (queued, failed, unknown, held…).")
        var status: String?

        @Option(help: "Only payments from this debtor account id.")
        var account: String?

        @Option(help: "Payments per page, 1 to 1000.")
        var limit: Int?

        @Option(help: "The next_cursor of the previous page.")
        var cursor: String?

        @Flag(help: "Print the API's JSON instead of a table.")
        var json = false

        func validate() throws {
            if let status, PaymentStatus(rawValue: status) == nil {
                throw ValidationError("unknown status '\(status)'; one of: " + PaymentStatus.allCases.map(\.rawValue).joined(separator: ", "))
            }
            if let limit, !(1...1000).contains(limit) {
                throw ValidationError("--limit must be from 1 to 1000")
            }
        }

        func run() async throws {
            try await runOperator { () async throws(OperatorFailure) in
                let client = try connection.client(preferring: [.paymentsRead])
                var query: [String] = []
                if let status { query.append("status=\(OperatorClient.escape(status))") }
                if let account { query.append("account=\(OperatorClient.escape(account))") }
                if let limit { query.append("limit=\(limit)") }
                if let cursor { query.append("cursor=\(OperatorClient.escape(cursor))") }
                let body = try await client.get("/v1/payments" + (query.isEmpty ? "" : "?" + query.joined(separator: "&")))
                if json { return printRaw(body) }
                print(Self.render(try OperatorClient.decode(PaymentListDocument.self, body)))
            }
        }

        static func render(_ page: PaymentListDocument) -> String {
            guard !page.payments.isEmpty else { return "No payments." }
            var table = TextTable("ID", "STATUS", "AMOUNT", "DEBTOR", "CREDITOR", "END-TO-END ID", "CREATED")
            for payment in page.payments {
                table.add(payment.id, payment.status, "\(payment.amount) \(payment.currency)", payment.debtorAccount,
                          payment.creditor.name, orDash(payment.endToEndId), orDash(payment.createdAt))
            }
            var text = table.render()
            if let next = page.nextCursor { text += "\n\nMore: --cursor \(next)" }
            return text
        }
    }

    /// `payments retry ID`
    struct Retry: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "retry", abstract: "Queue a failed or held payment again (operator retry).")

        @OptionGroup var connection: ConnectionOptions

        @Argument(help: "The payment id.")
        var id: String

        @Flag(help: "Print the API's JSON.")
        var json = false

        func run() async throws {
            try await postPaymentAction("retry", id: id, connection: connection, preferring: [.operate], json: json)
        }
    }

    /// `payments cancel ID`
    struct Cancel: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "cancel", abstract: "Cancel a payment that has not been sent.")

        @OptionGroup var connection: ConnectionOptions

        @Argument(help: "The payment id.")
        var id: String

        @Flag(help: "Print the API's JSON.")
        var json = false

        func run() async throws {
            try await postPaymentAction("cancel", id: id, connection: connection, preferring: [.operate, .paymentsWrite], json: json)
        }
    }
}

extension PaymentsCommand {
    /// `payments trace ID`
    struct Trace: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "trace",
            abstract: "The whole chain of a payment: API request, bank messages, status reports, statement entries, matches.")

        @OptionGroup var connection: ConnectionOptions

        @Argument(help: "The payment id.")
        var id: String

        @Flag(help: "Print the API's JSON.")
        var json = false

        func run() async throws {
            try await runOperator { () async throws(OperatorFailure) in
                let client = try connection.client(preferring: [.paymentsRead])
                let body = try await client.get("/v1/payments/\(OperatorClient.escape(id))/trace")
                if json { return printRaw(body) }
                let trace = try JSONDocument(body)
                var table = TextTable("AT", "STEP", "WHAT", "IDS")
                for step in trace.list("steps") {
                    let ids = step.fields("ids").map { "\($0.name)=\($0.text)" }.joined(separator: " ")
                    table.add(orDash(step.string("at")), orDash(step.string("kind")), orDash(step.string("summary")), ids)
                }
                print("payment \(id): \(orDash(trace.string("status"))), end-to-end id \(orDash(trace.string("end_to_end_id")))\n")
                print(table.render())
            }
        }
    }
}

extension PaymentsCommand {
    /// `payments batch ID`
    struct Batch: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "batch", abstract: "A payment batch: its total, counts by status and each payment's status.")

        @OptionGroup var connection: ConnectionOptions

        @Argument(help: "The batch id (batch_id of POST /v1/payment-batches).")
        var id: String

        @Flag(help: "Print the API's JSON.")
        var json = false

        func run() async throws {
            try await runOperator { () async throws(OperatorFailure) in
                let client = try connection.client(preferring: [.paymentsRead])
                let body = try await client.get("/v1/payment-batches/\(OperatorClient.escape(id))")
                if json { return printRaw(body) }
                print(Self.render(try JSONDocument(body)))
            }
        }

        /// `batch ID: N payments, TOTAL CCY, created AT`, the counts by status, then a table of the payments.
        static func render(_ batch: JSONDocument) -> String {
            let counts = batch.fields("counts").map { "\($0.name) \($0.text)" }.joined(separator: ", ")
            var text = "batch \(orDash(batch.string("id"))): \(orDash(batch.string("count"))) payments, "
                + "\(orDash(batch.string("control_sum"))) \(orDash(batch.string("currency"))), created \(orDash(batch.string("created_at")))\n"
                + (counts.isEmpty ? "" : counts + "\n") + "\n"
            var table = TextTable("ID", "STATUS", "AMOUNT", "CREDITOR", "END-TO-END ID", "MESSAGE ID")
            for payment in batch.list("payments") {
                table.add(orDash(payment.string("id")), orDash(payment.string("status")), orDash(payment.string("amount")),
                          orDash(payment.child("creditor")?.string("name")), orDash(payment.string("end_to_end_id")),
                          orDash(payment.string("message_id")))
            }
            text += table.render()
            return text
        }
    }
}

/// `POST /v1/payments/{id}/{action}` (retry, cancel): prints the JSON, or the payment's new status.
func postPaymentAction(_ action: String, id: String, connection: ConnectionOptions, preferring scopes: Set<Scope>,
                               json: Bool) async throws {
    try await runOperator { () async throws(OperatorFailure) in
        let client = try connection.client(preferring: scopes)
        let body = try await client.post("/v1/payments/\(OperatorClient.escape(id))/\(action)")
        if json { return printRaw(body) }
        let payment = try OperatorClient.decode(PaymentDocument.self, body)
        print("payment \(payment.id) is now \(payment.status)")
    }
}
