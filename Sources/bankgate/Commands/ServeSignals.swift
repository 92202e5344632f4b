import BankGateRuntime
import BankGateEngine
import Foundation
import Logging
import ServiceLifecycle
import Synchronization
import UnixSignals

/// The signals `bankgate serve` answers:
/// - SIGTERM, SIGINT: graceful shutdown. The API stops listening first (no new intake), then each
///   service stops; sends in flight may finish within `[server] shutdown_grace_seconds`. Past
///   that the services are cancelled, and 5 s later the process exits (status 0) whatever is still
///   waiting for a bank: a send cut off this way stays `sending` with its attempt and its message
///   recorded before the bytes left, and the next start turns it `unknown` and asks the bank before
///   anything is sent again — never a blind resend. A second signal exits at once the same way.
/// - SIGHUP: the configuration file is read again and applied whole, or refused whole
///   (``ConfigurationReloader``).
final class ServeSignals: Sendable {
    let group: ServiceGroup
    let runtime: GatewayRuntime
    let graceSeconds: Int
    let logger: Logger
    private let shutdownStarted = Atomic<Bool>(false)
    private let expired = Atomic<Bool>(false)

    /// How long after the grace the process exits even if a bank call has not returned.
    static let cancellationSeconds = 5

    init(group: ServiceGroup, runtime: GatewayRuntime, graceSeconds: Int, logger: Logger) {
        self.group = group
        self.runtime = runtime
        self.graceSeconds = graceSeconds
        self.logger = logger
    }

    /// Whether the shutdown grace ran out (the services were then cancelled).
    var graceExpired: Bool { expired.load(ordering: .acquiring) }

    /// The signals `bankgate serve` traps, from the moment it has read its configuration: one that
    /// comes while the store opens waits in the sequence (rather than ending the process, as SIGHUP's
    /// default would).
    static func trap() async -> UnixSignalsSequence {
        await UnixSignalsSequence(trapping: .sigterm, .sigint, .sighup)
    }

    func handle(_ signals: UnixSignalsSequence) async {
        var reloads: Task<Void, Never>?
        for await signal in signals {
            switch signal {
            case .sighup:
                // Off the signal loop, one after another: a reload that switches banks waits for
                // sends in flight, and a SIGTERM meanwhile must still start the shutdown.
                reloads = Task { [previous = reloads, runtime, logger] in
                    await previous?.value
                    let outcome = await runtime.reloader.reload()
                    if case .applied = outcome { logger.info("SIGHUP: configuration reloaded") }
                }
            default:
                if shutdownStarted.exchange(true, ordering: .acquiringAndReleasing) {
                    exitParking("a second \(signal) during shutdown")
                }
                logger.notice("shutting down: intake stops, sends in flight may finish",
                              metadata: ["signal": "\(signal)", "grace_seconds": "\(graceSeconds)"])
                await group.triggerGracefulShutdown()
                Task { [self] in
                    try? await Task.sleep(for: .seconds(graceSeconds))
                    expired.store(true, ordering: .releasing)
                    try? await Task.sleep(for: .seconds(Self.cancellationSeconds))
                    exitParking("the shutdown grace of \(graceSeconds) s (and \(Self.cancellationSeconds) s to cancel) ran out")
                }
            }
        }
    }

    /// Ends the process with status 0, naming what is still in flight: those sends are recorded as
    /// sent (`sending`, their attempt and message committed first), and the next start asks the bank.
    private func exitParking(_ why: String) -> Never {
        let inFlight = runtime.sendsInFlight().map { "\($0.key)=\($0.value)" }.sorted().joined(separator: ",")
        logger.warning("stopping now: \(why); bank calls still in flight stay recorded as sent and are asked about at the next start",
                       metadata: ["in_flight": "\(inFlight.isEmpty ? "none" : inFlight)"])
        exit(0)
    }
}
