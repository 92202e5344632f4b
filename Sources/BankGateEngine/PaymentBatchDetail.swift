public import BankGateCore
public import BankGateStore

/// A batch accepted through `POST /v1/payment-batches`, with its payments as they stand now.
public struct PaymentBatchDetail: Sendable, Hashable {
    public var id: String
    /// The batch's payments in the order they were given (never empty).
    public var payments: [PaymentRecord]

    public init(id: String, payments: [PaymentRecord]) {
        self.id = id
        self.payments = payments
    }

    /// When the batch was accepted (all its payments were accepted together).
    public var createdAt: Timestamp { payments.first?.createdAt ?? Timestamp(milliseconds: 0) }

    /// The batch's one currency (a batch has one debtor account).
    public var currency: Currency? { payments.first?.amount.currency }

    /// How many payments are in each status.
    public var countsByStatus: [PaymentStatus: Int] {
        var counts: [PaymentStatus: Int] = [:]
        for payment in payments { counts[payment.status, default: 0] += 1 }
        return counts
    }

    /// The sum of the amounts as a decimal string in the currency's exponent (`3500.51`). Summed
    /// in two parts of 18 digits, so that no batch the API accepts can overflow it.
    public var controlSum: String {
        let base: UInt64 = 1_000_000_000_000_000_000
        var high: UInt64 = 0
        var low: UInt64 = 0
        for payment in payments {
            low += payment.amount.minorUnits.magnitude
            high += low / base
            low %= base
        }
        var digits = high > 0 ? String(high) + Self.padded(low, to: 18) : String(low)
        let exponent = currency?.exponent ?? 0
        guard exponent > 0 else { return digits }
        if digits.count <= exponent { digits = Self.padded(digits, to: exponent + 1) }
        let point = digits.index(digits.endIndex, offsetBy: -exponent)
        return digits[..<point] + "." + digits[point...]
    }

    private static func padded(_ value: UInt64, to width: Int) -> String { padded(String(value), to: width) }

    private static func padded(_ text: String, to width: Int) -> String {
        text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
    }
}
