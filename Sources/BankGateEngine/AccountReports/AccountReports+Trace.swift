public import BankGateCore
public import BankGateStore

/// One link of a payment's chain, from the API request to the statement entry that booked it.
public struct TraceStep: Sendable {
    /// `api_request`, `transition`, `bank_message`, `status_report`, `statement_entry`, `match`, `receipt`.
    public var kind: String
    public var at: Timestamp
    /// What happened, for people.
    public var summary: String
    /// Identifiers of this step (`message_id`, `transaction_id`, `statement_id`, `match_id` …).
    public var identifiers: [(String, String)]

    public init(kind: String, at: Timestamp, summary: String, identifiers: [(String, String)]) {
        self.kind = kind
        self.at = at
        self.summary = summary
        self.identifiers = identifiers
    }
}

/// The whole chain of one payment.
public struct PaymentTrace: Sendable {
    public var payment: PaymentRecord
    public var steps: [TraceStep]
}

extension AccountReports {
    /// The chain of `paymentId` in time order: the API request that brought it, every transition,
    /// each bank message that carried it or answered about it, the statement entries that booked
    /// it, the matches, and the electronic receipts linked to it.
    public func trace(paymentId: String) async throws(GatewayError) -> PaymentTrace {
        do {
            guard let payment = try await payments.payment(id: paymentId) else {
                throw GatewayError(.notFound, code: .notFound, message: "no payment with this id")
            }
            var steps: [TraceStep] = []
            for transition in try await payments.history(paymentId: paymentId) {
                if transition.from == nil {
                    steps.append(TraceStep(kind: "api_request", at: transition.at, summary: transition.reason ?? "accepted",
                                           identifiers: [("payment_id", payment.id), ("end_to_end_id", payment.endToEndId),
                                                         ("instruction_id", payment.instructionId)] + (payment.batchId.map { [("batch_id", $0)] } ?? [])))
                    continue
                }
                var identifiers: [(String, String)] = [("attempt", String(transition.attempt))]
                if let status = transition.bankStatus { identifiers.append(("bank_status", status)) }
                if let code = transition.reasonCode { identifiers.append(("reason_code", code)) }
                steps.append(TraceStep(kind: "transition", at: transition.at,
                                       summary: "\(transition.from?.rawValue ?? "-") → \(transition.to.rawValue)"
                                           + (transition.reason.map { ": \($0)" } ?? ""),
                                       identifiers: identifiers))
            }
            for message in try await payments.messages(paymentId: paymentId) {
                let kind = message.direction == .outbound ? "bank_message" : "status_report"
                var identifiers: [(String, String)] = [("archive_id", String(message.id)), ("kind", message.kind), ("bank", message.bankId),
                                                       ("bytes", String(message.bytes.count))]
                if message.direction == .outbound { identifiers.append(("message_id", payment.messageId)) }
                if let status = message.httpStatus { identifiers.append(("http_status", String(status))) }
                steps.append(TraceStep(kind: kind, at: message.at,
                                       summary: "\(message.direction == .outbound ? "sent" : "received") \(message.kind)",
                                       identifiers: identifiers))
            }
            let matches = try await reconciliation.matches(target: .payment(paymentId))
            var transactionIds = Set(matches.filter { $0.state == .confirmed }.map(\.transactionId))
            for transaction in try await statements.transactions(endToEndId: payment.endToEndId)
                where transaction.accountId == payment.debtorAccountId {
                transactionIds.insert(transaction.id)
            }
            for id in transactionIds.sorted() {
                guard let transaction = try await statements.transaction(id: id) else { continue }
                let statement = try await statements.statement(id: "stm_\(transaction.statementRow)")
                steps.append(TraceStep(
                    kind: "statement_entry", at: transaction.createdAt,
                    summary: "\(transaction.draft.status) \(transaction.draft.amount.decimalString) \(transaction.draft.amount.currency.code) on \(transaction.draft.bookingDate ?? "-")",
                    identifiers: [("transaction_id", transaction.id), ("statement_id", "stm_\(transaction.statementRow)"),
                                  ("bank_statement_id", transaction.draft.statementId),
                                  ("format", statement?.draft.format ?? "?"),
                                  ("account_servicer_reference", transaction.draft.accountServicerReference ?? ""),
                                  ("source", "\(statement?.draft.sourceName ?? "") line \(transaction.draft.sourceLine)")]))
            }
            for match in matches {
                steps.append(TraceStep(kind: "match", at: match.decidedAt ?? match.createdAt,
                                       summary: "\(match.kind) match, \(match.state)" + (match.decidedBy.map { " by \($0)" } ?? ""),
                                       identifiers: [("match_id", match.id), ("transaction_id", match.transactionId),
                                                     ("reasons", match.reasons.joined(separator: ","))]))
            }
            for receipt in try await ReceiptStore(sharing: payments).receipts(paymentId: paymentId) {
                let link = receipt.links.first { $0.paymentId == paymentId }
                steps.append(TraceStep(
                    kind: "receipt", at: receipt.createdAt,
                    summary: "receipt \(receipt.draft.receiptNumber ?? receipt.draft.bankSerial ?? receipt.id) of \(receipt.draft.bookingDate), "
                        + "\(link?.confirmed == false ? "suggested" : "linked") by \(link?.method.rawValue ?? "-")",
                    identifiers: [("receipt_id", receipt.id), ("content_type", receipt.draft.contentType),
                                  ("sha256", receipt.draft.sha256), ("origin", receipt.draft.origin.rawValue)]))
            }
            steps.sort { $0.at < $1.at }
            return PaymentTrace(payment: payment, steps: steps)
        } catch {
            throw Self.gatewayError(error)
        }
    }
}
