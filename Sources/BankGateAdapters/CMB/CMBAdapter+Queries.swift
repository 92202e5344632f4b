public import BankGateCore

extension CMBAdapter {
    /// Days on each side of the sending date searched by ``encodeStatusQuery(reference:sentOn:)``:
    /// CMB searches by operating date (经办日期) in China, which may differ by a day from the UTC
    /// date we sent on; the window stays under CMB's limit of one week.
    public static let statusQueryMarginDays = 1

    /// Asks for the result of a payment by its `YURREF` (`NTQRYSTY`, 支付结果查询-按业务参考号,
    /// API 5.37.0 §3.11: `NTQRYSTYX1` with `BUSCOD`, `YURREF`, `BGNDAT`, `ENDDAT`).
    ///
    /// `NTSTLINF` (the brief's first choice) looks payments up by `REQNBR`, the bank's own process
    /// number, which only a ≤30-transfer answer returns; `NTQRYSTY` needs only our reference, which
    /// is what bankgate has after a lost answer. CMB wants a date range of at most a week within
    /// the last 90 days, so the query needs the date the payment was sent.
    /// - Parameters:
    ///   - reference: the `YURREF` sent (the transfer's `instructionId`).
    ///   - sentOn: the UTC date of the first send, `YYYY-MM-DD`.
    public func encodeStatusQuery(reference: String, sentOn: String) throws(AdapterError) -> EncodedMessage {
        let record = "NTQRYSTYX1"
        guard let from = DateArithmetic.adding(days: -Self.statusQueryMarginDays, to: sentOn),
              let to = DateArithmetic.adding(days: Self.statusQueryMarginDays, to: sentOn) else {
            throw AdapterError("not a YYYY-MM-DD date", location: record + "/BGNDAT")
        }
        var request = try CMBRequestWriter(function: "NTQRYSTY", loginName: loginName)
        request.open(record)
        try request.field("BUSCOD", Self.directPaymentBusinessCode, record: record, type: .code, maxBytes: 6)
        try request.field("YURREF", reference, record: record, type: .code, maxBytes: 30)
        try request.field("BGNDAT", try Self.bankDate(from, location: record + "/BGNDAT"), record: record, type: .code, maxBytes: 8)
        try request.field("ENDDAT", try Self.bankDate(to, location: record + "/ENDDAT"), record: record, type: .code, maxBytes: 8)
        request.close(record)
        return EncodedMessage(kind: "CMB.NTQRYSTY", contentType: Self.contentType,
                              fileName: Self.fileName("NTQRYSTY", reference), bytes: try request.finish())
    }

    /// Asks for payments by the bank's process numbers (`NTSTLINF`, 批量查询支付信息, §3.9: one
    /// `NTSTLINFX/REQNBR` each, 1…500), as returned in `NTQPAYRQZ/REQNBR`.
    public func encodePaymentInfoQuery(requestNumbers: [String], queryId: String) throws(AdapterError) -> EncodedMessage {
        guard (1...500).contains(requestNumbers.count) else {
            throw AdapterError("NTSTLINF takes 1 to 500 request numbers, not \(requestNumbers.count)", location: "NTSTLINFX")
        }
        var request = try CMBRequestWriter(function: "NTSTLINF", loginName: loginName)
        for number in requestNumbers {
            request.open("NTSTLINFX")
            try request.field("REQNBR", number, record: "NTSTLINFX", type: .code, maxBytes: 10)
            request.close("NTSTLINFX")
        }
        return EncodedMessage(kind: "CMB.NTSTLINF", contentType: Self.contentType,
                              fileName: Self.fileName("NTSTLINF", queryId), bytes: try request.finish())
    }

    /// Asks for an account's balances (`GetAccInfo`, 查询账户详细信息, §2.2: `SDKACINFX` with
    /// `BBKNBR`, `ACCNBR`).
    public func encodeBalanceQuery(account: DebtorAccount, queryId: String) throws(AdapterError) -> EncodedMessage {
        let record = "SDKACINFX"
        let branch = try branchCode(account, location: record + "/BBKNBR")
        var request = try CMBRequestWriter(function: "GetAccInfo", loginName: loginName)
        request.open(record)
        try request.field("BBKNBR", branch, record: record, type: .code, maxBytes: 2)
        try request.field("ACCNBR", account.number, record: record, type: .account, maxBytes: 35)
        request.close(record)
        return EncodedMessage(kind: "CMB.GetAccInfo", contentType: Self.contentType,
                              fileName: Self.fileName("GetAccInfo", queryId), bytes: try request.finish())
    }

    /// CMB answers `GetTransInfo` for at most this many days.
    public static let maxTransactionQueryDays = 100

    /// Asks for an account's transactions from `fromDate` to `toDate` (`YYYY-MM-DD`, inclusive;
    /// `GetTransInfo`, 查询账户交易信息: `SDKTSINFX` with `BBKNBR`, `ACCNBR`, `BGNDAT`, `ENDDAT`,
    /// at most 100 days).
    public func encodeTransactionQuery(account: DebtorAccount, fromDate: String, toDate: String,
                                       queryId: String) throws(AdapterError) -> EncodedMessage {
        let record = "SDKTSINFX"
        let branch = try branchCode(account, location: record + "/BBKNBR")
        let begin = try Self.bankDate(fromDate, location: record + "/BGNDAT")
        let end = try Self.bankDate(toDate, location: record + "/ENDDAT")
        guard let first = Timestamp.parseDate(fromDate), let last = Timestamp.parseDate(toDate),
              first <= last else {
            throw AdapterError("the end date is before the begin date", location: record + "/ENDDAT")
        }
        let days = (last.milliseconds - first.milliseconds) / 86_400_000 + 1
        guard days <= Int64(Self.maxTransactionQueryDays) else {
            throw AdapterError("\(days) days, over CMB's limit of \(Self.maxTransactionQueryDays)", location: record + "/ENDDAT")
        }
        var request = try CMBRequestWriter(function: "GetTransInfo", loginName: loginName)
        request.open(record)
        try request.field("BBKNBR", branch, record: record, type: .code, maxBytes: 2)
        try request.field("ACCNBR", account.number, record: record, type: .account, maxBytes: 35)
        try request.field("BGNDAT", begin, record: record, type: .code, maxBytes: 8)
        try request.field("ENDDAT", end, record: record, type: .code, maxBytes: 8)
        request.close(record)
        return EncodedMessage(kind: "CMB.GetTransInfo", contentType: Self.contentType,
                              fileName: Self.fileName("GetTransInfo", queryId), bytes: try request.finish())
    }
}
