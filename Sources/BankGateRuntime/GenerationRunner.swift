import BankGateAPI
import BankGateCore
import BankGateEngine
import Hummingbird
import Logging
import ServiceLifecycle
import Synchronization

/// Runs the services of the generation in force, and switches generations when a reload builds a
/// new one. The new generation is in force for the API at once (``GenerationResponder``); the
/// running generation's services are shut down gracefully (its dispatcher takes no new work and
/// lets sends in flight finish and record their outcome; past the shutdown grace its services are
/// cancelled, and a bank call already waiting still ends at its request timeout at the latest),
/// then the new generation's services start. Meanwhile no new send starts, at any bank; payments
/// taken are durable in the store, where the new dispatcher finds them. A send whose outcome could
/// not be recorded stays `sending`, and the new dispatcher's start-up recovery asks the bank about
/// it, never resending it blindly. A second reload during a switch replaces the generation waiting
/// to start (the one in between never runs).
final class GenerationRunner: Service, Sendable {
    private struct State {
        /// The generation whose services run (or run next).
        var serving: GatewayGeneration
        /// The generation in force: the API's routes, and the services once the switch is done.
        var inForce: GatewayGeneration
        var running: ServiceGroup?
        /// When the switch under way began.
        var switchingSince: Timestamp?
        var stopping = false
    }

    private let state: Mutex<State>
    private let graceSeconds: Int
    private let access: LiveAccess
    private let clock: any WallClock
    private let logger: Logger

    init(first: GatewayGeneration, graceSeconds: Int, access: LiveAccess, clock: any WallClock, logger: Logger) {
        state = Mutex(State(serving: first, inForce: first))
        self.graceSeconds = graceSeconds
        self.access = access
        self.clock = clock
        self.logger = logger
    }

    /// The generation in force. During a switch it answers the API already, while the previous
    /// generation's services finish their work.
    var current: GatewayGeneration { state.withLock { $0.inForce } }

    /// Every generation that may have a bank call in flight: the one in force and, during a switch,
    /// the one still finishing its sends.
    var withSendsInFlight: [GatewayGeneration] {
        state.withLock { $0.serving === $0.inForce ? [$0.inForce] : [$0.serving, $0.inForce] }
    }

    func run() async throws {
        try await withGracefulShutdownHandler {
            try await runGenerations()
        } onGracefulShutdown: {
            let group = self.state.withLock { state in
                state.stopping = true
                return state.running
            }
            if let group { Task { await group.triggerGracefulShutdown() } }
        }
    }

    private func runGenerations() async throws {
        while true {
            let generation = state.withLock { $0.serving }
            let group = makeGroup(generation)
            enum Start { case run(switchedAfter: Timestamp?), stop, rebuild }
            let start = state.withLock { state -> Start in
                if state.stopping { return .stop }
                // A switch landed while nothing ran: build the group of the generation now in force.
                guard state.serving === generation else { return .rebuild }
                state.running = group
                defer { state.switchingSince = nil }
                // Under the runner's lock, so that a switch's mark and its clearing stay in order.
                if state.switchingSince != nil { access.recordSwitch(since: nil) }
                return .run(switchedAfter: state.switchingSince)
            }
            switch start {
            case .stop: return
            case .rebuild: continue
            case .run(let since):
                if let since {
                    logger.notice("configuration reload: the rebuilt banks and accounts are in force",
                                  metadata: ["waited_ms": "\(clock.now().milliseconds - since.milliseconds)"])
                }
            }
            var failure: (any Error)?
            do { try await group.run() } catch { failure = error }
            let switching = state.withLock { state -> Bool in
                state.running = nil
                guard !state.stopping, state.serving !== state.inForce else { return false }
                state.serving = state.inForce
                return true
            }
            guard switching else {
                if let failure { throw failure }
                return
            }
            if let failure {
                logger.warning("the previous generation ended with an error while switching", metadata: ["error": "\(failure)"])
            }
        }
    }

    /// Puts `next` in force for the API now and asks the running generation to shut down
    /// gracefully; `next`'s services start once it has stopped. Returns at once (`false`: the
    /// daemon is stopping, nothing switched).
    @discardableResult
    func switchTo(_ next: GatewayGeneration) -> Bool {
        let now = clock.now()
        enum Step { case refuse, switched, stopRunning(ServiceGroup) }
        let step = state.withLock { state -> Step in
            guard !state.stopping else { return .refuse }
            state.inForce = next
            guard let running = state.running else {
                // Nothing runs (not started yet): the next start runs `next`.
                state.serving = next
                return .switched
            }
            if state.switchingSince == nil {
                state.switchingSince = now
                access.recordSwitch(since: now)
            }
            // Until its services start, `next`'s dispatcher reports itself as waiting for the switch.
            next.dispatcher.awaitSwitch()
            // No send begins from here on at the running generation (those under way finish).
            state.serving.dispatcher.holdNewSends()
            return .stopRunning(running)
        }
        switch step {
        case .refuse: return false
        case .switched: return true
        case .stopRunning(let group):
            logger.notice("""
                configuration reload: the rebuilt banks and accounts answer the API now; their sends start \
                once the running ones' sends in flight have the bank's answer
                """)
            Task { await group.triggerGracefulShutdown() }
            return true
        }
    }

    private func makeGroup(_ generation: GatewayGeneration) -> ServiceGroup {
        var configuration = ServiceGroupConfiguration(
            services: generation.services().map { ServiceGroupConfiguration.ServiceConfiguration(service: $0) }, logger: logger)
        configuration.maximumGracefulShutdownDuration = .seconds(graceSeconds)
        return ServiceGroup(configuration: configuration)
    }
}

/// The API's responder: the routes of the generation in force, looked up per request.
struct GenerationResponder: HTTPResponder {
    let runner: GenerationRunner

    func respond(to request: Request, context: APIRequestContext) async throws -> Response {
        try await runner.current.responder.respond(to: request, context: context)
    }
}
