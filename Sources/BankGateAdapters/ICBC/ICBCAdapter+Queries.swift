public import BankGateCore

extension ICBCAdapter {
    /// Asks for the results of a payment package (`QPAYENT`, 支付指令查询: `in/QryfSeqno` = the
    /// package id sent, `QrySerialNo` left empty so that ICBC looks the package up by it).
    ///
    /// ICBC's query takes the package id, not a transfer's reference and not a date: pass the
    /// `messageId` the payment was sent in. The answer lists every transfer of the package with its
    /// `iSeqno`, `Ref` and `Result`; read it with ``decodePaymentAnswer(_:instructionIds:)``.
    /// - Parameters:
    ///   - packageId: the `fSeqno` of the `PAYENT` sent (our message id).
    ///   - queryId: this query's own package id (`fSeqno`), new for every query.
    ///   - createdAt: when the query is written (its `TranDate`/`TranTime`).
    public func encodeStatusQuery(packageId: String, queryId: String, createdAt: Timestamp) throws(AdapterError) -> EncodedMessage {
        var request = try ICBCRequestWriter(transCode: "QPAYENT", adapter: self, packageId: queryId, createdAt: createdAt)
        try request.field("QryfSeqno", packageId, record: "in", type: .code, maxBytes: ICBCRequestWriter.maxPackageIdBytes)
        request.empty("QrySerialNo")
        return EncodedMessage(kind: "ICBC.QPAYENT", contentType: Self.documentContentType,
                              fileName: Self.fileName("QPAYENT", queryId), bytes: try request.finish())
    }

    /// Asks for an account's balances (`QACCBAL`, 多账户余额查询: `TotalNum` then one `rd` with
    /// `iSeqno`, `AccNo`, `CurrType`).
    public func encodeBalanceQuery(account: DebtorAccount, queryId: String, createdAt: Timestamp) throws(AdapterError) -> EncodedMessage {
        guard account.currency.code == "CNY" else {
            throw AdapterError("only CNY accounts are queried (CurrType 001)", location: "rd/CurrType")
        }
        var request = try ICBCRequestWriter(transCode: "QACCBAL", adapter: self, packageId: queryId, createdAt: createdAt)
        try request.field("TotalNum", "1", record: "in", type: .code, maxBytes: 6)
        request.open("rd")
        try request.field("iSeqno", "1", record: "rd", type: .code, maxBytes: 8)
        try request.field("AccNo", account.number, record: "rd", type: .account, maxBytes: 34)
        try request.field("CurrType", Self.renminbi, record: "rd", type: .code, maxBytes: 3)
        request.close("rd")
        return EncodedMessage(kind: "ICBC.QACCBAL", contentType: Self.documentContentType,
                              fileName: Self.fileName("QACCBAL", queryId), bytes: try request.finish())
    }

    /// `MinAmt` and `MaxAmt` of a transaction query, in fen: every amount (the bounds ICBC's
    /// integration code sends).
    static let transactionQueryAmountBounds = (min: "0", max: "99999999999")

    /// Asks for an account's transactions from `fromDate` to `toDate` (`YYYY-MM-DD`, inclusive;
    /// `QHISD`, 历史明细查询: `AccNo`, `BeginDate`, `EndDate`, `MinAmt`, `MaxAmt`, `NextTag`).
    ///
    /// ICBC pages long answers: an answer with a non-empty `out/NextTag` has more; ask again with
    /// the same dates and `nextTag` set to it (``ICBCTransactionPage/nextTag``).
    /// - Parameter nextTag: `nil` for the first page, else the previous page's `NextTag`.
    public func encodeTransactionQuery(account: DebtorAccount, fromDate: String, toDate: String, queryId: String,
                                       createdAt: Timestamp, nextTag: String? = nil) throws(AdapterError) -> EncodedMessage {
        let begin = try Self.bankDate(fromDate, location: "in/BeginDate")
        let end = try Self.bankDate(toDate, location: "in/EndDate")
        guard begin <= end else { throw AdapterError("the end date is before the begin date", location: "in/EndDate") }
        var request = try ICBCRequestWriter(transCode: "QHISD", adapter: self, packageId: queryId, createdAt: createdAt)
        try request.field("AccNo", account.number, record: "in", type: .account, maxBytes: 34)
        try request.field("BeginDate", begin, record: "in", type: .code, maxBytes: 8)
        try request.field("EndDate", end, record: "in", type: .code, maxBytes: 8)
        try request.field("MinAmt", Self.transactionQueryAmountBounds.min, record: "in", type: .code, maxBytes: 17)
        try request.field("MaxAmt", Self.transactionQueryAmountBounds.max, record: "in", type: .code, maxBytes: 17)
        if let nextTag, !nextTag.isEmpty {
            try request.field("NextTag", nextTag, record: "in", type: .text, maxBytes: 200)
        } else {
            request.empty("NextTag")
        }
        return EncodedMessage(kind: "ICBC.QHISD", contentType: Self.documentContentType,
                              fileName: Self.fileName("QHISD", queryId), bytes: try request.finish())
    }

    /// Asks for one electronic receipt (`DownEBill`, 电子回单下载), named by the receipt key a
    /// transaction carries (`QHISD` `Toutfo`, in ``StatementTransaction/accountServicerReference``):
    /// `地区号|网点号|柜员号|主机交易流水号`, e.g. `1311|0600|20295|000001`.
    ///
    /// The request contains `SignTime` and must be signed (``signRequest(_:)``). The answer's fields
    /// are not known from public sources: ``decodeReceiptDocument(_:)`` reads an assumed layout (see the README).
    /// - Parameters:
    ///   - receiptKey: the four parts separated by `|`.
    ///   - workDate: the transaction's date, `YYYY-MM-DD` (`WorkDate`).
    public func encodeReceiptDownload(receiptKey: String, workDate: String, account: DebtorAccount, queryId: String,
                                      createdAt: Timestamp) throws(AdapterError) -> EncodedMessage {
        let parts = receiptKey.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 4, !parts[0].isEmpty, !parts[1].isEmpty, !parts[3].isEmpty else {
            throw AdapterError("a receipt key is 地区号|网点号|柜员号|主机交易流水号", location: "in/TranSerialNo")
        }
        let date = try Self.bankDate(workDate, location: "in/WorkDate")
        var request = try ICBCRequestWriter(transCode: "DownEBill", adapter: self, packageId: queryId, createdAt: createdAt)
        let (day, time) = Self.chinaTime(createdAt)
        try request.field("AreaCode", parts[0], record: "in", type: .code, maxBytes: 5)
        try request.field("NetCode", parts[1], record: "in", type: .code, maxBytes: 5)
        if parts[2].isEmpty { request.empty("TellerNo") } else {
            try request.field("TellerNo", parts[2], record: "in", type: .code, maxBytes: 10)
        }
        try request.field("WorkDate", date, record: "in", type: .code, maxBytes: 8)
        try request.field("TranSerialNo", parts[3], record: "in", type: .code, maxBytes: 20)
        try request.field("AcctNo", account.number, record: "in", type: .account, maxBytes: 34)
        try request.field("CurrencyType", Self.renminbi, record: "in", type: .code, maxBytes: 3)
        try request.field("SignTime", day + time, record: "in", type: .code, maxBytes: 17)
        return EncodedMessage(kind: "ICBC.DownEBill", contentType: Self.documentContentType,
                              fileName: Self.fileName("DownEBill", queryId), bytes: try request.finish())
    }
}
