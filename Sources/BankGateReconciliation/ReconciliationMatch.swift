/// What a bank transaction was matched to.
public enum ReconciliationTarget: Hashable, Sendable {
    /// One of our outgoing payments, by store id.
    case payment(String)
    /// An expected incoming payment, by store id.
    case expectedPayment(String)
}

/// How sure a match is.
public enum MatchKind: String, Hashable, Sendable {
    /// Proven by an identifier or reference and the amount: the engine applies it automatically.
    case exact
    /// Plausible: shown to an operator, never applied automatically.
    case suggested
}

/// Why a match was made, as stable codes the API and the audit log carry.
public enum MatchReason: String, Hashable, Sendable, CaseIterable {
    /// The end-to-end ids are equal.
    case endToEndIdEqual = "end_to_end_id_equal"
    /// The instruction ids are equal.
    case instructionIdEqual = "instruction_id_equal"
    /// The bank references are equal.
    case bankReferenceEqual = "bank_reference_equal"
    /// The expected payment's reference appears in the transaction's references or remittance text.
    case referenceFound = "reference_found"
    /// The debit equals the payment amount, or the credit equals the expected amount.
    case amountEqual = "amount_equal"
    /// The credit lies within the expected amount range.
    case amountInRange = "amount_in_range"
    /// An identifier matched but the amount (or its direction) did not.
    case idMatchedAmountDiffers = "id_matched_amount_differs"
    /// The expected reference was found but the amount does not fit.
    case referenceMatchedAmountDiffers = "reference_matched_amount_differs"
    /// The transaction is a credit carrying our payment's identifier: possibly a return.
    case directionReversed = "direction_reversed"
    /// The booking (or value) date lies within the date window.
    case dateWithinWindow = "date_within_window"
    /// The counterparty accounts are equal (ignoring spaces and case).
    case counterpartyAccountEqual = "counterparty_account_equal"
    /// The counterparty names are similar after normalisation.
    case counterpartyNameSimilar = "counterparty_name_similar"
    /// The payment's remittance text appears in the transaction's.
    case remittanceMatched = "remittance_matched"
    /// Another transaction or target matched exactly as well; the first by date and id took the
    /// exact match and this pair is left for an operator.
    case ambiguous
}

/// One decision of the matcher: a bank transaction paired with a payment or an expected payment.
public struct ReconciliationMatch: Hashable, Sendable {
    /// The store id of the bank transaction.
    public var transactionId: String
    /// What it was matched to.
    public var target: ReconciliationTarget
    /// Exact (automatic) or suggested (needs review).
    public var kind: MatchKind
    /// 1 for an exact match; 0…1, rounded to three decimals, for a suggestion.
    public var score: Double
    /// The evidence, in the declaration order of ``MatchReason``.
    public var reasons: [MatchReason]
    /// Other targets with the same score as `target`, which the matcher does not choose between.
    public var alternatives: [ReconciliationTarget]

    public init(transactionId: String, target: ReconciliationTarget, kind: MatchKind, score: Double,
                reasons: [MatchReason], alternatives: [ReconciliationTarget] = []) {
        self.transactionId = transactionId
        self.target = target
        self.kind = kind
        self.score = score
        self.reasons = reasons
        self.alternatives = alternatives
    }
}
