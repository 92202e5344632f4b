public import BankGateCore

/// What bankgate makes of one of the codes of CMB's cloud API. The table is ``CMBCloudCodes/table``;
/// the same rows are in `adapters/cmb-cloud/codes.tsv`, and a test fails when the two disagree.
public enum CMBCloudCodeCategory: String, Hashable, Sendable, CaseIterable {
    /// `resultcode=SUC0000`: the request was taken; the result is in the body.
    case ok
    /// The bank has the payment, nothing has moved yet (awaiting the company's approval).
    case accepted
    /// The bank is working on it.
    case processing
    /// Paid.
    case completed
    /// Refused or failed for good.
    case rejected
    /// Paid, then returned (退票).
    case returned
    /// Proves nothing either way: ask the bank for the payment's status.
    case unknown
    /// `reqSts=FIN`: the result is in `rtnFlg`.
    case final

    /// The payment status of a business result; `nil` for the categories that are not one.
    public var paymentStatus: PaymentStatus? {
        switch self {
        case .accepted: .submitted
        case .processing: .processing
        case .completed: .completed
        case .rejected: .rejected
        case .returned: .returned
        case .unknown: .unknown
        case .ok, .final: nil
        }
    }
}

/// The kinds of code the cloud API's answers carry.
public enum CMBCloudCodeKind: String, Hashable, Sendable, CaseIterable {
    /// `response.head.resultcode`.
    case resultCode = "resultcode"
    /// `reqSts`: the business request status.
    case requestStatus = "reqSts"
    /// `rtnFlg`: the business result, meaningful only when `reqSts=FIN`.
    case resultFlag = "rtnFlg"
    /// `errCod`: a business error code with a meaning of its own.
    case errorCode = "errCod"
}

/// The cloud API's codes: the only place they are interpreted. A code not listed has no category,
/// which the adapter reads as unknown (never as success).
public enum CMBCloudCodes {
    /// One row of the table.
    public typealias Entry = BankCodeTable<CMBCloudCodeKind, CMBCloudCodeCategory>.Entry

    /// The success of the envelope.
    public static let success = "SUC0000"
    /// The business error code of a duplicate `yurRef` (业务参考号重复), as CMB's front-end gives it
    /// (**assumed** the same behind the cloud API): the bank has the original.
    public static let duplicateReference = "NCB4241"

    /// Every row, in the order of `adapters/cmb-cloud/codes.tsv`.
    public static let table: [Entry] = [
        Entry(kind: .resultCode, code: success, category: .ok),
        Entry(kind: .requestStatus, code: "AUT", category: .accepted),
        Entry(kind: .requestStatus, code: "NTE", category: .accepted),
        Entry(kind: .requestStatus, code: "BNK", category: .processing),
        Entry(kind: .requestStatus, code: "OPR", category: .processing),
        Entry(kind: .requestStatus, code: "APW", category: .processing),
        Entry(kind: .requestStatus, code: "WRF", category: .unknown),
        Entry(kind: .requestStatus, code: "FIN", category: .final),
        Entry(kind: .resultFlag, code: "S", category: .completed),
        Entry(kind: .resultFlag, code: "F", category: .rejected),
        Entry(kind: .resultFlag, code: "B", category: .returned),
        Entry(kind: .resultFlag, code: "R", category: .rejected),
        Entry(kind: .resultFlag, code: "D", category: .rejected),
        Entry(kind: .resultFlag, code: "C", category: .rejected),
        Entry(kind: .resultFlag, code: "U", category: .processing),
        Entry(kind: .errorCode, code: duplicateReference, category: .unknown),
    ]

    private static let lookup = BankCodeTable(table)

    /// The category of `code`, or `nil` when the table does not know it (callers treat that as unknown).
    public static func category(_ kind: CMBCloudCodeKind, _ code: String) -> CMBCloudCodeCategory? {
        lookup.category(kind, code)
    }
}
