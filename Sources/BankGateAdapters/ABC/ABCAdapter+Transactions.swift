public import BankGateCore
public import BankGateStatements

/// Where the last detail read stands, to pull only what is newer: `TimeStab` (时间戳) and `TrJrn`
/// (日志号) of the last line of a detail file.
public struct ABCDetailPosition: Hashable, Sendable {
    /// `TimeStab`, sent back as `Cmp/StartTime`.
    public var timeStamp: String
    /// `TrJrn`, sent back as `Channel/LastJrnNo`.
    public var journalNumber: String

    public init(timeStamp: String, journalNumber: String) {
        self.timeStamp = timeStamp
        self.journalNumber = journalNumber
    }
}

/// The answer to `CQRA10`: the details are in a file the client leaves for pickup (by FTP or from
/// its `detail` directory), named here.
public struct ABCDetailFileReference: Hashable, Sendable {
    /// `Cmp/BatchFileName`; `nil` when there are no details.
    public var fileName: String?
    /// `Cme/RecordNum` and `Cme/FieldNum`, when given.
    public var recordCount: Int?
    public var fieldCount: Int?
    /// `Cmp/ContFlag` = `1`: more details than one file holds; ask again after the last position.
    public var hasMore: Bool
}

/// The transactions of one detail file and the position after its last line.
public struct ABCDetailFile: Hashable, Sendable {
    public var transactions: [StatementTransaction]
    /// The position to continue from (``ABCAdapter/encodeTransactionQuery(account:fromDate:toDate:queryId:requestedAt:after:)``).
    public var lastPosition: ABCDetailPosition?
}

extension ABCAdapter {
    /// The number of `|`-separated fields of a `CQRA10` detail line.
    public static let detailFieldCount = 33

    /// Asks for an account's transactions from `fromDate` to `toDate` (`YYYY-MM-DD`, inclusive):
    /// `CQRA10` (查询账户交易明细) with `Cmp` (`DbProv`, `DbAccNo`, `DbCur`, `StartTime`), `Corp`
    /// (`StartDate`, `EndDate`) and `Channel/LastJrnNo` (`0` from the start).
    /// - Parameter after: the position of the last detail already read, for an incremental pull.
    public func encodeTransactionQuery(account: DebtorAccount, fromDate: String, toDate: String, queryId: String,
                                       requestedAt: Timestamp, after: ABCDetailPosition? = nil) throws(AdapterError) -> EncodedMessage {
        let start = try Self.bankDate(fromDate, location: "Corp/StartDate")
        let end = try Self.bankDate(toDate, location: "Corp/EndDate")
        guard start <= end else { throw AdapterError("the end date is before the start date", location: "Corp/EndDate") }
        var request = try ABCRequestWriter(code: "CQRA10", adapter: self, requestId: queryId, at: requestedAt)
        try writeAccount(account, into: &request)
        if let after { try request.field("StartTime", after.timeStamp, type: .code, maxBytes: 32) }
        request.close("Cmp")
        request.open("Corp")
        request.constant("StartDate", start)
        request.constant("EndDate", end)
        request.close("Corp")
        request.open("Channel")
        try request.field("LastJrnNo", after?.journalNumber ?? "0", type: .code, maxBytes: 32)
        request.close("Channel")
        return EncodedMessage(kind: "ABC.CQRA10", contentType: Self.contentType,
                              fileName: Self.fileName("CQRA10", queryId), bytes: try frame(try request.finish()))
    }

    /// Reads the answer to `CQRA10`: the name of the detail file to fetch.
    /// - Throws: ``AdapterError`` for an unreadable answer or a `RespCode` other than `0000`.
    public func decodeTransactionAnswer(_ bytes: [UInt8]) throws(AdapterError) -> ABCDetailFileReference {
        let answer = try Self.successfulAnswer(bytes)
        func number(_ section: String, _ name: String) throws(AdapterError) -> Int? {
            guard let text = answer.value(section, name) else { return nil }
            guard let value = Int(text), value >= 0 else { throw AdapterError("not a count", location: section + "/" + name) }
            return value
        }
        return ABCDetailFileReference(fileName: answer.value("Cmp", "BatchFileName"),
                                      recordCount: try number("Cme", "RecordNum"), fieldCount: try number("Cme", "FieldNum"),
                                      hasMore: answer.value("Cmp", "ContFlag") == "1")
    }

    /// Reads a `CQRA10` detail file (GBK, one line per transaction, 33 fields each followed by
    /// `|`): `Prov|AccNo|Cur|TrDate|TimeStab|TrJrn|TrType|TrBankNo|AccName|AmtIndex|OppProv|OppAccNo|
    /// OppCur|OppName|OppBkName|CshIndex|ErrDate|ErrVchNo|Amt|Bal|PreAmt|TotChg|VoucherType|
    /// VoucherProv|VoucherBat|VoucherNo|CustRef|TransCode|Teller|VchNo|Abs|PostScript|TrFrom|`.
    ///
    /// The side comes from the balances: `Bal` (after) minus `PreAmt` (上笔余额, before) must be
    /// `Amt` with its sign; without both balances a negative `Amt` is a debit and an unsigned one
    /// cannot be placed (an error, never a guess). `CustRef` (客户参考号) becomes the instruction id,
    /// `TrJrn` the bank reference, `PostScript` (else `Abs`) the remittance text.
    /// - Parameter statementId: the id the transactions are filed under (the query's id).
    /// - Throws: ``AdapterError`` with the line: not GBK, a wrong field count, another account or
    ///   currency, a bad date or amount, balances that do not add up.
    public func decodeTransactionFile(_ bytes: [UInt8], account: DebtorAccount,
                                      statementId: String) throws(AdapterError) -> ABCDetailFile {
        let text: String
        do {
            text = try ChineseTextEncoding.gb18030.decode(bytes, field: "detail file")
        } catch {
            throw AdapterError(error.description)
        }
        let statementAccount = StatementAccount(identifier: account.number, currency: account.currency.code)
        var transactions: [StatementTransaction] = []
        var lastPosition: ABCDetailPosition?
        // Swift reads CR LF as one Character: split on both.
        let lines = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
        for (offset, rawLine) in lines.enumerated() {
            let line = String(rawLine).trimmingSpaces()
            if line.isEmpty { continue }
            let location = "detail line \(offset + 1)"
            var fields = line.split(separator: "|", omittingEmptySubsequences: false).map { String($0).trimmingSpaces() }
            // Every field is followed by `|`: the piece after the last one is not a field.
            if line.hasSuffix("|") { fields.removeLast() }
            guard fields.count == Self.detailFieldCount else {
                throw AdapterError("\(fields.count) fields, expected \(Self.detailFieldCount)", location: location)
            }
            let transaction = try Self.transaction(fields, account: account, statementAccount: statementAccount,
                                                   statementId: statementId, sequence: transactions.count + 1,
                                                   line: offset + 1, location: location)
            transactions.append(transaction)
            lastPosition = ABCDetailPosition(timeStamp: fields[4], journalNumber: fields[5])
        }
        return ABCDetailFile(transactions: transactions, lastPosition: lastPosition)
    }

    /// One detail line into the statement model.
    private static func transaction(_ fields: [String], account: DebtorAccount, statementAccount: StatementAccount,
                                    statementId: String, sequence: Int, line: Int,
                                    location: String) throws(AdapterError) -> StatementTransaction {
        let accountNumber = fields[1]
        guard accountNumber == account.number || accountNumber == fields[0] + account.number else {
            throw AdapterError("a detail of another account", location: location + " AccNo")
        }
        let currency = account.currency
        if !fields[2].isEmpty {
            guard try Self.currency(fromCode: fields[2], location: location + " Cur") == currency else {
                throw AdapterError("a detail in another currency than the account's", location: location + " Cur")
            }
        }
        let bookingDate = try isoDate(fields[3], location: location + " TrDate")
        let amount = try Self.amount(fields[18], currency: currency, location: location + " Amt")
        let balance = try fields[19].nonEmpty.map { (text) throws(AdapterError) in
            try Self.amount(text, currency: currency, location: location + " Bal")
        }
        let previous = try fields[20].nonEmpty.map { (text) throws(AdapterError) in
            try Self.amount(text, currency: currency, location: location + " PreAmt")
        }
        let signed: Int64
        if let balance, let previous {
            let change = balance.minorUnits - previous.minorUnits
            guard change != 0, abs(change) == abs(amount.minorUnits),
                  amount.minorUnits > 0 || change == amount.minorUnits else {
                throw AdapterError("Bal - PreAmt does not equal Amt", location: location + " Amt")
            }
            signed = change
        } else if amount.minorUnits < 0 {
            signed = amount.minorUnits
        } else {
            throw AdapterError("cannot tell a debit from a credit: Amt has no sign and Bal/PreAmt are missing",
                               location: location + " Amt")
        }
        let transactionCode = fields[27].nonEmpty
        return StatementTransaction(
            account: statementAccount, statementId: statementId, sequence: sequence, bookingDate: bookingDate,
            valueDate: nil, amount: Money(minorUnits: abs(signed), currency: currency),
            creditDebit: signed < 0 ? .debit : .credit, status: .booked, bankReference: fields[5].nonEmpty,
            instructionId: fields[26].nonEmpty,
            counterparty: Counterparty(name: fields[13].nonEmpty, account: fields[11].nonEmpty, bankCode: nil),
            remittanceInformation: fields[31].nonEmpty ?? fields[30].nonEmpty,
            transactionCode: BankTransactionCode(proprietary: transactionCode,
                                                 proprietaryIssuer: transactionCode == nil ? nil : "ABC"),
            balanceAfter: balance, additionalInformation: fields[30].nonEmpty,
            source: SourcePosition(line: line, path: "CQRA10 detail file"))
    }
}
