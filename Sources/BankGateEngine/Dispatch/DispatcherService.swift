public import BankGateCore
public import BankGateStore
public import Logging
public import ServiceLifecycle
import Synchronization
import BankGateConfig

/// Runs one lane per bank. On start it first recovers sends interrupted by a crash; on graceful
/// shutdown it stops taking new work and lets sends in flight finish and record their outcome.
public final class DispatcherService: Service, Sendable {
    let lanes: [String: BankLane]
    let store: PaymentStore
    let clock: any WallClock
    let logger: Logger
    private let stopping = Atomic<Bool>(false)
    private let started = Atomic<Bool>(false)

    public init(connections: [BankConnection], store: PaymentStore, clock: any WallClock, logger: Logger,
                pollIntervalMilliseconds: Int = 200, statementSink: (any InboundStatementSink)? = nil) {
        var lanes: [String: BankLane] = [:]
        for connection in connections {
            lanes[connection.config.id] = BankLane(connection: connection, store: store, clock: clock, logger: logger,
                                                   pollIntervalMilliseconds: pollIntervalMilliseconds, statementSink: statementSink)
        }
        self.lanes = lanes
        self.store = store
        self.clock = clock
        self.logger = logger
    }

    public func run() async throws {
        let recovered = try await store.recoverInterruptedSends(at: clock.now())
        if recovered > 0 {
            logger.warning("recovered interrupted sends; their outcome is unknown and will be asked of the bank",
                           metadata: ["submissions": "\(recovered)"])
        }
        started.store(true, ordering: .releasing)
        await withGracefulShutdownHandler {
            await withDiscardingTaskGroup { group in
                for lane in lanes.values {
                    group.addTask { await lane.run(isStopping: { self.stopping.load(ordering: .acquiring) }) }
                }
            }
        } onGracefulShutdown: {
            self.stop()
        }
    }

    /// Asks every lane to stop after its work in flight.
    public func stop() {
        stopping.store(true, ordering: .releasing)
        for lane in lanes.values { lane.wake.signal() }
    }

    /// Whether start-up recovery has run and the lanes are working.
    public var isRunning: Bool { started.load(ordering: .acquiring) && !stopping.load(ordering: .acquiring) }

    /// Wakes the lane of `bankId` (new work was accepted).
    public func wake(bankId: String) { lanes[bankId]?.wake.signal() }

    /// Circuit state and work in flight per bank.
    public func laneSnapshots() -> [String: (circuit: String, inFlight: Int)] {
        lanes.mapValues { lane in
            let snapshot = lane.snapshot
            return (snapshot.circuit.rawValue, snapshot.inFlight)
        }
    }
}
