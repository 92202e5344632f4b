import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle

/// What a profile reached over raw TCP (ABC's client port) does with one connection's bytes.
struct SimulatorTCPExchange: Sendable {
    /// The length of the whole request once enough of it has arrived to tell (ABC: the 7-byte header
    /// announces it), `nil` while it cannot tell yet.
    /// - Throws: ``BankCodecError`` when the bytes cannot start a request (a broken header).
    var requestLength: @Sendable ([UInt8]) throws(BankCodecError) -> Int?
    /// Answers a whole request, or a broken one (the bytes up to the error) with the profile's
    /// format error: the answer is written and the connection closed, or closed at once for
    /// ``BankAnswer/Delivery/dropConnection``.
    var answer: @Sendable (_ request: [UInt8], _ error: BankCodecError?) async -> BankAnswer
    /// The largest request read; a longer one is answered as broken.
    var maximumRequestBytes: Int
}

/// The simulator's raw TCP listener (SwiftNIO `ServerBootstrap`): one request per connection, read
/// until ``SimulatorTCPExchange/requestLength`` says it is whole, answered, then closed. Connections
/// are served concurrently, each in a child task; graceful shutdown closes the listening socket and
/// lets the connections under way finish.
final class SimulatorTCPListener: Sendable {
    private let server: NIOAsyncChannel<NIOAsyncChannel<ByteBuffer, ByteBuffer>, Never>
    private let exchange: SimulatorTCPExchange
    private let logger: Logger

    /// The bound port.
    var port: Int? { server.channel.localAddress?.port }

    /// Binds `address` now (port 0 picks a free port), so that the port is known before serving.
    /// A connection on which nothing is read for `idleMilliseconds` is closed (a client that never
    /// completes its request); the answer's latency must fit in it.
    static func bind(_ address: ListenAddress, exchange: SimulatorTCPExchange, idleMilliseconds: Int,
                     logger: Logger) async throws -> SimulatorTCPListener {
        let idle = TimeAmount.milliseconds(Int64(idleMilliseconds))
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .bind(host: address.host, port: address.port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandlers([IdleStateHandler(readTimeout: idle), CloseWhenIdle()])
                    return try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        return SimulatorTCPListener(server: server, exchange: exchange, logger: logger)
    }

    private init(server: NIOAsyncChannel<NIOAsyncChannel<ByteBuffer, ByteBuffer>, Never>, exchange: SimulatorTCPExchange,
                 logger: Logger) {
        self.server = server
        self.exchange = exchange
        self.logger = logger
    }

    /// Accepts connections until graceful shutdown or cancellation, then waits for those under way.
    func serve() async throws {
        let channel = server.channel
        try await withGracefulShutdownHandler {
            try await withTaskCancellationHandler {
                try await server.executeThenClose { connections in
                    await withDiscardingTaskGroup { group in
                        do {
                            for try await connection in connections {
                                group.addTask { await self.serve(connection) }
                            }
                        } catch {
                            // The listening socket was closed under the loop: stop accepting.
                        }
                    }
                }
            } onCancel: {
                channel.close(promise: nil)
            }
        } onGracefulShutdown: {
            channel.close(promise: nil)
        }
    }

    /// Closes the listening socket (the service's run ends after the connections under way).
    func close() {
        server.channel.close(promise: nil)
    }

    /// One connection: read the request, answer it (or drop the connection), close.
    private func serve(_ connection: NIOAsyncChannel<ByteBuffer, ByteBuffer>) async {
        do {
            try await connection.executeThenClose { inbound, outbound in
                var received: [UInt8] = []
                var failure: BankCodecError?
                var whole = false
                for try await chunk in inbound {
                    received += chunk.readableBytesView
                    switch Result(catching: { () throws(BankCodecError) in try exchange.requestLength(received) }) {
                    case .success(let length?) where received.count >= length:
                        whole = received.count == length
                        if !whole { failure = BankCodecError("\(received.count - length) bytes after the announced request") }
                    case .success:
                        if received.count > exchange.maximumRequestBytes {
                            failure = BankCodecError("request over \(exchange.maximumRequestBytes) bytes")
                        }
                    case .failure(let error):
                        failure = error
                    }
                    if whole || failure != nil { break }
                }
                // The client closed before the request was whole: nothing to answer.
                guard whole || failure != nil else { return }
                let answer = await exchange.answer(received, failure)
                guard answer.delivery == .respond else { return }
                try await outbound.write(ByteBuffer(bytes: answer.body))
            }
        } catch {
            logger.debug("bank simulator TCP connection ended", metadata: ["error": "\(error)"])
        }
    }
}

/// Closes a connection when ``IdleStateHandler`` reports it idle.
private final class CloseWhenIdle: ChannelInboundHandler {
    typealias InboundIn = NIOAny

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is IdleStateHandler.IdleStateEvent {
            context.close(promise: nil)
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }
}
