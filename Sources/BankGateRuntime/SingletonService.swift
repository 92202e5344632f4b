import BankGateStore
import Logging
import ServiceLifecycle

/// A service that must run on one instance at a time when several share a PostgreSQL store: it
/// runs only while this instance holds its advisory lock (``PostgresAdvisoryLock``). An instance
/// that does not hold it tries again every `retryMilliseconds`; one that loses it (its lock
/// connection broke) stops the service until it holds the lock again.
struct SingletonService: Service {
    let inner: any Service
    let lock: PostgresAdvisoryLock
    let logger: Logger
    var retryMilliseconds = 2_000

    private enum Leadership: Error { case lost }

    func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            guard await lock.tryAcquire() else {
                try? await Task.sleep(for: .milliseconds(retryMilliseconds))
                continue
            }
            logger.notice("singleton job runs on this instance", metadata: ["job": "\(lock.name)"])
            do {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { try await inner.run() }
                    group.addTask {
                        // Watches the lock; returns when the service ended, throws when the lock is lost.
                        while !Task.isCancelled {
                            try? await Task.sleep(for: .milliseconds(retryMilliseconds))
                            if Task.isCancelled { return }
                            guard await lock.isHeld() else { throw Leadership.lost }
                        }
                    }
                    // The first to end: the service (shutdown, or its own error), or the lock lost.
                    try await group.next()
                    group.cancelAll()
                }
                await lock.release()
                if Task.isCancelled || Task.isShuttingDownGracefully { return }
                // The service ended by itself while the daemon runs: it must not end the daemon
                // (the service group takes any service's end for a failure); it starts again
                // when this instance holds the lock again.
                logger.warning("singleton job ended on its own; it starts again when the lock is taken",
                               metadata: ["job": "\(lock.name)"])
                try? await Task.sleep(for: .milliseconds(retryMilliseconds))
            } catch Leadership.lost {
                logger.warning("singleton job lost its lock; it stops here and runs where the lock is taken",
                               metadata: ["job": "\(lock.name)"])
                await lock.release()
            } catch {
                await lock.release()
                throw error
            }
        }
    }
}
