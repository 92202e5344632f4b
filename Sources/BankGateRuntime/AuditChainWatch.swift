import BankGateStore
import Logging
import ServiceLifecycle

/// Walks the audit chain at start and then daily and logs its head (`audit chain head`, with the
/// last record's id and hash): someone who rewrites the database must then also rewrite every log
/// that kept a head, and `bankgate audit verify --head ID:HASH` checks the trail against any of
/// them. A chain that does not hold is logged as an error naming the first bad record.
final class AuditChainWatch: Service, Sendable {
    let store: PaymentStore
    let logger: Logger
    let intervalMilliseconds: Int64

    init(store: PaymentStore, logger: Logger, intervalMilliseconds: Int64 = 24 * 3_600_000) {
        self.store = store
        self.logger = logger
        self.intervalMilliseconds = intervalMilliseconds
    }

    func run() async throws {
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
