public import BankGateCore

extension PaymentStore {
    /// The intake events, after which a payment's own conditions are evaluated (once per payment).
    /// A payment waiting for approval is evaluated when it starts waiting (`payment.approval_required`).
    /// `payment.scheduled`: a later-dated payment is evaluated at intake too, not when its day comes.
    public static let alertIntakeEventTypes: Set<String> = [
        "payment.accepted", "payment.held", "payment.approval_required", "payment.scheduled",
    ]

    /// Evaluates the feed's next events after the alert cursor, at most `limit`, and records what
    /// `evaluate` finds — all in one transaction: the firings (each once, see
    /// ``recordAlerts(_:at:)``), the banks' rejection streaks `evaluate` updated, and the cursor
    /// moved past the events looked at. A crash before the commit loses nothing and records
    /// nothing; after it, the events are not looked at again. `alert.fired` events are skipped.
    /// `loadingPayments`: whether the items carry their payments (no rule about payments: not
    /// needed); `checkingNewCreditors`: whether intake items say if the creditor is new.
    /// - Returns: how many events were looked at, and the firings recorded now.
    public func evaluateAlertFeed(limit: Int = 500, at: Timestamp, loadingPayments: Bool = true, checkingNewCreditors: Bool = true,
                                  evaluate: @escaping @Sendable ([AlertFeedItem], inout [String: Int]) -> [AlertOccurrence])
        async throws -> (scanned: Int, fired: [AlertFiring]) {
        try await database.write { db in
            let cursor = try db.queryFirst("SELECT last_seq FROM alert_cursor WHERE id = 1", []) { try $0.int("last_seq") } ?? 0
            let events = try db.query("""
                SELECT seq, type, payment_id, at, payload FROM outbox_events WHERE seq > ? ORDER BY seq LIMIT ?
                """, [.integer(cursor), .integer(Int64(limit))]) { row in
                try OutboxEvent(sequence: row.int("seq"), type: row.text("type"), paymentId: row.optionalText("payment_id"),
                                at: Timestamp(milliseconds: row.int("at")), payloadJSON: row.text("payload"))
            }
            guard let last = events.last else { return (0, []) }
            var items: [AlertFeedItem] = []
            for event in events where event.type != "alert.fired" {
                let payment = loadingPayments ? try event.paymentId.flatMap { try Self.loadPayment(db, id: $0) } : nil
                var isNew = false
                if checkingNewCreditors, let payment, Self.alertIntakeEventTypes.contains(event.type) {
                    isNew = try Self.isNewCreditor(db, payment)
                }
                items.append(AlertFeedItem(event: event, payment: payment, isNewCreditor: isNew))
            }
            var streaks = Dictionary(try db.query("SELECT bank_id, rejections FROM alert_rejection_streaks", []) {
                try ($0.text("bank_id"), Int($0.int("rejections")))
            }, uniquingKeysWith: { first, _ in first })
            let before = streaks
            let occurrences = items.isEmpty ? [] : evaluate(items, &streaks)
            for (bank, rejections) in streaks where before[bank] != rejections {
                try db.run("""
                    INSERT INTO alert_rejection_streaks (bank_id, rejections) VALUES (?, ?)
                    ON CONFLICT (bank_id) DO UPDATE SET rejections = excluded.rejections
                    """, [.text(bank), .integer(Int64(rejections))])
            }
            let fired = try occurrences.compactMap { try Self.recordAlert(db, $0, at: at) }
            try db.run("UPDATE alert_cursor SET last_seq = ? WHERE id = 1", [.integer(last.sequence)])
            return (events.count, fired)
        }
    }

    /// Records each occurrence not recorded before (same rule, subject and occurrence): the
    /// firing, its audit record and, when it asks for one, its `alert.fired` event, in one
    /// transaction. Returns the firings recorded now.
    @discardableResult
    public func recordAlerts(_ occurrences: [AlertOccurrence], at: Timestamp) async throws -> [AlertFiring] {
        guard !occurrences.isEmpty else { return [] }
        return try await database.write { db in
            try occurrences.compactMap { try Self.recordAlert(db, $0, at: at) }
        }
    }

    /// The recorded firings in id order: of `rule` if given, fired at or after `from` if given,
    /// after the firing `afterId` (the page cursor), at most `limit`.
    public func alertFirings(rule: String?, from: Timestamp?, afterId: Int64?, limit: Int) async throws -> [AlertFiring] {
        try await database.read { db in
            try db.query("""
                SELECT id, rule, subject_kind, subject_id, occurrence, condition, payment_id, fired_at, details FROM alert_firings
                WHERE (?1 IS NULL OR rule = ?1) AND (?2 IS NULL OR fired_at >= ?2) AND id > ?3 ORDER BY id LIMIT ?4
                """, [rule.sqlValue, from.map { SQLValue.integer($0.milliseconds) } ?? .null, .integer(afterId ?? 0),
                      .integer(Int64(limit))]) { row in
                try AlertFiring(id: row.int("id"), rule: row.text("rule"), subjectKind: row.text("subject_kind"),
                                subjectId: row.text("subject_id"), occurrence: row.text("occurrence"),
                                condition: row.text("condition"), paymentId: row.optionalText("payment_id"),
                                firedAt: Timestamp(milliseconds: row.int("fired_at")), detailsJSON: row.text("details"))
            }
        }
    }

    /// Payments whose outcome has been unknown since `cutoff` or earlier (their submission's
    /// `unknown_since`), oldest first.
    public func paymentsUnknown(since cutoff: Timestamp) async throws -> [UnknownPayment] {
        try await database.read { db in
            let rows = try db.query("""
                SELECT p.id, s.unknown_since FROM payments p JOIN submissions s ON s.id = p.submission_id
                WHERE p.status = 'unknown' AND s.unknown_since IS NOT NULL AND s.unknown_since <= ? ORDER BY s.unknown_since, p.seq
                """, [.integer(cutoff.milliseconds)]) { try ($0.text("id"), $0.int("unknown_since")) }
            return try rows.compactMap { id, since in
                try Self.loadPayment(db, id: id).map { UnknownPayment(payment: $0, unknownSince: Timestamp(milliseconds: since)) }
            }
        }
    }

    /// Whether no payment accepted before `payment` went from its debtor account to its creditor
    /// account, counting those not rejected, cancelled or failed. By the resemblance index (creditor
    /// account, amount, debtor account, …), the creditor's payments: the planner would otherwise walk
    /// the account's index by `seq`, every earlier payment of the account.
    static func isNewCreditor(_ db: StoreConnection, _ payment: PaymentRecord) throws -> Bool {
        try db.queryFirst("""
            SELECT 1 AS seen FROM payments INDEXED BY payments_resemblance WHERE debtor_account_id = ?1 AND creditor_account = ?2
                AND seq < (SELECT seq FROM payments WHERE id = ?3) AND status NOT IN ('rejected', 'cancelled', 'failed') LIMIT 1
            """, [.text(payment.debtorAccountId), .text(payment.creditor.account), .text(payment.id)]) { try $0.int("seen") } == nil
    }

    /// Inserts the firing unless it is recorded already; then its audit record and event.
    static func recordAlert(_ db: StoreConnection, _ occurrence: AlertOccurrence, at: Timestamp) throws -> AlertFiring? {
        let (inserted, insertedID) = try db.runReturningID("""
            INSERT INTO alert_firings (rule, subject_kind, subject_id, occurrence, condition, payment_id, fired_at, details)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (rule, subject_kind, subject_id, occurrence) DO NOTHING
            """, [.text(occurrence.rule), .text(occurrence.subjectKind), .text(occurrence.subjectId), .text(occurrence.occurrence),
                  .text(occurrence.condition), occurrence.paymentId.sqlValue, .integer(at.milliseconds), .text(occurrence.detailsJSON)])
        guard inserted == 1 else { return nil }
        let firing = AlertFiring(id: insertedID, rule: occurrence.rule, subjectKind: occurrence.subjectKind,
                                 subjectId: occurrence.subjectId, occurrence: occurrence.occurrence, condition: occurrence.condition,
                                 paymentId: occurrence.paymentId, firedAt: at, detailsJSON: occurrence.detailsJSON)
        try StoreJournal.audit(db, at: at, actor: "system", action: "alert.fired", subject: ("alert", "alf_\(firing.id)"),
                               details: "\(occurrence.rule): \(occurrence.subjectKind) \(occurrence.subjectId): \(occurrence.summary)")
        if occurrence.writesEvent {
            var json = JSONWriter(capacity: 256 + occurrence.detailsJSON.utf8.count)
            json.beginObject()
            json.field("alert_id", "alf_\(firing.id)")
            json.field("rule", firing.rule)
            json.field("condition", firing.condition)
            json.field("subject_kind", firing.subjectKind)
            json.field("subject_id", firing.subjectId)
            json.field("payment_id", firing.paymentId)
            json.field("summary", occurrence.summary)
            json.key("details")
            json.raw(occurrence.detailsJSON)
            json.endObject()
            try StoreJournal.appendEvent(db, type: "alert.fired", paymentId: firing.paymentId, at: at, payload: json.text)
        }
        return firing
    }
}
