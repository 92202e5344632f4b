import BankGateConfig
import BankGateCrypto
import BankGateCore
import BankGateStore
import Logging
import ServiceLifecycle

/// Warns before signing certificates expire: 30 and 7 days before, each once per certificate, as a
/// `key.expiring` event on the feed (for the ledger's and operators' systems), an audit record and
/// a log line. Checks at start and every few hours; a key already replaced by a rollover is not
/// announced.
final class KeyExpiryWatch: Service, Sendable {
    /// Days before expiry at which a certificate is announced.
    static let thresholds: [Int64] = [30, 7]

    let keys: [KeyConfig]
    let store: PaymentStore
    let clock: any WallClock
    let logger: Logger
    let intervalMilliseconds: Int64

    init(keys: [KeyConfig], store: PaymentStore, clock: any WallClock, logger: Logger, intervalMilliseconds: Int64 = 6 * 3_600_000) {
        self.keys = keys
        self.store = store
        self.clock = clock
        self.logger = logger
        self.intervalMilliseconds = intervalMilliseconds
    }

    func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            await check()
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .milliseconds(self.intervalMilliseconds)) }
        }
    }

    /// Announces every threshold a certificate has reached and not yet announced. Returns the
    /// notices published now.
    @discardableResult
    func check() async -> [String] {
        let now = clock.now()
        var published: [String] = []
        for status in SigningKeyInventory.inspect(keys, at: now) where status.replacedBy == nil {
            guard let notAfter = status.facts?.notAfter, notAfter > now else { continue }
            let daysLeft = (notAfter.milliseconds - now.milliseconds) / 86_400_000
            for threshold in Self.thresholds where daysLeft < threshold {
                var json = JSONWriter(capacity: 192)
                json.beginObject()
                json.field("key", status.config.id)
                json.field("bank", status.config.bank)
                json.field("not_after", notAfter.iso8601Seconds)
                json.field("days_left", daysLeft)
                json.field("threshold_days", threshold)
                json.endObject()
                let subject = (kind: "key", id: "\(status.config.id)@\(notAfter.iso8601Seconds)")
                do {
                    if try await store.publishOnce(type: "key.expiring", action: "key.expiring.\(threshold)d", subject: subject,
                                                   payload: json.text, details: status.summary, at: now) {
                        published.append("\(status.config.id):\(threshold)")
                        logger.warning("signing certificate expires soon", metadata: [
                            "key": "\(status.config.id)", "bank": "\(status.config.bank)",
                            "not_after": "\(notAfter.iso8601Seconds)", "days_left": "\(daysLeft)",
                        ])
                    }
                } catch {
                    logger.error("cannot record a key expiry notice", metadata: ["key": "\(status.config.id)", "error": "\(error)"])
                }
            }
        }
        return published
    }
}
