public import BankGateCore
import BankGateXML
public import BankGateStatements

/// An account's balances as `QACCBAL` answers them (`out/rd`); amounts are read in fen.
public struct ICBCAccountBalances: Hashable, Sendable {
    /// `AccNo`.
    public var account: String
    /// `AccBalance`: the previous day's closing balance (昨日余额).
    public var previousDayBalance: Money
    /// `Balance`: the balance now (当前余额).
    public var balance: Money
    /// `UsableBalance`: available balance (可用余额).
    public var availableBalance: Money
    /// `FrzAmt`: the amount frozen (冻结额度).
    public var frozenAmount: Money?
    /// `AcctProperty`: ICBC's account type code.
    public var accountProperty: String?
    /// `QueryTime`: when ICBC read the balances (`yyyyMMddHHmmss…`, China time), as sent.
    public var queryTime: String?

    /// The balances in the statement model, as of `date` (`YYYY-MM-DD`, the query's date):
    /// `PRCD` (previous closing booked) dated the day before, `ITBD` interim booked (the balance
    /// now) and `ITAV` interim available.
    public func statementBalances(asOf date: String) -> [StatementBalance] {
        let previousDay = DateArithmetic.adding(days: -1, to: date) ?? date
        return [
            StatementBalance(type: "PRCD", amount: previousDayBalance, date: previousDay),
            StatementBalance(type: "ITBD", amount: balance, date: date),
            StatementBalance(type: "ITAV", amount: availableBalance, date: date),
        ]
    }
}

/// One page of a `QHISD` answer.
public struct ICBCTransactionPage: Hashable, Sendable {
    /// The page's transactions, in the answer's order.
    public var transactions: [StatementTransaction]
    /// `out/NextTag`: `nil` on the last page, else the key to ask for the next one with
    /// (``ICBCAdapter/encodeTransactionQuery(account:fromDate:toDate:queryId:createdAt:nextTag:)``).
    public var nextTag: String?
}

extension ICBCAdapter {
    /// The currencies of ICBC's `CurrType` that bankgate reads: `001` (and `RMB`, which `QHISD`
    /// answers write in `out`) are the renminbi. Other codes are refused rather than guessed.
    static let currencies: [String: String] = ["001": "CNY", "RMB": "CNY"]

    /// An answer with `RetCode=0`, else an error with the return code and message.
    static func successfulAnswer(_ bytes: [UInt8]) throws(AdapterError) -> ICBCAnswer {
        let answer = try ICBCAnswer.read(bytes)
        guard answer.returnCode == "0" else { throw AdapterError(answer.envelopeText, location: "pub/RetCode") }
        return answer
    }

    /// An integer amount in fen (`176500` = 1765.00), the unit ICBC's amounts are read in.
    static func fen(_ text: String, currency: Currency, location: String) throws(AdapterError) -> Money {
        let digits = text.utf8
        let negative = digits.first == UInt8(ascii: "-")
        let body = negative ? digits.dropFirst() : digits[...]
        guard !body.isEmpty, body.count <= 18, body.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
              let value = Int64(String(decoding: body, as: UTF8.self)) else {
            throw AdapterError("not an integer amount in fen", location: location)
        }
        return Money(minorUnits: negative ? -value : value, currency: currency)
    }

    /// Reads the answer to `QACCBAL`: one ``ICBCAccountBalances`` per `out/rd`.
    /// - Throws: ``AdapterError`` for an unreadable answer, a `RetCode` other than 0, a record with
    ///   an `iRetCode` other than 0, a currency the table does not know or an amount that is not an
    ///   integer.
    public func decodeBalanceAnswer(_ bytes: [UInt8]) throws(AdapterError) -> [ICBCAccountBalances] {
        let answer = try Self.successfulAnswer(bytes)
        var result: [ICBCAccountBalances] = []
        for record in answer.records {
            let location = "out/rd (line \(record.line))"
            func text(_ name: String) -> String? { ICBCAnswer.text(record.child(name)) }
            if let code = text("iRetCode"), code != "0" {
                throw AdapterError("iRetCode \(code)" + (text("iRetMsg").map { " \($0)" } ?? ""), location: location + "/iRetCode")
            }
            let code = text("CurrType") ?? Self.renminbi
            guard let currencyCode = Self.currencies[code], let currency = Currency(code: currencyCode) else {
                throw AdapterError("unknown currency code \(code)", location: location + "/CurrType")
            }
            func amount(_ name: String) throws(AdapterError) -> Money? {
                guard let value = text(name) else { return nil }
                return try Self.fen(value, currency: currency, location: location + "/" + name)
            }
            func required(_ name: String) throws(AdapterError) -> Money {
                guard let value = try amount(name) else { throw AdapterError("missing amount", location: location + "/" + name) }
                return value
            }
            guard let account = text("AccNo") else { throw AdapterError("missing AccNo", location: location) }
            result.append(ICBCAccountBalances(
                account: account, previousDayBalance: try required("AccBalance"), balance: try required("Balance"),
                availableBalance: try required("UsableBalance"), frozenAmount: try amount("FrzAmt"),
                accountProperty: text("AcctProperty"), queryTime: text("QueryTime")))
        }
        return result
    }

    /// Reads the answer to `QHISD` into the statement model, one ``StatementTransaction`` per
    /// `out/rd`; see ``decodeTransactionPage(_:account:statementId:firstSequence:)``.
    public func decodeTransactionAnswer(_ bytes: [UInt8], account: DebtorAccount,
                                        statementId: String) throws(AdapterError) -> [StatementTransaction] {
        try decodeTransactionPage(bytes, account: account, statementId: statementId).transactions
    }

    /// Reads one page of a `QHISD` answer.
    ///
    /// `Drcrf` 1 is a debit (`DebitAmount`), 2 a credit (`CreditAmount`), both in fen; `Date` is
    /// the booking date and `ValueDate` the value date (`YYYYMMDD`); `Balance` the balance after;
    /// `Ref` (业务编号, where our payments carry their instruction id) the instruction id;
    /// `OnlySequence` (银行交易流水号) the bank reference; `Toutfo` (the e-receipt key) the account
    /// servicer reference; `RecipName`/`RecipAccNo`/`RecipBkNo1` (else `RecipBkNo`) the counterparty;
    /// `PostScript` (附言), else `UseCN` (用途), else `Summary` (摘要) the remittance text; `UpDtranf`
    /// other than 0 a reversal; `TrxCode` the proprietary transaction code.
    /// - Parameters:
    ///   - statementId: the id the transactions are filed under (the query's id).
    ///   - firstSequence: the sequence number of the page's first transaction (1 on the first page,
    ///     then one more than the last of the previous page).
    public func decodeTransactionPage(_ bytes: [UInt8], account: DebtorAccount, statementId: String,
                                      firstSequence: Int = 1) throws(AdapterError) -> ICBCTransactionPage {
        let answer = try Self.successfulAnswer(bytes)
        let currency = account.currency
        let statementAccount = StatementAccount(identifier: account.number, currency: currency.code)
        var result: [StatementTransaction] = []
        for (offset, record) in answer.records.enumerated() {
            let location = "out/rd[\(offset + 1)]"
            func text(_ name: String) -> String? { ICBCAnswer.text(record.child(name)) }
            if let code = text("CurrType"), Self.currencies[code] != currency.code {
                throw AdapterError("currency \(code) is not the account's \(currency.code)", location: location + "/CurrType")
            }
            let side: CreditDebit
            let amountField: String
            switch text("Drcrf") {
            case "1": (side, amountField) = (.debit, "DebitAmount")
            case "2": (side, amountField) = (.credit, "CreditAmount")
            default: throw AdapterError("Drcrf is neither 1 nor 2", location: location + "/Drcrf")
            }
            guard let amountText = text(amountField) else { throw AdapterError("missing amount", location: location + "/" + amountField) }
            let signed = try Self.fen(amountText, currency: currency, location: location + "/" + amountField)
            let amount = Money(minorUnits: abs(signed.minorUnits), currency: currency)
            guard let booked = text("Date") else { throw AdapterError("missing Date", location: location) }
            let bookingDate = try Self.isoDate(booked, location: location + "/Date")
            var valueDate: String?
            if let value = text("ValueDate") { valueDate = try Self.isoDate(value, location: location + "/ValueDate") }
            var balanceAfter: Money?
            if let balance = text("Balance") { balanceAfter = try Self.fen(balance, currency: currency, location: location + "/Balance") }
            let reversal = text("UpDtranf").map { $0 != "0" } ?? false
            result.append(StatementTransaction(
                account: statementAccount, statementId: statementId, sequence: firstSequence + offset,
                bookingDate: bookingDate, valueDate: valueDate, amount: amount, creditDebit: side,
                isReversal: reversal, status: .booked, bankReference: text("OnlySequence"),
                accountServicerReference: text("Toutfo") ?? text("TInfoNew"), instructionId: text("Ref"),
                counterparty: Counterparty(name: text("RecipName"), account: text("RecipAccNo"),
                                           bankCode: text("RecipBkNo1") ?? text("RecipBkNo")),
                remittanceInformation: text("PostScript") ?? text("UseCN") ?? text("Summary"),
                transactionCode: BankTransactionCode(proprietary: text("TrxCode"), proprietaryIssuer: text("TrxCode") == nil ? nil : "ICBC"),
                balanceAfter: balanceAfter, additionalInformation: text("Summary"),
                source: SourcePosition(line: record.line, path: "CMS/eb/" + location)))
        }
        return ICBCTransactionPage(transactions: result, nextTag: ICBCAnswer.text(answer.out?.child("NextTag")))
    }

    /// `YYYYMMDD` → `YYYY-MM-DD`, checking the date.
    static func isoDate(_ text: String, location: String) throws(AdapterError) -> String {
        let digits = Array(text.utf8)
        guard digits.count == 8, digits.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
            throw AdapterError("not a YYYYMMDD date", location: location)
        }
        let iso = String(decoding: digits[0..<4], as: UTF8.self) + "-" + String(decoding: digits[4..<6], as: UTF8.self)
            + "-" + String(decoding: digits[6..<8], as: UTF8.self)
        guard Timestamp.parseDate(iso) != nil else { throw AdapterError("not a real date", location: location) }
        return iso
    }
}
