import BankGateEngine
import HummingbirdCore
import Logging
import NIOCore
import NIOHTTPTypes
import NIOSSL

/// The first handler of every API connection, before HTTP decoding: admits the connection
/// against the ``ConnectionGate`` (or answers 503 and closes it), and cuts it when a deadline
/// passes — no request for the idle timeout; a request's head not complete within the header
/// timeout of its first byte; its body not complete within the body timeout of its head. The
/// deadlines are for the whole head and the whole body, not between bytes, so a client sending
/// a byte every few seconds is cut all the same. While a request is being handled (the body is
/// in, the answer not yet written) no deadline runs: a long-poll may take its time.
final class ConnectionGuard: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    /// What the connection is waiting for.
    enum Phase: Equatable {
        /// The next request (idle timeout).
        case idle
        /// The rest of a request's head (header timeout).
        case head
        /// The rest of a request's body (body timeout).
        case body
        /// The answer to a request that has arrived whole (no deadline).
        case handling
    }

    private let policy: APIConnectionPolicy
    private let gate: ConnectionGate
    private var context: ChannelHandlerContext?
    private var admitted = false
    private var refused = false
    private(set) var phase = Phase.idle
    /// Requests whose head arrived and whose answer has not been written yet.
    private var openRequests = 0
    /// Bytes of a next request arrived while one was being handled.
    private var pipelined = false
    private var deadline: Scheduled<Void>?
    /// Tells a stale timer from the current one.
    private var generation = 0

    init(policy: APIConnectionPolicy, gate: ConnectionGate) {
        self.policy = policy
        self.gate = gate
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        if context.channel.isActive { admit(context) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        disarm()
        if admitted { admitted = false; gate.release() }
        self.context = nil
    }

    func channelActive(context: ChannelHandlerContext) {
        admit(context)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        disarm()
        if admitted { admitted = false; gate.release() }
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !refused else { return }  // being closed: nothing reaches the router
        switch phase {
        case .idle:
            enter(.head)
        case .handling:
            pipelined = true
        case .head, .body:
            break
        }
        context.fireChannelRead(data)
    }

    // MARK: - From the HTTP side (``RequestProgressObserver``)

    /// A request's head was decoded: its body is due within the body timeout.
    func headReceived() {
        openRequests += 1
        enter(.body)
    }

    /// A request arrived whole: no deadline while it is handled (or idle, if already answered).
    func requestEnded() {
        enter(openRequests > 0 ? .handling : .idle)
    }

    /// The answer to a request was written.
    func responseEnded() {
        openRequests = max(0, openRequests - 1)
        guard phase == .handling, openRequests == 0 else { return }
        if pipelined {
            pipelined = false
            enter(.head)
        } else {
            enter(.idle)
        }
    }

    // MARK: - Admission and deadlines

    private func admit(_ context: ChannelHandlerContext) {
        guard !admitted, !refused else { return }
        if gate.admit() {
            admitted = true
            enter(.idle)
        } else {
            refused = true
            gate.record(.refusedAtLimit, on: context.eventLoop)
            context.writeAndFlush(NIOAny(Self.tooManyConnections), promise: nil)
            context.close(promise: nil)
        }
    }

    private func enter(_ next: Phase) {
        phase = next
        switch next {
        case .idle: arm(policy.idleTimeout)
        case .head: arm(policy.headerTimeout)
        case .body: arm(policy.bodyTimeout)
        case .handling: disarm()
        }
    }

    private func arm(_ timeout: Duration) {
        disarm()
        guard let context else { return }
        let armed = generation
        let phase = phase
        deadline = context.eventLoop.assumeIsolated().scheduleTask(in: TimeAmount(timeout)) {
            self.expired(phase, generation: armed)
        }
    }

    private func disarm() {
        generation += 1
        deadline?.cancel()
        deadline = nil
    }

    private func expired(_ phase: Phase, generation armed: Int) {
        guard armed == generation, phase == self.phase, let context else { return }
        deadline = nil
        switch phase {
        case .idle:
            gate.record(.idle, on: context.eventLoop)
        case .head:
            gate.record(.headerTimeout, on: context.eventLoop)
            // Nothing of an answer is under way, so a 408 cannot interleave with one.
            if openRequests == 0 { context.writeAndFlush(NIOAny(Self.requestTimeout), promise: nil) }
        case .body:
            gate.record(.bodyTimeout, on: context.eventLoop)
        case .handling:
            return
        }
        context.close(promise: nil)
    }

    /// `503` with an error document, written below the HTTP encoder on a connection never admitted.
    static let tooManyConnections: ByteBuffer = {
        let body = #"{"error":{"code":"\#(GatewayError.Code.unavailable.rawValue)","message":"too many connections; try again later"}}"#
        return ByteBuffer(string: "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\n"
                            + "Content-Length: \(body.utf8.count)\r\nConnection: close\r\nRetry-After: 1\r\n\r\n" + body)
    }()

    /// `408` without a body, for a head that did not arrive in time.
    static let requestTimeout = ByteBuffer(string: "HTTP/1.1 408 Request Timeout\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
}

@available(*, unavailable)
extension ConnectionGuard: Sendable {}

/// Sits after HTTP decoding and tells the connection's ``ConnectionGuard`` where each request is:
/// head decoded, request complete, answer written.
final class RequestProgressObserver: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let connection: ConnectionGuard

    init(_ connection: ConnectionGuard) {
        self.connection = connection
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head: connection.headReceived()
        case .body: break
        case .end: connection.requestEnded()
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) { connection.responseEnded() }
        context.write(data, promise: promise)
    }
}

@available(*, unavailable)
extension RequestProgressObserver: Sendable {}

/// Hummingbird's HTTP/1.1 child channel with a ``ConnectionGuard`` in front of it and a
/// ``RequestProgressObserver`` after the decoder. Hummingbird's own idle timeout is off: the guard
/// keeps every deadline.
struct GuardedHTTP1Channel: ServerChildChannel {
    typealias Value = HTTP1Channel.Value

    let responder: HTTPChannelHandler.Responder
    let policy: APIConnectionPolicy
    let gate: ConnectionGate
    /// HTTPS: the TLS handler goes after the guard (whose deadlines then cover the handshake too),
    /// and a ``ClientCertificateStamp`` after the HTTP decoder.
    var tls: APITLS? = nil

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        let policy = policy, gate = gate, responder = responder, tls = tls
        return channel.eventLoop.makeCompletedFuture { () -> NIOLoopBound<[any RemovableChannelHandler]> in
            let connection = ConnectionGuard(policy: policy, gate: gate)
            try channel.pipeline.syncOperations.addHandler(connection, position: .first)
            var handlers: [any RemovableChannelHandler] = [RequestProgressObserver(connection)]
            if let tls {
                try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: tls.context), position: .after(connection))
                handlers.append(ClientCertificateStamp())
            }
            return NIOLoopBound(handlers, eventLoop: channel.eventLoop)
        }.flatMap { handlers in
            HTTP1Channel(responder: responder, configuration: .init(additionalChannelHandlers: handlers.value, idleTimeout: nil))
                .setup(channel: channel, logger: logger)
        }
    }

    func handle(value: Value, logger: Logger) async {
        await HTTP1Channel(responder: responder).handle(value: value, logger: logger)
    }
}
