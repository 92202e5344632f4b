import BankGateCore

extension BalanceReconciliation {
    /// The statement as CSV rows (header first), amounts as decimal strings signed by their effect:
    /// the rows from `bank_balance` to the last `receipt_in_transit` add up to
    /// `adjusted_bank_balance`, those from `ledger_balance` to the last `unmatched_bank_debit` to
    /// `adjusted_ledger_balance`.
    ///
    ///     section,item_id,date,description,amount,currency
    ///     bank_balance,,2026-03-31,Balance per bank statement,1000.00,EUR
    ///     outstanding_payment,P-1,2026-03-30,Acme Trading,-200.00,EUR
    ///     …
    ///     difference,,2026-03-31,Adjusted bank balance minus adjusted ledger balance,0.00,EUR
    ///
    /// Ledger movements are summarised in the `ledger_balance` row, not listed. Statements held for
    /// review follow as `held_statement` rows without an amount.
    public var csvRows: [[String]] {
        let code = currency.code
        func row(_ section: String, _ id: String, _ date: String, _ text: String, _ amount: Money) -> [String] {
            [section, id, date, text, amount.decimalString, code]
        }
        func negated(_ money: Money) -> Money {
            Money(minorUnits: 0 &- money.minorUnits, currency: money.currency)
        }
        var rows: [[String]] = [["section", "item_id", "date", "description", "amount", "currency"]]
        rows.append(row("bank_balance", "", date, "Balance per bank statement", bankBalance))
        rows += outstandingPayments.map { row("outstanding_payment", $0.id, $0.date, $0.description, negated($0.amount)) }
        rows += receiptsInTransit.map { row("receipt_in_transit", $0.id, $0.date, $0.description, $0.amount) }
        rows.append(row("adjusted_bank_balance", "", date, "Adjusted bank balance", adjustedBankBalance))
        rows.append(row("ledger_balance", "", date,
                        "Balance per bankgate ledger (anchor \(anchorBalance.decimalString) + \(ledgerMovements.count) movements)",
                        ledgerBalance))
        rows += unmatchedBankCredits.map { row("unmatched_bank_credit", $0.id, $0.date, $0.description, $0.amount) }
        rows += unmatchedBankDebits.map { row("unmatched_bank_debit", $0.id, $0.date, $0.description, negated($0.amount)) }
        rows.append(row("adjusted_ledger_balance", "", date, "Adjusted ledger balance", adjustedLedgerBalance))
        rows.append(row("difference", "", date, "Adjusted bank balance minus adjusted ledger balance", difference))
        rows += heldStatements.map {
            ["held_statement", $0, date, "Statement held for review: its entries and balances are not counted", "", code]
        }
        return rows
    }

    /// `csvRows` as RFC 4180 text: CRLF line ends, fields with a comma, quote or line break quoted.
    /// Text fields (ids, descriptions) that a spreadsheet would take for a formula (leading `=`, `+`,
    /// `-`, `@`, tab or carriage return) get a leading `'`, since descriptions come from bank data.
    public var csv: String {
        var text = ""
        for row in csvRows {
            text += row.enumerated().map { column, field in
                BalanceReconciliation.csvField(field, isAmount: column == 4)
            }.joined(separator: ",")
            text += "\r\n"
        }
        return text
    }

    /// One field, neutralised and quoted as needed.
    static func csvField(_ field: String, isAmount: Bool) -> String {
        CSVField.escape(field, neutralizingFormulas: !isAmount)
    }
}
