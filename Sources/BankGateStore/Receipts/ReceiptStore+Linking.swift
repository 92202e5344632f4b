import BankGateCore

extension ReceiptStore {
    /// What a receipt proves, as far as the store can tell, strongest evidence first:
    /// - the account's bank transaction whose reference is the receipt's bank serial;
    /// - the account's payment whose instruction id (the client reference banks carry back), else
    ///   whose end-to-end id, is the receipt's client reference;
    /// - for what neither found: the account's bank transactions of the same amount and booking day,
    ///   and for a debit its payments of the same amount requested on or before that day (and not
    ///   yet proven by another receipt), whose counterparty account (else name) is the receipt's.
    ///   One candidate is linked confirmed; several are each suggested, unconfirmed.
    ///
    /// Transactions of a statement still importing, and payments that never left (rejected,
    /// failed, cancelled), are not candidates.
    public func findLinks(for draft: ReceiptDraft) async throws -> [ReceiptLinkDraft] {
        try await database.read { db in
            var links: [ReceiptLinkDraft] = []
            if let serial = draft.bankSerial, !serial.isEmpty {
                let rows = try db.query("""
                    SELECT t.id FROM bank_transactions t
                    WHERE t.account_id = ? AND (t.bank_reference = ?2 OR t.account_servicer_reference = ?2) AND t.staged = 0
                    ORDER BY t.id
                    """, [.text(draft.accountId), .text(serial)], { try $0.int("id") })
                links += rows.map { ReceiptLinkDraft(transactionId: "btx_\($0)", method: .bankSerial, confirmed: rows.count == 1) }
            }
            if draft.direction == "debit", let reference = draft.clientReference, !reference.isEmpty {
                for (column, method) in [("instruction_id", ReceiptLinkMethod.clientReference), ("end_to_end_id", .endToEndId)] {
                    let rows = try db.query("""
                        SELECT id FROM payments WHERE debtor_account_id = ? AND \(column) = ? ORDER BY seq
                        """, [.text(draft.accountId), .text(reference)], { try $0.text("id") })
                    guard !rows.isEmpty else { continue }
                    links += rows.map { ReceiptLinkDraft(paymentId: $0, method: method, confirmed: rows.count == 1) }
                    break
                }
            }
            let signed = draft.direction == "debit" ? -draft.amount.minorUnits : draft.amount.minorUnits
            if !links.contains(where: { $0.transactionId != nil }) {
                let rows = try db.query("""
                    SELECT t.id FROM bank_transactions t
                    WHERE t.account_id = ? AND t.booking_date = ? AND t.amount_minor = ? AND t.currency = ? AND t.staged = 0
                      AND ((?5 IS NOT NULL AND t.counterparty_account = ?5) OR (?5 IS NULL AND ?6 IS NOT NULL AND t.counterparty_name = ?6))
                    ORDER BY t.id
                    """, [.text(draft.accountId), .text(draft.bookingDate), .integer(signed), .text(draft.amount.currency.code),
                          draft.counterpartyAccount.sqlValue, draft.counterpartyName.sqlValue], { try $0.int("id") })
                links += rows.map { ReceiptLinkDraft(transactionId: "btx_\($0)", method: .amountDateCounterparty, confirmed: rows.count == 1) }
            }
            if draft.direction == "debit", !links.contains(where: { $0.paymentId != nil }) {
                let rows = try db.query("""
                    SELECT id FROM payments
                    WHERE debtor_account_id = ? AND amount_minor = ? AND currency = ? AND requested_execution_date <= ?
                      AND status NOT IN ('rejected', 'failed', 'cancelled')
                      AND ((?5 IS NOT NULL AND creditor_account = ?5) OR (?5 IS NULL AND ?6 IS NOT NULL AND creditor_name = ?6))
                      AND NOT EXISTS (SELECT 1 FROM receipt_links l WHERE l.payment_id = payments.id AND l.confirmed = 1)
                    ORDER BY seq
                    """, [.text(draft.accountId), .integer(draft.amount.minorUnits), .text(draft.amount.currency.code),
                          .text(draft.bookingDate), draft.counterpartyAccount.sqlValue, draft.counterpartyName.sqlValue],
                    { try $0.text("id") })
                links += rows.map { ReceiptLinkDraft(paymentId: $0, method: .amountDateCounterparty, confirmed: rows.count == 1) }
            }
            return links
        }
    }
}
