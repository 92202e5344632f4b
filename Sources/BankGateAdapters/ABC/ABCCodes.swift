/// The kinds of code ABC's answers carry.
public enum ABCCodeKind: String, BankCodeKind {
    /// `ap/RespCode`: the answer's return code.
    case responseCode = "RespCode"
    /// The last four characters of `Cmp/RespPrvData` in a `CQRT04` answer: the host's result of the
    /// transfer asked about.
    case hostResult = "RespPrvData"
    /// `Corp/WaitFlag` in a payment answer with `RespCode=0000`: `1` held for processing (落地).
    case waitFlag = "WaitFlag"
}

/// ABC's codes: the built-in table, the rows of `adapters/abc/codes.tsv` (a test fails when the
/// two disagree). Each ``ABCAdapter`` reads codes with its own ``ABCAdapter/codes``, this table
/// unless the configuration replaces or amends it. A code not listed is unknown, never success.
public enum ABCCodes {
    /// ABC's code table.
    public typealias Table = BankCodeTable<ABCCodeKind>
    /// One row of the table.
    public typealias Entry = Table.Entry

    /// The codes with which ABC refuses a `ReqSeqNo` it already has: none is known from public
    /// sources. Such a refusal arrives as a code the table does not know, hence unknown, so the
    /// engine asks the status (`CQRT04`) instead of failing or resending the payment.
    public static let duplicateReferenceCodes: Set<String> = []

    /// The categories ABC's codec reads: the outcomes and ``BankCodeCategory/ok`` (`RespCode=0000`:
    /// the request went through, read the body).
    public static let categories: [BankCodeCategory] = BankCodeCategory.outcomes + [.ok]

    /// Every built-in row, in the order of `adapters/abc/codes.tsv`.
    public static let table: [Entry] = [
        Entry(kind: .responseCode, code: "0000", category: .ok,
              meaning: "交易成功 (the request went through; payments: completed unless WaitFlag=1; CQRT04: read RespPrvData)"),
        Entry(kind: .responseCode, code: "0001", category: .processing,
              meaning: "落地处理 (held at the bank for processing: query later)"),
        Entry(kind: .responseCode, code: "0005", category: .accepted,
              meaning: "交易待审核 (awaiting approval)"),
        Entry(kind: .responseCode, code: "2003", category: .rejected,
              meaning: "账号不存在 / 账号未对企业授权, 交易被拒绝"),
        Entry(kind: .responseCode, code: "9999", category: .unknown,
              meaning: "前置通讯异常 (communication failure behind the client: the bank may have it, ask CQRT04)"),
        Entry(kind: .responseCode, code: "CICS", category: .unknown,
              meaning: "主机通讯异常 (host communication failure: ask CQRT04)"),
        Entry(kind: .hostResult, code: "0000", category: .completed,
              meaning: "成功 (the host booked the transfer)"),
        Entry(kind: .hostResult, code: "0388", category: .processing,
              meaning: "处理中"),
        Entry(kind: .hostResult, code: "0389", category: .rejected,
              meaning: "失败"),
        Entry(kind: .waitFlag, code: "0", category: .completed,
              meaning: "not held: the transfer went through"),
        Entry(kind: .waitFlag, code: "1", category: .processing,
              meaning: "落地 (held for processing at the bank)"),
    ]

    /// The built-in table.
    public static let builtIn = Table(table, categories: categories)
}

extension ABCAdapter: CodeTableAdapter {
    /// ``ABCCodes/builtIn``.
    public static var builtInCodes: ABCCodes.Table { ABCCodes.builtIn }
}
