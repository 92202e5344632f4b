import BankGateCore
/// Everything one matching run decided, in a deterministic order that does not depend on the order
/// of the inputs.
///
/// - `matches` follow the transactions by (booking date, id); for one transaction an exact match
///   comes first, then its suggested payment, then its suggested expected payment.
/// - A transaction has at most one exact match and at most one suggestion per target type. An
///   exactly matched transaction can still carry a suggestion with reason `ambiguous`: another
///   payment it matched exactly as well, left for an operator.
/// - The unmatched lists name what no match (exact or suggested) names as its transaction or
///   target: transactions by (booking date, id), payments by (execution date, id), expected
///   payments by (window start, id). Unmatched transactions are the exceptions to investigate.
public struct ReconciliationResult: Hashable, Sendable {
    /// Exact matches and suggestions.
    public var matches: [ReconciliationMatch]
    /// Transactions with neither an exact match nor a suggestion.
    public var unmatchedTransactionIds: [String]
    /// Payments that no match names as its target.
    public var unmatchedPaymentIds: [String]
    /// Expected payments that no match names as its target.
    public var unmatchedExpectedPaymentIds: [String]
    /// Expected payments without an exact match, with the last day of their window, by window end.
    var openExpectations: [OpenExpectation]

    /// An expected payment still waiting for its money.
    struct OpenExpectation: Hashable, Sendable {
        var id: String
        var lastDay: CalendarDay?
    }

    init(matches: [ReconciliationMatch], unmatchedTransactionIds: [String], unmatchedPaymentIds: [String],
         unmatchedExpectedPaymentIds: [String], openExpectations: [OpenExpectation]) {
        self.matches = matches
        self.unmatchedTransactionIds = unmatchedTransactionIds
        self.unmatchedPaymentIds = unmatchedPaymentIds
        self.unmatchedExpectedPaymentIds = unmatchedExpectedPaymentIds
        self.openExpectations = openExpectations
    }

    /// The exact matches, which the engine applies without review.
    public var exactMatches: [ReconciliationMatch] { matches.filter { $0.kind == .exact } }

    /// The suggestions, which wait for an operator.
    public var suggestions: [ReconciliationMatch] { matches.filter { $0.kind == .suggested } }

    /// Expected payments whose window ended before `date` (`YYYY-MM-DD`) and that have no exact
    /// match — a suggestion alone does not count as received. Ordered by window end, then id.
    /// Empty when `date` is not a valid date; an expectation whose window end does not parse is
    /// never overdue.
    public func overdueExpectedPayments(asOf date: String) -> [String] {
        guard let day = CalendarDay(date) else { return [] }
        return openExpectations.compactMap { open in
            guard let last = open.lastDay, last < day else { return nil }
            return open.id
        }
    }
}
