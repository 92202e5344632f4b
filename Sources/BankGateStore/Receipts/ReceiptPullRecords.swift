public import BankGateCore

/// Why a receipt pull ran.
public enum ReceiptPullTrigger: String, Sendable, Hashable, CaseIterable {
    /// The account's daily pull (`receipt_pull_at`), catching up missed days.
    case scheduled
    /// Asked for by an operator or a client (`POST /v1/accounts/{id}/receipts/pull`).
    case onDemand = "on_demand"
    /// A payment of the account completed that day.
    case afterPayment = "after_payment"
    /// Again, after a pull that failed or found a completed payment's receipt not issued yet.
    case retry
}

/// One pull of an account's booking day, as recorded (`rpl_<n>`).
public struct ReceiptPullRun: Sendable, Hashable {
    public var id: String
    public var accountId: String
    /// `YYYY-MM-DD`.
    public var bookingDate: String
    public var trigger: ReceiptPullTrigger
    /// 1 for a first pull; counts on while the same account and day is tried again.
    public var attempt: Int
    public var startedAt: Timestamp
    public var finishedAt: Timestamp
    /// `true`: the bank answered and its receipts were kept.
    public var succeeded: Bool
    /// Receipts the bank listed, and those new to the store.
    public var listed: Int
    public var newReceipts: Int
    /// Why it failed (an API error code, and the message that says what happened).
    public var errorCode: String?
    public var errorMessage: String?
    /// When the account and day will be tried again, if it will.
    public var nextAttemptAt: Timestamp?

    public init(id: String = "", accountId: String, bookingDate: String, trigger: ReceiptPullTrigger, attempt: Int,
                startedAt: Timestamp, finishedAt: Timestamp, succeeded: Bool, listed: Int = 0, newReceipts: Int = 0,
                errorCode: String? = nil, errorMessage: String? = nil, nextAttemptAt: Timestamp? = nil) {
        self.id = id
        self.accountId = accountId
        self.bookingDate = bookingDate
        self.trigger = trigger
        self.attempt = attempt
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.succeeded = succeeded
        self.listed = listed
        self.newReceipts = newReceipts
        self.errorCode = errorCode
        self.errorMessage = errorMessage
        self.nextAttemptAt = nextAttemptAt
    }

    /// `ok` or `failed`.
    public var outcome: String { succeeded ? "ok" : "failed" }
}

/// A pull of an account's day still to make: after payments completed, or again after a failure.
public struct ReceiptPullDue: Sendable, Hashable {
    public var accountId: String
    public var bookingDate: String
    /// `after_payment` or `retry`.
    public var trigger: ReceiptPullTrigger
    /// The first completion (after a payment), or the first failure (retry).
    public var since: Timestamp
    /// The latest completion of a payment of that account and day, if any.
    public var lastCompletedAt: Timestamp?
    /// Pulls made for it so far.
    public var attempts: Int
    /// When the next one is due; `nil` until the first (after a payment: `since` plus the delay).
    public var nextAttemptAt: Timestamp?
}

/// A payment or a bank transaction that a receipt should prove.
public struct ReceiptExpectation: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable {
        case payment
        case transaction
    }

    public var kind: Kind
    /// The payment's id, or the transaction's (`btx_<n>`).
    public var id: String
    public var accountId: String
    /// The day it was booked: a payment's completion day (UTC), a transaction's booking date.
    public var bookingDate: String
    /// Signed: negative for a debit.
    public var amount: Money
    public var counterpartyName: String?
    public var reference: String?
    /// Since when a receipt is expected: the payment's completion, or when bankgate learned of the
    /// transaction's booking.
    public var since: Timestamp
    /// Its receipt (confirmed link), if linked.
    public var receiptId: String?

    public init(kind: Kind, id: String, accountId: String, bookingDate: String, amount: Money, counterpartyName: String?,
                reference: String?, since: Timestamp, receiptId: String?) {
        self.kind = kind
        self.id = id
        self.accountId = accountId
        self.bookingDate = bookingDate
        self.amount = amount
        self.counterpartyName = counterpartyName
        self.reference = reference
        self.since = since
        self.receiptId = receiptId
    }
}
