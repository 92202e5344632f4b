/// Why a balance reconciliation could not be computed. A struct over a private code, so codes can
/// be added without breaking callers; compare with the static values (`error == .overflow`), which
/// ignores `itemId`. The description names the item id only, never an amount or account number.
public struct BalanceReconciliationError: Error, Hashable, Sendable, CustomStringConvertible {
    private enum Code: Hashable, Sendable {
        case overflow
        case currencyMismatch
        case negativeAmount
        case invalidDate
        case dateAfterReconciliationDate
    }

    private let code: Code
    /// The item concerned, when the problem is with one item; `nil` for the balances themselves.
    public let itemId: String?

    private init(_ code: Code, itemId: String? = nil) {
        self.code = code
        self.itemId = itemId
    }

    /// A sum does not fit in 64-bit minor units.
    public static let overflow = BalanceReconciliationError(.overflow)
    /// An amount is in another currency than the bank balance.
    public static let currencyMismatch = BalanceReconciliationError(.currencyMismatch)
    /// An adjusting item has a negative amount (adjusting amounts are magnitudes).
    public static let negativeAmount = BalanceReconciliationError(.negativeAmount)
    /// A date is not `YYYY-MM-DD`.
    public static let invalidDate = BalanceReconciliationError(.invalidDate)
    /// An item is dated after the reconciliation date.
    public static let dateAfterReconciliationDate = BalanceReconciliationError(.dateAfterReconciliationDate)

    /// The same error, about `itemId`.
    func about(_ itemId: String?) -> BalanceReconciliationError {
        BalanceReconciliationError(code, itemId: itemId)
    }

    public static func == (lhs: BalanceReconciliationError, rhs: BalanceReconciliationError) -> Bool {
        lhs.code == rhs.code
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(code)
    }

    public var description: String {
        let subject = itemId.map { "item \($0)" } ?? "balance"
        return switch code {
        case .overflow: "\(subject): the reconciliation overflows 64-bit minor units"
        case .currencyMismatch: "\(subject): currency differs from the bank balance"
        case .negativeAmount: "\(subject): adjusting amounts must not be negative"
        case .invalidDate: "\(subject): date is not YYYY-MM-DD"
        case .dateAfterReconciliationDate: "\(subject): dated after the reconciliation date"
        }
    }
}
