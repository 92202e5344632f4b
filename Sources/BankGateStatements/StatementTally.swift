import BankGateCore

/// Adds up one statement's entries as they stream past and checks the balances at its end.
struct StatementTally {
    private(set) var entries = 0
    private var bookedCredits: Int64 = 0
    private var bookedDebits: Int64 = 0
    private var pendingCredits: Int64 = 0
    private var pendingDebits: Int64 = 0
    /// Entries of every status, per side (MT942 totals count them).
    private var creditCount = 0
    private var debitCount = 0
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
        if transaction.creditDebit == .credit { creditCount += 1 } else { debitCount += 1 }
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

    /// The sums, with the check opening + booked credits − booked debits = closing; for a statement
    /// without balances but with `totals` (MT942 `:90D:`/`:90C:`), the check of the totals.
    func summary(for header: StatementHeader, totals: EntryTotals? = nil) -> StatementSummary {
        let integrity = if let totals, header.openingBalance == nil || header.closingBalance == nil {
            check(totals).integrity
        } else {
            integrity(header)
        }
        return StatementSummary(entries: entries, bookedCredits: bookedCredits, bookedDebits: bookedDebits,
                                pendingCredits: pendingCredits, pendingDebits: pendingDebits, integrity: integrity)
    }

    /// Compares the entries with the totals the bank states: number and sum per side. `mismatches`
    /// says what differs, one phrase per side.
    func check(_ totals: EntryTotals) -> (integrity: StatementIntegrity, mismatches: [String]) {
        let sides = [(totals.debits, debitCount, bookedDebits &+ pendingDebits, "debit", ":90D:"),
                     (totals.credits, creditCount, bookedCredits &+ pendingCredits, "credit", ":90C:")]
        var mismatches: [String] = []
        var expected: Int64 = 0
        var stated: Int64 = 0
        for (total, count, sum, side, tag) in sides {
            guard let total else { continue }
            guard currency == nil || currency == total.amount.currency, !mixedCurrencies else {
                return (.notApplicable(reason: "\(tag) is in another currency than the entries"), [])
            }
            guard !overflow else { return (.notApplicable(reason: "the sums overflow"), []) }
            let sign: Int64 = side == "credit" ? 1 : -1
            expected = expected &+ sign &* sum
            stated = stated &+ sign &* total.amount.minorUnits
            if total.count != count || total.amount.minorUnits != sum {
                let entries = Money(minorUnits: sum, currency: total.amount.currency)
                mismatches.append("\(side)s: \(tag) states \(total.count) of \(total.amount.decimalString) "
                                  + "\(total.amount.currency.code), the statement has \(count) of "
                                  + entries.decimalString)
            }
        }
        guard totals.debits != nil || totals.credits != nil else {
            return (.notApplicable(reason: "no totals"), [])
        }
        return (mismatches.isEmpty ? .consistent : .inconsistent(expectedClosing: expected, statedClosing: stated),
                mismatches)
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

/// MT942 `:90D:`/`:90C:`: the number and the sum of the debit and of the credit entries, as the bank
/// states them.
struct EntryTotals {
    var debits: (count: Int, amount: Money)?
    var credits: (count: Int, amount: Money)?
}
