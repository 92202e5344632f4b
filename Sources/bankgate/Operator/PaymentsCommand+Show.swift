import ArgumentParser
import BankGateConfig
import BankGateCore
import Foundation

extension PaymentsCommand {
    /// `payments show ID [--messages]`
    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "show",
            abstract: "Show one payment with its history and, with --messages, every bank message about it."
        )

        @OptionGroup var connection: ConnectionOptions

        @Argument(help: "The payment id.")
        var id: String

        @Flag(help: "Also show the archived bank messages, bodies included.")
        var messages = false

        @Flag(help: "Print JSON: the payment, or {\"payment\", \"messages\"} with --messages.")
        var json = false

        func run() async throws {
            try await runOperator { () async throws(OperatorFailure) in
                let client = try connection.client(preferring: [.operate, .paymentsRead])
                let path = "/v1/payments/\(OperatorClient.escape(id))"
                let paymentBody = try await client.get(path)
                let messageBody = messages ? try await client.get(path + "/messages") : nil
                if json {
                    guard let messageBody else { return printRaw(paymentBody) }
                    return printRaw(Self.combine(payment: paymentBody, messages: messageBody))
                }
                var text = Self.render(try OperatorClient.decode(PaymentDocument.self, paymentBody))
                if let messageBody {
                    text += "\n\n" + Self.render(try OperatorClient.decode(MessageListDocument.self, messageBody))
                }
                print(text)
            }
        }

        /// `{"payment": …, "messages": [ … ]}` from the two API answers.
        static func combine(payment: [UInt8], messages: [UInt8]) -> [UInt8] {
            var list = JSONWriter(capacity: messages.count)
            switch (try? JSONValue.parse(messages))?["messages"] {
            case let value? where value.arrayValue != nil || value.objectMembers != nil: list.value(value)
            default: list.value(.array([]))
            }
            return Array("{\"payment\":".utf8) + payment + Array(",\"messages\":".utf8) + list.bytes + [UInt8(ascii: "}")]
        }

        static func render(_ payment: PaymentDocument) -> String {
            var fields: [(String, String?)] = [
                ("Payment", payment.id), ("Status", payment.status),
                ("Amount", "\(payment.amount) \(payment.currency)"), ("Debtor account", payment.debtorAccount),
                ("Creditor", payment.creditor.name), ("Creditor account", payment.creditor.account),
                ("Creditor bank", payment.creditor.bankCode), ("Remittance", payment.remittanceInfo),
                ("End-to-end id", payment.endToEndId), ("Instruction id", payment.instructionId),
                ("Message id", payment.messageId), ("Payment info id", payment.paymentInfoId),
                ("Batch", payment.batchId), ("Execution date", payment.requestedExecutionDate),
                ("Attempts", payment.attempts.map(String.init)), ("Bank status", payment.bankStatus),
            ]
            if payment.reasonCode != nil || payment.reasonText != nil {
                fields.append(("Reason", [payment.reasonCode, payment.reasonText].compactMap { $0 }.joined(separator: " ")))
            }
            fields += [("Last error", payment.lastError)]
            if let held = payment.holdReason { fields.append(("Held", held)) }
            fields += [("Created", payment.createdAt), ("Updated", payment.updatedAt)]
            let labelWidth = fields.map(\.0.count).max() ?? 0
            var lines = fields.compactMap { label, value in
                value.map { label + ":" + String(repeating: " ", count: labelWidth - label.count + 1) + $0 }
            }
            if let history = payment.history, !history.isEmpty {
                lines.append("")
                lines.append("History")
                var table = TextTable("AT", "FROM", "TO", "CAUSE", "ATTEMPT", "BANK STATUS", "REASON CODE", "REASON")
                for step in history {
                    table.add(step.at, orDash(step.from), step.to, step.cause, String(step.attempt),
                              orDash(step.bankStatus), orDash(step.reasonCode), orDash(step.reason))
                }
                lines.append(table.render())
            }
            return lines.joined(separator: "\n")
        }

        static func render(_ list: MessageListDocument) -> String {
            guard !list.messages.isEmpty else { return "No bank messages." }
            var blocks: [String] = []
            for message in list.messages {
                let exchange = message.exchange.map { "\($0) " } ?? ""
                var header = "#\(message.id) \(message.direction) \(exchange)\(message.kind) at \(message.at), \(message.size) bytes"
                if let attempt = message.attempt { header += ", attempt \(attempt)" }
                if let status = message.httpStatus { header += ", HTTP \(status)" }
                header += ", bank \(message.bankId), sha256 \(message.sha256)"
                let body = message.body
                    ?? message.storedFile.map { "(archived as the file \($0) in the data directory)" }
                    ?? "(not UTF-8 text; base64) \(message.bodyBase64 ?? "")"
                blocks.append(header + "\n" + body)
            }
            return "Messages\n" + blocks.joined(separator: "\n\n")
        }
    }
}
