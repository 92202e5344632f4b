public import BankGateCore
import BankGateXML
public import BankGateStatements

/// An account's balances as `b2e0005` answers them (`b2e0005-rs`).
public struct BOCAccountBalances: Hashable, Sendable {
    /// `account/actacn`.
    public var account: String
    /// `account/ibknum`: BOC's 联行号 of the account.
    public var bankNumber: String?
    /// `account/actname`.
    public var name: String?
    /// `balance/bokbal`: the booked balance (账面余额).
    public var bookedBalance: Money
    /// `balance/avabal`: the available balance (可用余额).
    public var availableBalance: Money
    /// `balance/stpamt`: the amount stopped (冻结).
    public var stoppedAmount: Money?
    /// `balance/ovramt`: the overdraft amount.
    public var overdraftAmount: Money?
    /// `baldat`: the balances' date, `YYYY-MM-DD`.
    public var date: String?

    public init(account: String, bankNumber: String?, name: String?, bookedBalance: Money, availableBalance: Money,
                stoppedAmount: Money?, overdraftAmount: Money?, date: String?) {
        self.account = account
        self.bankNumber = bankNumber
        self.name = name
        self.bookedBalance = bookedBalance
        self.availableBalance = availableBalance
        self.stoppedAmount = stoppedAmount
        self.overdraftAmount = overdraftAmount
        self.date = date
    }

    /// The balances in the statement model, as of `date` (`YYYY-MM-DD`, the query's date unless
    /// the answer gave one): `ITBD` interim booked and `ITAV` interim available.
    public func statementBalances(asOf date: String) -> [StatementBalance] {
        let day = self.date ?? date
        return [
            StatementBalance(type: "ITBD", amount: bookedBalance, date: day),
            StatementBalance(type: "ITAV", amount: availableBalance, date: day),
        ]
    }
}

/// One page of an account's transactions (`b2e0035`).
public struct BOCTransactionPage: Hashable, Sendable {
    /// The page's transactions, in the statement model.
    public var transactions: [StatementTransaction]
    /// `totalnum`: the records matching the query in all, when given.
    public var totalRecords: Int?
    /// The `begnum` of the next page, `nil` when this page is the last.
    public var nextRecord: Int?
}

extension BOCAdapter {
    /// Reads the answer to `b2e0005`: one ``BOCAccountBalances`` per `b2e0005-rs`, in CNY unless
    /// `curcde` names another currency.
    /// - Throws: ``AdapterError`` for an unreadable answer, a status other than `B001` (its
    ///   category in the message; see ``requiresSignIn(_:)``) or an amount that is not a decimal.
    public func decodeBalanceAnswer(_ bytes: [UInt8]) throws(AdapterError) -> [BOCAccountBalances] {
        let answer = try successfulAnswer(bytes, code: "b2e0005")
        var result: [BOCAccountBalances] = []
        for record in answer.records {
            let location = "b2e0005-rs (line \(record.line))"
            try requireSuccess(record, location: location)
            let account = record.child("account")
            func text(_ node: XMLNode?, _ name: String) -> String? { BOCAnswer.text(node?.child(name)) }
            let currency = try Self.currency(text(account, "curcde"), default: Currency(code: "CNY")!,
                                             location: location + "/account/curcde")
            let balance = record.child("balance")
            func amount(_ name: String) throws(AdapterError) -> Money? {
                try Self.money(text(balance, name), currency: currency, location: location + "/balance/" + name)
            }
            func required(_ name: String) throws(AdapterError) -> Money {
                guard let value = try amount(name) else { throw AdapterError("missing amount", location: location + "/balance/" + name) }
                return value
            }
            guard let number = text(account, "actacn") else { throw AdapterError("missing actacn", location: location + "/account") }
            var date: String?
            if let day = text(record, "baldat") { date = try Self.isoDate(day, location: location + "/baldat") }
            result.append(BOCAccountBalances(
                account: number, bankNumber: text(account, "ibknum"), name: text(account, "actname"),
                bookedBalance: try required("bokbal"), availableBalance: try required("avabal"),
                stoppedAmount: try amount("stpamt"), overdraftAmount: try amount("ovramt"), date: date))
        }
        return result
    }

    /// Reads the answer to `b2e0035` into the statement model: ``decodeTransactionPage(_:account:statementId:firstRecord:)``'s
    /// transactions.
    public func decodeTransactionAnswer(_ bytes: [UInt8], account: DebtorAccount,
                                        statementId: String) throws(AdapterError) -> [StatementTransaction] {
        try decodeTransactionPage(bytes, account: account, statementId: statementId, firstRecord: 1).transactions
    }

    /// Reads one page of the answer to `b2e0035`, one ``StatementTransaction`` per `b2e0035-rs`.
    ///
    /// Debit or credit is read from which side our account is on: `fractn/actacn` (payer) →
    /// debit, `toactn/actacn` (payee) → credit, else the sign of `txnamt` (the codes of
    /// `direction` are not public). The counterparty is the other side. `txndate` is the booking
    /// date, `valdat` the value date, `acctbal` the balance after, `transid` (else `vchnum`) the
    /// bank reference, `insid` our instruction id, `furinfo` (else `useinfo`) the remittance text.
    /// - Parameter firstRecord: the `begnum` the page was asked from: the sequence numbers continue
    ///   from it, and ``BOCTransactionPage/nextRecord`` follows it.
    public func decodeTransactionPage(_ bytes: [UInt8], account: DebtorAccount, statementId: String,
                                      firstRecord: Int) throws(AdapterError) -> BOCTransactionPage {
        let answer = try successfulAnswer(bytes, code: "b2e0035")
        let currency = account.currency
        let statementAccount = StatementAccount(identifier: account.number, currency: currency.code)
        var transactions: [StatementTransaction] = []
        for (offset, record) in answer.records.enumerated() {
            let location = "b2e0035-rs[\(offset + 1)]"
            try requireSuccess(record, location: location)
            func text(_ path: String...) -> String? { BOCAnswer.text(record.descendant(path: path)) }
            _ = try Self.currency(text("trncur"), default: currency, location: location + "/trncur", expected: currency)
            guard let amountText = text("txnamt"),
                  let signed = try Self.money(amountText, currency: currency, location: location + "/txnamt") else {
                throw AdapterError("missing amount", location: location + "/txnamt")
            }
            let payer = record.child("fractn"), payee = record.child("toactn")
            let side: CreditDebit
            if BOCAnswer.text(payer?.child("actacn")) == account.number {
                side = .debit
            } else if BOCAnswer.text(payee?.child("actacn")) == account.number {
                side = .credit
            } else if signed.minorUnits < 0 {
                side = .debit
            } else {
                throw AdapterError("cannot tell debit from credit: the account is neither payer nor payee",
                                   location: location)
            }
            let counterparty = side == .debit
                ? Counterparty(name: text("toactn", "toname"), account: text("toactn", "actacn"), bankCode: text("toactn", "toibkn"))
                : Counterparty(name: text("fractn", "acntname"), account: text("fractn", "actacn"), bankCode: text("fractn", "ibknum"))
            guard let booked = text("txndate") else { throw AdapterError("missing txndate", location: location) }
            var valueDate: String?
            if let value = text("valdat") { valueDate = try Self.isoDate(value, location: location + "/valdat") }
            transactions.append(StatementTransaction(
                account: statementAccount, statementId: statementId, sequence: firstRecord + offset,
                bookingDate: try Self.isoDate(booked, location: location + "/txndate"), valueDate: valueDate,
                amount: Money(minorUnits: abs(signed.minorUnits), currency: currency), creditDebit: side, status: .booked,
                bankReference: text("transid") ?? text("vchnum"), instructionId: text("insid"), counterparty: counterparty,
                remittanceInformation: text("furinfo") ?? text("useinfo"),
                transactionCode: BankTransactionCode(proprietary: text("transtype"),
                                                     proprietaryIssuer: text("transtype") == nil ? nil : "BOC"),
                balanceAfter: try Self.money(text("acctbal"), currency: currency, location: location + "/acctbal"),
                additionalInformation: text("interinfo"),
                source: SourcePosition(line: record.line, path: "bocb2e/trans/trn-b2e0035-rs/" + location)))
        }
        let total = BOCAnswer.text(answer.result.child("totalnum")).flatMap { Int($0) }
        let returned = BOCAnswer.text(answer.result.child("notenum")).flatMap { Int($0) } ?? answer.records.count
        var next: Int?
        if let total, returned > 0, firstRecord + returned <= total { next = firstRecord + returned }
        return BOCTransactionPage(transactions: transactions, totalRecords: total, nextRecord: next)
    }

    /// An answer to `code` with `B001` on the envelope, else an error naming the code, its
    /// category and message.
    func successfulAnswer(_ bytes: [UInt8], code: String) throws(AdapterError) -> BOCAnswer {
        let answer = try BOCAnswer.read(bytes)
        let category = answer.status.category(in: codes)
        guard category == .ok else {
            let name = category?.rawValue ?? "unknown"
            throw AdapterError("rspcod \(answer.status.description) (\(name))", location: answer.result.name + "/status")
        }
        guard answer.transactionCode == code else {
            throw AdapterError("answer to \(answer.transactionCode), not to \(code)", location: answer.result.name)
        }
        return answer
    }

    /// Throws unless the record's own status is `B001` (a record without a status passes: the
    /// envelope's `B001` stands for it).
    func requireSuccess(_ record: XMLNode, location: String) throws(AdapterError) {
        guard let status = BOCStatus.of(record) else { return }
        guard status.category(in: codes) == .ok else {
            throw AdapterError("rspcod \(status.description)", location: location + "/status")
        }
    }

    /// The currency of `code` (`CNY` or BOC's numeric `001`), `fallback` when absent.
    static func currency(_ code: String?, default fallback: Currency, location: String,
                         expected: Currency? = nil) throws(AdapterError) -> Currency {
        guard let code else { return fallback }
        guard let currency = code == "001" ? Currency(code: "CNY") : Currency(code: code) else {
            throw AdapterError("unknown currency code \(code)", location: location)
        }
        if let expected, currency != expected {
            throw AdapterError("\(currency.code), not the account's \(expected.code)", location: location)
        }
        return currency
    }

    /// `text` as an amount, `nil` when absent.
    static func money(_ text: String?, currency: Currency, location: String) throws(AdapterError) -> Money? {
        guard let text else { return nil }
        do {
            return try Money(parsing: text, currency: currency)
        } catch {
            throw AdapterError("amount \(error.description)", location: location)
        }
    }
}
