import BankGateCore

extension ReceiptStore {
    /// How many receipts `accountIds` have booked from `fromDate` to `toDate` (inclusive).
    public func count(accountIds: [String], fromDate: String, toDate: String) async throws -> Int64 {
        try await database.read { db in
            var total: Int64 = 0
            for account in accountIds {
                total += try db.queryFirst("""
                    SELECT COUNT(*) AS n FROM receipts WHERE account_id = ? AND booking_date >= ? AND booking_date <= ?
                    """, [.text(account), .text(fromDate), .text(toDate)], { try $0.int("n") }) ?? 0
            }
            return total
        }
    }
}
