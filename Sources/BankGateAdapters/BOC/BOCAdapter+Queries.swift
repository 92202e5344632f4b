public import BankGateCore

extension BOCAdapter {
    /// Asks for the status of transfers by their `insid` (`b2e0007`, 交易状态查询): one `b2e0007-rq`
    /// per reference (with an empty `obssid`), fewer than 100 per request.
    ///
    /// BOC looks a transfer up by the client's `insid` alone, so unlike CMB no sending date is
    /// needed; and one query asks for many transfers. The answer is read by ``decodePaymentAnswer(_:)``.
    /// - Parameters:
    ///   - references: the `insid`s sent: transfers' `instructionId`s, or a payroll batch's message id.
    ///   - token: the session's token.
    ///   - queryId: `trnid`, this query's message number.
    public func encodeStatusQuery(references: [String], token: String, queryId: String) throws(AdapterError) -> EncodedMessage {
        guard (1...Self.maxStatusReferences).contains(references.count) else {
            throw AdapterError("b2e0007 takes 1 to \(Self.maxStatusReferences) references, not \(references.count)",
                               location: "b2e0007-rq")
        }
        var request = try BOCRequestWriter(code: "b2e0007", messageId: queryId, token: token, adapter: self)
        let record = request.record
        for reference in references {
            request.open(record)
            try request.field("insid", reference, record: record, type: .code, maxBytes: 30)
            request.empty("obssid")
            request.close(record)
        }
        return EncodedMessage(kind: "BOC.b2e0007", contentType: Self.contentType,
                              fileName: Self.fileName("b2e0007", queryId), bytes: request.finish())
    }

    /// Asks for an account's balances today (`b2e0005`, 当日余额查询: `account/ibknum`, `actacn`).
    public func encodeBalanceQuery(account: DebtorAccount, token: String, queryId: String) throws(AdapterError) -> EncodedMessage {
        var request = try BOCRequestWriter(code: "b2e0005", messageId: queryId, token: token, adapter: self)
        let record = request.record
        let branch = try branchNumber(account, location: record + "/account/ibknum")
        request.open(record)
        request.open("account")
        try request.field("ibknum", branch, record: record + "/account", type: .digits, maxBytes: 5)
        try request.field("actacn", account.number, record: record + "/account", type: .account, maxBytes: 35)
        request.close("account")
        request.close(record)
        return EncodedMessage(kind: "BOC.b2e0005", contentType: Self.contentType,
                              fileName: Self.fileName("b2e0005", queryId), bytes: request.finish())
    }

    /// Records per page of `b2e0035` when the caller names none (assumed: BOC's maximum is not public).
    public static let transactionPageSize = 50

    /// Asks for an account's transactions from `fromDate` to `toDate` (`YYYY-MM-DD`, inclusive;
    /// `b2e0035`, 交易明细查询), one page: records `firstRecord` … `firstRecord + pageSize - 1`.
    ///
    /// `type`, `amountscope` and `direction` are written empty (all transactions, both directions;
    /// their codes are not public). The answer says how many records there are in all
    /// (`totalnum`): ``BOCTransactionPage/nextRecord`` is the `firstRecord` of the next page.
    /// - Parameters:
    ///   - firstRecord: `begnum`, 1-based (assumed).
    ///   - pageSize: `recnum`.
    public func encodeTransactionQuery(account: DebtorAccount, fromDate: String, toDate: String, token: String,
                                       queryId: String, firstRecord: Int = 1,
                                       pageSize: Int = BOCAdapter.transactionPageSize) throws(AdapterError) -> EncodedMessage {
        var request = try BOCRequestWriter(code: "b2e0035", messageId: queryId, token: token, adapter: self)
        let record = request.record
        let branch = try branchNumber(account, location: record + "/ibknum")
        let from = try Self.bankDate(fromDate, location: record + "/datescope/from")
        let to = try Self.bankDate(toDate, location: record + "/datescope/to")
        guard from <= to else { throw AdapterError("the end date is before the begin date", location: record + "/datescope/to") }
        guard firstRecord >= 1 else { throw AdapterError("begnum starts at 1", location: record + "/begnum") }
        guard (1...1000).contains(pageSize) else { throw AdapterError("recnum must be 1 to 1000", location: record + "/recnum") }
        request.open(record)
        try request.field("ibknum", branch, record: record, type: .digits, maxBytes: 5)
        try request.field("actacn", account.number, record: record, type: .account, maxBytes: 35)
        request.empty("type")
        request.open("datescope")
        try request.field("from", from, record: record + "/datescope", type: .digits, maxBytes: 8)
        try request.field("to", to, record: record + "/datescope", type: .digits, maxBytes: 8)
        request.close("datescope")
        request.open("amountscope")
        request.empty("from")
        request.empty("to")
        request.close("amountscope")
        try request.field("begnum", String(firstRecord), record: record, type: .digits, maxBytes: 10)
        try request.field("recnum", String(pageSize), record: record, type: .digits, maxBytes: 4)
        request.empty("direction")
        request.close(record)
        return EncodedMessage(kind: "BOC.b2e0035", contentType: Self.contentType,
                              fileName: Self.fileName("b2e0035", queryId), bytes: request.finish())
    }
}
