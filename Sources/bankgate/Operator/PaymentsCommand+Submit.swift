import ArgumentParser
import BankGateConfig
import BankGateCore
import BankGateTransport
import Foundation

extension PaymentsCommand {
    /// `payments submit [--file F] --idempotency-key K [--batch]`: `POST /v1/payments` (or, with
    /// `--batch`, `POST /v1/payment-batches`) with the JSON body read from a file or standard input.
    struct Submit: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "submit",
            abstract: "Submit a payment (or with --batch a batch) from a JSON body as the API takes it.",
            discussion: "The body is read from --file, or from standard input when --file is absent or `-`. "
                + "The same key with the same body answers the first answer again (a replay); another body under it is refused (409).")

        @OptionGroup var connection: ConnectionOptions

        @Option(help: ArgumentHelp("The JSON request body (`-`: standard input, the default).", valueName: "file"))
        var file: String?

        @Option(help: "The Idempotency-Key header: one key per payment or batch, reused only to repeat the same request.")
        var idempotencyKey: String

        @Flag(help: "The body is a batch ({\"payments\": [...]}, optionally \"kind\": \"payroll\"): POST /v1/payment-batches.")
        var batch = false

        @Flag(help: "Print the API's JSON.")
        var json = false

        func validate() throws {
            let key = idempotencyKey.trimmingCharacters(in: .whitespaces)
            guard !key.isEmpty else { throw ValidationError("--idempotency-key must not be empty") }
        }

        func run() async throws {
            try await runOperator { () async throws(OperatorFailure) in
                let body = try Self.readBody(file)
                let client = try connection.client(preferring: [.paymentsWrite])
                let answer = try await client.exchange("POST", batch ? "/v1/payment-batches" : "/v1/payments", body: body,
                                                       extraHeaders: [("Idempotency-Key", idempotencyKey)])
                if json { return printRaw(answer.body) }
                let document = try JSONDocument(answer.body)
                let replayed = answer.headers.contains { $0.name.lowercased() == "idempotent-replayed" && $0.value == "true" }
                print((batch ? Self.renderBatch(document) : Self.renderPayment(document))
                      + (replayed ? "\n(a replay: the first answer to this key, unchanged; the current state is in `payments show`)" : ""))
            }
        }

        /// The body from `path` (`nil` or `-`: standard input); an empty body is a usage error.
        static func readBody(_ path: String?) throws(OperatorFailure) -> [UInt8] {
            let data: Data
            if let path, path != "-" {
                guard let contents = FileManager.default.contents(atPath: path) else {
                    throw OperatorFailure(message: "cannot read \(path)", exitCode: OperatorFailure.usage)
                }
                data = contents
            } else {
                data = FileHandle.standardInput.readDataToEndOfFile()
            }
            guard data.contains(where: { !Character(UnicodeScalar($0)).isWhitespace }) else {
                throw OperatorFailure(message: "the request body is empty", exitCode: OperatorFailure.usage)
            }
            return Array(data)
        }

        static func renderPayment(_ payment: JSONDocument) -> String {
            "payment \(orDash(payment.string("id"))) accepted: \(orDash(payment.string("status"))), "
                + "\(orDash(payment.string("amount"))) \(orDash(payment.string("currency"))) from \(orDash(payment.string("debtor_account")))"
                + (payment.string("end_to_end_id").map { ", end-to-end id \($0)" } ?? "")
        }

        static func renderBatch(_ batch: JSONDocument) -> String {
            let payments = batch.list("payments")
            var table = TextTable("ID", "STATUS", "AMOUNT", "CURRENCY", "DEBTOR", "END-TO-END ID")
            for payment in payments {
                table.add(orDash(payment.string("id")), orDash(payment.string("status")), orDash(payment.string("amount")),
                          orDash(payment.string("currency")), orDash(payment.string("debtor_account")),
                          orDash(payment.string("end_to_end_id")))
            }
            return "batch \(orDash(batch.string("batch_id") ?? batch.string("id"))) accepted: \(payments.count) payment(s)\n" + table.render()
        }
    }

    /// `payments release ID`: `POST /v1/payments/{id}/release`.
    struct Release: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "release", abstract: "Release a payment held as a suspected duplicate: it is queued and sent.")

        @OptionGroup var connection: ConnectionOptions

        @Argument(help: "The payment id.")
        var id: String

        @Flag(help: "Print the API's JSON.")
        var json = false

        func run() async throws {
            try await postPaymentAction("release", id: id, connection: connection, preferring: [.operate], json: json)
        }
    }
}
