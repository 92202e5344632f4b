import BankGateAPI
import Hummingbird
import Logging
import ServiceLifecycle
import Synchronization

/// Runs the services of the generation in force, and switches generations when a reload builds a
/// new one: the running generation is shut down gracefully (its dispatcher takes no new work and
/// lets sends in flight finish and record their outcome; past the shutdown grace its services are
/// cancelled, and a bank call already waiting still ends at its request timeout at the latest),
/// then the new one starts. A send whose outcome could not be recorded stays `sending`, and the
/// new dispatcher's start-up recovery asks the bank about it, never resending it blindly. The API keeps listening throughout: from the switch on,
/// requests are answered by the new generation's routes (``GenerationResponder``), and a payment
/// taken in between is durable in the store, where the new dispatcher finds it.
final class GenerationRunner: Service, Sendable {
    private struct State {
        /// The generation whose services run (or run next).
        var serving: GatewayGeneration
        /// The generation in force: the API's routes, and the services once the switch is done.
        var inForce: GatewayGeneration
        var running: ServiceGroup?
        var pending: (generation: GatewayGeneration, started: CheckedContinuation<Bool, Never>)?
        var stopping = false
    }

    private let state: Mutex<State>
    private let graceSeconds: Int
    private let logger: Logger

    init(first: GatewayGeneration, graceSeconds: Int, logger: Logger) {
        state = Mutex(State(serving: first, inForce: first))
        self.graceSeconds = graceSeconds
        self.logger = logger
    }

    /// The generation in force. During a switch it answers the API already, while the previous
    /// generation's services finish their work.
    var current: GatewayGeneration { state.withLock { $0.inForce } }

    func run() async throws {
        try await withGracefulShutdownHandler {
            try await runGenerations()
        } onGracefulShutdown: {
            let (group, pending) = self.state.withLock { state in
                state.stopping = true
                defer { state.pending = nil }
                return (state.running, state.pending)
            }
            pending?.started.resume(returning: false)
            if let group { Task { await group.triggerGracefulShutdown() } }
        }
    }

    private func runGenerations() async throws {
        while true {
            let generation = state.withLock { $0.serving }
            let group = makeGroup(generation)
            enum Start { case run, stop, rebuild }
            let start = state.withLock { state -> Start in
                if state.stopping { return .stop }
                // A switch landed while nothing ran: build the group of the generation now in force.
                guard state.serving === generation else { return .rebuild }
                state.running = group
                return .run
            }
            if start == .stop { return }
            if start == .rebuild { continue }
            var failure: (any Error)?
            do { try await group.run() } catch { failure = error }
            let next = state.withLock { state -> (generation: GatewayGeneration, started: CheckedContinuation<Bool, Never>)? in
                state.running = nil
                guard !state.stopping, let pending = state.pending else { return nil }
                state.pending = nil
                state.serving = pending.generation
                return pending
            }
            guard let next else {
                if let failure { throw failure }
                return
            }
            if let failure {
                logger.warning("the previous generation ended with an error while switching", metadata: ["error": "\(failure)"])
            }
            next.started.resume(returning: true)
        }
    }

    /// Shuts the running generation down gracefully and starts `next`; returns once the running
    /// generation has stopped and `next` is in force (`false`: the daemon is stopping, nothing switched).
    func switchTo(_ next: GatewayGeneration) async -> Bool {
        await withCheckedContinuation { continuation in
            enum Step { case refuse, switched, stopRunning(ServiceGroup) }
            let step = state.withLock { state -> Step in
                guard !state.stopping, state.pending == nil else { return .refuse }
                state.inForce = next
                guard let running = state.running else {
                    // Nothing runs (not started yet): the next start runs `next`.
                    state.serving = next
                    return .switched
                }
                state.pending = (next, continuation)
                return .stopRunning(running)
            }
            switch step {
            case .refuse: continuation.resume(returning: false)
            case .switched: continuation.resume(returning: true)
            case .stopRunning(let group): Task { await group.triggerGracefulShutdown() }
            }
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
