public import BankGateCore
public import BankGateStatements

/// ABC's accounts through the engine's queries: balances by `CQRA06`, transactions by `CQRA10`,
/// whose answer names a detail file (`Cmp/BatchFileName`) that the engine fetches through the
/// bank's file transfer and reads here.
///
/// The pull asks by date range (the engine's periods; entries seen twice are the same identity and
/// are not doubled). `ABCDetailPosition` continues a range only when the bank says a file did not
/// hold it all (`Cmp/ContFlag=1`): the next query starts after the file's last `TimeStab`/`TrJrn`.
extension ABCAdapter: DetailFileAdapter {
    /// **Assumed** 31 days: no public source gives the longest range of one `CQRA10`.
    public var maxTransactionQueryDays: Int { 31 }
    /// **Assumed** 64 MiB: no public source gives a detail file's size (about 300 bytes a line).
    public var maxDetailFileBytes: Int { 64 << 20 }

    /// What a page carries as its continuation between the answer (`ContFlag=1`) and the file that
    /// gives the position to continue from.
    static let moreDetailsMarker = "ContFlag=1"

    /// `continuation` is a position (`TimeStab|TrJrn`) from ``decodeDetailFile(_:listedIn:account:statementId:)``.
    public func encodeTransactionQuery(account: DebtorAccount, fromDate: String, toDate: String, continuation: String?,
                                       queryId: String, createdAt: Timestamp) throws(AdapterError) -> EncodedMessage {
        let after = try continuation.map { (text) throws(AdapterError) -> ABCDetailPosition in
            let parts = text.split(separator: "|", omittingEmptySubsequences: false)
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                throw AdapterError("not a detail position (TimeStab|TrJrn)", location: "Cmp/StartTime")
            }
            return ABCDetailPosition(timeStamp: String(parts[0]), journalNumber: String(parts[1]))
        }
        return try encodeTransactionQuery(account: account, fromDate: fromDate, toDate: toDate, queryId: queryId,
                                          requestedAt: createdAt, after: after)
    }

    /// The answer's file, no entries yet: an answer without `BatchFileName` has no details.
    /// - Throws: ``AdapterError`` for a refusal, or `ContFlag=1` without a file to continue from.
    public func decodeTransactionQueryPage(_ bytes: [UInt8], account: DebtorAccount,
                                           statementId: String) throws(AdapterError) -> TransactionQueryPage {
        let reference = try decodeTransactionAnswer(bytes)
        guard let file = reference.fileName else {
            if reference.hasMore { throw AdapterError("ContFlag=1 without a detail file", location: "Cmp/BatchFileName") }
            return TransactionQueryPage(transactions: [])
        }
        return TransactionQueryPage(transactions: [], continuation: reference.hasMore ? Self.moreDetailsMarker : nil,
                                    detailFile: file)
    }

    /// The file's entries (``decodeTransactionFile(_:account:statementId:)``); when the answer said
    /// there is more, the continuation is the position after the file's last line.
    public func decodeDetailFile(_ bytes: [UInt8], listedIn page: TransactionQueryPage, account: DebtorAccount,
                                 statementId: String) throws(AdapterError) -> TransactionQueryPage {
        let file = try decodeTransactionFile(bytes, account: account, statementId: statementId)
        guard page.continuation != nil else { return TransactionQueryPage(transactions: file.transactions) }
        guard let last = file.lastPosition, !last.timeStamp.isEmpty, !last.journalNumber.isEmpty else {
            throw AdapterError("ContFlag=1, yet the detail file gives no position to continue from", location: "TimeStab/TrJrn")
        }
        return TransactionQueryPage(transactions: file.transactions, continuation: last.timeStamp + "|" + last.journalNumber)
    }

    public func encodeBalanceQuery(account: DebtorAccount, queryId: String, createdAt: Timestamp) throws(AdapterError) -> EncodedMessage {
        try encodeBalanceQuery(account: account, queryId: queryId, requestedAt: createdAt)
    }

    /// `ITBD` and, when given, `ITAV` as of `date` (``ABCAccountBalance/statementBalances(asOf:)``).
    public func decodeBalanceAnswer(_ bytes: [UInt8], account: DebtorAccount, asOf date: String) throws(AdapterError) -> [StatementBalance] {
        let balance: ABCAccountBalance = try decodeBalanceAnswer(bytes, account: account)
        guard balance.account == account.number || balance.account == (provinceCodes[account.number] ?? "") + account.number else {
            throw AdapterError("the answer is about account \(balance.account)", location: "Acc/AccNo")
        }
        return balance.statementBalances(asOf: date)
    }
}
