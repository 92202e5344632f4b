public import BankGateConfig
public import BankGateCore
public import BankGateStore

/// A signing certificate's expiry, as the alert rules see it.
public struct KeyExpiryFact: Sendable, Hashable {
    public var keyId: String
    public var bankId: String
    public var notAfter: Timestamp

    public init(keyId: String, bankId: String, notAfter: Timestamp) {
        self.keyId = keyId
        self.bankId = bankId
        self.notAfter = notAfter
    }
}

/// Decides which alert rules fire: from the feed's events (payments at intake, rejections in a
/// row, statement gaps and inconsistencies) and from state looked at now (open circuits, unknown
/// outcomes, certificates). Pure: ``AlertService`` feeds it and records what it returns, each
/// occurrence once.
public struct AlertEvaluator: Sendable {
    public let rules: [AlertRuleConfig]
    /// Each configured account's bank, for the `banks` filter of account subjects.
    public let accountBanks: [String: String]

    public init(rules: [AlertRuleConfig], accountBanks: [String: String] = [:]) {
        self.rules = rules
        self.accountBanks = accountBanks
    }

    /// Whether some rule needs the payments of the feed's events.
    public var needsPayments: Bool {
        rules.contains { rule in
            switch rule.condition {
            case .paymentAmountAbove, .paymentNewCreditor, .paymentOutsideHours, .paymentCreditorCountries, .bankRejectionsInARow: true
            default: false
            }
        }
    }

    /// Whether some rule asks whether a payment's creditor is new.
    public var needsNewCreditors: Bool {
        rules.contains { $0.condition == .paymentNewCreditor }
    }

    /// The smallest `bank_unknown_older_than_minutes` of the rules, if any has one.
    public var unknownThresholdMinutes: Int? {
        rules.compactMap { rule -> Int? in
            if case .bankUnknownOlderThan(let minutes) = rule.condition { return minutes }
            return nil
        }.min()
    }

    // MARK: - The feed

    /// The occurrences in `items`, in feed order. `streaks` (payments rejected in a row per bank)
    /// is updated: a rejection counts one up, an answer that is not a rejection (`submitted`,
    /// `processing`, `completed`) sets it back to 0; a rule fires when the count reaches its number.
    public func feedOccurrences(_ items: [AlertFeedItem], streaks: inout [String: Int]) -> [AlertOccurrence] {
        var found: [AlertOccurrence] = []
        for item in items {
            let event = item.event
            if let payment = item.payment {
                if PaymentStore.alertIntakeEventTypes.contains(event.type) {
                    found += paymentOccurrences(payment, isNewCreditor: item.isNewCreditor)
                }
                switch event.type {
                case "payment.rejected":
                    let count = streaks[payment.bankId, default: 0] + 1
                    streaks[payment.bankId] = count
                    found += rejectionOccurrences(bank: payment.bankId, count: count, event: event, payment: payment)
                case "payment.submitted", "payment.processing", "payment.completed":
                    if streaks[payment.bankId, default: 0] != 0 { streaks[payment.bankId] = 0 }
                default:
                    break
                }
            }
            if event.type == "statement.gap" || event.type == "statement.inconsistent" {
                found += statementOccurrences(event)
            }
        }
        return found
    }

    /// A payment's own conditions, evaluated once at intake.
    func paymentOccurrences(_ payment: PaymentRecord, isNewCreditor: Bool) -> [AlertOccurrence] {
        var found: [AlertOccurrence] = []
        for rule in rules where applies(rule, bank: payment.bankId, account: payment.debtorAccountId) {
            var details = JSONWriter(capacity: 256)
            details.beginObject()
            details.field("payment_id", payment.id)
            details.field("debtor_account", payment.debtorAccountId)
            details.field("bank_id", payment.bankId)
            details.field("amount", payment.amount.decimalString)
            details.field("currency", payment.amount.currency.code)
            details.field("creditor_account", payment.creditor.account)
            let summary: String
            switch rule.condition {
            case .paymentAmountAbove(let threshold):
                guard payment.amount.currency == threshold.currency, payment.amount.minorUnits > threshold.minorUnits else { continue }
                details.field("threshold", threshold.decimalString)
                summary = "payment \(payment.id) of \(payment.amount) is above \(threshold)"
            case .paymentNewCreditor:
                guard isNewCreditor else { continue }
                summary = "payment \(payment.id) from \(payment.debtorAccountId) to the new creditor account \(payment.creditor.account)"
            case .paymentOutsideHours(let start, let end, let offset):
                let local = Self.localTime(payment.createdAt, utcOffsetMinutes: offset)
                guard local.isWeekend || local.minute < start || local.minute >= end else { continue }
                details.field("local_time", local.text)
                details.field("weekend", local.isWeekend ? "yes" : "no")
                summary = "payment \(payment.id) accepted at \(local.text) (UTC\(Self.offsetText(offset))), outside the business hours"
            case .paymentCreditorCountries(let countries):
                guard let country = Self.creditorCountries(payment.creditor).first(where: countries.contains) else { continue }
                details.field("country", country)
                summary = "payment \(payment.id) to a creditor in \(country)"
            default:
                continue
            }
            details.endObject()
            found.append(AlertOccurrence(rule: rule.name, subjectKind: "payment", subjectId: payment.id, condition: rule.condition.key,
                                         paymentId: payment.id, detailsJSON: details.text, summary: summary,
                                         writesEvent: rule.writesEvent))
        }
        return found
    }

    func rejectionOccurrences(bank: String, count: Int, event: OutboxEvent, payment: PaymentRecord) -> [AlertOccurrence] {
        rules.compactMap { rule in
            guard case .bankRejectionsInARow(let wanted) = rule.condition, wanted == count,
                  applies(rule, bank: bank, account: nil) else { return nil }
            var details = JSONWriter(capacity: 160)
            details.beginObject()
            details.field("bank_id", bank)
            details.field("rejections_in_a_row", count)
            details.field("last_payment_id", payment.id)
            details.field("reason_code", payment.reasonCode)
            details.endObject()
            return AlertOccurrence(rule: rule.name, subjectKind: "bank", subjectId: bank, occurrence: "seq:\(event.sequence)",
                                   condition: rule.condition.key, paymentId: payment.id, detailsJSON: details.text,
                                   summary: "\(count) payments rejected in a row by \(bank), the last \(payment.id)",
                                   writesEvent: rule.writesEvent)
        }
    }

    func statementOccurrences(_ event: OutboxEvent) -> [AlertOccurrence] {
        let payload = try? JSONValue.parse(Array(event.payloadJSON.utf8))
        let account = payload?["account"]?.stringValue ?? ""
        let isGap = event.type == "statement.gap"
        let subject: (kind: String, id: String)
        if isGap {
            subject = ("statement_gap", payload?["gap_id"].map(Self.text) ?? "seq:\(event.sequence)")
        } else {
            subject = ("statement", payload?["statement_id"]?.stringValue ?? "seq:\(event.sequence)")
        }
        return rules.compactMap { rule in
            switch rule.condition {
            case .statementGap where isGap, .statementInconsistent where !isGap: break
            default: return nil
            }
            guard applies(rule, bank: accountBanks[account], account: account) else { return nil }
            let what = isGap ? "a gap between statements" : "an inconsistent statement, quarantined"
            return AlertOccurrence(rule: rule.name, subjectKind: subject.kind, subjectId: subject.id, condition: rule.condition.key,
                                   detailsJSON: event.payloadJSON, summary: "\(what) of account \(account)",
                                   writesEvent: rule.writesEvent)
        }
    }

    // MARK: - State

    /// One occurrence per rule and opening of a bank's circuit.
    public func circuitOccurrences(openCircuits: [String: Timestamp]) -> [AlertOccurrence] {
        rules.flatMap { rule -> [AlertOccurrence] in
            guard case .bankCircuitOpen = rule.condition else { return [] }
            return openCircuits.sorted { $0.key < $1.key }.compactMap { bank, openedAt in
                guard applies(rule, bank: bank, account: nil) else { return nil }
                var details = JSONWriter(capacity: 96)
                details.beginObject()
                details.field("bank_id", bank)
                details.field("opened_at", openedAt.iso8601)
                details.endObject()
                return AlertOccurrence(rule: rule.name, subjectKind: "bank", subjectId: bank, occurrence: "opened:\(openedAt.milliseconds)",
                                       condition: rule.condition.key, detailsJSON: details.text,
                                       summary: "the circuit to \(bank) is open since \(openedAt.iso8601Seconds)",
                                       writesEvent: rule.writesEvent)
            }
        }
    }

    /// One occurrence per rule, payment and time its outcome became unknown, once it has been
    /// unknown for longer than the rule's minutes.
    public func unknownOccurrences(_ payments: [UnknownPayment], now: Timestamp) -> [AlertOccurrence] {
        rules.flatMap { rule -> [AlertOccurrence] in
            guard case .bankUnknownOlderThan(let minutes) = rule.condition else { return [] }
            return payments.compactMap { unknown in
                let payment = unknown.payment
                guard now.milliseconds - unknown.unknownSince.milliseconds > Int64(minutes) * 60_000,
                      applies(rule, bank: payment.bankId, account: payment.debtorAccountId) else { return nil }
                var details = JSONWriter(capacity: 160)
                details.beginObject()
                details.field("payment_id", payment.id)
                details.field("bank_id", payment.bankId)
                details.field("debtor_account", payment.debtorAccountId)
                details.field("unknown_since", unknown.unknownSince.iso8601)
                details.field("minutes", minutes)
                details.endObject()
                return AlertOccurrence(rule: rule.name, subjectKind: "payment", subjectId: payment.id,
                                       occurrence: "unknown:\(unknown.unknownSince.milliseconds)", condition: rule.condition.key,
                                       paymentId: payment.id, detailsJSON: details.text,
                                       summary: "payment \(payment.id) at \(payment.bankId): outcome unknown since \(unknown.unknownSince.iso8601Seconds)",
                                       writesEvent: rule.writesEvent)
            }
        }
    }

    /// One occurrence per rule and certificate (a renewed certificate is a new subject) once it
    /// expires within the rule's days.
    public func keyOccurrences(_ keys: [KeyExpiryFact], now: Timestamp) -> [AlertOccurrence] {
        rules.flatMap { rule -> [AlertOccurrence] in
            guard case .keyExpiresWithin(let days) = rule.condition else { return [] }
            return keys.compactMap { key in
                guard key.notAfter.milliseconds - now.milliseconds <= Int64(days) * 86_400_000,
                      applies(rule, bank: key.bankId, account: nil) else { return nil }
                var details = JSONWriter(capacity: 160)
                details.beginObject()
                details.field("key", key.keyId)
                details.field("bank_id", key.bankId)
                details.field("not_after", key.notAfter.iso8601Seconds)
                details.field("days_left", (key.notAfter.milliseconds - now.milliseconds) / 86_400_000)
                details.endObject()
                return AlertOccurrence(rule: rule.name, subjectKind: "key", subjectId: "\(key.keyId)@\(key.notAfter.iso8601Seconds)",
                                       condition: rule.condition.key, detailsJSON: details.text,
                                       summary: "the certificate of key \(key.keyId) expires \(key.notAfter.iso8601Seconds)",
                                       writesEvent: rule.writesEvent)
            }
        }
    }

    // MARK: - Helpers

    /// Whether the rule's `banks` and `accounts` filters let a subject of `bank` and `account` through.
    func applies(_ rule: AlertRuleConfig, bank: String?, account: String?) -> Bool {
        if let banks = rule.banks, !(bank.map(banks.contains) ?? false) { return false }
        if let accounts = rule.accounts, !(account.map(accounts.contains) ?? false) { return false }
        return true
    }

    /// The creditor's countries: its address's, and its BIC's (characters 5 and 6).
    static func creditorCountries(_ creditor: Party) -> [String] {
        var countries: [String] = []
        if let country = creditor.address?.country { countries.append(country) }
        if let code = creditor.bankCode, BIC.isValid(code) {
            let country = String(code.dropFirst(4).prefix(2))
            if !countries.contains(country) { countries.append(country) }
        }
        return countries
    }

    /// A local time of day: minutes after midnight, whether Saturday or Sunday, and `YYYY-MM-DD HH:MM`.
    static func localTime(_ instant: Timestamp, utcOffsetMinutes: Int) -> (minute: Int, isWeekend: Bool, text: String) {
        let local = instant.milliseconds + Int64(utcOffsetMinutes) * 60_000
        let day = local >= 0 ? local / 86_400_000 : (local - 86_399_999) / 86_400_000
        let minute = Int((local - day * 86_400_000) / 60_000)
        // 1970-01-01 was a Thursday: (day + 4) mod 7 is 0 on Sundays, 6 on Saturdays.
        let weekday = ((day + 4) % 7 + 7) % 7
        let date = Timestamp(milliseconds: day * 86_400_000).dateString
        let text = date + " " + Self.twoDigits(minute / 60) + ":" + Self.twoDigits(minute % 60)
        return (minute, weekday == 0 || weekday == 6, text)
    }

    static func offsetText(_ minutes: Int) -> String {
        (minutes < 0 ? "-" : "+") + twoDigits(abs(minutes) / 60) + ":" + twoDigits(abs(minutes) % 60)
    }

    static func twoDigits(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }

    /// A JSON scalar as text (the gap id is a number).
    static func text(_ value: JSONValue) -> String {
        switch value {
        case .string(let text): text
        case .number(let text): text
        default: "\(value)"
        }
    }
}
