public import BankGateCore

/// One line of a balance reconciliation: a ledger movement or an adjusting item.
public struct ReconciliationItem: Hashable, Sendable {
    /// The store id of the payment, expected payment or bank transaction behind the line.
    public var id: String
    /// The date it counts on, `YYYY-MM-DD`: execution, due or booking date.
    public var date: String
    /// For a ledger movement, signed (debits negative); for an adjusting item, the magnitude (≥ 0)
    /// — the section says which way it adjusts.
    public var amount: Money
    /// Text for the statement: creditor or payer, remittance, "bank fee"…
    public var description: String

    public init(id: String, date: String, amount: Money, description: String) {
        self.id = id
        self.date = date
        self.amount = amount
        self.description = description
    }
}

/// A bank reconciliation statement (余额调节表) for one account at the end of one day: the bank's
/// balance and bankgate's ledger balance, each adjusted for what only the other side has recorded
/// yet, and the difference that remains.
///
///     ledger balance         = anchor balance + Σ ledger movements (signed)
///     adjusted bank balance  = bank balance − Σ outstanding payments + Σ receipts in transit
///     adjusted ledger balance = ledger balance + Σ unmatched bank credits − Σ unmatched bank debits
///     difference             = adjusted bank balance − adjusted ledger balance
///
/// All amounts are 64-bit minor units of one currency; every sum is checked for overflow.
public struct BalanceReconciliation: Hashable, Sendable {
    /// The bankgate account.
    public var accountId: String
    /// The day reconciled, `YYYY-MM-DD`.
    public var date: String
    /// The currency of every amount.
    public var currency: Currency

    /// The closing booked balance of the bank statement for `date`.
    public var bankBalance: Money
    /// The bank balance at the start of the period, where the ledger starts.
    public var anchorBalance: Money
    /// Movements bankgate recorded in the period up to and including `date`, signed.
    public var ledgerMovements: [ReconciliationItem]
    /// Anchor balance plus ledger movements.
    public var ledgerBalance: Money

    /// Payments sent and recorded by the ledger, not yet booked by the bank (deducted from the bank balance).
    public var outstandingPayments: [ReconciliationItem]
    /// Expected money recorded by the ledger, not yet booked by the bank (added to the bank balance).
    public var receiptsInTransit: [ReconciliationItem]
    /// Credits booked by the bank that the ledger has not recorded (added to the ledger balance).
    public var unmatchedBankCredits: [ReconciliationItem]
    /// Debits booked by the bank that the ledger has not recorded — fees, interest, unknown (deducted
    /// from the ledger balance).
    public var unmatchedBankDebits: [ReconciliationItem]

    /// Sum of `outstandingPayments`.
    public var totalOutstandingPayments: Money
    /// Sum of `receiptsInTransit`.
    public var totalReceiptsInTransit: Money
    /// Sum of `unmatchedBankCredits`.
    public var totalUnmatchedBankCredits: Money
    /// Sum of `unmatchedBankDebits`.
    public var totalUnmatchedBankDebits: Money

    /// Bank balance − outstanding payments + receipts in transit.
    public var adjustedBankBalance: Money
    /// Ledger balance + unmatched bank credits − unmatched bank debits.
    public var adjustedLedgerBalance: Money
    /// Adjusted bank balance − adjusted ledger balance.
    public var difference: Money

    /// Statements of the account dated on or before `date` that do not add up and wait for an
    /// operator: their entries and balances are left out, so the figures above may be incomplete.
    public var heldStatements: [String] = []

    /// Whether the two adjusted balances agree, with nothing held out of them.
    public var balanced: Bool { difference.minorUnits == 0 && heldStatements.isEmpty }

    /// Computes the statement. `bankBalance` fixes the currency; every other amount must be in it.
    /// Item dates must be valid and not after `date`.
    ///
    /// - Throws: `.invalidDate`, `.dateAfterReconciliationDate`, `.currencyMismatch`,
    ///   `.negativeAmount` (an adjusting item below zero) or `.overflow`, with the item id when one
    ///   item is the cause.
    public static func compute(
        accountId: String, date: String, bankBalance: Money, anchorBalance: Money,
        ledgerMovements: [ReconciliationItem], outstandingPayments: [ReconciliationItem],
        receiptsInTransit: [ReconciliationItem], unmatchedBankCredits: [ReconciliationItem],
        unmatchedBankDebits: [ReconciliationItem]
    ) throws(BalanceReconciliationError) -> BalanceReconciliation {
        guard let day = CalendarDay(date) else { throw .invalidDate }
        let currency = bankBalance.currency
        guard anchorBalance.currency == currency else { throw .currencyMismatch }

        func total(_ items: [ReconciliationItem], magnitudes: Bool) throws(BalanceReconciliationError) -> Int64 {
            var sum: Int64 = 0
            for item in items {
                guard let itemDay = CalendarDay(item.date) else { throw BalanceReconciliationError.invalidDate.about(item.id) }
                guard itemDay <= day else { throw BalanceReconciliationError.dateAfterReconciliationDate.about(item.id) }
                guard item.amount.currency == currency else { throw BalanceReconciliationError.currencyMismatch.about(item.id) }
                guard !magnitudes || item.amount.minorUnits >= 0 else { throw BalanceReconciliationError.negativeAmount.about(item.id) }
                sum = try add(sum, item.amount.minorUnits, item: item.id)
            }
            return sum
        }

        let movements = try total(ledgerMovements, magnitudes: false)
        let outstanding = try total(outstandingPayments, magnitudes: true)
        let inTransit = try total(receiptsInTransit, magnitudes: true)
        let credits = try total(unmatchedBankCredits, magnitudes: true)
        let debits = try total(unmatchedBankDebits, magnitudes: true)

        let ledger = try add(anchorBalance.minorUnits, movements)
        let adjustedBank = try add(subtract(bankBalance.minorUnits, outstanding), inTransit)
        let adjustedLedger = try subtract(add(ledger, credits), debits)
        let difference = try subtract(adjustedBank, adjustedLedger)

        func money(_ minorUnits: Int64) -> Money { Money(minorUnits: minorUnits, currency: currency) }
        return BalanceReconciliation(
            accountId: accountId, date: date, currency: currency, bankBalance: bankBalance, anchorBalance: anchorBalance,
            ledgerMovements: ledgerMovements, ledgerBalance: money(ledger), outstandingPayments: outstandingPayments,
            receiptsInTransit: receiptsInTransit, unmatchedBankCredits: unmatchedBankCredits,
            unmatchedBankDebits: unmatchedBankDebits, totalOutstandingPayments: money(outstanding),
            totalReceiptsInTransit: money(inTransit), totalUnmatchedBankCredits: money(credits),
            totalUnmatchedBankDebits: money(debits), adjustedBankBalance: money(adjustedBank),
            adjustedLedgerBalance: money(adjustedLedger), difference: money(difference))
    }

    private static func add(_ a: Int64, _ b: Int64, item: String? = nil) throws(BalanceReconciliationError) -> Int64 {
        let (sum, overflow) = a.addingReportingOverflow(b)
        guard !overflow else { throw BalanceReconciliationError.overflow.about(item) }
        return sum
    }

    private static func subtract(_ a: Int64, _ b: Int64) throws(BalanceReconciliationError) -> Int64 {
        let (difference, overflow) = a.subtractingReportingOverflow(b)
        guard !overflow else { throw .overflow }
        return difference
    }
}
