/// The kinds of code CCB's answers carry.
public enum CCBCodeKind: String, BankCodeKind {
    /// `TX/RETURN_CODE`: the answer's return code (12 characters, `000000` for success).
    case returnCode = "RETURN_CODE"
    /// `TX_INFO/DEAL_RESULT` of `6W0600`, the result of a transfer (`6W8010`/`6W8060`).
    case transferResult = "6W0600/DEAL_RESULT"
    /// `TX_INFO/DEAL_RESULT` of `6W1503`, the result of a single 代发 (`6W1303`).
    case payrollResult = "6W1503/DEAL_RESULT"
}

/// CCB's codes: the built-in table, the rows of `adapters/ccb/codes.tsv` (a test fails when the
/// two disagree). Each ``CCBAdapter`` reads codes with its own ``CCBAdapter/codes``, this table
/// unless the configuration replaces or amends it. A code not listed is unknown, never success.
public enum CCBCodes {
    /// CCB's code table.
    public typealias Table = BankCodeTable<CCBCodeKind>
    /// One row of the table.
    public typealias Entry = Table.Entry

    /// `RETURN_CODE` of success.
    public static let success = "000000"
    /// `RETURN_CODE` of a `REQUEST_SN` used before (记录重复): the bank has the original.
    public static let duplicateRequest = "0130Z110B144"
    /// `RETURN_CODE` of a status query that found nothing (查询不到交易).
    public static let requestNotFound = "0130Z110BB22"

    /// The categories CCB's codec reads: the outcomes, ``BankCodeCategory/ok`` (`000000`: a
    /// transfer is taken, a query answered in `TX_INFO`) and ``BankCodeCategory/notFound`` (the
    /// status query found no such `REQUEST_SN1`).
    public static let categories: [BankCodeCategory] = BankCodeCategory.outcomes + [.ok, .notFound]

    /// Every built-in row, in the order of `adapters/ccb/codes.tsv`.
    public static let table: [Entry] = [
        Entry(kind: .returnCode, code: success, category: .ok,
              meaning: "交易成功: a transfer or 代发 is taken (submitted; its result is asked), a query is answered in TX_INFO"),
        Entry(kind: .returnCode, code: "0130Z0100001", category: .unknown,
              meaning: "系统忙，通讯超时 (busy, communication timed out: the bank may have the payment, ask its status)"),
        Entry(kind: .returnCode, code: "0130Z0100002", category: .unknown,
              meaning: "成员行暂时无法处理或通讯错误 (the branch cannot process now, or a communication error: ask the status)"),
        Entry(kind: .returnCode, code: "0130Z0100004", category: .rejected,
              meaning: "账户密码不正确 (wrong operator password: stop, a retry could lock the operator; fix the configuration)"),
        Entry(kind: .returnCode, code: "0130Z0100005", category: .rejected,
              meaning: "户名不符 (the creditor name does not match the account)"),
        Entry(kind: .returnCode, code: "0130Z1101001", category: .rejected,
              meaning: "输入的交易要素不完整 (a required field is missing)"),
        Entry(kind: .returnCode, code: "0130Z1101002", category: .rejected,
              meaning: "交易输入要素的格式或输入范围错误 (a field is out of format or range)"),
        Entry(kind: .returnCode, code: "0130Z1101003", category: .rejected,
              meaning: "输入的信息不符合格式检查 (a field fails the format check, e.g. letters in a number, too long)"),
        Entry(kind: .returnCode, code: "0130Z1101004", category: .rejected,
              meaning: "账号尚未申请网上操作功能 (the account is not enabled for online operation)"),
        Entry(kind: .returnCode, code: duplicateRequest, category: .unknown,
              meaning: "记录重复，请与当地银行联系 (REQUEST_SN used before: the bank has the original, ask its status)"),
        Entry(kind: .returnCode, code: requestNotFound, category: .notFound,
              meaning: "查询不到交易 (a status query found no request with that REQUEST_SN1)"),
        Entry(kind: .transferResult, code: "2", category: .completed,
              meaning: "success, as one published client reads it (1 src)"),
        Entry(kind: .transferResult, code: "3", category: .completed,
              meaning: "success, as one published client reads it (1 src)"),
        Entry(kind: .transferResult, code: "4", category: .completed,
              meaning: "success (1 src for 6W0600; 4 is success for 6W1503 too)"),
        Entry(kind: .transferResult, code: "5", category: .rejected,
              meaning: "failed, as one published client reads it (1 src)"),
        Entry(kind: .transferResult, code: "A", category: .rejected,
              meaning: "failed, as one published client reads it (1 src)"),
        Entry(kind: .transferResult, code: "9", category: .processing,
              meaning: "still being processed: ask 6W0600 again (field documentation: \"返回状态为9时，调用6W0600查询处理结果\")"),
        Entry(kind: .payrollResult, code: "4", category: .completed,
              meaning: "成功 (a bank simulator and a client agree)"),
        Entry(kind: .payrollResult, code: "3", category: .rejected,
              meaning: "失败 (a bank simulator and a client agree)"),
    ]

    /// The built-in table.
    public static let builtIn = Table(table, categories: categories)
}

extension CCBAdapter: CodeTableAdapter {
    /// ``CCBCodes/builtIn``.
    public static var builtInCodes: CCBCodes.Table { CCBCodes.builtIn }
}
