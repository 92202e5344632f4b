public import BankGateCore
public import BankGateStatements

/// An account's balances as `CQRA06` answers them.
public struct ABCAccountBalance: Hashable, Sendable {
    /// `AccNo` (as the answer gives it, else the account asked about).
    public var account: String
    /// `AccName`, else `Corp/DbAccName`.
    public var name: String?
    /// `Bal`: the booked balance (余额).
    public var balance: Money
    /// `AvailBal`: the available balance (可用余额), when given.
    public var availableBalance: Money?
    /// `AccType` (账户性质: 0 基本存款账户, 1 辅助, 2 专用, 3 一般 …) and `AccSts` (0 正常, 1 销户, 2 异常).
    public var accountType: String?
    public var status: String?

    public init(account: String, name: String?, balance: Money, availableBalance: Money?, accountType: String?,
                status: String?) {
        self.account = account
        self.name = name
        self.balance = balance
        self.availableBalance = availableBalance
        self.accountType = accountType
        self.status = status
    }

    /// The balances in the statement model, as of `date` (`YYYY-MM-DD`, the query's date):
    /// `ITBD` interim booked and, when given, `ITAV` interim available.
    public func statementBalances(asOf date: String) -> [StatementBalance] {
        var balances = [StatementBalance(type: "ITBD", amount: balance, date: date)]
        if let availableBalance { balances.append(StatementBalance(type: "ITAV", amount: availableBalance, date: date)) }
        return balances
    }
}

extension ABCAdapter {
    /// Asks for an account's balance (`CQRA06`, 查询余额: `Cmp` with `DbProv`, `DbAccNo`, `DbCur`).
    public func encodeBalanceQuery(account: DebtorAccount, queryId: String, requestedAt: Timestamp) throws(AdapterError) -> EncodedMessage {
        var request = try ABCRequestWriter(code: "CQRA06", adapter: self, requestId: queryId, at: requestedAt)
        try writeAccount(account, into: &request)
        request.close("Cmp")
        return EncodedMessage(kind: "ABC.CQRA06", contentType: Self.contentType,
                              fileName: Self.fileName("CQRA06", queryId), bytes: try frame(try request.finish()))
    }

    /// Reads the answer to `CQRA06` about `account`.
    ///
    /// Two shapes are seen in public code: the pipe-separated `Cmp/RespPrvData1`
    /// (`Prov|AccNo|Cur|AccName|Bal|AvailBal|AccType|AbisRespCode|`), read first, else an `Acc`
    /// element (`Bal`, `AvailBal`, `AccType`, `AccSts`) with the name in `Corp/DbAccName`.
    /// - Throws: ``AdapterError`` for an unreadable answer, a `RespCode` other than `0000`, no
    ///   balance, or an amount that is not a decimal.
    public func decodeBalanceAnswer(_ bytes: [UInt8], account: DebtorAccount) throws(AdapterError) -> ABCAccountBalance {
        let answer = try Self.successfulAnswer(bytes)
        if let data = answer.value("Cmp", "RespPrvData1") {
            let fields = data.split(separator: "|", omittingEmptySubsequences: false).map {
                String($0).trimmingSpaces()
            }
            guard fields.count >= 7 else {
                throw AdapterError("\(fields.count) fields, expected at least 7", location: "Cmp/RespPrvData1")
            }
            let currency = fields[2].isEmpty ? account.currency
                : try Self.currency(fromCode: fields[2], location: "Cmp/RespPrvData1 Cur")
            return ABCAccountBalance(
                account: fields[1].isEmpty ? account.number : fields[1], name: fields[3].nonEmpty,
                balance: try Self.amount(fields[4], currency: currency, location: "Cmp/RespPrvData1 Bal"),
                availableBalance: try fields[5].nonEmpty.map { (text) throws(AdapterError) in
                    try Self.amount(text, currency: currency, location: "Cmp/RespPrvData1 AvailBal")
                },
                accountType: fields[6].nonEmpty, status: nil)
        }
        guard let balance = answer.value("Acc", "Bal") else {
            throw AdapterError("no balance (Cmp/RespPrvData1 or Acc/Bal)", location: "ap")
        }
        let currencyCode = answer.value("Acc", "Cur") ?? answer.value("Cmp", "DbCur")
        let currency = try currencyCode.map { (code) throws(AdapterError) in
            try Self.currency(fromCode: code, location: "Cmp/DbCur")
        } ?? account.currency
        return ABCAccountBalance(
            account: answer.value("Acc", "AccNo") ?? answer.value("Cmp", "DbAccNo") ?? account.number,
            name: answer.value("Acc", "AccName") ?? answer.value("Corp", "DbAccName"),
            balance: try Self.amount(balance, currency: currency, location: "Acc/Bal"),
            availableBalance: try answer.value("Acc", "AvailBal").map { (text) throws(AdapterError) in
                try Self.amount(text, currency: currency, location: "Acc/AvailBal")
            },
            accountType: answer.value("Acc", "AccType"), status: answer.value("Acc", "AccSts"))
    }

    /// Writes `Cmp` (left open) with the account's `DbProv`, `DbAccNo`, `DbCur`.
    func writeAccount(_ account: DebtorAccount, into request: inout ABCRequestWriter) throws(AdapterError) {
        let province = try provinceCode(account, location: "Cmp/DbProv")
        let currency = try Self.currencyCode(account.currency, location: "Cmp/DbCur")
        request.open("Cmp")
        request.constant("DbProv", province)
        try request.field("DbAccNo", account.number, type: .account, maxBytes: 32)
        request.constant("DbCur", currency)
    }

    /// An answer with `RespCode=0000`, else an error with the code and message.
    static func successfulAnswer(_ bytes: [UInt8]) throws(AdapterError) -> ABCAnswer {
        let answer = try ABCAnswer.read(bytes)
        guard answer.responseCode == "0000" else { throw AdapterError(answer.summary, location: "ap/RespCode") }
        return answer
    }

    /// An amount as ABC writes it: an optional sign, digits, and decimals beyond the currency's
    /// only when they are zeros (`1234.560`).
    static func amount(_ text: String, currency: Currency, location: String) throws(AdapterError) -> Money {
        var digits = Substring(text.trimmingSpaces())
        if digits.hasPrefix("+") { digits = digits.dropFirst() }
        if let point = digits.firstIndex(of: ".") {
            while digits.distance(from: point, to: digits.endIndex) - 1 > currency.exponent, digits.last == "0" {
                digits = digits.dropLast()
            }
            if digits.last == "." { digits = digits.dropLast() }
        }
        do {
            return try Money(parsing: String(digits), currency: currency)
        } catch {
            throw AdapterError("amount \(error.description)", location: location)
        }
    }
}

extension String {
    /// Without leading and trailing spaces (ASCII space and the ideographic space U+3000).
    func trimmingSpaces() -> String {
        let scalars = unicodeScalars
        let isSpace: (Unicode.Scalar) -> Bool = { $0 == " " || $0 == "\u{3000}" || $0 == "\t" || $0 == "\r" }
        guard let first = scalars.firstIndex(where: { !isSpace($0) }),
              let last = scalars.lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(scalars[first...last])
    }

    /// `nil` when empty.
    var nonEmpty: String? { isEmpty ? nil : self }
}
