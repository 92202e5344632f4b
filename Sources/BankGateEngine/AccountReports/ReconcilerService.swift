import BankGateCore
public import Logging
public import ServiceLifecycle
import BankGateStore

/// Reconciles periodically: matches what arrived since the last pass (imports also reconcile at
/// once; this catches payments that reached the bank after their booking was read) and marks
/// expected payments overdue when their window has passed. It starts by rolling back statement
/// imports a crash interrupted (``AccountReports/recoverInterruptedImports()``). A pass is skipped when nothing it reads
/// has changed since the previous one on the same day.
public final class ReconcilerService: Service, Sendable {
    let reports: AccountReports
    let intervalMilliseconds: Int
    let logger: Logger

    public init(reports: AccountReports, intervalMilliseconds: Int = 60_000, logger: Logger) {
        self.reports = reports
        self.intervalMilliseconds = max(100, intervalMilliseconds)
        self.logger = logger
    }

    public func run() async throws {
        do {
            try await reports.recoverInterruptedImports()
        } catch {
            // Every import runs the recovery first, so a failure here only postpones it.
            logger.error("rolling back interrupted statement imports failed", metadata: ["error": "\(error)"])
        }
        var lastMarker: [Int64] = []
        var lastDay = ""
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                // Skip the pass when nothing it reads has changed since the last one (same day).
                let marker = try await reports.reconciliation.changeMarker()
                let day = reports.clock.now().dateString
                if marker == lastMarker && day == lastDay {
                    try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .milliseconds(self.intervalMilliseconds)) }
                    continue
                }
                lastMarker = marker
                lastDay = day
                let summary = try await reports.reconcile()
                if summary.exactMatches + summary.suggestions + summary.overdueExpectedPayments > 0 {
                    logger.info("reconciliation pass", metadata: [
                        "exact": "\(summary.exactMatches)", "suggested": "\(summary.suggestions)",
                        "overdue": "\(summary.overdueExpectedPayments)",
                    ])
                }
            } catch {
                logger.error("reconciliation pass failed", metadata: ["error": "\(error)"])
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .milliseconds(self.intervalMilliseconds)) }
        }
    }
}
