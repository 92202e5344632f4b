import BankGateAPI
import BankGateConfig
import BankGateTestSupport
import Hummingbird
import Logging
import ServiceLifecycle
import Synchronization
import XCTest

/// Issue 8.3: 20,000 idle connections exhausted the file descriptors, and a head or body sent a
/// byte every 2 s (even without a token) was held for as long as the client liked. Each attack
/// here runs over real sockets against the API with short deadlines (0.5 s); the bounds asserted
/// are generous (10 s) so a loaded machine does not fail them, and the old server fails every one.
final class ConnectionPolicyTests: XCTestCase {
    static func policy(idle: Duration = .milliseconds(500), maxConnections: Int = 16,
                       reportInterval: Duration = .seconds(60)) -> APIConnectionPolicy {
        APIConnectionPolicy(idleTimeout: idle, headerTimeout: .milliseconds(500), bodyTimeout: .milliseconds(500),
                            maxConnections: maxConnections, reportInterval: reportInterval)
    }

    static let healthz = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"

    func testAnIdleConnectionIsClosedAfterTheIdleTimeout() async throws {
        try await withLiveAPI(Self.policy()) { port, gate in
            let silent = try LoopbackSocket(port: port)
            let served = try LoopbackSocket(port: port)
            served.send(Self.healthz)
            let status = try await served.waitForAnswer()
            XCTAssertEqual(status, 200, "a keep-alive client is served first")

            let silentClosed = try await silent.waitUntilClosed(seconds: 10)
            let servedClosed = try await served.waitUntilClosed(seconds: 10)
            XCTAssertTrue(silentClosed, "a connection that never sends is closed")
            XCTAssertTrue(servedClosed, "a keep-alive connection is closed once idle")
            XCTAssertTrue(silent.received.isEmpty)
            XCTAssertEqual(gate.totals.idleClosed, 2)
            try await Self.waitUntil("both places are given back") { gate.openConnections == 0 }
        }
    }

    func testAHeadSentAByteAtATimeIsCut() async throws {
        try await withLiveAPI(Self.policy(idle: .seconds(30))) { port, gate in
            let client = try LoopbackSocket(port: port)
            client.send("POST /v1/payments HTTP/1.1\r\nHo")
            // A byte every 100 ms: never idle for long, but the head is never finished.
            let closed = try await Self.trickle(into: client, seconds: 10)
            XCTAssertTrue(closed, "the slow head was held for 10 s")
            XCTAssertTrue(client.receivedText.hasPrefix("HTTP/1.1 408"), client.receivedText)
            XCTAssertEqual(gate.totals.headerTimeouts, 1)
            XCTAssertEqual(gate.totals.idleClosed, 0)
        }
    }

    func testABodySentAByteAtATimeIsCutWithOrWithoutAToken() async throws {
        try await withLiveAPI(Self.policy(idle: .seconds(30))) { port, gate in
            for (index, token) in [nil, TestTokens.writer].enumerated() {
                let client = try LoopbackSocket(port: port)
                client.send("POST /v1/payments HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                            + (token.map { "Authorization: Bearer \($0)\r\nIdempotency-Key: slow-\(index)\r\n" } ?? "")
                            + "Content-Length: 1000\r\n\r\n{")
                let closed = try await Self.trickle(into: client, seconds: 10)
                XCTAssertTrue(closed, "the slow body was held for 10 s (token: \(token != nil))")
                XCTAssertEqual(gate.totals.bodyTimeouts, index + 1)
            }
            XCTAssertEqual(gate.totals.headerTimeouts, 0)
        }
    }

    func testConnectionsOverTheLimitAreRefusedAndServedAgainOnceOthersClose() async throws {
        let log = CapturedLog()
        try await withLiveAPI(Self.policy(idle: .seconds(30), maxConnections: 2), logger: log.logger) { port, gate in
            let first = try LoopbackSocket(port: port)
            let second = try LoopbackSocket(port: port)
            for client in [first, second] {
                client.send(Self.healthz)
                let status = try await client.waitForAnswer()
                XCTAssertEqual(status, 200)
            }
            XCTAssertEqual(gate.openConnections, 2)

            // Twenty more while both are open: each is answered 503 and closed.
            for _ in 0..<20 {
                let refused = try LoopbackSocket(port: port)
                let closed = try await refused.waitUntilClosed(seconds: 10)
                XCTAssertTrue(closed, "a connection over the limit was kept open")
                XCTAssertTrue(refused.received.isEmpty || refused.receivedText.hasPrefix("HTTP/1.1 503"), refused.receivedText)
            }
            XCTAssertEqual(gate.totals.refusedAtLimit, 20)
            XCTAssertEqual(gate.openConnections, 2)
            // The first two are still served.
            first.send(Self.healthz)
            let stillServed = try await first.waitForAnswer()
            XCTAssertEqual(stillServed, 200)

            // One summary line for the twenty (the next is due only after the report interval).
            try await Self.waitUntil("the refusals are reported") { log.lines(containing: "refused or cut").count == 1 }
            XCTAssertEqual(log.lines(containing: "refused or cut").count, 1)
            XCTAssertEqual(log.lines(atLeast: .warning).count, 1, log.lines(atLeast: .warning).joined(separator: "\n"))

            first.close()
            second.close()
            try await Self.waitUntil("the places are given back") { gate.openConnections == 0 }
            let later = try LoopbackSocket(port: port)
            later.send(Self.healthz)
            let status = try await later.waitForAnswer()
            XCTAssertEqual(status, 200, "served again once the others closed")
        }
    }

    func testTheLimitKeepsFileDescriptorsForTheRestOfTheGateway() {
        var server = ServerConfig(host: "127.0.0.1", port: 0, dataDirectory: "/tmp")
        XCTAssertEqual(server.effectiveMaxConnections(openFileLimit: 1_048_576), ServerConfig.defaultMaxConnections)
        XCTAssertEqual(server.effectiveMaxConnections(openFileLimit: 1_024), 1_024 - ServerConfig.reservedFileDescriptors)
        server.maxConnections = 50_000
        XCTAssertEqual(server.effectiveMaxConnections(openFileLimit: 4_096), 4_096 - ServerConfig.reservedFileDescriptors)
        server.maxConnections = 10
        XCTAssertEqual(APIConnectionPolicy(server: server, openFileLimit: 4_096).maxConnections, 10)
        XCTAssertEqual(server.effectiveMaxConnections(openFileLimit: 100), 1, "at least one")
        let policy = APIConnectionPolicy(server: ServerConfig(host: "127.0.0.1", port: 0, dataDirectory: "/tmp"))
        XCTAssertEqual(policy.idleTimeout, .seconds(60))
        XCTAssertEqual(policy.headerTimeout, .seconds(10))
        XCTAssertEqual(policy.bodyTimeout, .seconds(30))
    }

    // MARK: - Helpers

    /// Sends a byte every 100 ms until the server closes the connection; `false` after `seconds`.
    private static func trickle(into client: LoopbackSocket, seconds: Double) async throws -> Bool {
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        while ContinuousClock.now < deadline {
            if client.drain() { return true }
            client.send("x")
            try await Task.sleep(for: .milliseconds(100))
        }
        return client.drain()
    }

    private static func waitUntil(_ what: String, seconds: Int = 10, _ condition: () -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(seconds)
        while !condition() {
            guard ContinuousClock.now < deadline else { return XCTFail("timed out waiting until \(what)") }
            try await Task.sleep(for: .milliseconds(10))
        }
    }

    /// Runs the API over a ``FakeGateway`` on a free loopback port with `policy`, for `body`.
    private func withLiveAPI(_ policy: APIConnectionPolicy, logger: Logger = Logger(label: "api-tests", factory: { _ in SwiftLogNoOpLogHandler() }),
                             _ body: @escaping (Int, ConnectionGate) async throws -> Void) async throws {
        let gate = ConnectionGate(policy: policy, logger: logger)
        let router = APIServer.makeRouter(gateway: FakeGateway(), tokens: TestTokens.all, maxBodyBytes: 1 << 20,
                                          clock: FixedClock(instant: APIHarness.today))
        let ports = AsyncStream<Int>.makeStream()
        let app = Application(router: router, server: APIServer.httpServer(policy: policy, gate: gate),
                              configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                              onServerRunning: { ports.continuation.yield($0.localAddress?.port ?? 0) }, logger: logger)
        let services = ServiceGroup(services: [app], logger: logger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await services.run() }
            var iterator = ports.stream.makeAsyncIterator()
            let port = await iterator.next() ?? 0
            do {
                try await body(port, gate)
            } catch {
                await services.triggerGracefulShutdown()
                throw error
            }
            await services.triggerGracefulShutdown()
            try await group.waitForAll()
        }
    }
}

/// Log lines kept in memory, to count what a test caused to be logged.
final class CapturedLog: Sendable {
    private let entries = Mutex<[(level: Logger.Level, text: String)]>([])

    var logger: Logger {
        var logger = Logger(label: "captured") { _ in Handler(log: self) }
        logger.logLevel = .trace
        return logger
    }

    func lines(containing text: String) -> [String] {
        entries.withLock { $0.map(\.text).filter { $0.contains(text) } }
    }

    func lines(atLeast level: Logger.Level) -> [String] {
        entries.withLock { $0.filter { $0.level >= level }.map(\.text) }
    }

    struct Handler: LogHandler {
        let log: CapturedLog
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let text = "\(event.message) \(event.metadata ?? [:])"
            log.entries.withLock { $0.append((event.level, text)) }
        }
    }
}
