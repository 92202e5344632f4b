/// Matches bank transactions against our outgoing payments and the incoming payments we expect.
/// Pure: no I/O, no clock; the same inputs give the same result whatever their order.
///
/// ## Rules
///
/// Transactions are visited in (booking date, id) order, payments in (execution date, id) order,
/// expected payments in (window start, id) order; "first" below refers to these orders.
///
/// 1. **Exact payment match** (`exact`, score 1). Same account and currency, and the end-to-end id,
///    the instruction id or the bank reference equal (ignoring surrounding whitespace and ASCII case;
///    `NOTPROVIDED` and `NONREF` are no identifier), and the transaction is a debit of exactly the
///    payment amount. With ``MatchingPolicy/identifierMatchRequiresEqualAmount`` off, any debit with
///    a matching identifier is exact. Dates play no part: identifiers are unique.
/// 2. **Exact expected-payment match** (`exact`, score 1), for credits without an exact payment
///    match. Same account and currency, the expected reference (at least
///    ``MatchingPolicy/minimumReferenceLength`` characters once whitespace is removed) occurs,
///    ignoring case and whitespace, in the end-to-end id, the structured reference or the remittance
///    text, the amount fits exactly or within the range, and the booking date lies in the window.
/// 3. **One to one.** A payment or expected payment is matched exactly at most once. When several
///    pairs qualify, the first transaction takes its first qualifying target that is still free;
///    a later transaction whose targets are all taken gets a suggestion with reason `ambiguous`
///    (score 0.9) instead, and a transaction that qualified for further targets which stay free
///    gets a suggestion with reason `ambiguous` for the first of them.
/// 4. **Identifier without amount.** An identifier match (same account and currency) whose amount
///    or direction differs is a suggestion (score 0.8) with `id_matched_amount_differs`, plus
///    `direction_reversed` for a credit (possibly a return); this may point at a payment already
///    matched exactly. A reference found within the window but with an amount that does not fit
///    gives `reference_matched_amount_differs` (score 0.8).
/// 5. **Suggestions by attributes** (transactions without an exact match, targets without one).
///    Same account and currency and an equal amount (debit for payments; credit equal or in range
///    for expected payments), and the booking or value date within ±``MatchingPolicy/dateWindowDays``
///    of the execution date (booking date within the window for expected payments). Score: amount
///    0.35; date 0.15 on the same day down to 0.10 at the window's edge (0.15 within an expected
///    window); counterparty account equal 0.4; name similarity s ≥
///    ``MatchingPolicy/minimumNameSimilarity`` adds 0.35·s (see ``CounterpartyName``); the payment's
///    remittance text found in the transaction's adds 0.05. Capped at 0.99, rounded to three
///    decimals, and reported from ``MatchingPolicy/minimumSuggestionScore`` up — by default amount
///    and date alone do not suffice.
/// 6. **Best suggestion only.** Each transaction keeps its best-scoring suggestion per target type.
///    Equal scores are not resolved: the first target is reported and the others are listed in
///    ``ReconciliationMatch/alternatives``. Suggestions do not consume targets: a payment may be
///    suggested for several transactions.
/// 7. **Nothing.** A transaction with neither an exact match nor a suggestion is unmatched.
///
/// Cost: identifiers are looked up in dictionaries, attribute suggestions in buckets keyed by
/// (account, currency, amount) and searched by date, references with a rolling hash per distinct
/// reference length; nothing compares every transaction with every payment.
public struct Reconciler: Sendable {
    /// The thresholds and windows in force.
    public var policy: MatchingPolicy

    public init(policy: MatchingPolicy = .standard) {
        self.policy = policy
    }

    /// Matches `transactions` against `payments` and `expectedPayments`. Ids must be unique within
    /// each list for the result to be independent of the input order.
    public func reconcile(transactions: [BankTransactionCandidate], payments: [PaymentCandidate],
                          expectedPayments: [ExpectedPaymentCandidate] = []) -> ReconciliationResult {
        var run = MatchingRun(policy: policy, transactions: transactions, payments: payments, expected: expectedPayments)
        run.matchPaymentsExactly()
        run.matchExpectedPaymentsExactly()
        run.suggest()
        return run.result()
    }
}
