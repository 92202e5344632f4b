public import BankGateCore

/// A firing of an alert rule, as recorded (`alert_firings`).
public struct AlertFiring: Sendable, Hashable {
    public var id: Int64
    /// The rule's `name`.
    public var rule: String
    /// `payment`, `bank`, `account`, `statement`, `statement_gap`, `key`.
    public var subjectKind: String
    public var subjectId: String
    /// What distinguishes this occurrence from others on the same subject (a payment fires once:
    /// empty; a circuit per opening; an unknown outcome per time it became unknown).
    public var occurrence: String
    /// The condition's configuration key, such as `payment_amount_above`.
    public var condition: String
    /// The payment the firing is about, if any (so that tenant filtering can apply).
    public var paymentId: String?
    public var firedAt: Timestamp
    /// The condition's details as a JSON object.
    public var detailsJSON: String

    public init(id: Int64, rule: String, subjectKind: String, subjectId: String, occurrence: String, condition: String,
                paymentId: String?, firedAt: Timestamp, detailsJSON: String) {
        self.id = id
        self.rule = rule
        self.subjectKind = subjectKind
        self.subjectId = subjectId
        self.occurrence = occurrence
        self.condition = condition
        self.paymentId = paymentId
        self.firedAt = firedAt
        self.detailsJSON = detailsJSON
    }
}

/// A rule's condition met by one occurrence on one subject: what ``PaymentStore/recordAlerts(_:at:)``
/// records, once.
public struct AlertOccurrence: Sendable, Hashable {
    public var rule: String
    public var subjectKind: String
    public var subjectId: String
    public var occurrence: String
    public var condition: String
    public var paymentId: String?
    /// The condition's details as a JSON object.
    public var detailsJSON: String
    /// One line for the audit record and the log.
    public var summary: String
    /// Whether the firing writes an `alert.fired` event on the feed.
    public var writesEvent: Bool

    public init(rule: String, subjectKind: String, subjectId: String, occurrence: String = "", condition: String,
                paymentId: String? = nil, detailsJSON: String, summary: String, writesEvent: Bool) {
        self.rule = rule
        self.subjectKind = subjectKind
        self.subjectId = subjectId
        self.occurrence = occurrence
        self.condition = condition
        self.paymentId = paymentId
        self.detailsJSON = detailsJSON
        self.summary = summary
        self.writesEvent = writesEvent
    }
}

/// An event of the feed with what alert conditions need to know of it.
public struct AlertFeedItem: Sendable {
    public var event: OutboxEvent
    /// The payment the event is about, as it is now; `nil` for events about no payment.
    public var payment: PaymentRecord?
    /// For the intake events (`payment.accepted`, `payment.held`): no payment accepted before this
    /// one went from its debtor account to its creditor account, counting every such payment that
    /// was not rejected, cancelled or failed.
    public var isNewCreditor: Bool

    public init(event: OutboxEvent, payment: PaymentRecord?, isNewCreditor: Bool) {
        self.event = event
        self.payment = payment
        self.isNewCreditor = isNewCreditor
    }
}

/// A payment whose outcome at the bank has been unknown since `unknownSince`.
public struct UnknownPayment: Sendable, Hashable {
    public var payment: PaymentRecord
    public var unknownSince: Timestamp

    public init(payment: PaymentRecord, unknownSince: Timestamp) {
        self.payment = payment
        self.unknownSince = unknownSince
    }
}
