public import BankGateCore
public import BankGateStatements

extension CMBCloudAdapter {
    /// A trusted answer with `resultcode=SUC0000`, else an error with the code and message.
    func successfulAnswer(_ bytes: [UInt8]) throws(AdapterError) -> CMBCloudAnswer {
        let answer = try openAnswer(bytes)
        guard codes.category(.resultCode, answer.resultCode) == .ok else {
            throw AdapterError("resultcode \(answer.resultCode)" + (answer.resultMessage.map { " \($0)" } ?? ""),
                               location: "response.head.resultcode")
        }
        return answer
    }

    /// Reads the answer to `NTQACINF`: one ``CMBAccountBalances`` per `ntqacinfz` (`accblv` the
    /// previous day's closing, `onlblv` online, `avlblv` available, `hldblv` held, `lmtovr` overdraft).
    /// - Throws: ``AdapterError`` for an answer not trusted or not successful, an unknown currency
    ///   or an amount that is not a decimal.
    public func decodeBalances(_ bytes: [UInt8]) throws(AdapterError) -> [CMBAccountBalances] {
        let answer = try successfulAnswer(bytes)
        var result: [CMBAccountBalances] = []
        for (offset, record) in answer.records("ntqacinfz").enumerated() {
            let location = "ntqacinfz[\(offset + 1)]"
            let code = CMBCloudAnswer.text(record, "ccynbr") ?? "10"
            guard let currencyCode = CMBAdapter.currencies[code], let currency = Currency(code: currencyCode) else {
                throw AdapterError("unknown currency code \(code)", location: location + "/ccynbr")
            }
            func amount(_ name: String) throws(AdapterError) -> Money? {
                try Self.money(CMBCloudAnswer.text(record, name), currency: currency, location: location + "/" + name)
            }
            func required(_ name: String) throws(AdapterError) -> Money {
                guard let value = try amount(name) else { throw AdapterError("missing amount", location: location + "/" + name) }
                return value
            }
            guard let account = CMBCloudAnswer.text(record, "accnbr") else { throw AdapterError("missing accnbr", location: location) }
            result.append(CMBAccountBalances(
                account: account, name: CMBCloudAnswer.text(record, "accnam"),
                previousDayBalance: try required("accblv"), onlineBalance: try required("onlblv"),
                heldBalance: try amount("hldblv"), availableBalance: try required("avlblv"),
                overdraftLimit: try amount("lmtovr"), status: CMBCloudAnswer.text(record, "stscod")))
        }
        return result
    }

    /// The `ntqacinfz` record of `account`, as `PRCD`, `ITBD` and `ITAV`.
    public func decodeBalanceAnswer(_ bytes: [UInt8], account: DebtorAccount, asOf date: String) throws(AdapterError) -> [StatementBalance] {
        guard let record = try decodeBalances(bytes).first(where: { $0.account == account.number }) else {
            throw AdapterError("the answer has no balances for the account asked about", location: "ntqacinfz/accnbr")
        }
        return record.statementBalances(asOf: date)
    }

    /// Reads one page of a `DCTRSINF` answer: one ``StatementTransaction`` per `ntqactrsz2` in the
    /// account's currency, and the key of the next page (`ntrbptrsz1.trsseq` when `cotflg=Y`).
    ///
    /// The amount is `trsamt` without its sign, the side `amtcdr` (C/D); `yurref` (our reference for
    /// payments we sent) becomes the instruction id, `refnbr` the bank reference, `trsblv` the
    /// balance after.
    public func decodeTransactionQueryPage(_ bytes: [UInt8], account: DebtorAccount,
                                           statementId: String) throws(AdapterError) -> TransactionQueryPage {
        let answer = try successfulAnswer(bytes)
        let currency = account.currency
        let statementAccount = StatementAccount(identifier: account.number, currency: currency.code)
        var transactions: [StatementTransaction] = []
        for (offset, record) in answer.records("ntqactrsz2").enumerated() {
            let location = "ntqactrsz2[\(offset + 1)]"
            func text(_ name: String) -> String? { CMBCloudAnswer.text(record, name) }
            let side: CreditDebit
            switch text("amtcdr") {
            case "C": side = .credit
            case "D": side = .debit
            default: throw AdapterError("amtcdr is neither C nor D", location: location + "/amtcdr")
            }
            guard let signed = try Self.money(text("trsamt"), currency: currency, location: location + "/trsamt") else {
                throw AdapterError("missing amount", location: location + "/trsamt")
            }
            guard let booked = text("etydat") else { throw AdapterError("missing etydat", location: location) }
            var valueDate: String?
            if let value = text("vltdat") { valueDate = try CMBAdapter.isoDate(value, location: location + "/vltdat") }
            transactions.append(StatementTransaction(
                account: statementAccount, statementId: statementId, sequence: offset + 1,
                bookingDate: try CMBAdapter.isoDate(booked, location: location + "/etydat"), valueDate: valueDate,
                amount: Money(minorUnits: abs(signed.minorUnits), currency: currency), creditDebit: side,
                isReversal: false, status: .booked, bankReference: text("refnbr"), instructionId: text("yurref"),
                counterparty: Counterparty(name: text("rpynam"), account: text("rpyacc"), bankCode: nil),
                remittanceInformation: text("naryur"),
                transactionCode: BankTransactionCode(proprietary: text("trscod"), proprietaryIssuer: text("trscod") == nil ? nil : "CMB"),
                balanceAfter: try Self.money(text("trsblv"), currency: currency, location: location + "/trsblv"),
                additionalInformation: text("narext"),
                source: SourcePosition(line: 1, path: "response.body." + location)))
        }
        let summary = answer.records("ntrbptrsz1").first
        let continuation = summary.flatMap { CMBCloudAnswer.text($0, "cotflg") == "Y" ? CMBCloudAnswer.text($0, "trsseq") : nil }
        return TransactionQueryPage(transactions: transactions, continuation: continuation)
    }

    /// `text` as an amount of `currency`; `nil` when absent.
    static func money(_ text: String?, currency: Currency, location: String) throws(AdapterError) -> Money? {
        guard let text else { return nil }
        do {
            return try Money(parsing: text, currency: currency)
        } catch {
            throw AdapterError("amount \(error.description)", location: location)
        }
    }
}
