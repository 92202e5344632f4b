public import BankGateCore
public import BankGateStore
import BankGateTransport
public import Logging
public import ServiceLifecycle

/// Posts one webhook delivery; injected so tests can stand in for the network.
public protocol WebhookPoster: Sendable {
    /// Sends `body` to `url`; returns the HTTP status, or throws when no answer came.
    func post(url: String, headers: [(String, String)], body: [UInt8]) async throws -> Int
}

/// Webhook deliveries over HTTP(S) through libcurl.
public struct HTTPWebhookPoster: WebhookPoster {
    let client: HTTPClient

    public init(timeoutMilliseconds: Int = 10_000) {
        client = HTTPClient(timeoutMilliseconds: timeoutMilliseconds, maximumResponseBytes: 64 * 1024)
    }

    public func post(url: String, headers: [(String, String)], body: [UInt8]) async throws -> Int {
        try await client.send(method: "POST", url: url, headers: headers, body: body).status
    }
}

/// How webhook deliveries are retried.
public struct WebhookPolicy: Sendable, Hashable {
    /// How often due subscriptions are looked at.
    public var pollIntervalMilliseconds: Int
    /// Events per pass and subscription.
    public var batchSize: Int
    /// Backoff after the n-th failure in a row: base · 2^(n−1), capped.
    public var backoffBaseMilliseconds: Int64
    public var backoffMaxMilliseconds: Int64
    /// A subscription is disabled after this many failed attempts in a row.
    public var disableAfterFailures: Int

    public init(pollIntervalMilliseconds: Int = 500, batchSize: Int = 100, backoffBaseMilliseconds: Int64 = 1_000,
                backoffMaxMilliseconds: Int64 = 3_600_000, disableAfterFailures: Int = 10) {
        self.pollIntervalMilliseconds = pollIntervalMilliseconds
        self.batchSize = batchSize
        self.backoffBaseMilliseconds = backoffBaseMilliseconds
        self.backoffMaxMilliseconds = backoffMaxMilliseconds
        self.disableAfterFailures = disableAfterFailures
    }

    /// The wait after `failures` failed attempts in a row.
    public func backoff(afterFailures failures: Int) -> Int64 {
        let exponent = min(max(failures - 1, 0), 40)
        let (delay, overflow) = backoffBaseMilliseconds.multipliedReportingOverflow(by: Int64(1) << exponent)
        return overflow ? backoffMaxMilliseconds : min(delay, backoffMaxMilliseconds)
    }
}

/// Delivers outbox events to webhook subscriptions, in sequence order per subscription, at least
/// once: an event counts as delivered only when the receiver answered 2xx; otherwise the same event
/// is tried again after a backoff, and the subscription is disabled after repeated failure until an
/// operator enables it. Every delivery carries the event's stable id and a signature
/// (``WebhookSignature``).
public final class WebhookSender: Service, Sendable {
    let store: WebhookStore
    let poster: any WebhookPoster
    let clock: any WallClock
    let policy: WebhookPolicy
    let logger: Logger

    public init(store: WebhookStore, poster: any WebhookPoster, clock: any WallClock, policy: WebhookPolicy = WebhookPolicy(),
                logger: Logger) {
        self.store = store
        self.poster = poster
        self.clock = clock
        self.policy = policy
        self.logger = logger
    }

    public func run() async throws {
        do {
            let sealed = try await store.sealPlaintextSecrets(at: clock.now())
            if sealed > 0 { logger.notice("sealed webhook secrets stored in plain text", metadata: ["count": "\(sealed)"]) }
        } catch {
            logger.error("could not seal webhook secrets stored in plain text", metadata: ["error": "\(error)"])
        }
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                _ = try await deliverDue()
            } catch {
                logger.error("webhook pass failed", metadata: ["error": "\(error)"])
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .milliseconds(self.policy.pollIntervalMilliseconds)) }
        }
    }

    /// One pass over the due subscriptions; returns how many events were acknowledged.
    @discardableResult
    public func deliverDue() async throws -> Int {
        let due = try await store.due(at: clock.now())
        return try await withThrowingTaskGroup(of: Int.self) { group in
            for subscription in due {
                group.addTask { try await self.deliver(to: subscription) }
            }
            var total = 0
            for try await count in group { total += count }
            return total
        }
    }

    private func deliver(to subscription: WebhookSubscription) async throws -> Int {
        let (events, scanned) = try await store.nextEvents(for: subscription, limit: policy.batchSize)
        var delivered = 0
        for event in events {
            var json = JSONWriter(capacity: 512 + event.payloadJSON.utf8.count)
            json.event(event)
            let body = Array(json.text.utf8)
            let now = clock.now()
            let headers: [(String, String)] = [
                ("Content-Type", "application/json"),
                ("BankGate-Event-Id", event.id),
                ("BankGate-Event-Type", event.type),
                ("BankGate-Webhook-Id", subscription.id),
                (WebhookSignature.headerName,
                 WebhookSignature.header(secret: subscription.secret, unixSeconds: now.milliseconds / 1000, body: body)),
            ]
            let failure: String?
            do {
                let status = try await poster.post(url: subscription.url, headers: headers, body: body)
                failure = (200..<300).contains(status) ? nil : "HTTP \(status)"
            } catch {
                failure = "\(error)"
            }
            if let failure {
                let failures = subscription.consecutiveFailures + 1
                let next = now.adding(milliseconds: policy.backoff(afterFailures: failures))
                let updated = try await store.recordFailure(id: subscription.id, error: "event \(event.id): \(failure)", nextAttemptAt: next,
                                                            disableAfter: policy.disableAfterFailures, at: now)
                logger.warning("webhook delivery failed", metadata: [
                    "webhook": "\(subscription.id)", "event": "\(event.id)", "error": "\(failure)",
                    "state": "\(updated?.state ?? "?")",
                ])
                return delivered
            }
            try await store.recordDelivered(id: subscription.id, through: event.sequence, delivered: true, at: now)
            delivered += 1
        }
        if scanned > max(subscription.cursor, events.last?.sequence ?? 0) {
            try await store.recordDelivered(id: subscription.id, through: scanned, delivered: false, at: clock.now())
        }
        return delivered
    }
}
