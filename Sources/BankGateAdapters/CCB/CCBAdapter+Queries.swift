public import BankGateCore

extension CCBAdapter {
    /// `TX_CODE` of the status of a transfer by its request number (转账交易结果查询).
    public static let statusQueryCode = "6W0600"
    /// `TX_CODE` of the status of a single 代发 by its request number (单笔代发代扣结果查询).
    public static let payrollStatusQueryCode = "6W1503"
    /// `TX_CODE` of an account's balance (账户余额查询).
    public static let balanceQueryCode = "6W0100"
    /// `TX_CODE` of an account's transactions, page by page (活期账户明细查询).
    public static let transactionQueryCode = "6WY101"
    /// `TOTAL_RECORD`: transactions per page, CCB's maximum (1…200, the same on every page of a query).
    public static let transactionPageSize = 200

    /// Asks for the result of a transfer (`6W8010`/`6W8060`) by its `REQUEST_SN` (`6W0600`:
    /// `REQUEST_SN1`); the answer is read by ``decodePaymentAnswer(_:reference:)``.
    ///
    /// CCB needs nothing but the number: no date (unlike CMB), so the query takes none.
    /// - Parameters:
    ///   - reference: the `REQUEST_SN` of the transfer (its `instructionId`).
    ///   - queryId: this query's own `REQUEST_SN` (1 to 16 digits).
    public func encodeStatusQuery(reference: String, queryId: String) throws(AdapterError) -> EncodedMessage {
        try requestNumberQuery(code: Self.statusQueryCode, reference: reference, queryId: queryId)
    }

    /// Asks for the result of a single 代发 (`6W1303`) by its `REQUEST_SN` (`6W1503`: `REQUEST_SN1`).
    public func encodePayrollStatusQuery(reference: String, queryId: String) throws(AdapterError) -> EncodedMessage {
        try requestNumberQuery(code: Self.payrollStatusQueryCode, reference: reference, queryId: queryId)
    }

    private func requestNumberQuery(code: String, reference: String, queryId: String) throws(AdapterError) -> EncodedMessage {
        try Self.checkRequestNumber(reference, location: "TX_INFO/REQUEST_SN1")
        var request = try CCBRequestWriter(code: code, requestNumber: queryId, adapter: self)
        try request.field("REQUEST_SN1", reference, type: .digits, maxBytes: Self.maxRequestNumberLength)
        return EncodedMessage(kind: "CCB." + code, contentType: Self.contentType,
                              fileName: Self.fileName(code, queryId), bytes: try request.finish())
    }

    /// Asks for an account's balance (`6W0100`: `ACC_NO`).
    public func encodeBalanceQuery(account: DebtorAccount, queryId: String) throws(AdapterError) -> EncodedMessage {
        var request = try CCBRequestWriter(code: Self.balanceQueryCode, requestNumber: queryId, adapter: self)
        try request.field("ACC_NO", account.number, type: .account, maxBytes: 32)
        return EncodedMessage(kind: "CCB." + Self.balanceQueryCode, contentType: Self.contentType,
                              fileName: Self.fileName(Self.balanceQueryCode, queryId), bytes: try request.finish())
    }

    /// Asks for one page of an account's transactions from `fromDate` to `toDate` (`YYYY-MM-DD`,
    /// inclusive; `6WY101`: `ACCNO1`, `STARTDATE`, `ENDDATE`, `PAGE`, `POSTSTR`, `TOTAL_RECORD`).
    /// - Parameter page: the page to ask for: `nil` for the first, else ``CCBTransactionPage/next``
    ///   of the previous answer (its page number and CCB's position string).
    public func encodeTransactionQuery(account: DebtorAccount, fromDate: String, toDate: String, queryId: String,
                                       page: CCBPageRequest? = nil) throws(AdapterError) -> EncodedMessage {
        let start = try Self.bankDate(fromDate, location: "TX_INFO/STARTDATE")
        let end = try Self.bankDate(toDate, location: "TX_INFO/ENDDATE")
        guard start <= end else { throw AdapterError("the end date is before the start date", location: "TX_INFO/ENDDATE") }
        let page = page ?? CCBPageRequest(number: 1, position: nil)
        guard page.number >= 1 else { throw AdapterError("pages are numbered from 1", location: "TX_INFO/PAGE") }
        var request = try CCBRequestWriter(code: Self.transactionQueryCode, requestNumber: queryId, adapter: self)
        try request.field("ACCNO1", account.number, type: .account, maxBytes: 32)
        try request.field("STARTDATE", start, type: .digits, maxBytes: 8)
        try request.field("ENDDATE", end, type: .digits, maxBytes: 8)
        try request.field("PAGE", String(page.number), type: .digits, maxBytes: 9)
        if let position = page.position {
            try request.field("POSTSTR", position, type: .code, maxBytes: 100)
        }
        try request.field("TOTAL_RECORD", String(Self.transactionPageSize), type: .digits, maxBytes: 3)
        return EncodedMessage(kind: "CCB." + Self.transactionQueryCode, contentType: Self.contentType,
                              fileName: Self.fileName(Self.transactionQueryCode, queryId), bytes: try request.finish())
    }
}

/// Which page of a `6WY101` query to ask for: its number and CCB's position string (`POSTSTR`,
/// 定位串) from the previous page's answer.
public struct CCBPageRequest: Hashable, Sendable {
    /// `PAGE`, from 1.
    public var number: Int
    /// `POSTSTR`, as the previous answer returned it; `nil` on the first page.
    public var position: String?

    public init(number: Int, position: String?) {
        self.number = number
        self.position = position
    }
}
