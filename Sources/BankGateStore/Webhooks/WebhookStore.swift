public import BankGateCore
public import BankGateCrypto

/// A subscription of a URL to outbox event types.
public struct WebhookSubscription: Sendable, Hashable {
    /// `whk_…`.
    public var id: String
    public var url: String
    /// Event types or patterns: `payment.completed`, `transaction.*`, `*`.
    public var eventTypes: [String]
    /// The HMAC-SHA256 key deliveries are signed with (in the database it is sealed, see ``WebhookStore``).
    public var secret: String
    /// `active` or `disabled`.
    public var state: String
    /// The last outbox sequence delivered (or skipped as not subscribed).
    public var cursor: Int64
    public var consecutiveFailures: Int
    public var nextAttemptAt: Timestamp
    public var lastError: String?
    public var lastDeliveredAt: Timestamp?
    public var createdBy: String
    public var createdAt: Timestamp
    public var updatedAt: Timestamp
    /// The tenant that created it: it receives only that tenant's events (`nil`: every event, as
    /// without `[[tenants]]`).
    public var tenant: String?

    public init(id: String, url: String, eventTypes: [String], secret: String, state: String, cursor: Int64,
                consecutiveFailures: Int, nextAttemptAt: Timestamp, lastError: String?, lastDeliveredAt: Timestamp?,
                createdBy: String, createdAt: Timestamp, updatedAt: Timestamp) {
        self.id = id
        self.url = url
        self.eventTypes = eventTypes
        self.secret = secret
        self.state = state
        self.cursor = cursor
        self.consecutiveFailures = consecutiveFailures
        self.nextAttemptAt = nextAttemptAt
        self.lastError = lastError
        self.lastDeliveredAt = lastDeliveredAt
        self.createdBy = createdBy
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    /// Whether the subscription may see `event`: every event without a tenant of its own, else
    /// its tenant's, and those about no account only for the tenant `default`.
    public func sees(_ event: OutboxEvent) -> Bool {
        guard let tenant else { return true }
        return (event.tenant ?? "default") == tenant
    }

    /// Whether the subscription wants events of `type`.
    public func wants(_ type: String) -> Bool {
        eventTypes.contains { pattern in
            if pattern == "*" { return true }
            if pattern.hasSuffix(".*") { return type.hasPrefix(pattern.dropLast(1)) }
            return pattern == type
        }
    }
}

/// Webhook subscriptions and their delivery cursors over the outbox. Shares the payment store's
/// database. Delivery is at least once: the cursor moves only after the receiver acknowledged.
///
/// Signing secrets are stored sealed (``SecretBox``, AES-256-GCM bound to the subscription's id) with
/// a key that is not in the database; a copy of the database alone does not reveal them.
public final class WebhookStore: Sendable {
    let database: StoreDatabase
    let secrets: SecretBox

    /// A store over `store`'s database whose secrets are sealed with `secrets`.
    public init(sharing store: PaymentStore, secrets: SecretBox) {
        database = store.database
        self.secrets = secrets
    }

    /// Seals the secrets stored in plain text by versions before sealing existed, each with an audit
    /// record; returns how many. Run once at start-up (the sender does).
    @discardableResult
    public func sealPlaintextSecrets(at: Timestamp) async throws -> Int {
        let secrets = self.secrets
        return try await database.write { db in
            let plain = try db.query("SELECT id, secret FROM webhook_subscriptions WHERE secret NOT LIKE 'bgsec1:%' ORDER BY id", []) {
                row in try (id: row.text("id"), secret: row.text("secret"))
            }
            for row in plain {
                try db.run("UPDATE webhook_subscriptions SET secret = ?, updated_at = ? WHERE id = ?",
                           [.text(secrets.seal(row.secret, context: row.id)), .integer(at.milliseconds), .text(row.id)])
                try StoreJournal.audit(db, at: at, actor: "system", action: "webhook.secret_sealed", subject: ("webhook", row.id),
                                       details: "signing secret stored in plain text by an earlier version, now sealed")
            }
            return plain.count
        }
    }

    /// Stores a new active subscription. It receives events from the current end of the outbox on,
    /// or from `fromSequence` when given.
    public func create(id: String, url: String, eventTypes: [String], secret: String, fromSequence: Int64?, actor: String,
                       tenant: String? = nil, at: Timestamp) async throws -> WebhookSubscription {
        try await database.write { db in
            let end = try db.queryFirst("SELECT COALESCE(MAX(seq), 0) AS last_seq FROM outbox_events", [], { try $0.int("last_seq") }) ?? 0
            let cursor = fromSequence.map { max(0, $0 - 1) } ?? end
            try db.run("""
                INSERT INTO webhook_subscriptions (id, url, event_types, secret, state, cursor_seq, created_by, created_at, updated_at, tenant)
                VALUES (?, ?, ?, ?, 'active', ?, ?, ?, ?, ?)
                """, [.text(id), .text(url), .text(eventTypes.joined(separator: ",")), .text(self.secrets.seal(secret, context: id)), .integer(cursor), .text(actor),
                      .integer(at.milliseconds), .integer(at.milliseconds), tenant.sqlValue])
            try StoreJournal.audit(db, at: at, actor: actor, action: "webhook.created", subject: ("webhook", id),
                                     details: "\(url) for \(eventTypes.joined(separator: ","))" + (tenant.map { " (tenant \($0))" } ?? ""))
            return try Self.load(db, id: id, self.secrets)!
        }
    }

    public func subscription(id: String) async throws -> WebhookSubscription? {
        try await database.read { db in try Self.load(db, id: id, self.secrets) }
    }

    public func subscriptions() async throws -> [WebhookSubscription] {
        try await database.read { db in
            try db.query("SELECT \(Self.columns) FROM webhook_subscriptions ORDER BY created_at, id", [], { try Self.subscription($0, self.secrets) })
        }
    }

    /// Active subscriptions whose next attempt is due.
    public func due(at now: Timestamp) async throws -> [WebhookSubscription] {
        try await database.read { db in
            try db.query("""
                SELECT \(Self.columns) FROM webhook_subscriptions WHERE state = 'active' AND next_attempt_at <= ? ORDER BY id
                """, [.integer(now.milliseconds)], { try Self.subscription($0, self.secrets) })
        }
    }

    /// The next events after the subscription's cursor that it wants, at most `limit`, and the last
    /// sequence scanned (the cursor may move past unwanted events even when none is wanted).
    public func nextEvents(for subscription: WebhookSubscription, limit: Int) async throws -> (events: [OutboxEvent], scannedThrough: Int64) {
        try await database.read { db in
            var wanted: [OutboxEvent] = []
            var scanned = subscription.cursor
            // Scan in pages so that a subscription to rare events does not read the whole outbox at once.
            for _ in 0..<20 {
                let page = try db.query("SELECT seq, type, payment_id, at, payload, tenant FROM outbox_events WHERE seq > ? ORDER BY seq LIMIT 500",
                                        [.integer(scanned)], OutboxEvent.init(row:))
                guard !page.isEmpty else { break }
                for event in page {
                    if subscription.wants(event.type), subscription.sees(event) {
                        wanted.append(event)
                        if wanted.count == limit { return (wanted, event.sequence) }
                    }
                    scanned = event.sequence
                }
                if !wanted.isEmpty { break }
            }
            return (wanted, scanned)
        }
    }

    /// The receiver acknowledged everything through `sequence`: move the cursor, clear failures.
    public func recordDelivered(id: String, through sequence: Int64, delivered: Bool, at: Timestamp) async throws {
        _ = try await database.write { db in
            try db.run("""
                UPDATE webhook_subscriptions SET cursor_seq = MAX(cursor_seq, ?), consecutive_failures = CASE WHEN ? THEN 0 ELSE consecutive_failures END,
                    last_error = CASE WHEN ? THEN NULL ELSE last_error END, next_attempt_at = 0,
                    last_delivered_at = CASE WHEN ? THEN ? ELSE last_delivered_at END, updated_at = ?
                WHERE id = ?
                """, [.integer(sequence), .integer(delivered ? 1 : 0), .integer(delivered ? 1 : 0), .integer(delivered ? 1 : 0),
                      .integer(at.milliseconds), .integer(at.milliseconds), .text(id)])
        }
    }

    /// A delivery failed: count it, schedule the next attempt, and disable the subscription once
    /// `disableAfter` attempts in a row have failed. Returns the subscription as it now stands.
    public func recordFailure(id: String, error: String, nextAttemptAt: Timestamp, disableAfter: Int,
                              at: Timestamp) async throws -> WebhookSubscription? {
        try await database.write { db in
            guard let current = try Self.load(db, id: id, self.secrets) else { return nil }
            let failures = current.consecutiveFailures + 1
            let disable = failures >= disableAfter
            try db.run("""
                UPDATE webhook_subscriptions SET consecutive_failures = ?, last_error = ?, next_attempt_at = ?, state = ?, updated_at = ?
                WHERE id = ?
                """, [.integer(Int64(failures)), .text(error), .integer(nextAttemptAt.milliseconds),
                      .text(disable ? "disabled" : current.state), .integer(at.milliseconds), .text(id)])
            if disable {
                try StoreJournal.audit(db, at: at, actor: "system", action: "webhook.disabled", subject: ("webhook", id),
                                         details: "\(failures) failed deliveries in a row; last: \(error)")
                var json = JSONWriter(capacity: 256)
                json.beginObject()
                json.field("webhook_id", id)
                json.field("consecutive_failures", failures)
                json.field("last_error", error)
                json.endObject()
                try StoreJournal.appendEvent(db, type: "webhook.disabled", tenant: current.tenant, at: at, payload: json.text)
            }
            return try Self.load(db, id: id, self.secrets)
        }
    }

    /// An operator enables a subscription again (failures reset, next attempt now), or disables it.
    public func setEnabled(id: String, _ enabled: Bool, actor: String, at: Timestamp) async throws -> WebhookSubscription {
        try await database.write { db in
            guard try Self.load(db, id: id, self.secrets) != nil else { throw StoreError.notFound("webhook") }
            try db.run("""
                UPDATE webhook_subscriptions SET state = ?, consecutive_failures = CASE WHEN ? THEN 0 ELSE consecutive_failures END,
                    next_attempt_at = 0, updated_at = ? WHERE id = ?
                """, [.text(enabled ? "active" : "disabled"), .integer(enabled ? 1 : 0), .integer(at.milliseconds), .text(id)])
            try StoreJournal.audit(db, at: at, actor: actor, action: enabled ? "webhook.enabled" : "webhook.disabled",
                                     subject: ("webhook", id), details: nil)
            return try Self.load(db, id: id, self.secrets)!
        }
    }

    /// Delivers again from `sequence` on: moves the cursor of one subscription, or of all, back.
    /// Returns the subscriptions moved.
    public func redeliver(from sequence: Int64, subscriptionId: String?, actor: String, at: Timestamp) async throws -> [WebhookSubscription] {
        try await database.write { db in
            let targets = try db.query("SELECT \(Self.columns) FROM webhook_subscriptions WHERE (? IS NULL OR id = ?) ORDER BY id",
                                       [subscriptionId.sqlValue, subscriptionId.sqlValue], { try Self.subscription($0, self.secrets) })
            if let subscriptionId, targets.isEmpty { throw StoreError.notFound("webhook \(subscriptionId)") }
            for target in targets {
                try db.run("UPDATE webhook_subscriptions SET cursor_seq = ?, next_attempt_at = 0, updated_at = ? WHERE id = ?",
                           [.integer(max(0, sequence - 1)), .integer(at.milliseconds), .text(target.id)])
                try StoreJournal.audit(db, at: at, actor: actor, action: "webhook.redeliver", subject: ("webhook", target.id),
                                         details: "from sequence \(sequence) (cursor was \(target.cursor))")
            }
            return try targets.compactMap { try Self.load(db, id: $0.id, self.secrets) }
        }
    }

    /// Removes a subscription.
    public func delete(id: String, actor: String, at: Timestamp) async throws {
        try await database.write { db in
            guard try db.run("DELETE FROM webhook_subscriptions WHERE id = ?", [.text(id)]) == 1 else {
                throw StoreError.notFound("webhook")
            }
            try StoreJournal.audit(db, at: at, actor: actor, action: "webhook.deleted", subject: ("webhook", id), details: nil)
        }
    }

    static let columns = """
        id, url, event_types, secret, state, cursor_seq, consecutive_failures, next_attempt_at, last_error, last_delivered_at, \
        created_by, created_at, updated_at, tenant
        """

    static func load(_ db: StoreConnection, id: String, _ secrets: SecretBox) throws -> WebhookSubscription? {
        try db.queryFirst("SELECT \(columns) FROM webhook_subscriptions WHERE id = ?", [.text(id)]) { try subscription($0, secrets) }
    }

    /// A subscription from its row, its secret opened (a secret still in plain text, from before
    /// sealing, is used as it is until ``sealPlaintextSecrets(at:)`` has run).
    static func subscription(_ row: StoreRow, _ secrets: SecretBox) throws -> WebhookSubscription {
        let id = try row.text("id")
        let stored = try row.text("secret")
        let secret: String
        if SecretBox.isSealed(stored) {
            do {
                secret = try secrets.open(stored, context: id)
            } catch {
                throw StoreError.unreadableSecret("webhook \(id): \(error)")
            }
        } else {
            secret = stored
        }
        var subscription = try WebhookSubscription(
            id: id, url: row.text("url"), eventTypes: row.text("event_types").split(separator: ",").map(String.init),
            secret: secret, state: row.text("state"), cursor: row.int("cursor_seq"),
            consecutiveFailures: Int(row.int("consecutive_failures")),
            nextAttemptAt: Timestamp(milliseconds: row.int("next_attempt_at")), lastError: row.optionalText("last_error"),
            lastDeliveredAt: row.optionalInt("last_delivered_at").map(Timestamp.init(milliseconds:)),
            createdBy: row.text("created_by"), createdAt: Timestamp(milliseconds: row.int("created_at")),
            updatedAt: Timestamp(milliseconds: row.int("updated_at")))
        subscription.tenant = try row.optionalText("tenant")
        return subscription
    }
}
