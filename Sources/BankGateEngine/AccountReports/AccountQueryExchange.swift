import BankGateAdapters
import BankGateConfig
import BankGateCore
import BankGateStore
import BankGateTransport
import Logging

/// Sends the queries bankgate makes about one account (transactions, balances, receipts) over its
/// bank's transport, each archived byte for byte before it leaves, and its answer after it came.
/// The statement pull and the receipt pull both ask through this.
struct AccountQueryExchange: Sendable {
    var connection: BankConnection
    var transport: any BankTransport
    var bankId: String
    var accountId: String
    var payments: PaymentStore
    var clock: any WallClock
    var logger: Logger

    /// Refuses (503 `bank_maintenance`) while the bank is in one of its maintenance windows.
    func checkNotInMaintenance() throws(GatewayError) {
        guard !connection.config.timetable.isInMaintenance(at: clock.now()) else {
            throw GatewayError(.unavailable, code: .bankMaintenance,
                               message: "bank \(bankId) is in a maintenance window and is not called until it ends")
        }
    }

    /// Archives one message of a pull; a pull whose messages cannot be archived does not go on.
    func archive(_ message: MessageToArchive, at: Timestamp) async throws(GatewayError) -> Int64 {
        do {
            return try await payments.archive(bankId: bankId, message: message, at: at)
        } catch {
            logger.error("cannot archive a report exchange", metadata: ["account": "\(accountId)", "error": "\(error)"])
            throw GatewayError(storeError: error)
        }
    }

    /// Sends one query, archiving it and its answer; the answer's body and archive id when the bank
    /// answered 2xx. Inside one of the bank's maintenance windows nothing is sent (503
    /// `bank_maintenance`): manual pulls, balance refreshes and plans' pulls alike.
    func ask(_ request: EncodedMessage, exchange: (request: BankExchange, answer: BankExchange))
        async throws(GatewayError) -> ([UInt8], Int64) {
        try checkNotInMaintenance()
        let requestId = try await archive(MessageToArchive(direction: .outbound, kind: request.kind, exchange: exchange.request,
                                                           accountId: accountId,
                                                           bytes: connection.adapter.archivableBytes(request)), at: clock.now())
        let outcome = await MeteredTransport.$reportKind.withValue(GatewayMetrics.CallKind(request: exchange.request)) {
            await transport.report(request)
        }
        switch outcome {
        case .answered(let status, let body):
            await connection.noteAnswer(body)
            let answerId = try await archive(MessageToArchive(
                direction: .inbound, kind: request.kind + ".answer", exchange: exchange.answer, accountId: accountId,
                requestId: requestId, httpStatus: status, bytes: body), at: clock.now())
            guard (200..<300).contains(status) else {
                logger.warning("account query refused", metadata: ["account": "\(accountId)", "status": "\(status)"])
                throw GatewayError(.unavailable, code: .bankRefused, message: "the bank answered HTTP \(status) to \(request.kind)")
            }
            return (body, answerId)
        case .notSent(let reason), .unknown(let reason):
            throw GatewayError(.unavailable, code: .bankUnreachable, message: "\(request.kind) failed: \(reason)")
        case .delivered:
            throw GatewayError(.unavailable, code: .bankUnreachable, message: "\(request.kind) has no synchronous answer on this transport")
        }
    }
}
