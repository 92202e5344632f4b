public import BankGateCore
public import BankGateStore
public import Logging
public import ServiceLifecycle
import Synchronization
import BankGateConfig

/// Runs one lane per bank. On start it first recovers sends interrupted by a crash, and it repeats
/// that recovery periodically while it runs (a send left `sending` with nothing in flight, because
/// its outcome could not be recorded, is settled by asking the bank, without a restart); on
/// graceful shutdown it stops taking new work and lets sends in flight finish and record their outcome.
public final class DispatcherService: Service, Sendable {
    let lanes: [String: BankLane]
    let store: PaymentStore
    let clock: any WallClock
    let logger: Logger
    let recoveryIntervalMilliseconds: Int
    private let recoveryWake = WakeSignal()
    private let leaseWake = WakeSignal()
    private let stopping = Atomic<Bool>(false)
    private let started = Atomic<Bool>(false)
    private let waitingForSwitch = Atomic<Bool>(false)

    /// `recoveryIntervalMilliseconds`: how often stranded sends are looked for while running.
    /// `storeRetry`: the backoff while the store cannot record a bank's answer.
    public init(connections: [BankConnection], store: PaymentStore, clock: any WallClock, logger: Logger,
                pollIntervalMilliseconds: Int = 200, recoveryIntervalMilliseconds: Int = 60_000,
                storeRetry: StoreRetryPolicy = StoreRetryPolicy(), statementSink: (any InboundStatementSink)? = nil,
                visibility: GatewayVisibility = GatewayVisibility()) {
        var lanes: [String: BankLane] = [:]
        for connection in connections {
            lanes[connection.config.id] = BankLane(connection: connection, store: store, clock: clock, logger: logger,
                                                   pollIntervalMilliseconds: pollIntervalMilliseconds, storeRetry: storeRetry,
                                                   statementSink: statementSink, visibility: visibility)
        }
        self.lanes = lanes
        self.store = store
        self.clock = clock
        self.logger = logger
        self.recoveryIntervalMilliseconds = max(1, recoveryIntervalMilliseconds)
    }

    public func run() async throws {
        try await recoverInterruptedSendsAtStart()
        started.store(true, ordering: .releasing)
        await withGracefulShutdownHandler {
            await withDiscardingTaskGroup { group in
                for lane in lanes.values {
                    group.addTask { await lane.run() }
                }
                group.addTask { await self.recoverPeriodically() }
                if let leasing = store.leasing {
                    group.addTask { await self.renewLeasesPeriodically(every: Int(leasing.duration / 3)) }
                }
            }
        } onGracefulShutdown: {
            self.stop()
        }
    }

    /// Start-up recovery: every send left `sending` by the previous run becomes `unknown` (its lane
    /// asks the bank), logged payment by payment as an unknown outcome at run time is.
    func recoverInterruptedSendsAtStart() async throws {
        let recovered = try await store.recoverInterruptedSends(at: clock.now())
        if !recovered.isEmpty {
            logger.warning("recovered interrupted sends; their outcome is unknown and will be asked of the bank",
                           metadata: ["submissions": "\(recovered.count)"])
            logUnknownOutcomes(recovered, error: "interrupted send: bankgate stopped while sending")
        }
    }

    /// One `payment outcome unknown` line per recovered submission, with its bank, its payments and
    /// the request id of the API call that submitted them.
    private func logUnknownOutcomes(_ sends: [InterruptedSend], error: String) {
        for send in sends {
            var metadata: Logger.Metadata = ["bank": "\(send.submission.bankId)", "submission": "\(send.submission.id)",
                                             "code": "interrupted", "error": "\(error)",
                                             "payment_id": "\(BankLane.loggedPaymentIds(send.paymentIds).joined(separator: ","))"]
            if let requestId = send.submission.requestId { metadata["request_id"] = "\(requestId)" }
            logger.warning("payment outcome unknown", metadata: metadata)
        }
    }

    /// Asks every lane to stop after its work in flight.
    public func stop() {
        stopping.store(true, ordering: .releasing)
        for lane in lanes.values { lane.stop() }
        recoveryWake.signal()
        leaseWake.signal()
    }

    /// Sharing the store with other instances: every third of the lease, this instance's leases on
    /// its sends are renewed, so that no other instance takes them for interrupted while it lives.
    private func renewLeasesPeriodically(every milliseconds: Int) async {
        while true {
            await leaseWake.wait(milliseconds: milliseconds)
            guard !stopping.load(ordering: .acquiring), !Task.isCancelled else { return }
            do {
                try await store.renewLeases(now: clock.now())
            } catch {
                logger.error("lease renewal failed", metadata: ["error": "\(error)"])
            }
        }
    }

    /// Every `recoveryIntervalMilliseconds` (at most a lease's length when the store is shared, so
    /// that the sends of an instance that died are taken over soon after its leases ran out) until
    /// stopped: ``recoverStrandedSends()``.
    private func recoverPeriodically() async {
        let interval = store.leasing.map { min(recoveryIntervalMilliseconds, Int($0.duration)) } ?? recoveryIntervalMilliseconds
        while true {
            await recoveryWake.wait(milliseconds: interval)
            guard !stopping.load(ordering: .acquiring), !Task.isCancelled else { return }
            _ = await recoverStrandedSends()
        }
    }

    /// The start-up recovery, while running: every submission left `sending` that no lane is
    /// working on (its outcome could not be recorded, or its task ended) becomes `unknown`, and
    /// its lane asks the bank. Never sends anything. Returns how many were recovered.
    @discardableResult
    public func recoverStrandedSends() async -> Int {
        let lanes = lanes
        do {
            let recovered = try await store.recoverInterruptedSends(
                at: clock.now(), reason: "left sending with nothing in flight; asking the bank",
                skipping: { submission in lanes[submission.bankId]?.isWorking(on: submission.id) ?? false })
            if !recovered.isEmpty {
                logger.warning("recovered stranded sends; their outcome is unknown and will be asked of the bank",
                               metadata: ["submissions": "\(recovered.count)"])
                logUnknownOutcomes(recovered, error: "stranded send: left sending with nothing in flight")
                for lane in lanes.values { lane.wake.signal() }
            }
            return recovered.count
        } catch {
            logger.error("periodic recovery failed", metadata: ["error": "\(error)"])
            return 0
        }
    }

    /// A configuration reload retires this dispatcher: no new send begins (the sends under way
    /// finish and record the bank's answer); its lanes stop at the graceful shutdown that follows.
    public func holdNewSends() {
        for lane in lanes.values { lane.holdSends() }
    }

    /// Marks a dispatcher a reload built, which starts once the retiring one has finished its
    /// sends: until then readiness reports it as waiting for the switch, not as down.
    public func awaitSwitch() {
        waitingForSwitch.store(true, ordering: .releasing)
    }

    /// Whether this dispatcher waits for a reload's switch (``awaitSwitch()``) and has not started.
    public var isWaitingForSwitch: Bool {
        waitingForSwitch.load(ordering: .acquiring) && !started.load(ordering: .acquiring) && !stopping.load(ordering: .acquiring)
    }

    /// Whether start-up recovery has run and the lanes are working.
    public var isRunning: Bool { started.load(ordering: .acquiring) && !stopping.load(ordering: .acquiring) }

    /// Wakes the lane of `bankId` (new work was accepted).
    public func wake(bankId: String) { lanes[bankId]?.wake.signal() }

    /// The banks whose circuit is open (or half open, probing), with when it opened.
    public func openCircuits() -> [String: Timestamp] {
        lanes.compactMapValues { $0.circuitOpenedAt }
    }

    /// Per bank: the circuit with since when and why, and the work in flight (issue 12, `GET /v1/queue`).
    public func laneDetails() -> [String: LaneDetail] {
        lanes.mapValues { lane in
            let circuit = lane.circuitDetail
            return LaneDetail(circuit: circuit.state, circuitSince: circuit.since, circuitWhy: circuit.why,
                              inFlight: lane.snapshot.inFlight)
        }
    }

    /// Circuit state and work in flight per bank.
    /// Rounds the lane of `bankId` has gone through its loop (0 for an unknown bank).
    public func laneTurns(bankId: String) -> Int {
        lanes[bankId]?.turns.load(ordering: .relaxed) ?? 0
    }

    public func laneSnapshots() -> [String: (circuit: String, inFlight: Int)] {
        lanes.mapValues { lane in
            let snapshot = lane.snapshot
            return (snapshot.circuit.rawValue, snapshot.inFlight)
        }
    }
}

/// One bank lane as operators see it (issue 12).
public struct LaneDetail: Sendable, Hashable {
    public var circuit: CircuitBreaker.State
    /// When the circuit took this state; nil: closed since the start.
    public var circuitSince: Timestamp?
    /// Why: the failures that opened it (`http_503`, `not_sent`, `no_answer` …), the probe, the answer that closed it.
    public var circuitWhy: String?
    public var inFlight: Int

    public init(circuit: CircuitBreaker.State, circuitSince: Timestamp?, circuitWhy: String?, inFlight: Int) {
        self.circuit = circuit
        self.circuitSince = circuitSince
        self.circuitWhy = circuitWhy
        self.inFlight = inFlight
    }
}
