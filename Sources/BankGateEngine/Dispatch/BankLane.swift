public import BankGateConfig
import BankGateAdapters
public import BankGateCore
import BankGateStore
public import BankGateTransport
import Logging
import Synchronization

/// Everything the dispatcher needs to talk to one bank.
public struct BankConnection: Sendable {
    public var config: BankConfig
    public var adapter: any BankAdapter
    public var transport: any BankTransport
    /// Our accounts at this bank, by account id.
    public var accounts: [String: DebtorAccount]
    /// Signs the messages the adapter says need a signature; `nil` when the bank needs none.
    public var signer: (any MessageSigner)?
    /// The signed-in session, for a ``SessionAdapter``'s bank.
    public var session: SessionKeeper?
    /// Files to and from the bank's client (`file_transfer`, `file_directory`): detail files of a
    /// ``DetailFileAdapter``, payroll files of a ``PayrollFileAdapter``; `nil` when not configured.
    public var fileTransfer: (any BankFileTransfer)?

    public init(config: BankConfig, adapter: any BankAdapter, transport: any BankTransport, accounts: [String: DebtorAccount],
                signer: (any MessageSigner)? = nil, session: SessionKeeper? = nil, fileTransfer: (any BankFileTransfer)? = nil) {
        self.config = config
        self.adapter = adapter
        self.transport = transport
        self.accounts = accounts
        self.signer = signer
        self.session = session
        self.fileTransfer = fileTransfer
    }

    /// After an answer: forgets the session when the bank says it is gone.
    public func noteAnswer(_ body: [UInt8]) async {
        if let session, let sessions = adapter as? any SessionAdapter, sessions.requiresNewSession(body) {
            await session.invalidate()
        }
    }

    /// Why a message could not be made ready to send.
    public enum PreparationFailure: Error, CustomStringConvertible {
        /// The bank's format cannot carry it: a resend would fail the same way.
        case unsealable(AdapterError)
        /// The signer failed (its service is down, the key is locked): nothing was sent; try later.
        case unsigned(SigningFailure)

        public var description: String {
            switch self {
            case .unsealable(let error): "cannot put the message in the bank's envelope: \(error)"
            case .unsigned(let failure): "cannot sign the message: \(failure)"
            }
        }
    }

    /// `message` signed where the adapter asks for it and sealed in the bank's envelope: the bytes
    /// to archive and send. `debtorAccountId` (the account a payment or query acts for) reaches
    /// the signer on what it signs (``EncodedMessage/debtorAccountId``).
    public func prepare(_ message: EncodedMessage, at time: Timestamp,
                        debtorAccountId: String? = nil) async throws(PreparationFailure) -> EncodedMessage {
        var message = message
        if let sessions = adapter as? any SessionAdapter {
            guard let session else {
                throw .unsigned(SigningFailure("the bank requires a signed-in session and none is configured for it"))
            }
            do {
                message = try sessions.withSession(message, token: try await session.currentToken())
            } catch let failure as SigningFailure {
                throw .unsigned(failure)
            } catch {
                throw .unsealable(error as? AdapterError ?? AdapterError("\(error)"))
            }
        }
        var signature: [UInt8]?
        if adapter.needsSignature(message) {
            guard let signer else {
                throw .unsigned(SigningFailure("the bank requires signed messages and no signer is configured for it"))
            }
            var signable: EncodedMessage
            do {
                signable = try adapter.signable(message)
            } catch {
                throw .unsealable(error)
            }
            signable.debtorAccountId = debtorAccountId
            do {
                signature = try await signer.sign(signable)
            } catch {
                throw .unsigned(error)
            }
        }
        do {
            return try adapter.seal(message, signature: signature, at: time)
        } catch {
            throw .unsealable(error)
        }
    }

    /// `message` as the submission's kind wants it: a payroll batch through the adapter's payroll
    /// message, anything else as payments.
    func encode(_ message: PaymentMessage, kind: String) throws(AdapterError) -> EncodedMessage {
        if let payrolls = adapter as? any PayrollAdapter, kind == payrolls.payrollMessageKind {
            return try payrolls.encodePayroll(message)
        }
        return try adapter.encodePayment(message)
    }

    /// The file the bank's client must have before the message of `kind` is sent (a
    /// ``PayrollFileAdapter``'s payroll data file), or `nil`.
    func fileToUpload(before message: PaymentMessage, kind: String) throws(AdapterError) -> EncodedMessage? {
        guard let files = adapter as? any PayrollFileAdapter, kind == files.payrollMessageKind else { return nil }
        return try files.payrollFile(for: message)
    }

    /// How a status query about a submission of `kind` is scoped: a payroll batch is asked about as
    /// a whole (``PayrollAdapter``), anything else as the adapter's ``BankAdapter/statusQueryScope``.
    func statusQueryScope(kind: String) -> StatusQueryScope {
        if let payrolls = adapter as? any PayrollAdapter, kind == payrolls.payrollMessageKind { return .message }
        return adapter.statusQueryScope
    }

    /// How long the bank remembers message ids: the configured override, else the adapter's.
    var duplicateCheckWindowMilliseconds: Int64 {
        config.duplicateCheckWindowHours.map { Int64($0) * 3_600_000 } ?? adapter.duplicateCheckWindowMilliseconds
    }

    var retryPolicy: RetryPolicy {
        RetryPolicy(baseMilliseconds: Int64(config.backoffBaseMilliseconds),
                    maxMilliseconds: Int64(config.backoffMaxMilliseconds), maxAttempts: config.maxAttempts)
    }
}

/// One bank's dispatch lane: at most `max_in_flight` sends and status queries at a time, a circuit
/// breaker, backoff, and the pick-up of answers from the bank's inbox.
final class BankLane: Sendable {
    let connection: BankConnection
    let store: PaymentStore
    let clock: any WallClock
    let logger: Logger
    let wake = WakeSignal()
    /// Where statement files found in the bank's inbox go; nil: they are refused.
    let statementSink: (any InboundStatementSink)?
    private let state: Mutex<LaneState>
    private let pollIntervalMilliseconds: Int
    /// Backoff while the store cannot record a bank's answer.
    let storeRetry: StoreRetryPolicy
    private let stopping = Atomic<Bool>(false)
    private let sendsHeld = Atomic<Bool>(false)
    /// Metrics and the bank's health (issue 12).
    let visibility: GatewayVisibility
    /// Rounds of the lane's loop so far (tests wait for a few to show that something did not happen).
    let turns = Atomic<Int>(0)
    /// Whether the last round found the bank in a maintenance window (logged once per window).
    private let inMaintenance = Atomic<Bool>(false)

    struct LaneState {
        var circuit: CircuitBreaker
        var inFlight: Set<String> = []
        /// The submission whose work is the half-open circuit's probe, if any.
        var probe: String?
        /// Pauses status queries while the bank's answers are refused.
        var queryBackoff: RefusedAnswerBackoff
        /// When the circuit took its present state, and why (issue 12, `GET /v1/queue`).
        var circuitSince: Timestamp?
        var circuitWhy: String?
    }

    init(connection: BankConnection, store: PaymentStore, clock: any WallClock, logger: Logger, pollIntervalMilliseconds: Int,
         storeRetry: StoreRetryPolicy = StoreRetryPolicy(), statementSink: (any InboundStatementSink)? = nil,
         visibility: GatewayVisibility = GatewayVisibility()) {
        self.visibility = visibility
        visibility.metrics.circuit(bank: connection.config.id, state: .closed)
        self.connection = connection
        self.storeRetry = storeRetry
        self.statementSink = statementSink
        self.store = store
        self.clock = clock
        self.logger = logger
        self.pollIntervalMilliseconds = pollIntervalMilliseconds
        state = Mutex(LaneState(
            circuit: CircuitBreaker(threshold: connection.config.circuitFailureThreshold,
                                    cooldownMilliseconds: Int64(connection.config.circuitCooldownMilliseconds)),
            queryBackoff: RefusedAnswerBackoff(intervalMilliseconds: Int64(connection.config.statusQueryIntervalMilliseconds),
                                               maxMilliseconds: Int64(connection.config.backoffMaxMilliseconds))))
    }

    var bankId: String { connection.config.id }

    /// The circuit state and the number of operations in flight, for `GET /v1/queue`.
    var snapshot: (circuit: CircuitBreaker.State, inFlight: Int) {
        state.withLock { ($0.circuit.state, $0.inFlight.count) }
    }

    /// The circuit as `GET /v1/queue` shows it: state, since when (nil: closed since start), why.
    var circuitDetail: (state: CircuitBreaker.State, since: Timestamp?, why: String?) {
        state.withLock { ($0.circuit.state, $0.circuitSince, $0.circuitWhy) }
    }

    /// When the circuit opened, while it is not closed again.
    var circuitOpenedAt: Timestamp? {
        state.withLock { $0.circuit.openedAt }
    }

    /// Whether a submission is being sent or asked about by this lane (its outcome may be held in
    /// memory until the store takes it): periodic recovery leaves such submissions alone.
    func isWorking(on submissionId: String) -> Bool {
        state.withLock { $0.inFlight.contains(submissionId) }
    }

    /// Whether the dispatcher is stopping.
    var isStopping: Bool { stopping.load(ordering: .acquiring) }

    /// Whether a reload retired this lane: no send begins any more (``holdSends()``).
    var holdsSends: Bool { sendsHeld.load(ordering: .acquiring) }

    /// Begins no send any more, and claims no work; the work in flight finishes. The lane keeps
    /// running until ``stop()``.
    func holdSends() {
        sendsHeld.store(true, ordering: .releasing)
    }

    /// Stops taking new work (the work in flight finishes).
    func stop() {
        stopping.store(true, ordering: .releasing)
        wake.signal()
    }

    /// Runs the lane until ``stop()`` or the task is cancelled (another service of the group
    /// failed); then waits for in-flight work to finish.
    func run() async {
        await withDiscardingTaskGroup { group in
            while !isStopping && !Task.isCancelled {
                do {
                    // In a maintenance window the bank is not called at all: sends, status queries
                    // and inbox pick-ups wait until it ends. Scheduled payments whose day has come
                    // are released first, so they go in this round.
                    if try await !waitsForMaintenance() {
                        try await store.releaseScheduled(bankId: bankId, now: clock.now())
                        try await pickUpInbound()
                        for work in holdsSends ? [] : try await claimWork() {
                            group.addTask {
                                await self.perform(work)
                                self.finished(work)
                                self.wake.signal()
                            }
                        }
                    }
                } catch {
                    logger.error("dispatch loop error", metadata: ["bank": "\(bankId)", "error": "\(error)"])
                }
                turns.add(1, ordering: .relaxed)
                await wake.wait(milliseconds: pollIntervalMilliseconds)
            }
        }
    }

    /// Whether the bank is in one of its maintenance windows now; logs when one begins and ends.
    private func waitsForMaintenance() async throws -> Bool {
        let inside = connection.config.timetable.isInMaintenance(at: clock.now())
        if inMaintenance.exchange(inside, ordering: .relaxed) != inside {
            logger.notice(inside ? "bank maintenance window began; the bank is not called" : "bank maintenance window ended",
                          metadata: ["bank": "\(bankId)"])
        }
        return inside
    }

    /// A unit of work: send a queued submission, or ask about an unknown or awaited one.
    struct Work: Sendable {
        enum Kind: Sendable { case send, query }
        var kind: Kind
        var submission: SubmissionRecord
    }

    /// Picks due work up to the free in-flight slots, respecting the circuit breaker.
    private func claimWork() async throws -> [Work] {
        let now = clock.now()
        // What is in flight while the store is read: such a submission may finish (and record its
        // answer, and a refused answer's pause) after the read, so the row read of it can be stale:
        // it is not claimed from this read, even when its slot is free by then (the next turn reads
        // it afresh). Without this, a status query refused at 4 s was asked again at 4 s.
        let (free, mayQuery, busy, circuitAllows) = state.withLock {
            (connection.config.maxInFlight - $0.inFlight.count, $0.queryBackoff.allowsQueries(now: now), $0.inFlight,
             $0.circuit.wouldAllowRequest(now: now))
        }
        // While the circuit is open nothing would be claimed: no read of due work (intake wakes the
        // lane for every payment it accepts, also while the bank is down).
        guard free > 0, circuitAllows else { return [] }
        // Unknown outcomes are settled first: they block nothing else, but they matter most. While
        // the bank's answers are refused, nothing is asked until its pause is over.
        let ordered = try await store.claimDueSubmissions(bankId: bankId, states: mayQuery ? [.unknown, .awaiting, .queued] : [.queued],
                                                     now: now, limit: free * 2 + 8)
        var claimed: [Work] = []
        let probing = state.withLock { state -> Bool in
            var probing = false
            for submission in ordered where claimed.count < free && !state.inFlight.contains(submission.id) && !busy.contains(submission.id) {
                let before = state.circuit.state
                guard state.circuit.allowsRequest(now: now) else { break }
                if before == .open, state.circuit.state == .halfOpen {
                    state.circuitSince = now
                    state.circuitWhy = "cooldown over; probing with one message"
                    probing = true
                }
                if state.circuit.state == .halfOpen { state.probe = submission.id }
                state.inFlight.insert(submission.id)
                claimed.append(Work(kind: submission.state == .queued ? .send : .query, submission: submission))
            }
            return probing
        }
        if probing { noteCircuitChange(from: .open, to: .halfOpen, why: "cooldown over; probing with one message") }
        return claimed
    }

    private func perform(_ work: Work) async {
        // The message's payments, read once: the send or query works on them, and every log line
        // of this work names them and the API request that created the message.
        let payments: [PaymentRecord]
        do {
            payments = try await store.payments(submissionId: work.submission.id)
        } catch {
            logger.error("dispatch failed", metadata: ["bank": "\(bankId)", "submission": "\(work.submission.id)", "error": "\(error)"])
            return
        }
        await RequestTrace.$current.withValue(RequestTrace(requestId: work.submission.requestId,
                                                           paymentIds: Self.loggedPaymentIds(payments.map(\.id)))) {
            await performTraced(work, payments: payments)
        }
    }

    private func performTraced(_ work: Work, payments: [PaymentRecord]) async {
        do {
            switch work.kind {
            case .send: try await send(work.submission, payments: payments)
            case .query: try await query(work.submission, payments: payments)
            }
        } catch {
            logger.error("dispatch failed", metadata: ["bank": "\(bankId)", "submission": "\(work.submission.id)", "error": "\(error)"])
        }
    }

    /// Frees the work's slot; a probe that ended without reaching the bank frees the probe too.
    private func finished(_ work: Work) {
        state.withLock { state in
            state.inFlight.remove(work.submission.id)
            if state.probe == work.submission.id {
                state.probe = nil
                state.circuit.releaseProbe()
            }
        }
    }

    /// Records a status answer that was refused at `now`; returns when the bank may be asked again.
    func recordRefusedAnswer(now: Timestamp) -> Timestamp {
        state.withLock { $0.queryBackoff.recordRefusal(now: now) }
    }

    /// Records a status answer that was read: queries go at the usual pace again.
    func recordReadableAnswer() {
        state.withLock { $0.queryBackoff.recordReadableAnswer() }
    }

    /// Records whether the bank could be reached, for the circuit breaker; `why` names the failure
    /// (`http_503`, `not_sent`, `no_answer`). A change of the circuit is logged with its reason.
    func recordReachability(_ reached: Bool, why: String? = nil) {
        let now = clock.now()
        let change = state.withLock { state -> (from: CircuitBreaker.State, to: CircuitBreaker.State, why: String)? in
            let before = state.circuit.state
            reached ? state.circuit.recordSuccess() : state.circuit.recordFailure(now: now)
            let after = state.circuit.state
            guard before != after else { return nil }
            let failure = why ?? "unreachable"
            let reason = reached
                ? "the bank answered"
                : after == .open && before == .halfOpen
                    ? "the probe failed: \(failure)"
                    : "\(state.circuit.consecutiveFailures) failures in a row, the last \(failure)"
            state.circuitSince = now
            state.circuitWhy = reason
            return (before, after, reason)
        }
        if let change { noteCircuitChange(from: change.from, to: change.to, why: change.why) }
    }
}
