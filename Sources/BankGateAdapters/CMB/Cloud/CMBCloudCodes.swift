import BankGateCore

/// The kinds of code the cloud API's answers carry.
public enum CMBCloudCodeKind: String, BankCodeKind {
    /// `response.head.resultcode`.
    case resultCode = "resultcode"
    /// `reqSts`: the business request status.
    case requestStatus = "reqSts"
    /// `rtnFlg`: the business result, meaningful only when `reqSts=FIN`.
    case resultFlag = "rtnFlg"
    /// `errCod`: a business error code with a meaning of its own.
    case errorCode = "errCod"
}

/// The cloud API's codes: the built-in table, the rows of `adapters/cmb-cloud/codes.tsv` (a test
/// fails when the two disagree). Each ``CMBCloudAdapter`` reads codes with its own
/// ``CMBCloudAdapter/codes``, this table unless the configuration replaces or amends it. A code not
/// listed is unknown, never success.
public enum CMBCloudCodes {
    /// The cloud API's code table.
    public typealias Table = BankCodeTable<CMBCloudCodeKind>
    /// One row of the table.
    public typealias Entry = Table.Entry

    /// The success of the envelope.
    public static let success = "SUC0000"
    /// The business error code of a duplicate `yurRef` (业务参考号重复), as CMB's front-end gives it
    /// (**assumed** the same behind the cloud API): the bank has the original.
    public static let duplicateReference = "NCB4241"

    /// The categories the codec reads: the outcomes, ``BankCodeCategory/ok`` (`SUC0000`: read the
    /// body) and ``BankCodeCategory/final`` (`reqSts=FIN`: the result is in `rtnFlg`).
    public static let categories: [BankCodeCategory] = BankCodeCategory.outcomes + [.final, .ok]

    /// Every built-in row, in the order of `adapters/cmb-cloud/codes.tsv`.
    public static let table: [Entry] = [
        Entry(kind: .resultCode, code: success, category: .ok,
              meaning: "request taken, result in the body (ahKevinXy/go-cmb, bank-formats §1)"),
        Entry(kind: .requestStatus, code: "AUT", category: .accepted,
              meaning: "等待审批 awaiting the company's approval (BB1PAYOP/BB1PAYQR field docs in public clients)"),
        Entry(kind: .requestStatus, code: "NTE", category: .accepted,
              meaning: "终审完毕 approved, not yet at the bank"),
        Entry(kind: .requestStatus, code: "BNK", category: .processing,
              meaning: "银行处理中 at the bank"),
        Entry(kind: .requestStatus, code: "OPR", category: .processing,
              meaning: "数据接收中 being received"),
        Entry(kind: .requestStatus, code: "APW", category: .processing,
              meaning: "银行人工审批 manual approval at the bank"),
        Entry(kind: .requestStatus, code: "WRF", category: .unknown,
              meaning: "可疑 doubtful: the bank does not know, manual work needed"),
        Entry(kind: .requestStatus, code: "FIN", category: .final,
              meaning: "完成 finished: the result is in rtnFlg"),
        Entry(kind: .resultFlag, code: "S", category: .completed,
              meaning: "成功 paid"),
        Entry(kind: .resultFlag, code: "F", category: .rejected,
              meaning: "失败 failed"),
        Entry(kind: .resultFlag, code: "B", category: .returned,
              meaning: "退票 returned after payment"),
        Entry(kind: .resultFlag, code: "R", category: .rejected,
              meaning: "否决 refused by the company's approver"),
        Entry(kind: .resultFlag, code: "D", category: .rejected,
              meaning: "过期 expired unapproved"),
        Entry(kind: .resultFlag, code: "C", category: .rejected,
              meaning: "撤消 cancelled by the company"),
        Entry(kind: .resultFlag, code: "U", category: .processing,
              meaning: "银行挂账 held in suspense by the bank"),
        Entry(kind: .errorCode, code: duplicateReference, category: .unknown,
              meaning: "业务参考号重复 duplicate yurRef: the bank has the original, ask its status (front-end code, assumed the same)"),
    ]

    /// The built-in table.
    public static let builtIn = Table(table, categories: categories)
}

extension CMBCloudAdapter: CodeTableAdapter {
    /// ``CMBCloudCodes/builtIn``.
    public static var builtInCodes: CMBCloudCodes.Table { CMBCloudCodes.builtIn }
}
