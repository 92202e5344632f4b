public import BankGateCore
import BankGateXML
public import BankGateStatements

/// An account's balance as `6W0100` answers it.
public struct CCBAccountBalance: Hashable, Sendable {
    /// `ACC_NO`.
    public var account: String
    /// `BALANCE`: the booked balance now (余额).
    public var balance: Money
    /// `BALANCE1`: the available balance (可用余额), when given.
    public var availableBalance: Money?
    /// `ACC_STATUS` as CCB writes it (e.g. 正常).
    public var status: String?

    public init(account: String, balance: Money, availableBalance: Money?, status: String?) {
        self.account = account
        self.balance = balance
        self.availableBalance = availableBalance
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

/// One page of a `6WY101` answer: its transactions and where the next page starts.
public struct CCBTransactionPage: Hashable, Sendable {
    /// The page's transactions, in the statement model.
    public var transactions: [StatementTransaction]
    /// `PAGE`: this page's number.
    public var page: Int
    /// `TOTAL_PAGE`: how many pages the query has.
    public var totalPages: Int
    /// `POSTSTR`: CCB's position string (定位串) for the next page.
    public var position: String?

    /// The request for the next page, `nil` on the last.
    public var next: CCBPageRequest? {
        page < totalPages ? CCBPageRequest(number: page + 1, position: position) : nil
    }
}

extension CCBAdapter {
    /// Reads the answer to `6W0100`, in CNY (the only currency the format names).
    /// - Throws: ``AdapterError`` for an unreadable answer, a `RETURN_CODE` other than `000000`, a
    ///   missing `BALANCE` or an amount that is not a decimal.
    public func decodeBalanceAnswer(_ bytes: [UInt8]) throws(AdapterError) -> CCBAccountBalance {
        let answer = try Self.successfulAnswer(bytes)
        let cny = Currency(code: "CNY")!
        guard let account = answer.info("ACC_NO") else { throw AdapterError("missing ACC_NO", location: "TX_INFO/ACC_NO") }
        guard let balance = try Self.money(answer.info("BALANCE"), cny, location: "TX_INFO/BALANCE") else {
            throw AdapterError("missing amount", location: "TX_INFO/BALANCE")
        }
        return CCBAccountBalance(account: account, balance: balance,
                                 availableBalance: try Self.money(answer.info("BALANCE1"), cny, location: "TX_INFO/BALANCE1"),
                                 status: answer.info("ACC_STATUS"))
    }

    /// Reads a `6WY101` answer into the statement model: ``decodeTransactionPage(_:account:statementId:)``'s
    /// transactions, for callers that ask for one page.
    public func decodeTransactionAnswer(_ bytes: [UInt8], account: DebtorAccount,
                                        statementId: String) throws(AdapterError) -> [StatementTransaction] {
        try decodeTransactionPage(bytes, account: account, statementId: statementId).transactions
    }

    /// Reads one page of a `6WY101` answer, one ``StatementTransaction`` per `DETAILLIST/DETAILINFO`,
    /// in the account's currency.
    ///
    /// `TRANDATE` is the booking date (`YYYYMMDD`, `YYYY/MM/DD` or `YYYY-MM-DD`), `AMT` the amount
    /// and `FLAG1` its side (`0` debit/转出, `1` credit/转入), `AMT1` the balance after,
    /// `TRAN_FLOW` the bank reference, `ACCNO2`/`ACC_NAME1` the counterparty, `MESSAGE` the
    /// remittance text, `CRE_TYP` the proprietary code. The format carries no client reference:
    /// ``StatementTransaction/instructionId`` stays `nil`. Sequences run on across pages.
    /// - Parameter statementId: the id the transactions are filed under (the query's id).
    public func decodeTransactionPage(_ bytes: [UInt8], account: DebtorAccount,
                                      statementId: String) throws(AdapterError) -> CCBTransactionPage {
        let answer = try Self.successfulAnswer(bytes)
        let page = Int(answer.info("PAGE") ?? "1") ?? 1
        let totalPages = Int(answer.info("TOTAL_PAGE") ?? "1") ?? 1
        let currency = account.currency
        let statementAccount = StatementAccount(identifier: account.number, currency: currency.code)
        let details = answer.info?.child("DETAILLIST")?.children("DETAILINFO") ?? []
        var transactions: [StatementTransaction] = []
        for (offset, record) in details.enumerated() {
            let location = "TX_INFO/DETAILLIST/DETAILINFO[\(offset + 1)]"
            func text(_ name: String) -> String? { ChineseXMLAnswer.text(record.child(name)) }
            let side: CreditDebit
            switch text("FLAG1") {
            case "0": side = .debit
            case "1": side = .credit
            default: throw AdapterError("FLAG1 is neither 0 nor 1", location: location + "/FLAG1")
            }
            guard let signed = try Self.money(text("AMT"), currency, location: location + "/AMT") else {
                throw AdapterError("missing amount", location: location + "/AMT")
            }
            guard let booked = text("TRANDATE") else { throw AdapterError("missing TRANDATE", location: location) }
            transactions.append(StatementTransaction(
                account: statementAccount, statementId: statementId,
                sequence: (page - 1) * Self.transactionPageSize + offset + 1,
                bookingDate: try Self.isoDate(booked, location: location + "/TRANDATE"), valueDate: nil,
                amount: Money(minorUnits: abs(signed.minorUnits), currency: currency), creditDebit: side,
                status: .booked, bankReference: text("TRAN_FLOW"),
                counterparty: Counterparty(name: text("ACC_NAME1"), account: text("ACCNO2")),
                remittanceInformation: text("MESSAGE"),
                transactionCode: BankTransactionCode(proprietary: text("CRE_TYP"), proprietaryIssuer: text("CRE_TYP") == nil ? nil : "CCB"),
                balanceAfter: try Self.money(text("AMT1"), currency, location: location + "/AMT1"),
                additionalInformation: text("DET"), source: SourcePosition(line: record.line, path: "TX/" + location)))
        }
        return CCBTransactionPage(transactions: transactions, page: page, totalPages: totalPages, position: answer.info("POSTSTR"))
    }

    /// An answer with `RETURN_CODE=000000`, else an error with the return code and message.
    static func successfulAnswer(_ bytes: [UInt8]) throws(AdapterError) -> CCBAnswer {
        let answer = try CCBAnswer.read(bytes)
        guard answer.returnCode == CCBCodes.success else {
            throw AdapterError(answer.envelope, location: "TX/RETURN_CODE")
        }
        return answer
    }

    /// An amount in `currency`, `nil` when absent.
    static func money(_ text: String?, _ currency: Currency, location: String) throws(AdapterError) -> Money? {
        guard let text else { return nil }
        do {
            return try Money(parsing: text, currency: currency)
        } catch {
            throw AdapterError("amount \(error.description)", location: location)
        }
    }

    /// `YYYYMMDD`, `YYYY/MM/DD` or `YYYY-MM-DD` → `YYYY-MM-DD`, checking the date.
    static func isoDate(_ text: String, location: String) throws(AdapterError) -> String {
        let digits = Array(text.utf8.filter { $0 != UInt8(ascii: "/") && $0 != UInt8(ascii: "-") })
        guard digits.count == 8, digits.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), text.utf8.count == 8 || text.utf8.count == 10 else {
            throw AdapterError("not a YYYYMMDD date", location: location)
        }
        let iso = String(decoding: digits[0..<4], as: UTF8.self) + "-" + String(decoding: digits[4..<6], as: UTF8.self)
            + "-" + String(decoding: digits[6..<8], as: UTF8.self)
        guard Timestamp.parseDate(iso) != nil else { throw AdapterError("not a real date", location: location) }
        return iso
    }
}
