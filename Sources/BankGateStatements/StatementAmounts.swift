import BankGateCore

/// Amount and date text as the statement formats write it, turned into ``Money`` and `YYYY-MM-DD`.
///
/// Shared by the camt and MT940 readers; every failure is a short phrase that the reader prefixes
/// with the line and element (``StatementError``).
enum StatementText {
    /// Parses a non-negative decimal amount with `separator` (`.` for camt, `,` for MT940).
    ///
    /// Banks often write more decimals than the currency has (`100.000` EUR, `12,50000`): excess
    /// decimals are accepted when they are zeros and refused otherwise, since they would be lost.
    /// MT940 amounts may end with the separator (`100,` is 100.00). Never goes through a Double.
    static func amount(_ text: String, currency: Currency, separator: UInt8) throws(StatementError) -> Money {
        var text = text
        let plain = text.withUTF8 { plainAmount($0, currency: currency, separator: separator) }
        if let plain { return plain }
        return try checkedAmount(text, currency: currency, separator: separator)
    }

    /// The common case without allocating: 1 to 15 digits, then optionally the separator and at most
    /// the currency's number of decimals (none only for MT940's `,`). nil for anything else, which
    /// ``checkedAmount(_:currency:separator:)`` then accepts or refuses with its reason.
    private static func plainAmount(_ bytes: UnsafeBufferPointer<UInt8>, currency: Currency,
                                    separator: UInt8) -> Money? {
        var units: Int64 = 0
        var index = 0
        while index < bytes.count, bytes[index] >= UInt8(ascii: "0"), bytes[index] <= UInt8(ascii: "9") {
            units = units * 10 + Int64(bytes[index] - UInt8(ascii: "0"))
            index += 1
            guard index <= 14 else { return nil } // with up to 4 decimals, far from overflowing

        }
        guard index > 0 else { return nil }
        var decimals = 0
        if index < bytes.count {
            guard bytes[index] == separator else { return nil }
            index += 1
            while index < bytes.count, bytes[index] >= UInt8(ascii: "0"), bytes[index] <= UInt8(ascii: "9") {
                // More decimals than the currency has: checkedAmount drops zeros or refuses. Checked
                // before multiplying, so that a long run of decimals cannot overflow (found by fuzzing).
                guard decimals < currency.exponent else { return nil }
                units = units * 10 + Int64(bytes[index] - UInt8(ascii: "0"))
                index += 1
                decimals += 1
            }
            guard index == bytes.count, decimals <= currency.exponent,
                  decimals > 0 || separator == UInt8(ascii: ",") else { return nil }
        }
        for _ in decimals..<currency.exponent { units *= 10 }
        return Money(minorUnits: units, currency: currency)
    }

    /// ``amount(_:currency:separator:)`` for every input, with the reason for a refusal.
    private static func checkedAmount(_ text: String, currency: Currency,
                                      separator: UInt8) throws(StatementError) -> Money {
        let bytes = Array(text.utf8)
        guard let first = bytes.first, first != UInt8(ascii: "-"), first != UInt8(ascii: "+") else {
            throw StatementError(.invalidAmount, "\(quoted(text)) is not a decimal amount")
        }
        var normalized: [UInt8] = []
        normalized.reserveCapacity(bytes.count)
        var separatorIndex: Int?
        for byte in bytes {
            if byte == separator {
                guard separatorIndex == nil else {
                    throw StatementError(.invalidAmount, "\(quoted(text)) is not a decimal amount")
                }
                separatorIndex = normalized.count
                normalized.append(UInt8(ascii: "."))
            } else if byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") {
                normalized.append(byte)
            } else {
                throw StatementError(.invalidAmount, "\(quoted(text)) is not a decimal amount")
            }
        }
        if let point = separatorIndex {
            guard point > 0 else { throw StatementError(.invalidAmount, "\(quoted(text)) is not a decimal amount") }
            // Drop zero decimals beyond the currency's exponent, and a trailing separator (MT940 `100,`).
            while normalized.count - point - 1 > currency.exponent, normalized.last == UInt8(ascii: "0") {
                normalized.removeLast()
            }
            if normalized.count - point - 1 > currency.exponent {
                throw StatementError(.invalidAmount,
                                     "\(quoted(text)) has non-zero decimals beyond the \(currency.exponent) of "
                                         + currency.code)
            }
            if normalized.count == point + 1 {
                guard separator == UInt8(ascii: ",") else {
                    throw StatementError(.invalidAmount, "\(quoted(text)) is not a decimal amount")
                }
                normalized.removeLast()
            }
        }
        do {
            return try Money(parsing: String(decoding: normalized, as: UTF8.self), currency: currency)
        } catch {
            throw StatementError(.invalidAmount, "\(quoted(text)) \(error.description)")
        }
    }

    /// The currency for an ISO 4217 code, or an `invalidValue` error.
    static func currency(_ code: String) throws(StatementError) -> Currency {
        guard let currency = Currency(code: code) else {
            throw StatementError(.invalidValue, "\(quoted(code)) is not an ISO 4217 currency code")
        }
        return currency
    }

    /// The `YYYY-MM-DD` date part of an ISO 8601 date or date-time (`2024-03-01`, `2024-03-01T10:00:00+01:00`).
    static func isoDate(_ text: String) throws(StatementError) -> String {
        let bytes = Array(text.utf8)
        guard bytes.count >= 10, bytes.count == 10 || bytes[10] == UInt8(ascii: "T") || bytes[10] == UInt8(ascii: "Z")
                || bytes[10] == UInt8(ascii: "+") || bytes[10] == UInt8(ascii: "-"),
              let year = number(bytes[0..<4]), bytes[4] == UInt8(ascii: "-"), let month = number(bytes[5..<7]),
              bytes[7] == UInt8(ascii: "-"), let day = number(bytes[8..<10]),
              isValid(year: year, month: month, day: day)
        else {
            throw StatementError(.invalidDate, "\(quoted(text)) is not an ISO date (YYYY-MM-DD)")
        }
        return String(decoding: bytes[0..<10], as: UTF8.self)
    }

    /// `YYYY-MM-DD` from a SWIFT `YYMMDD` date (years 00–79 are 20xx, 80–99 are 19xx).
    static func swiftDate(_ bytes: ArraySlice<UInt8>) -> (year: Int, month: Int, day: Int)? {
        guard bytes.count == 6, let yy = number(bytes.prefix(2)), let month = number(bytes.dropFirst(2).prefix(2)),
              let day = number(bytes.suffix(2)) else { return nil }
        let year = yy < 80 ? 2000 + yy : 1900 + yy
        guard isValid(year: year, month: month, day: day) else { return nil }
        return (year, month, day)
    }

    /// Formats a date as `YYYY-MM-DD`.
    static func format(year: Int, month: Int, day: Int) -> String {
        guard (1000...9999).contains(year), (0...99).contains(month), (0...99).contains(day) else {
            return "\(year)-\(pad2(month))-\(pad2(day))"
        }
        // Ten ASCII bytes written in place: no interpolation on the per-entry path.
        return String(unsafeUninitializedCapacity: 10) { bytes in
            let zero = UInt8(ascii: "0")
            bytes[0] = zero + UInt8(year / 1000)
            bytes[1] = zero + UInt8(year / 100 % 10)
            bytes[2] = zero + UInt8(year / 10 % 10)
            bytes[3] = zero + UInt8(year % 10)
            bytes[4] = UInt8(ascii: "-")
            bytes[5] = zero + UInt8(month / 10)
            bytes[6] = zero + UInt8(month % 10)
            bytes[7] = UInt8(ascii: "-")
            bytes[8] = zero + UInt8(day / 10)
            bytes[9] = zero + UInt8(day % 10)
            return 10
        }
    }

    static func pad2(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }

    /// Whether the day exists in that month (leap years included).
    static func isValid(year: Int, month: Int, day: Int) -> Bool {
        CalendarDay.isValid(year: year, month: month, day: day)
    }

    /// The decimal value of ASCII digits, or nil if a byte is not a digit.
    static func number(_ bytes: some Collection<UInt8>) -> Int? {
        guard !bytes.isEmpty, bytes.count <= 18 else { return nil }
        var value = 0
        for byte in bytes {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
        }
        return value
    }

    /// `text` in double quotes, shortened to 40 characters for error messages.
    static func quoted(_ text: String) -> String {
        text.count > 40 ? "\"\(text.prefix(40))…\"" : "\"\(text)\""
    }
}
