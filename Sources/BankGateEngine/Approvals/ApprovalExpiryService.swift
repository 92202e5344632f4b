public import BankGateCore
public import BankGateStore
public import Logging
public import ServiceLifecycle

/// Rejects payments whose approvals were not given in time (`[approvals] expire_after_minutes`),
/// with reason `approval_expired`, audited and announced as `payment.approval_expired`. Looks every
/// minute; stops on graceful shutdown.
public final class ApprovalExpiryService: Service, Sendable {
    let store: PaymentStore
    let clock: any WallClock
    let logger: Logger
    let intervalMilliseconds: Int64

    public init(store: PaymentStore, clock: any WallClock, logger: Logger, intervalMilliseconds: Int64 = 60_000) {
        self.store = store
        self.clock = clock
        self.logger = logger
        self.intervalMilliseconds = intervalMilliseconds
    }

    public func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            await expireDue()
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .milliseconds(self.intervalMilliseconds)) }
        }
    }

    /// Rejects every payment whose approval has expired by now. Returns them.
    @discardableResult
    public func expireDue() async -> [PaymentRecord] {
        var expired: [PaymentRecord] = []
        do {
            while true {
                let batch = try await store.expireApprovals(at: clock.now())
                expired += batch
                if batch.count < 500 { break }
            }
        } catch {
            logger.error("cannot expire pending approvals", metadata: ["error": "\(error)"])
        }
        for payment in expired {
            logger.notice("approval expired; payment rejected", metadata: ["payment": "\(payment.id)"])
        }
        return expired
    }
}
