/// The kinds of code ICBC's answers carry.
public enum ICBCCodeKind: String, BankCodeKind {
    /// `pub/RetCode`: the package's return code.
    case returnCode = "RetCode"
    /// `rd/Result`: one instruction's status (指令状态).
    case result = "Result"
}

/// ICBC's codes: the built-in table, the rows of `adapters/icbc/codes.tsv` (a test fails when the
/// two disagree). Each ``ICBCAdapter`` reads codes with its own ``ICBCAdapter/codes``, this table
/// unless the configuration replaces or amends it. A code not listed is unknown, never success.
public enum ICBCCodes {
    /// ICBC's code table.
    public typealias Table = BankCodeTable<ICBCCodeKind>
    /// One row of the table.
    public typealias Entry = Table.Entry

    /// The return code of a package id used before (指令包序列号为空或重复): the bank has the original.
    public static let duplicatePackage = "B0012"
    /// The return code of a query that found nothing (没有符合条件的记录).
    public static let noRecord = "B0116"

    /// The categories ICBC's codec reads: the outcomes and ``BankCodeCategory/ok`` (`RetCode=0`:
    /// the package was taken, read `out/rd`).
    public static let categories: [BankCodeCategory] = BankCodeCategory.outcomes + [.ok]

    /// Every built-in row, in the order of `adapters/icbc/codes.tsv`.
    public static let table: [Entry] = [
        Entry(kind: .returnCode, code: "0", category: .ok,
              meaning: "交易成功 (the package was taken: read out/rd/Result)"),
        Entry(kind: .returnCode, code: duplicatePackage, category: .unknown,
              meaning: "指令包序列号为空或重复 (duplicate fSeqno: the bank has the original, ask its status)"),
        Entry(kind: .returnCode, code: noRecord, category: .unknown,
              meaning: "没有符合条件的记录 (a query found nothing: the package may not have arrived yet)"),
        Entry(kind: .result, code: "0", category: .processing,
              meaning: "提交成功,等待银行处理 (submitted, waiting for the bank)"),
        Entry(kind: .result, code: "1", category: .processing,
              meaning: "授权成功,等待银行处理 (authorised, waiting for the bank)"),
        Entry(kind: .result, code: "2", category: .accepted,
              meaning: "等待授权 (awaiting the company's authorisation)"),
        Entry(kind: .result, code: "3", category: .accepted,
              meaning: "等待二次授权 (awaiting the second authorisation)"),
        Entry(kind: .result, code: "4", category: .processing,
              meaning: "等待银行答复 (waiting for the bank's answer)"),
        Entry(kind: .result, code: "5", category: .processing,
              meaning: "主机返回待处理 (the host returned it for processing)"),
        Entry(kind: .result, code: "6", category: .rejected,
              meaning: "被银行拒绝 (refused by the bank)"),
        Entry(kind: .result, code: "7", category: .completed,
              meaning: "处理成功 (paid)"),
        Entry(kind: .result, code: "8", category: .rejected,
              meaning: "指令被拒绝授权 (authorisation refused)"),
        Entry(kind: .result, code: "9", category: .processing,
              meaning: "银行正在处理 (the bank is processing)"),
        Entry(kind: .result, code: "10", category: .accepted,
              meaning: "预约指令 (booked for a later date)"),
        Entry(kind: .result, code: "11", category: .rejected,
              meaning: "预约取消 (booking cancelled)"),
        Entry(kind: .result, code: "20", category: .accepted,
              meaning: "待提交人确认转账 (awaiting the submitter's confirmation)"),
        Entry(kind: .result, code: "86", category: .processing,
              meaning: "等待电话核实 (awaiting telephone verification)"),
        Entry(kind: .result, code: "95", category: .processing,
              meaning: "待核查 (under review)"),
        Entry(kind: .result, code: "98", category: .unknown,
              meaning: "区域中心通讯可疑 (communication with the regional centre in doubt: ask again)"),
    ]

    /// The built-in table.
    public static let builtIn = Table(table, categories: categories)
}

extension ICBCAdapter: CodeTableAdapter {
    /// ``ICBCCodes/builtIn``.
    public static var builtInCodes: ICBCCodes.Table { ICBCCodes.builtIn }
}
