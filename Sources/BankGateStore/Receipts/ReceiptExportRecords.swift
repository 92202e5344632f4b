public import BankGateCore

/// Where a receipt export is.
public enum ReceiptExportState: String, Sendable, Hashable, CaseIterable {
    /// Waiting for the exporter (also an export interrupted by a shutdown or a crash, to run again).
    case queued
    case running
    /// The ZIP is complete and can be downloaded.
    case ready
    case failed
}

/// A receipt export: the receipts of some accounts booked within dates, written into one ZIP
/// (`<data_dir>/exports/<id>.zip`) with an index, for finance to download.
public struct ReceiptExportRecord: Sendable, Hashable {
    /// `rex_<n>`.
    public var id: String
    /// The name of the token that asked for it.
    public var requestedBy: String
    public var accountIds: [String]
    /// Booking dates `YYYY-MM-DD`, inclusive.
    public var fromDate: String
    public var toDate: String
    public var state: ReceiptExportState
    /// The receipts in the ZIP (when ready; those found when it was asked for, before).
    public var receiptCount: Int64
    /// The ZIP's size and SHA-256 (lowercase hex), when ready.
    public var bytes: Int64?
    public var sha256: String?
    /// The ZIP's file name in the exports folder, when ready.
    public var fileName: String?
    /// Why it failed: a code (`receipt_file_altered`, `receipt_file_missing`, `write_failed`) and a
    /// message naming the receipt at fault when there is one.
    public var errorCode: String?
    public var errorMessage: String?
    /// Thousandths written while it runs (1000 when ready).
    public var progressPermille: Int
    public var createdAt: Timestamp
    public var startedAt: Timestamp?
    public var finishedAt: Timestamp?

    /// The row of `id` (`rex_<n>`), or `nil` when it is not an export id.
    public static func rowId(_ id: String) -> Int64? {
        guard id.hasPrefix("rex_"), let row = Int64(id.dropFirst(4)), row > 0 else { return nil }
        return row
    }
}

/// What a finished export wrote.
public struct ReceiptExportOutcome: Sendable, Hashable {
    public var receiptCount: Int64
    public var bytes: Int64
    public var sha256: String
    public var fileName: String

    public init(receiptCount: Int64, bytes: Int64, sha256: String, fileName: String) {
        self.receiptCount = receiptCount
        self.bytes = bytes
        self.sha256 = sha256
        self.fileName = fileName
    }
}
