public import BankGateCore

/// An account-query adapter whose bank answers a transaction query with the name of a file it left
/// for pickup (``TransactionQueryPage/detailFile``) rather than with the entries: ABC's `CQRA10`.
/// The engine fetches the file through the bank's file transfer (FTP or a shared folder), archives
/// it beside the answer, and reads it here.
public protocol DetailFileAdapter: AccountQueryAdapter {
    /// The largest detail file fetched, in bytes; a larger one fails the pull.
    var maxDetailFileBytes: Int { get }
    /// Reads the detail file `bytes` that `page` (the query's answer) named. The result replaces
    /// `page`: its entries are filed under `statementId`, and its ``TransactionQueryPage/continuation``
    /// is the one followed (the position after the file's last line when the bank said there is more).
    func decodeDetailFile(_ bytes: [UInt8], listedIn page: TransactionQueryPage, account: DebtorAccount,
                          statementId: String) throws(AdapterError) -> TransactionQueryPage
}

/// A payroll adapter whose bank reads the payroll's lines from a data file uploaded to its client
/// before the request that names it: ABC's `CFRT03`.
///
/// The dispatcher uploads ``payrollFile(for:)`` before sending ``PayrollAdapter/encodePayroll(_:)``:
/// an upload that fails is a send that did not happen (tried again later); after a successful one
/// the request follows the usual exactly-once path. Both are derived from the message alone, so a
/// resend uploads the same bytes under the same name again.
public protocol PayrollFileAdapter: PayrollAdapter {
    /// The data file of `message`'s payroll; ``EncodedMessage/fileName`` is the name the request gives it.
    func payrollFile(for message: PaymentMessage) throws(AdapterError) -> EncodedMessage
}
