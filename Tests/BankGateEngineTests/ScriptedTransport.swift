import BankGateCore

/// What the fake transport answers to one message: computed from the message, so an answer can
/// name the `MsgId` the gateway put in it.
struct ScriptedReply: Sendable {
    let answer: @Sendable (EncodedMessage) -> TransportOutcome

    static func outcome(_ outcome: TransportOutcome) -> ScriptedReply {
        ScriptedReply { _ in outcome }
    }

    /// HTTP `http` with a pain.002 about the message (or the message queried), group status `status`.
    static func report(_ status: String = "ACSC", http: Int = 200) -> ScriptedReply {
        ScriptedReply { message in
            .answered(status: http, body: BankDocuments.statusReport(
                originalMessageId: BankDocuments.originalMessageId(of: message), groupStatus: status))
        }
    }

    /// A group rejection with reason `code` (e.g. `DUPL`), with HTTP `http`.
    static func groupRejection(_ code: String, http: Int = 200) -> ScriptedReply {
        ScriptedReply { message in
            .answered(status: http, body: BankDocuments.statusReport(
                originalMessageId: BankDocuments.originalMessageId(of: message), groupStatus: "RJCT", reasonCode: code))
        }
    }

    /// The agreed "never received" answer to a status query: HTTP 404, RJCT with reason NOTFOUND.
    static let notFound = groupRejection("NOTFOUND", http: 404)

    /// HTTP `http` with a body that is no status report.
    static func http(_ http: Int, _ text: String = "error") -> ScriptedReply {
        outcome(.answered(status: http, body: Array(text.utf8)))
    }
}

/// A `BankTransport` that records every message it is given and answers from scripts (one for
/// payments, one for status queries; an empty script answers with an ACSC report). While its gate
/// is closed, every send and query waits until the gate opens.
actor ScriptedTransport: BankTransport {
    /// One message as the transport saw it, with the manual clock's time.
    struct Seen: Sendable {
        enum Channel: Sendable { case submit, query }
        var channel: Channel
        var kind: String
        var bytes: [UInt8]
        var at: Timestamp
        var messageId: String? { BankDocuments.element("MsgId", in: bytes) }
    }

    private let clock: any WallClock
    private var submitScript: [ScriptedReply] = []
    private var queryScript: [ScriptedReply] = []
    private(set) var seen: [Seen] = []
    private(set) var pickUps = 0
    private(set) var inFlight = 0
    private(set) var maxInFlight = 0
    private var gateClosed = false
    private var waiting: [CheckedContinuation<Void, Never>] = []

    init(clock: any WallClock) {
        self.clock = clock
    }

    var submitted: [Seen] { seen.filter { $0.channel == .submit } }
    var queries: [Seen] { seen.filter { $0.channel == .query } }

    /// Appends answers for the next payment messages.
    func scriptSubmits(_ replies: ScriptedReply...) { submitScript += replies }
    /// Appends answers for the next status queries.
    func scriptQueries(_ replies: ScriptedReply...) { queryScript += replies }

    /// Drops the status-query answers not given yet (the next queries get an ACSC report).
    func clearQueryScript() { queryScript = [] }

    func closeGate() { gateClosed = true }

    func openGate() {
        gateClosed = false
        let released = waiting
        waiting = []
        for continuation in released { continuation.resume() }
    }

    func submit(_ message: EncodedMessage) async -> TransportOutcome {
        let reply = submitScript.isEmpty ? ScriptedReply.report() : submitScript.removeFirst()
        return await exchange(message, channel: .submit, reply: reply)
    }

    func query(_ message: EncodedMessage) async -> TransportOutcome {
        let reply = queryScript.isEmpty ? ScriptedReply.report() : queryScript.removeFirst()
        return await exchange(message, channel: .query, reply: reply)
    }

    private func exchange(_ message: EncodedMessage, channel: Seen.Channel, reply: ScriptedReply) async -> TransportOutcome {
        seen.append(Seen(channel: channel, kind: message.kind, bytes: message.bytes, at: clock.now()))
        inFlight += 1
        maxInFlight = max(maxInFlight, inFlight)
        if gateClosed {
            await withCheckedContinuation { waiting.append($0) }
        }
        inFlight -= 1
        return reply.answer(message)
    }

    /// Counts the lane's loop turns (the lane looks at its inbox once per turn).
    func pickUp() async throws -> [InboundFile] {
        pickUps += 1
        return []
    }

    func settle(_ file: InboundFile, failureReason: String?) async throws {}
}
