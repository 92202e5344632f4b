public import BankGateCore
import BankGateXML
public import BankGateStatements

/// An account's balances as `GetAccInfo` answers them (`NTQACINFZ`).
public struct CMBAccountBalances: Hashable, Sendable {
    /// `ACCNBR`.
    public var account: String
    /// `ACCNAM` (usually the holder's name).
    public var name: String?
    /// `ACCBLV`: the previous day's closing balance (上日余额).
    public var previousDayBalance: Money
    /// `ONLBLV`: the online (booked) balance now (联机余额).
    public var onlineBalance: Money
    /// `HLDBLV`: the amount on hold (冻结余额).
    public var heldBalance: Money?
    /// `AVLBLV`: available balance (可用余额).
    public var availableBalance: Money
    /// `LMTOVR`: overdraft limit (透支额度).
    public var overdraftLimit: Money?
    /// `STSCOD`: A active, B frozen, C closed.
    public var status: String?

    /// The balances in the statement model, as of `date` (`YYYY-MM-DD`, the query's date):
    /// `ITBD` interim booked (online balance), `ITAV` interim available, and `PRCD` (previous
    /// closing booked) dated the day before.
    public func statementBalances(asOf date: String) -> [StatementBalance] {
        let previousDay = DateArithmetic.adding(days: -1, to: date) ?? date
        return [
            StatementBalance(type: "PRCD", amount: previousDayBalance, date: previousDay),
            StatementBalance(type: "ITBD", amount: onlineBalance, date: date),
            StatementBalance(type: "ITAV", amount: availableBalance, date: date),
        ]
    }
}

extension CMBAdapter {
    /// The currencies of CMB's `CCYNBR` (附录 A.3), those bankgate reads: currency number to ISO
    /// code (`"10"` → `"CNY"`). Public for the simulator, which writes the numbers.
    public static let currencies: [String: String] = ["10": "CNY", "21": "JPY", "32": "USD", "35": "EUR", "43": "HKD"]

    /// Reads the answer to `GetAccInfo`: one ``CMBAccountBalances`` per `NTQACINFZ`.
    /// - Throws: ``AdapterError`` for an unreadable answer, a `RETCOD` other than 0, a currency
    ///   the table does not know or an amount that is not a decimal.
    public func decodeBalanceAnswer(_ bytes: [UInt8]) throws(AdapterError) -> [CMBAccountBalances] {
        let answer = try Self.successfulAnswer(bytes)
        var result: [CMBAccountBalances] = []
        for record in answer.records("NTQACINFZ") {
            let location = "NTQACINFZ (line \(record.line))"
            let code = CMBAnswer.text(record.child("CCYNBR")) ?? "10"
            guard let currencyCode = Self.currencies[code], let currency = Currency(code: currencyCode) else {
                throw AdapterError("unknown currency code \(code)", location: location + "/CCYNBR")
            }
            func amount(_ name: String) throws(AdapterError) -> Money? {
                guard let text = CMBAnswer.text(record.child(name)) else { return nil }
                do {
                    return try Money(parsing: text, currency: currency)
                } catch {
                    throw AdapterError("amount \(error.description)", location: location + "/" + name)
                }
            }
            func required(_ name: String) throws(AdapterError) -> Money {
                guard let value = try amount(name) else { throw AdapterError("missing amount", location: location + "/" + name) }
                return value
            }
            guard let account = CMBAnswer.text(record.child("ACCNBR")) else {
                throw AdapterError("missing ACCNBR", location: location)
            }
            result.append(CMBAccountBalances(
                account: account, name: CMBAnswer.text(record.child("ACCNAM")),
                previousDayBalance: try required("ACCBLV"), onlineBalance: try required("ONLBLV"),
                heldBalance: try amount("HLDBLV"), availableBalance: try required("AVLBLV"),
                overdraftLimit: try amount("LMTOVR"), status: CMBAnswer.text(record.child("STSCOD"))))
        }
        return result
    }

    /// Reads the answer to `GetTransInfo` into the statement model, one ``StatementTransaction``
    /// per `NTQTSINFZ`, in CNY (`GetTransInfo` states no currency; the account's is assumed).
    ///
    /// The amount is `TRSAMTD` (debit) or `TRSAMTC` (credit) by `AMTCDR`, else `TRSAMT` without
    /// its sign; `YURREF` (our reference for payments we sent) becomes the instruction id,
    /// `REFNBR` the bank reference, `RSVFLG=*` a reversal, `TRSBLV` the balance after.
    /// - Parameter statementId: the id the transactions are filed under (the query's id).
    public func decodeTransactionAnswer(_ bytes: [UInt8], account: DebtorAccount,
                                        statementId: String) throws(AdapterError) -> [StatementTransaction] {
        let answer = try Self.successfulAnswer(bytes)
        let currency = account.currency
        let statementAccount = StatementAccount(identifier: account.number, currency: currency.code)
        var result: [StatementTransaction] = []
        for (offset, record) in answer.records("NTQTSINFZ").enumerated() {
            let location = "NTQTSINFZ[\(offset + 1)]"
            func text(_ name: String) -> String? { CMBAnswer.text(record.child(name)) }
            func money(_ name: String) throws(AdapterError) -> Money? {
                guard let value = text(name) else { return nil }
                do {
                    return try Money(parsing: value, currency: currency)
                } catch {
                    throw AdapterError("amount \(error.description)", location: location + "/" + name)
                }
            }
            let side: CreditDebit
            switch text("AMTCDR") {
            case "C": side = .credit
            case "D": side = .debit
            default: throw AdapterError("AMTCDR is neither C nor D", location: location + "/AMTCDR")
            }
            var sided = try money(side == .credit ? "TRSAMTC" : "TRSAMTD")
            if sided == nil { sided = try money("TRSAMT") }
            guard let signed = sided else {
                throw AdapterError("missing amount", location: location + "/TRSAMT")
            }
            // Money's parser never yields Int64.min, so the magnitude fits.
            let amount = Money(minorUnits: abs(signed.minorUnits), currency: currency)
            guard let booked = text("ETYDAT") else { throw AdapterError("missing ETYDAT", location: location) }
            let bookingDate = try Self.isoDate(booked, location: location + "/ETYDAT")
            var valueDate: String?
            if let value = text("VLTDAT") { valueDate = try Self.isoDate(value, location: location + "/VLTDAT") }
            result.append(StatementTransaction(
                account: statementAccount, statementId: statementId, sequence: offset + 1,
                bookingDate: bookingDate, valueDate: valueDate, amount: amount, creditDebit: side,
                isReversal: text("RSVFLG") == "*", status: .booked, bankReference: text("REFNBR"),
                instructionId: text("YURREF"),
                counterparty: Counterparty(name: text("RPYNAM"), account: text("RPYACC"), bankCode: text("RPYBBN")),
                remittanceInformation: text("NUSAGE") ?? text("NARYUR"),
                transactionCode: BankTransactionCode(proprietary: text("TRSCOD"), proprietaryIssuer: text("TRSCOD") == nil ? nil : "CMB"),
                balanceAfter: try money("TRSBLV"), additionalInformation: text("BUSNAR"),
                source: SourcePosition(line: record.line, path: "CMBSDKPGK/" + location)))
        }
        return result
    }

    /// An answer with `RETCOD=0`, else an error with the return code and message.
    static func successfulAnswer(_ bytes: [UInt8]) throws(AdapterError) -> CMBAnswer {
        let answer = try CMBAnswer.read(bytes)
        guard answer.returnCode == "0" else {
            throw AdapterError("RETCOD \(answer.returnCode)" + (answer.errorMessage.map { " \($0)" } ?? ""),
                               location: "INFO/RETCOD")
        }
        return answer
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
