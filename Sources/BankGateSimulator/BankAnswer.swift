import BankGateCore

/// How the simulated bank answers one message, for the HTTP server and the folder worker alike.
public struct BankAnswer: Hashable, Sendable {
    /// How the answer is delivered.
    public enum Delivery: Hashable, Sendable {
        /// Send `body` with `httpStatus` (folder mode: write it to the outbox).
        case respond
        /// Close the connection without any answer (folder mode: write nothing).
        case dropConnection
    }

    /// What became of the message, for the folder worker and for tests.
    public enum Effect: Hashable, Sendable {
        /// The message was handled (executed, rejected, a duplicate, or a status query answered);
        /// `subject` is the `MsgId` or query id the answer file is named after.
        case handled(subject: String)
        /// Refused for now without any effect (maintenance, injected failure): send it again later.
        case refusedForNow
        /// The message cannot be read at all.
        case unreadable(reason: String)
    }

    /// The HTTP status code (200, 400, 404, 500, 503).
    public var httpStatus: Int
    /// The body: a pain.002 for handled messages, plain text otherwise.
    public var body: [UInt8]
    /// `application/xml` or `text/plain; charset=utf-8`.
    public var contentType: String
    /// Whether to answer or to drop the connection.
    public var delivery: Delivery
    /// What became of the message.
    public var effect: Effect

    public init(httpStatus: Int, body: [UInt8], contentType: String, delivery: Delivery = .respond, effect: Effect) {
        self.httpStatus = httpStatus
        self.body = body
        self.contentType = contentType
        self.delivery = delivery
        self.effect = effect
    }

    /// A pain.002 answer.
    static func report(_ body: [UInt8], status: Int = 200, subject: String) -> BankAnswer {
        BankAnswer(httpStatus: status, body: body, contentType: "application/xml", effect: .handled(subject: subject))
    }

    /// A plain-text answer that refuses the message.
    static func text(_ status: Int, _ message: String, effect: Effect) -> BankAnswer {
        BankAnswer(httpStatus: status, body: Array((message + "\n").utf8), contentType: "text/plain; charset=utf-8",
                   effect: effect)
    }

    /// Applies an injected fault to an answer whose request was executed and committed: drop the
    /// connection, or cut the body. `.none` and `.fail` (refused before execution) change nothing.
    mutating func apply(_ decision: FaultDecision) {
        switch decision {
        case .dropAfterExecute: delivery = .dropConnection
        case .malformed: body = ISO20022BankCodec.malformed(body)
        case .none, .fail: break
        }
    }
}
