import BankGateCore
import BankGateStore

/// Issue 12: the fields `GET /v1/queue` adds to each bank, after those it always had.
extension JSONWriter {
    /// The circuit's story, the bank's last success and last error, the oldest queued and the
    /// oldest unknown payment (times as ISO 8601, ages in seconds at `now`).
    mutating func bankHealth(_ bank: QueueOverview.Bank, now: Timestamp?) {
        field("circuit_since", bank.circuitSince?.iso8601)
        field("circuit_reason", bank.circuitWhy)
        field("last_success_at", bank.lastSuccessAt?.iso8601)
        key("last_error")
        if let at = bank.lastErrorAt {
            beginObject()
            field("at", at.iso8601)
            field("code", bank.lastErrorCode)
            field("message", bank.lastErrorMessage)
            endObject()
        } else {
            null()
        }
        field("oldest_queued_at", bank.oldestQueuedAt?.iso8601)
        field("oldest_unknown_at", bank.oldestUnknownAt?.iso8601)
        field("oldest_unknown_age_seconds", bank.oldestUnknownAt.flatMap { at in now.map { ($0.milliseconds - at.milliseconds) / 1000 } })
    }
}
