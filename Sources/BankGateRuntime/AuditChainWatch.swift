import BankGateCore
import BankGateStore
import Logging
import ServiceLifecycle

/// Records the configuration the daemon started with (`config.loaded`: the file, its SHA-256 and
/// what it configures), then walks the audit chain at start and then daily and logs its head (`audit chain head`, with the
/// last record's id and hash): someone who rewrites the database must then also rewrite every log
/// that kept a head, and `bankgate audit verify --head ID:HASH` checks the trail against any of
/// them. A chain that does not hold is logged as an error naming the first bad record.
final class AuditChainWatch: Service, Sendable {
    let store: PaymentStore
    let clock: any WallClock
    let logger: Logger
    let configurationLoaded: ConfigurationFingerprint?
    let intervalMilliseconds: Int64

    init(store: PaymentStore, clock: any WallClock, logger: Logger, configurationLoaded: ConfigurationFingerprint? = nil,
         intervalMilliseconds: Int64 = 24 * 3_600_000) {
        self.store = store
        self.clock = clock
        self.logger = logger
        self.configurationLoaded = configurationLoaded
        self.intervalMilliseconds = intervalMilliseconds
    }

    func run() async throws {
        if let configurationLoaded {
            do {
                try await store.appendAudit(at: clock.now(), actor: "system", action: "config.loaded",
                                            subject: ("config", configurationLoaded.path), details: configurationLoaded.details)
            } catch {
                logger.error("the configuration's load could not be audited", metadata: ["error": "\(error)"])
            }
        }
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                let verification = try await store.verifyAuditTrail()
                if let problem = verification.firstBreak {
                    logger.error("audit chain broken", metadata: [
                        "record": "\(problem.recordId)", "problem": "\(problem.kind.rawValue)", "detail": "\(problem.detail)",
                        "checked": "\(verification.checked)",
                    ])
                } else {
                    logger.notice("audit chain head", metadata: [
                        "head": "\(verification.head.map { "\($0.id):\($0.hash)" } ?? "none")",
                        "records": "\(verification.checked)",
                    ])
                }
            } catch {
                logger.error("audit chain could not be read", metadata: ["error": "\(error)"])
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .milliseconds(self.intervalMilliseconds)) }
        }
    }
}
