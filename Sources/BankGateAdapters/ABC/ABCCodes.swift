public import BankGateCore

/// What bankgate makes of one of ABC's codes. The table is ``ABCCodes/table``; the same rows are in
/// `adapters/abc/codes.tsv`, and a test fails when the two disagree.
public enum ABCCodeCategory: String, Hashable, Sendable, CaseIterable {
    /// The bank has the payment, nothing has moved yet (awaiting approval).
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
    /// Proves nothing either way: ask the bank for the payment's status.
    case unknown
    /// `RespCode=0000`: the request went through; the result is read from the body.
    case ok

    /// The payment status of a business result; `nil` for the categories that are not one.
    public var paymentStatus: PaymentStatus? {
        switch self {
        case .accepted: .submitted
        case .processing: .processing
        case .completed: .completed
        case .rejected: .rejected
        case .returned: .returned
        case .unknown: .unknown
        case .retryLater, .ok: nil
        }
    }
}

/// The kinds of code ABC's answers carry.
public enum ABCCodeKind: String, Hashable, Sendable, CaseIterable {
    /// `ap/RespCode`: the answer's return code.
    case responseCode = "RespCode"
    /// The last four characters of `Cmp/RespPrvData` in a `CQRT04` answer: the host's result of the
    /// transfer asked about.
    case hostResult = "RespPrvData"
    /// `Corp/WaitFlag` in a payment answer with `RespCode=0000`: `1` held for processing (落地).
    case waitFlag = "WaitFlag"
}

/// ABC's codes: the only place they are interpreted. A code not listed is ``ABCCodeCategory/unknown``.
public enum ABCCodes {
    /// One row of the table.
    public typealias Entry = BankCodeTable<ABCCodeKind, ABCCodeCategory>.Entry

    /// The codes with which ABC refuses a `ReqSeqNo` it already has: none is known from public
    /// sources. Such a refusal arrives as a code the table does not know, hence unknown, so the
    /// engine asks the status (`CQRT04`) instead of failing or resending the payment.
    public static let duplicateReferenceCodes: Set<String> = []

    /// Every row, in the order of `adapters/abc/codes.tsv`.
    public static let table: [Entry] = [
        Entry(kind: .responseCode, code: "0000", category: .ok),
        Entry(kind: .responseCode, code: "0001", category: .processing),
        Entry(kind: .responseCode, code: "0005", category: .accepted),
        Entry(kind: .responseCode, code: "2003", category: .rejected),
        Entry(kind: .responseCode, code: "9999", category: .unknown),
        Entry(kind: .responseCode, code: "CICS", category: .unknown),
        Entry(kind: .hostResult, code: "0000", category: .completed),
        Entry(kind: .hostResult, code: "0388", category: .processing),
        Entry(kind: .hostResult, code: "0389", category: .rejected),
        Entry(kind: .waitFlag, code: "0", category: .completed),
        Entry(kind: .waitFlag, code: "1", category: .processing),
    ]

    private static let lookup = BankCodeTable(table)

    /// The category of `code`, or `nil` when the table does not know it (callers treat that as unknown).
    public static func category(_ kind: ABCCodeKind, _ code: String) -> ABCCodeCategory? {
        lookup.category(kind, code)
    }
}
