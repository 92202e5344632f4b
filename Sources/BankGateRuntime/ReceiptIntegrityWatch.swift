import BankGateEngine
import Logging
import ServiceLifecycle

/// Re-hashes every kept receipt file at start and then daily (``ReceiptDesk/verify()``): a file
/// missing or altered is logged, audited and announced as `receipt.integrity_failed` (once per
/// finding), so finance learns of it without asking.
final class ReceiptIntegrityWatch: Service, Sendable {
    /// The receipt desk in force (a reload may build another).
    let receipts: @Sendable () -> ReceiptDesk
    let logger: Logger
    let intervalMilliseconds: Int64

    init(receipts: @escaping @Sendable () -> ReceiptDesk, logger: Logger, intervalMilliseconds: Int64 = 24 * 3_600_000) {
        self.receipts = receipts
        self.logger = logger
        self.intervalMilliseconds = intervalMilliseconds
    }

    func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                let verification = try await receipts().verify()
                if verification.failures.isEmpty {
                    logger.info("receipt files verified", metadata: ["checked": "\(verification.checked)"])
                } else {
                    logger.error("receipt files missing or altered", metadata: [
                        "checked": "\(verification.checked)", "failed": "\(verification.failures.count)",
                        "receipts": "\(verification.failures.prefix(20).map(\.receiptId).joined(separator: ","))",
                    ])
                }
            } catch {
                logger.error("receipt files could not be verified", metadata: ["error": "\(error)"])
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .milliseconds(self.intervalMilliseconds)) }
        }
    }
}
