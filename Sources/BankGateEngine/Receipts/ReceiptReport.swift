public import BankGateCore
public import BankGateStore

/// Where a payment or a transaction stands with its receipt.
public struct ReceiptItemStatus: Sendable, Hashable {
    /// `linked`: its receipt is here; `pending`: not yet, but not overdue; `missing`: overdue.
    public enum State: String, Sendable, Hashable {
        case linked
        case pending
        case missing
    }

    /// Why a receipt is not here.
    public enum Reason: String, Sendable, Hashable {
        /// No pull of its day yet (or none since it was booked).
        case noPullYet = "no_pull_yet"
        /// The last pull of its day failed.
        case pullFailed = "pull_failed"
        /// The last pull of its day went through and the bank listed no receipt for it.
        case bankGaveNone = "bank_gave_none"
    }

    public var item: ReceiptExpectation
    public var state: State
    public var reason: Reason?
    /// The reason in words (with the failed pull's message).
    public var reasonText: String?
    /// When it is (or was) overdue: `since` plus `receipt_missing_after`.
    public var missingFrom: Timestamp
    /// The last pull of its day, if any.
    public var lastPull: ReceiptPullRun?
}

/// The receipt execution report (电子回单执行报告) of one account and day.
public struct ReceiptReport: Sendable {
    public var accountId: String
    public var date: String
    public var generatedAt: Timestamp
    /// Completed payments booked that day and booked bank transactions of that day, each with its
    /// state: linked, pending or missing.
    public var expected: [ReceiptItemStatus]
    /// Receipts of that day (booking date).
    public var received: [ReceiptRecord]
    /// The pulls of that day, oldest first.
    public var pulls: [ReceiptPullRun]

    public var linked: [ReceiptItemStatus] { expected.filter { $0.state == .linked } }
    public var missing: [ReceiptItemStatus] { expected.filter { $0.state == .missing } }
    public var pending: [ReceiptItemStatus] { expected.filter { $0.state == .pending } }
    /// Receipts of the day without a confirmed link.
    public var unlinked: [ReceiptRecord] { received.filter { !$0.links.contains(where: \.confirmed) } }
    public var failedPulls: [ReceiptPullRun] { pulls.filter { !$0.succeeded } }

    /// The state of `item` as of `now`, given its day's pulls (oldest first) and the account's
    /// `receipt_missing_after`.
    static func status(of item: ReceiptExpectation, pulls: [ReceiptPullRun], missingAfter: Int64, now: Timestamp) -> ReceiptItemStatus {
        let missingFrom = item.since.adding(milliseconds: missingAfter)
        let last = pulls.last
        guard item.receiptId == nil else {
            return ReceiptItemStatus(item: item, state: .linked, missingFrom: missingFrom, lastPull: last)
        }
        let state: ReceiptItemStatus.State = now >= missingFrom ? .missing : .pending
        let reason: ReceiptItemStatus.Reason
        let text: String
        if let last, !last.succeeded {
            reason = .pullFailed
            text = "pull failed: " + (last.errorMessage ?? last.errorCode ?? "unknown error")
        } else if let last, last.startedAt >= item.since {
            reason = .bankGaveNone
            text = "bank gave none (last pull \(last.startedAt.iso8601Seconds): \(last.listed) listed)"
        } else {
            reason = .noPullYet
            text = last == nil ? "no pull yet" : "no pull since it was booked"
        }
        return ReceiptItemStatus(item: item, state: state, reason: reason, reasonText: text, missingFrom: missingFrom, lastPull: last)
    }
}
