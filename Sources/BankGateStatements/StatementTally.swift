import BankGateCore

/// Adds up one statement's entries as they stream past and checks the balances at its end.
struct StatementTally {
    private(set) var entries = 0
    private var bookedCredits: Int64 = 0
    private var bookedDebits: Int64 = 0
    private var pendingCredits: Int64 = 0
    private var pendingDebits: Int64 = 0
    /// The currency of the entries, while they all share one.
    private var currency: Currency?
    private var mixedCurrencies = false
    private var overflow = false

    /// Counts one entry.
    mutating func add(_ transaction: StatementTransaction) {
        entries += 1
        if let currency, currency != transaction.amount.currency { mixedCurrencies = true }
        if currency == nil { currency = transaction.amount.currency }
        let amount = transaction.amount.minorUnits
        switch (transaction.status, transaction.creditDebit) {
        case (.booked, .credit): bookedCredits = sum(bookedCredits, amount)
        case (.booked, .debit): bookedDebits = sum(bookedDebits, amount)
        case (_, .credit): pendingCredits = sum(pendingCredits, amount)
        case (_, .debit): pendingDebits = sum(pendingDebits, amount)
        }
    }

    /// `total + amount`, or `total` unchanged (and the overflow noted) when it does not fit.
    private mutating func sum(_ total: Int64, _ amount: Int64) -> Int64 {
        let (result, overflowed) = total.addingReportingOverflow(amount)
        if overflowed { overflow = true }
        return overflowed ? total : result
    }

    /// The sums, with the check opening + booked credits − booked debits = closing.
    func summary(for header: StatementHeader) -> StatementSummary {
        StatementSummary(entries: entries, bookedCredits: bookedCredits, bookedDebits: bookedDebits,
                         pendingCredits: pendingCredits, pendingDebits: pendingDebits,
                         integrity: integrity(header))
    }

    private func integrity(_ header: StatementHeader) -> StatementIntegrity {
        guard let opening = header.openingBalance else { return .notApplicable(reason: "no opening booked balance") }
        guard let closing = header.closingBalance else { return .notApplicable(reason: "no closing booked balance") }
        guard opening.amount.currency == closing.amount.currency else {
            return .notApplicable(reason: "opening and closing balances are in different currencies")
        }
        guard !mixedCurrencies, currency == nil || currency == opening.amount.currency else {
            return .notApplicable(reason: "entries are in another currency than the balances")
        }
        guard !overflow else { return .notApplicable(reason: "the sums overflow") }
        let (withCredits, o1) = opening.amount.minorUnits.addingReportingOverflow(bookedCredits)
        let (expected, o2) = withCredits.subtractingReportingOverflow(bookedDebits)
        guard !o1, !o2 else { return .notApplicable(reason: "the sums overflow") }
        return expected == closing.amount.minorUnits
            ? .consistent : .inconsistent(expectedClosing: expected, statedClosing: closing.amount.minorUnits)
    }
}
