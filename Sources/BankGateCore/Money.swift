/// An amount of money held as integer minor units of its currency: never a floating-point number.
public struct Money: Hashable, Sendable, CustomStringConvertible {
    /// The amount in minor units (cents for EUR, yen for JPY).
    public let minorUnits: Int64
    /// The currency, which fixes how many minor units make one major unit.
    public let currency: Currency

    public init(minorUnits: Int64, currency: Currency) {
        self.minorUnits = minorUnits
        self.currency = currency
    }

    /// Parses a decimal string such as `"1250.00"` or `"-3.5"` in `currency`.
    ///
    /// Accepts an optional leading minus, digits, and at most `currency.exponent` digits after a `.`.
    /// Refuses exponents, thousands separators, a leading `+`, empty parts and values that overflow.
    public init(parsing text: String, currency: Currency) throws(AmountError) {
        var utf8 = Substring(text).utf8[...]
        var negative = false
        if utf8.first == UInt8(ascii: "-") {
            negative = true
            utf8 = utf8.dropFirst()
        }
        var integerPart: Int64 = 0
        var integerDigits = 0
        var fractionPart: Int64 = 0
        var fractionDigits = 0
        var seenPoint = false
        for byte in utf8 {
            if byte == UInt8(ascii: ".") {
                guard !seenPoint else { throw .malformed }
                seenPoint = true
                continue
            }
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { throw .malformed }
            let digit = Int64(byte - UInt8(ascii: "0"))
            if seenPoint {
                fractionDigits += 1
                guard fractionDigits <= currency.exponent else { throw .tooManyDecimals(allowed: currency.exponent) }
                fractionPart = fractionPart * 10 + digit
            } else {
                integerDigits += 1
                let (times10, o1) = integerPart.multipliedReportingOverflow(by: 10)
                let (sum, o2) = times10.addingReportingOverflow(digit)
                guard !o1, !o2 else { throw .outOfRange }
                integerPart = sum
            }
        }
        guard integerDigits > 0, !(seenPoint && fractionDigits == 0) else { throw .malformed }
        for _ in fractionDigits..<currency.exponent { fractionPart *= 10 }
        let (scaled, o1) = integerPart.multipliedReportingOverflow(by: Money.power(currency.exponent))
        let (total, o2) = scaled.addingReportingOverflow(fractionPart)
        guard !o1, !o2 else { throw .outOfRange }
        self.minorUnits = negative ? -total : total
        self.currency = currency
    }

    /// The amount as a decimal string with exactly the currency's number of decimals: `"1250.00"`.
    public var decimalString: String {
        let exponent = currency.exponent
        let magnitude = minorUnits.magnitude
        let sign = minorUnits < 0 ? "-" : ""
        guard exponent > 0 else { return sign + String(magnitude) }
        let divisor = UInt64(Money.power(exponent))
        let whole = magnitude / divisor
        var fraction = String(magnitude % divisor)
        if fraction.count < exponent {
            fraction = String(repeating: "0", count: exponent - fraction.count) + fraction
        }
        return "\(sign)\(whole).\(fraction)"
    }

    public var description: String { "\(decimalString) \(currency.code)" }

    /// 10 raised to `exponent`.
    static func power(_ exponent: Int) -> Int64 {
        var result: Int64 = 1
        for _ in 0..<exponent { result *= 10 }
        return result
    }
}

/// Why a decimal amount string was refused.
public enum AmountError: Error, Hashable, Sendable, CustomStringConvertible {
    case malformed
    case tooManyDecimals(allowed: Int)
    case outOfRange

    public var description: String {
        switch self {
        case .malformed: "is not a decimal amount such as \"1250.00\""
        case .tooManyDecimals(let allowed): "has more than \(allowed) decimal places for its currency"
        case .outOfRange: "is too large"
        }
    }
}
