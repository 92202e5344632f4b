import BankGateStore
import Logging

/// How long a lane waits between attempts to record what a bank said when the store cannot write.
public struct StoreRetryPolicy: Sendable, Hashable {
    /// The first wait; it doubles after each failed attempt.
    public var baseMilliseconds: Int
    /// The longest wait.
    public var maxMilliseconds: Int

    public init(baseMilliseconds: Int = 100, maxMilliseconds: Int = 5_000) {
        self.baseMilliseconds = max(1, baseMilliseconds)
        self.maxMilliseconds = max(self.baseMilliseconds, maxMilliseconds)
    }
}

extension BankLane {
    /// Records what the bank said (`write`, a ``PaymentStore/recordSend`` or ``PaymentStore/recordQuery``)
    /// until the store takes it. The answer exists only in memory until then, and the submission
    /// stays in flight in this lane, so nothing sends it again or asks about it meanwhile.
    ///
    /// A storage failure (a full disk: ``DatabaseError/isStorageFailure``) is retried with backoff for
    /// as long as it lasts. Any other error is retried a few times, then given up: the submission
    /// is then left `sending` (or due for its next query), and the periodic recovery asks the bank.
    /// On shutdown or cancellation it is given up after a few attempts as well; start-up recovery
    /// asks the bank then.
    func recordDurably(_ what: String, submissionId: String, _ write: @Sendable () async throws -> Void) async throws {
        var failures = 0
        while true {
            do {
                try await write()
                if failures > 0 {
                    logger.notice("bank answer recorded after store failures",
                                  metadata: ["bank": "\(bankId)", "submission": "\(submissionId)", "failures": "\(failures)"])
                }
                return
            } catch {
                failures += 1
                let storage = (error as? DatabaseError)?.isStorageFailure ?? false
                if (!storage || isStopping || Task.isCancelled) && failures >= 3 { throw error }
                let delay = RetryPolicy.doubled(Int64(storeRetry.baseMilliseconds), times: failures - 1,
                                                cappedAt: Int64(storeRetry.maxMilliseconds))
                logger.error("cannot record the bank's answer; retrying", metadata: [
                    "bank": "\(bankId)", "submission": "\(submissionId)", "what": "\(what)", "failures": "\(failures)",
                    "retry_in_ms": "\(delay)", "error": "\(error)",
                ])
                try? await Task.sleep(for: .milliseconds(delay))
            }
        }
    }
}
