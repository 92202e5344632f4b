/// The knobs of matching. The defaults are the ones bankgate ships with.
public struct MatchingPolicy: Hashable, Sendable {
    /// How many days a transaction's booking (or value) date may lie before or after a payment's
    /// execution date for the pair to be suggested. Default 3 (±3 days).
    public var dateWindowDays: Int
    /// Whether an identifier match must also agree on the amount to count as exact. Default `true`:
    /// an identifier match with another amount becomes a suggestion with reason
    /// `id_matched_amount_differs`, never an automatic match.
    public var identifierMatchRequiresEqualAmount: Bool
    /// The lowest score (0…1) at which a suggestion by amount, date and counterparty is reported.
    /// Default 0.6, which amount and date alone (at most 0.5) never reach: some counterparty
    /// evidence is needed. Suggestions backed by an identifier or reference score 0.8 or more and
    /// are always reported.
    public var minimumSuggestionScore: Double
    /// The lowest name similarity (0…1, token-set Dice coefficient) that counts as
    /// `counterparty_name_similar`. Default 0.5.
    public var minimumNameSimilarity: Double
    /// The shortest expected-payment reference, after removing whitespace, that is searched for;
    /// shorter ones would be found in unrelated text. Default 4.
    public var minimumReferenceLength: Int

    public init(dateWindowDays: Int = 3, identifierMatchRequiresEqualAmount: Bool = true,
                minimumSuggestionScore: Double = 0.6, minimumNameSimilarity: Double = 0.5,
                minimumReferenceLength: Int = 4) {
        self.dateWindowDays = max(0, dateWindowDays)
        self.identifierMatchRequiresEqualAmount = identifierMatchRequiresEqualAmount
        self.minimumSuggestionScore = minimumSuggestionScore
        self.minimumNameSimilarity = minimumNameSimilarity
        self.minimumReferenceLength = max(1, minimumReferenceLength)
    }

    /// The policy bankgate ships with.
    public static let standard = MatchingPolicy()
}
