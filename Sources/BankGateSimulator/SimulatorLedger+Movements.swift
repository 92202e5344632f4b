import BankGateCore
import BankGateStore

/// One booking on an account: an executed transfer seen from that account's side.
struct LedgerMovement: Hashable, Sendable {
    /// The transfer's row id: a stable bank reference.
    var id: Int64
    var transfer: LedgerTransfer
    /// Whether the account was debited (it was the debtor) or credited (the creditor).
    var isDebit: Bool
    /// The account's balance after the booking.
    var balanceAfter: Money
}

extension SimulatorLedger {
    /// The bookings on `account` in its currency, oldest first, each with the balance after it, counted
    /// back from the current balance: what a bank's transaction query lists. A self-transfer is a debit
    /// then a credit.
    ///
    /// Like statements, a transfer to the account counts as a credit whenever the account exists now, even
    /// if it was opened after the transfer (then the balances before it are derived, not booked).
    static func movements(of account: SimulatedAccount, on db: StoreConnection) throws -> [LedgerMovement] {
        let currency = account.currency
        let rows = try db.query("""
            SELECT id, msg_id, pmt_inf_id, instr_id, end_to_end_id, debtor_account, creditor_account, amount,
                currency, executed_at FROM executed_transfers
            WHERE (debtor_account = ? OR creditor_account = ?) AND currency = ? ORDER BY id
            """, [.text(account.number), .text(account.number), .text(currency.code)]) { row -> (Int64, LedgerTransfer) in
            try (row.int("id"), LedgerTransfer(
                messageId: row.text("msg_id"), paymentInformationId: row.text("pmt_inf_id"),
                instructionId: row.optionalText("instr_id"), endToEndId: row.text("end_to_end_id"),
                debtorAccount: row.text("debtor_account"), creditorAccount: row.text("creditor_account"),
                amount: Money(minorUnits: row.int("amount"), currency: currency),
                executedAt: Timestamp(milliseconds: row.int("executed_at"))))
        }
        var sides: [(id: Int64, transfer: LedgerTransfer, isDebit: Bool)] = []
        for (id, transfer) in rows {
            if transfer.debtorAccount == account.number { sides.append((id, transfer, true)) }
            if transfer.creditorAccount == account.number { sides.append((id, transfer, false)) }
        }
        var balance = account.balance.minorUnits
        var result: [LedgerMovement] = []
        for side in sides.reversed() {
            result.append(LedgerMovement(id: side.id, transfer: side.transfer, isDebit: side.isDebit,
                                         balanceAfter: Money(minorUnits: balance, currency: currency)))
            balance += side.isDebit ? side.transfer.amount.minorUnits : -side.transfer.amount.minorUnits
        }
        return result.reversed()
    }
}
