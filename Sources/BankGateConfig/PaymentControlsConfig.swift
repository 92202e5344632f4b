/// `[payment_controls]`: the checks a payment passes at intake beyond its format. Every key is
/// optional.
public struct PaymentControlsConfig: Sendable, Hashable {
    /// `duplicate_window_minutes`: a payment with the same debtor account, creditor account, amount
    /// and currency as one accepted this many minutes before it (and not cancelled, rejected, failed
    /// or returned) is held as a suspected duplicate, unless the client marks it
    /// `"duplicate_intended": true`. 0 turns the check off.
    public var duplicateWindowMinutes: Int
    /// `duplicate_same_remittance`: the remittance text must match too.
    public var duplicateSameRemittance: Bool

    /// Default of `duplicate_window_minutes`: a day.
    public static let defaultDuplicateWindowMinutes = 1_440

    public init(duplicateWindowMinutes: Int = PaymentControlsConfig.defaultDuplicateWindowMinutes,
                duplicateSameRemittance: Bool = false) {
        self.duplicateWindowMinutes = duplicateWindowMinutes
        self.duplicateSameRemittance = duplicateSameRemittance
    }

    /// The keys of `[payment_controls]`.
    static let keys = ["duplicate_window_minutes", "duplicate_same_remittance"]

    static func decode(_ reader: TableReader) -> PaymentControlsConfig {
        PaymentControlsConfig(
            duplicateWindowMinutes: reader.integer("duplicate_window_minutes", default: defaultDuplicateWindowMinutes,
                                                   range: 0...525_600),
            duplicateSameRemittance: reader.bool("duplicate_same_remittance", default: false))
    }
}
