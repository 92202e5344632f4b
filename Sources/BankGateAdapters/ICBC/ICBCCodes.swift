public import BankGateCore

/// What bankgate makes of one of ICBC's codes. The table is ``ICBCCodes/table``; the same rows are
/// in `adapters/icbc/codes.tsv`, and a test fails when the two disagree.
public enum ICBCCodeCategory: String, Hashable, Sendable, CaseIterable {
    /// The bank has the payment, nothing has moved yet (awaiting the company's authorisation, or
    /// booked for a later day).
    case accepted
    /// The bank is working on it.
    case processing
    /// Paid.
    case completed
    /// Refused or failed for good.
    case rejected
    /// Paid, then returned.
    case returned
    /// Nothing was done: send the same package (same `fSeqno`) again later.
    case retryLater = "retry_later"
    /// Proves nothing either way: ask the bank for the package's status.
    case unknown
    /// `RetCode=0`: the envelope is fine, the results are in `out/rd`.
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

/// The kinds of code ICBC's answers carry.
public enum ICBCCodeKind: String, Hashable, Sendable, CaseIterable {
    /// `pub/RetCode`: the package's return code.
    case returnCode = "RetCode"
    /// `rd/Result`: one instruction's status (指令状态).
    case result = "Result"
}

/// ICBC's codes: the only place they are interpreted. A code not listed is ``ICBCCodeCategory/unknown``.
public enum ICBCCodes {
    /// One row of the table.
    public typealias Entry = BankCodeTable<ICBCCodeKind, ICBCCodeCategory>.Entry

    /// The return code of a package id used before (指令包序列号为空或重复): the bank has the original.
    public static let duplicatePackage = "B0012"
    /// The return code of a query that found nothing (没有符合条件的记录).
    public static let noRecord = "B0116"

    /// Every row, in the order of `adapters/icbc/codes.tsv`.
    public static let table: [Entry] = [
        Entry(kind: .returnCode, code: "0", category: .ok),
        Entry(kind: .returnCode, code: duplicatePackage, category: .unknown),
        Entry(kind: .returnCode, code: noRecord, category: .unknown),
        Entry(kind: .result, code: "0", category: .processing),
        Entry(kind: .result, code: "1", category: .processing),
        Entry(kind: .result, code: "2", category: .accepted),
        Entry(kind: .result, code: "3", category: .accepted),
        Entry(kind: .result, code: "4", category: .processing),
        Entry(kind: .result, code: "5", category: .processing),
        Entry(kind: .result, code: "6", category: .rejected),
        Entry(kind: .result, code: "7", category: .completed),
        Entry(kind: .result, code: "8", category: .rejected),
        Entry(kind: .result, code: "9", category: .processing),
        Entry(kind: .result, code: "10", category: .accepted),
        Entry(kind: .result, code: "11", category: .rejected),
        Entry(kind: .result, code: "20", category: .accepted),
        Entry(kind: .result, code: "86", category: .processing),
        Entry(kind: .result, code: "95", category: .processing),
        Entry(kind: .result, code: "98", category: .unknown),
    ]

    private static let lookup = BankCodeTable(table)

    /// The category of `code`, or `nil` when the table does not know it (callers treat that as unknown).
    public static func category(_ kind: ICBCCodeKind, _ code: String) -> ICBCCodeCategory? {
        lookup.category(kind, code)
    }
}
