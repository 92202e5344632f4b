public import BankGateCore

/// What bankgate makes of one of BOC's response codes (`status/rspcod`). The table is
/// ``BOCCodes/table``; the same rows are in `adapters/boc/codes.tsv`, and a test fails when the
/// two disagree.
public enum BOCCodeCategory: String, Hashable, Sendable, CaseIterable {
    /// `B001`: the request went through. On the envelope: read the records. On a record: the
    /// transfer is taken (``accepted``) in a `b2e0009`/`b2e0078` answer, paid (``completed``) in a
    /// `b2e0007` answer.
    case ok
    /// The bank has the payment, nothing has moved yet.
    case accepted
    /// The bank is working on it.
    case processing
    /// Paid.
    case completed
    /// Refused or failed for good.
    case rejected
    /// Paid, then returned.
    case returned
    /// Nothing was done: send the same message again later.
    case retryLater = "retry_later"
    /// The session's token is missing, expired or unknown (未签到): sign in again (`b2e0001`),
    /// then resend a query — or, for a payment, ask its status.
    case signInRequired = "sign_in_required"
    /// Proves nothing either way: ask the bank for the payment's status.
    case unknown

    /// The payment status of a record with this category in a status (`b2e0007`) answer, or in a
    /// payment answer when `isStatusAnswer` is false (where `ok` only means "taken").
    public func paymentStatus(isStatusAnswer: Bool) -> PaymentStatus {
        switch self {
        case .ok: isStatusAnswer ? .completed : .submitted
        case .accepted: .submitted
        case .processing: .processing
        case .completed: .completed
        case .rejected: .rejected
        case .returned: .returned
        case .retryLater, .signInRequired, .unknown: .unknown
        }
    }
}

/// The kinds of code BOC's answers carry: one, `rspcod`, at the envelope (`trn-…-rs/status`) and
/// on each record (`…-rs/status`).
public enum BOCCodeKind: String, Hashable, Sendable, CaseIterable {
    /// `status/rspcod`.
    case responseCode = "rspcod"
}

/// BOC's codes: the only place they are interpreted. A code not listed is ``BOCCodeCategory/unknown``.
public enum BOCCodes {
    /// One row of the table.
    public typealias Entry = BankCodeTable<BOCCodeKind, BOCCodeCategory>.Entry

    /// `B001`, 交易成功.
    public static let success = "B001"

    /// Every row, in the order of `adapters/boc/codes.tsv`.
    public static let table: [Entry] = [
        Entry(kind: .responseCode, code: success, category: .ok),
        Entry(kind: .responseCode, code: "B002", category: .processing),
        Entry(kind: .responseCode, code: "B054", category: .processing),
        Entry(kind: .responseCode, code: "B059", category: .processing),
        Entry(kind: .responseCode, code: "B149", category: .processing),
        Entry(kind: .responseCode, code: "B150", category: .processing),
        Entry(kind: .responseCode, code: "B266", category: .processing),
        Entry(kind: .responseCode, code: "B107", category: .signInRequired),
        Entry(kind: .responseCode, code: "1033", category: .signInRequired),
    ]

    private static let lookup = BankCodeTable(table)

    /// The category of `code`, or `nil` when the table does not know it (callers treat that as unknown).
    public static func category(_ kind: BOCCodeKind, _ code: String) -> BOCCodeCategory? {
        lookup.category(kind, code)
    }
}
