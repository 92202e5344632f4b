public import BankGateCore

/// What bankgate makes of one of CCB's codes. The table is ``CCBCodes/table``; the same rows are in
/// `adapters/ccb/codes.tsv`, and a test fails when the two disagree.
public enum CCBCodeCategory: String, Hashable, Sendable, CaseIterable {
    /// `RETURN_CODE=000000`: the envelope is fine; a transfer is taken, a query answered in `TX_INFO`.
    case ok
    /// The bank has the payment, its result is not known yet.
    case accepted
    /// The bank is working on it: ask again later.
    case processing
    /// Paid.
    case completed
    /// Refused or failed for good.
    case rejected
    /// Paid, then returned.
    case returned
    /// Nothing was done: send the same request (same `REQUEST_SN`) again later.
    case retryLater = "retry_later"
    /// Proves nothing either way: ask the bank for the payment's status.
    case unknown
    /// The status query found no request with that `REQUEST_SN1`: the bank never received it.
    case notFound = "not_found"

    /// The payment status of a business result; `nil` for the categories that are not one.
    public var paymentStatus: PaymentStatus? {
        switch self {
        case .accepted: .submitted
        case .processing: .processing
        case .completed: .completed
        case .rejected: .rejected
        case .returned: .returned
        case .unknown: .unknown
        case .ok, .retryLater, .notFound: nil
        }
    }
}

/// The kinds of code CCB's answers carry.
public enum CCBCodeKind: String, Hashable, Sendable, CaseIterable {
    /// `TX/RETURN_CODE`: the answer's return code (12 characters, `000000` for success).
    case returnCode = "RETURN_CODE"
    /// `TX_INFO/DEAL_RESULT` of `6W0600`, the result of a transfer (`6W8010`/`6W8060`).
    case transferResult = "6W0600/DEAL_RESULT"
    /// `TX_INFO/DEAL_RESULT` of `6W1503`, the result of a single 代发 (`6W1303`).
    case payrollResult = "6W1503/DEAL_RESULT"
}

/// CCB's codes: the only place they are interpreted. A code not listed is ``CCBCodeCategory/unknown``.
public enum CCBCodes {
    /// One row of the table.
    public typealias Entry = BankCodeTable<CCBCodeKind, CCBCodeCategory>.Entry

    /// `RETURN_CODE` of success.
    public static let success = "000000"
    /// `RETURN_CODE` of a `REQUEST_SN` used before (记录重复): the bank has the original.
    public static let duplicateRequest = "0130Z110B144"
    /// `RETURN_CODE` of a status query that found nothing (查询不到交易).
    public static let requestNotFound = "0130Z110BB22"

    /// Every row, in the order of `adapters/ccb/codes.tsv`.
    public static let table: [Entry] = [
        Entry(kind: .returnCode, code: success, category: .ok),
        Entry(kind: .returnCode, code: "0130Z0100001", category: .unknown),
        Entry(kind: .returnCode, code: "0130Z0100002", category: .unknown),
        Entry(kind: .returnCode, code: "0130Z0100004", category: .rejected),
        Entry(kind: .returnCode, code: "0130Z0100005", category: .rejected),
        Entry(kind: .returnCode, code: "0130Z1101001", category: .rejected),
        Entry(kind: .returnCode, code: "0130Z1101002", category: .rejected),
        Entry(kind: .returnCode, code: "0130Z1101003", category: .rejected),
        Entry(kind: .returnCode, code: "0130Z1101004", category: .rejected),
        Entry(kind: .returnCode, code: duplicateRequest, category: .unknown),
        Entry(kind: .returnCode, code: requestNotFound, category: .notFound),
        Entry(kind: .transferResult, code: "2", category: .completed),
        Entry(kind: .transferResult, code: "3", category: .completed),
        Entry(kind: .transferResult, code: "4", category: .completed),
        Entry(kind: .transferResult, code: "5", category: .rejected),
        Entry(kind: .transferResult, code: "A", category: .rejected),
        Entry(kind: .transferResult, code: "9", category: .processing),
        Entry(kind: .payrollResult, code: "4", category: .completed),
        Entry(kind: .payrollResult, code: "3", category: .rejected),
    ]

    private static let lookup = BankCodeTable(table)

    /// The category of `code`, or `nil` when the table does not know it (callers treat that as unknown).
    public static func category(_ kind: CCBCodeKind, _ code: String) -> CCBCodeCategory? {
        lookup.category(kind, code)
    }
}
