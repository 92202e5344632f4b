public import BankGateCore

/// The kinds of code BOC's answers carry: one, `rspcod`, at the envelope (`trn-…-rs/status`) and
/// on each record (`…-rs/status`).
public enum BOCCodeKind: String, BankCodeKind {
    /// `status/rspcod`.
    case responseCode = "rspcod"
}

/// BOC's codes: the built-in table, the rows of `adapters/boc/codes.tsv` (a test fails when the
/// two disagree). Each ``BOCAdapter`` reads codes with its own ``BOCAdapter/codes``, this table
/// unless the configuration replaces or amends it. A code not listed is unknown, never success.
public enum BOCCodes {
    /// BOC's code table.
    public typealias Table = BankCodeTable<BOCCodeKind>
    /// One row of the table.
    public typealias Entry = Table.Entry

    /// `B001`, 交易成功.
    public static let success = "B001"

    /// The categories BOC's codec reads: the outcomes, ``BankCodeCategory/ok`` (`B001`: on the
    /// envelope, read the records; on a record, see ``paymentStatus(of:isStatusAnswer:)``) and
    /// ``BankCodeCategory/signInRequired`` (未签到: sign in again).
    public static let categories: [BankCodeCategory] = BankCodeCategory.outcomes + [.ok, .signInRequired]

    /// The payment status of a record with `category` in a status (`b2e0007`) answer, or in a
    /// payment answer when `isStatusAnswer` is false, where ``BankCodeCategory/ok`` only means
    /// "taken" (`b2e0009`/`b2e0078`). A category that is no outcome is unknown.
    public static func paymentStatus(of category: BankCodeCategory, isStatusAnswer: Bool) -> PaymentStatus {
        switch category {
        case .ok: isStatusAnswer ? .completed : .submitted
        case .accepted, .processing, .completed, .rejected, .returned, .unknown: category.paymentStatus ?? .unknown
        case .retryLater, .signInRequired, .final, .notFound: .unknown
        }
    }

    /// Every built-in row, in the order of `adapters/boc/codes.tsv`.
    public static let table: [Entry] = [
        Entry(kind: .responseCode, code: success, category: .ok,
              meaning: "交易成功 / ok [comeyoung BOCHttp.cs, Deserialization.cs; bank-formats §5]"),
        Entry(kind: .responseCode, code: "B002", category: .processing,
              meaning: "seen as the status of a sign-out answer; in comeyoung's success list (BaseResult.cs); meaning on a payment not published: processing, never success"),
        Entry(kind: .responseCode, code: "B054", category: .processing,
              meaning: "processing in one implementation's b2e0007 handling (1 src); in comeyoung's success list"),
        Entry(kind: .responseCode, code: "B059", category: .processing,
              meaning: "processing in one implementation's b2e0007 handling (1 src); in comeyoung's success list"),
        Entry(kind: .responseCode, code: "B149", category: .processing,
              meaning: "in comeyoung's success list (BaseResult.cs); meaning not published: processing, never success"),
        Entry(kind: .responseCode, code: "B150", category: .processing,
              meaning: "in comeyoung's success list (BaseResult.cs); meaning not published: processing, never success"),
        Entry(kind: .responseCode, code: "B266", category: .processing,
              meaning: "processing in one implementation's b2e0007 handling (1 src)"),
        Entry(kind: .responseCode, code: "B107", category: .signInRequired,
              meaning: "前置机未签到 (not signed in): sign in again (1 src)"),
        Entry(kind: .responseCode, code: "1033", category: .signInRequired,
              meaning: "前置机未签到 (not signed in), the same implementation (1 src)"),
    ]

    /// The built-in table.
    public static let builtIn = Table(table, categories: categories)
}

extension BOCAdapter: CodeTableAdapter {
    /// ``BOCCodes/builtIn``.
    public static var builtInCodes: BOCCodes.Table { BOCCodes.builtIn }
}
