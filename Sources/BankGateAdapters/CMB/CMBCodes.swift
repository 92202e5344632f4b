/// The kinds of code CMB's answers carry.
public enum CMBCodeKind: String, BankCodeKind {
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

/// CMB's codes: the built-in table, the rows of `adapters/cmb/codes.tsv` (a test fails when the
/// two disagree). Each ``CMBAdapter`` reads codes with its own ``CMBAdapter/codes``, this table
/// unless the configuration replaces or amends it. A code not listed is unknown, never success.
public enum CMBCodes {
    /// CMB's code table.
    public typealias Table = BankCodeTable<CMBCodeKind>
    /// One row of the table.
    public typealias Entry = Table.Entry

    /// The business error code of a duplicate `YURREF` (业务参考号重复): the bank has the original.
    public static let duplicateReference = "NCB4241"

    /// The categories CMB's codec reads: the outcomes, ``BankCodeCategory/ok`` (`RETCOD=0`: read the
    /// body) and ``BankCodeCategory/final`` (`REQSTS=FIN`: the result is in `RTNFLG`).
    public static let categories: [BankCodeCategory] = BankCodeCategory.outcomes + [.final, .ok]

    /// Every built-in row, in the order of `adapters/cmb/codes.tsv`.
    public static let table: [Entry] = [
        Entry(kind: .returnCode, code: "0", category: .ok,
              meaning: "成功, read the business result"),
        Entry(kind: .returnCode, code: "-1", category: .retryLater,
              meaning: "前置机无法连接服务器 (the front-end could not reach the bank)"),
        Entry(kind: .returnCode, code: "-2", category: .unknown,
              meaning: "执行失败 (execution failed: the bank may have the message)"),
        Entry(kind: .returnCode, code: "-3", category: .rejected,
              meaning: "数据格式错误 (format error)"),
        Entry(kind: .returnCode, code: "-4", category: .retryLater,
              meaning: "尚未登录系统 (the front-end is not logged in)"),
        Entry(kind: .returnCode, code: "-5", category: .retryLater,
              meaning: "请求太频繁 (too frequent)"),
        Entry(kind: .returnCode, code: "-6", category: .rejected,
              meaning: "不是证书卡用户 (not a certificate user)"),
        Entry(kind: .returnCode, code: "-7", category: .rejected,
              meaning: "用户取消操作 (cancelled by the user)"),
        Entry(kind: .returnCode, code: "-9", category: .unknown,
              meaning: "其它错误 (other error)"),
        Entry(kind: .requestStatus, code: "AUT", category: .accepted,
              meaning: "等待审批 (awaiting the company's approval)"),
        Entry(kind: .requestStatus, code: "NTE", category: .accepted,
              meaning: "终审完毕 (approved, not yet at the bank)"),
        Entry(kind: .requestStatus, code: "WCF", category: .processing,
              meaning: "订单待确认 (商务支付)"),
        Entry(kind: .requestStatus, code: "BNK", category: .processing,
              meaning: "银行处理中 (the bank is processing)"),
        Entry(kind: .requestStatus, code: "ACK", category: .processing,
              meaning: "等待确认 (委托贷款)"),
        Entry(kind: .requestStatus, code: "APD", category: .processing,
              meaning: "待银行确认 (国际业务)"),
        Entry(kind: .requestStatus, code: "OPR", category: .processing,
              meaning: "数据接收中 (代发)"),
        Entry(kind: .requestStatus, code: "FIN", category: .final,
              meaning: "完成: the result is RTNFLG"),
        Entry(kind: .resultFlag, code: "S", category: .completed,
              meaning: "成功 (paid)"),
        Entry(kind: .resultFlag, code: "F", category: .rejected,
              meaning: "失败 (failed)"),
        Entry(kind: .resultFlag, code: "B", category: .returned,
              meaning: "退票 (returned by the receiving bank)"),
        Entry(kind: .resultFlag, code: "R", category: .rejected,
              meaning: "否决 (refused at the company's approval)"),
        Entry(kind: .resultFlag, code: "D", category: .rejected,
              meaning: "过期 (expired without approval)"),
        Entry(kind: .resultFlag, code: "C", category: .rejected,
              meaning: "撤消 (cancelled by the company)"),
        Entry(kind: .resultFlag, code: "M", category: .rejected,
              meaning: "商户撤销订单 (商务支付)"),
        Entry(kind: .resultFlag, code: "V", category: .rejected,
              meaning: "拒绝 (委托贷款 refused by the borrower)"),
        Entry(kind: .resultFlag, code: "U", category: .processing,
              meaning: "银行挂账 (held in a bank suspense account: not final)"),
        Entry(kind: .resultFlag, code: "T", category: .returned,
              meaning: "退款 (refunded)"),
        Entry(kind: .errorCode, code: duplicateReference, category: .unknown,
              meaning: "业务参考号重复 (duplicate YURREF: the bank has the original, ask its status)"),
        Entry(kind: .lineStatus, code: "S", category: .completed,
              meaning: "成功 (the payroll line was paid)"),
        Entry(kind: .lineStatus, code: "E", category: .rejected,
              meaning: "失败 (the line failed; NTAGCQRIZ/NTAGCDTLY1)"),
        Entry(kind: .lineStatus, code: "F", category: .rejected,
              meaning: "失败 (the line failed; GetAgentDetail NTQATDQYZ)"),
        Entry(kind: .lineStatus, code: "C", category: .rejected,
              meaning: "取消/撤消 (the line was cancelled: not paid)"),
        Entry(kind: .lineStatus, code: "A", category: .processing,
              meaning: "待处理 (awaiting processing)"),
        Entry(kind: .lineStatus, code: "I", category: .accepted,
              meaning: "待复核 / 数据录入 (awaiting review)"),
    ]

    /// The built-in table.
    public static let builtIn = Table(table, categories: categories)
}

extension CMBAdapter: CodeTableAdapter {
    /// ``CMBCodes/builtIn``.
    public static var builtInCodes: CMBCodes.Table { CMBCodes.builtIn }
}
