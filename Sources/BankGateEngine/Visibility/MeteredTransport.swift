public import BankGateCore
public import Logging
public import BankGateStore

/// A bank's transport that times every call and keeps its outcome (issue 12): latency histograms
/// by bank, kind and message, errors by bank and code, the bank's last success and last error
/// (``BankHealthBoard``), and a log line for every error naming the bank, the code and the request
/// and payments the call serves (``RequestTrace``). What it wraps decides everything else.
public struct MeteredTransport: BankTransport {
    public let inner: any BankTransport
    public let bankId: String
    let visibility: GatewayVisibility
    let clock: any WallClock
    let logger: Logger

    /// What an account report request asks for, set by its sender around `report(_:)`; a statement
    /// when unset.
    @TaskLocal public static var reportKind: GatewayMetrics.CallKind?

    public init(_ inner: any BankTransport, bankId: String, visibility: GatewayVisibility, clock: any WallClock, logger: Logger) {
        self.inner = inner
        self.bankId = bankId
        self.visibility = visibility
        self.clock = clock
        self.logger = logger
    }

    public func submit(_ message: EncodedMessage) async -> TransportOutcome {
        await timed(.payment, message) { await inner.submit(message) }
    }

    public func query(_ message: EncodedMessage) async -> TransportOutcome {
        await timed(.statusQuery, message) { await inner.query(message) }
    }

    public func report(_ message: EncodedMessage) async -> TransportOutcome {
        await timed(Self.reportKind ?? .statement, message) { await inner.report(message) }
    }

    public func pickUp() async throws -> [InboundFile] { try await inner.pickUp() }

    public func settle(_ file: InboundFile, failureReason: String?) async throws {
        try await inner.settle(file, failureReason: failureReason)
    }

    /// Runs `call`, then records its duration and outcome.
    private func timed(_ kind: GatewayMetrics.CallKind, _ message: EncodedMessage,
                       _ call: () async -> TransportOutcome) async -> TransportOutcome {
        let start = ContinuousClock.now
        let outcome = await call()
        visibility.metrics.bankCall(bank: bankId, kind: kind, message: message.kind, duration: ContinuousClock.now - start)
        let now = clock.now()
        let error: (code: String, message: String)?
        switch outcome {
        case .answered(let status, _) where (200..<300).contains(status):
            error = nil
        case .answered(let status, _):
            error = ("http_\(status)", "the bank answered HTTP \(status)")
        case .delivered:
            error = nil
        case .notSent(let reason):
            error = ("not_sent", reason)
        case .unknown(let reason):
            error = ("no_answer", reason)
        }
        guard let error else {
            visibility.health.recordSuccess(bank: bankId, at: now)
            return outcome
        }
        visibility.health.recordError(bank: bankId, code: error.code, message: error.message, at: now)
        visibility.metrics.bankError(bank: bankId, code: error.code)
        var metadata: Logger.Metadata = ["bank": "\(bankId)", "code": "\(error.code)", "kind": "\(kind.rawValue)",
                                         "message_kind": "\(message.kind)", "error": "\(error.message)"]
        metadata.merge(RequestTrace.logMetadata(), uniquingKeysWith: { _, traced in traced })
        logger.warning("bank error", metadata: metadata)
        return outcome
    }
}

extension GatewayMetrics.CallKind {
    /// The kind of call an archived request exchange is: statements, balances, receipts.
    public init(request exchange: BankExchange) {
        switch exchange {
        case .payment, .paymentAnswer: self = .payment
        case .statusQuery, .statusAnswer: self = .statusQuery
        case .balanceRequest, .balanceAnswer: self = .balance
        case .receiptRequest, .receiptAnswer: self = .receipt
        case .statementRequest, .statementAnswer, .inboxFile: self = .statement
        }
    }
}

extension RequestTrace {
    /// `request_id` and `payment_id` of ``current`` as log metadata (empty outside a traced task),
    /// for the lines that must carry them whatever the log handler.
    public static func logMetadata() -> Logger.Metadata {
        metadataProvider.get()
    }
}
