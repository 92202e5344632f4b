public import BankGateCore
public import BankGateStatements

/// One page of a transaction-detail query's answer.
public struct TransactionQueryPage: Sendable, Hashable {
    /// The entries, in the bank's order, with the running balance where the bank gives it.
    public var transactions: [StatementTransaction]
    /// The key to ask for the next page with, when the bank says there is more.
    public var continuation: String?
    /// The file the bank left the entries in instead (ABC's `Cmp/BatchFileName`): the engine fetches
    /// it through the bank's file transfer and reads it with ``DetailFileAdapter/decodeDetailFile(_:listedIn:account:statementId:)``,
    /// whose page replaces this one.
    public var detailFile: String?

    public init(transactions: [StatementTransaction], continuation: String? = nil, detailFile: String? = nil) {
        self.transactions = transactions
        self.continuation = continuation
        self.detailFile = detailFile
    }
}

/// An adapter whose bank answers balance and transaction-detail queries synchronously in its own
/// format (CMB `GetAccInfo`/`GetTransInfo`, ICBC `QACCBAL`/`QHISD` …), rather than with statement
/// files. The engine turns the answers into statements of the common model (see
/// `QueriedStatementBuilder`), so they are de-duplicated, matched and reconciled like camt and MT940.
public protocol AccountQueryAdapter: BankAdapter {
    /// The most days one transaction query may span.
    var maxTransactionQueryDays: Int { get }
    /// Asks for the transactions of `account` booked from `fromDate` to `toDate` (`YYYY-MM-DD`,
    /// inclusive); `continuation` is the previous page's key.
    func encodeTransactionQuery(account: DebtorAccount, fromDate: String, toDate: String, continuation: String?,
                                queryId: String, createdAt: Timestamp) throws(AdapterError) -> EncodedMessage
    /// Reads a transaction query's answer; the entries are filed under `statementId`.
    func decodeTransactionQueryPage(_ bytes: [UInt8], account: DebtorAccount,
                                 statementId: String) throws(AdapterError) -> TransactionQueryPage
    /// Asks for the balances of `account` now.
    func encodeBalanceQuery(account: DebtorAccount, queryId: String, createdAt: Timestamp) throws(AdapterError) -> EncodedMessage
    /// Reads a balance query's answer as balances of the statement model, as of `date` (`YYYY-MM-DD`,
    /// the day the query was made): `PRCD` (the previous day's closing), `ITBD`, `ITAV` where given.
    func decodeBalanceAnswer(_ bytes: [UInt8], account: DebtorAccount, asOf date: String) throws(AdapterError) -> [StatementBalance]
}
