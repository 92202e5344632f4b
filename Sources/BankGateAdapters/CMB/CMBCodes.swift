public import BankGateCore

/// What bankgate makes of one of CMB's codes. The table is ``CMBCodes/table``; the same rows are in
/// `adapters/cmb/codes.tsv`, and a test fails when the two disagree.
public enum CMBCodeCategory: String, Hashable, Sendable, CaseIterable {
    /// The bank has the payment, nothing has moved yet (awaiting the company's approval).
    case accepted
    /// The bank is working on it.
    case processing
    /// Paid.
    case completed
    /// Refused or failed for good.
    case rejected
    /// Paid, then returned (退票) or refunded.
    case returned
    /// Nothing was done: send the same message (same `YURREF`) again later.
    case retryLater = "retry_later"
    /// Proves nothing either way: ask the bank for the payment's status.
    case unknown
    /// `REQSTS=FIN`: the result is in `RTNFLG`.
    case final
    /// `RETCOD=0`: the envelope is fine, the result is in the body.
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
        case .retryLater, .final, .ok: nil
        }
    }
}

/// The kinds of code CMB's answers carry.
public enum CMBCodeKind: String, Hashable, Sendable, CaseIterable {
    /// `INFO/RETCOD`: the envelope's return code.
    case returnCode = "RETCOD"
    /// `REQSTS`: the business request status (附录 A.5).
    case requestStatus = "REQSTS"
    /// `RTNFLG`: the business result, meaningful only when `REQSTS=FIN` (附录 A.6).
    case resultFlag = "RTNFLG"
    /// `ERRCOD`: a business error code with a meaning of its own.
    case errorCode = "ERRCOD"
    /// `STSCOD`: one payroll line's status (`NTAGCQRIZ`, `NTAGCDTLY1`, `NTQATDQYZ`).
    case lineStatus = "STSCOD"
}

/// CMB's codes: the only place they are interpreted. A code not listed is ``CMBCodeCategory/unknown``.
public enum CMBCodes {
    /// One row of the table.
    public typealias Entry = BankCodeTable<CMBCodeKind, CMBCodeCategory>.Entry

    /// The business error code of a duplicate `YURREF` (业务参考号重复): the bank has the original.
    public static let duplicateReference = "NCB4241"

    /// Every row, in the order of `adapters/cmb/codes.tsv`.
    public static let table: [Entry] = [
        Entry(kind: .returnCode, code: "0", category: .ok),
        Entry(kind: .returnCode, code: "-1", category: .retryLater),
        Entry(kind: .returnCode, code: "-2", category: .unknown),
        Entry(kind: .returnCode, code: "-3", category: .rejected),
        Entry(kind: .returnCode, code: "-4", category: .retryLater),
        Entry(kind: .returnCode, code: "-5", category: .retryLater),
        Entry(kind: .returnCode, code: "-6", category: .rejected),
        Entry(kind: .returnCode, code: "-7", category: .rejected),
        Entry(kind: .returnCode, code: "-9", category: .unknown),
        Entry(kind: .requestStatus, code: "AUT", category: .accepted),
        Entry(kind: .requestStatus, code: "NTE", category: .accepted),
        Entry(kind: .requestStatus, code: "WCF", category: .processing),
        Entry(kind: .requestStatus, code: "BNK", category: .processing),
        Entry(kind: .requestStatus, code: "ACK", category: .processing),
        Entry(kind: .requestStatus, code: "APD", category: .processing),
        Entry(kind: .requestStatus, code: "OPR", category: .processing),
        Entry(kind: .requestStatus, code: "FIN", category: .final),
        Entry(kind: .resultFlag, code: "S", category: .completed),
        Entry(kind: .resultFlag, code: "F", category: .rejected),
        Entry(kind: .resultFlag, code: "B", category: .returned),
        Entry(kind: .resultFlag, code: "R", category: .rejected),
        Entry(kind: .resultFlag, code: "D", category: .rejected),
        Entry(kind: .resultFlag, code: "C", category: .rejected),
        Entry(kind: .resultFlag, code: "M", category: .rejected),
        Entry(kind: .resultFlag, code: "V", category: .rejected),
        Entry(kind: .resultFlag, code: "U", category: .processing),
        Entry(kind: .resultFlag, code: "T", category: .returned),
        Entry(kind: .errorCode, code: duplicateReference, category: .unknown),
        Entry(kind: .lineStatus, code: "S", category: .completed),
        Entry(kind: .lineStatus, code: "E", category: .rejected),
        Entry(kind: .lineStatus, code: "F", category: .rejected),
        Entry(kind: .lineStatus, code: "C", category: .rejected),
        Entry(kind: .lineStatus, code: "A", category: .processing),
        Entry(kind: .lineStatus, code: "I", category: .accepted),
    ]

    private static let lookup = BankCodeTable(table)

    /// The category of `code`, or `nil` when the table does not know it (callers treat that as unknown).
    public static func category(_ kind: CMBCodeKind, _ code: String) -> CMBCodeCategory? {
        lookup.category(kind, code)
    }
}
