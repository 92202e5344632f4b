import BankGateCore

/// The syntax of single MT940/MT942 fields. Each parser throws a ``StatementError`` without
/// location; the reader adds the line and the tag.
enum MT940Fields {
    /// A parsed `:61:` statement line.
    struct StatementLine {
        var valueDate: String
        var entryDate: String?
        var creditDebit: CreditDebit
        var isReversal: Bool
        var fundsCode: String?
        var amount: Money
        /// `NTRF`, `NMSC`, `S103` …
        var typeCode: String
        /// nil when missing or `NONREF`.
        var customerReference: String?
        var bankReference: String?
    }

    /// Parses `:61:` (first line): `6!n[4!n]2a[1!a]15d1!a3!c[16x][//16x]`.
    static func statementLine(_ text: String, currency: Currency) throws(StatementError) -> StatementLine {
        let bytes = Array(text.utf8)
        guard bytes.count >= 6, let value = StatementText.swiftDate(bytes[0..<6]) else {
            throw StatementError(.invalidDate,
                                 "\(StatementText.quoted(text)) does not start with a value date (YYMMDD)")
        }
        var index = 6
        var entryDate: String?
        if bytes.count >= index + 4, let month = StatementText.number(bytes[index..<index + 2]),
           let day = StatementText.number(bytes[index + 2..<index + 4]) {
            // The entry date has no year: take the value date's, moved across a year end when the two
            // months are more than half a year apart (value 31 Dec, entry 02 Jan).
            var year = value.year
            if month - value.month > 6 { year -= 1 } else if value.month - month > 6 { year += 1 }
            guard StatementText.isValid(year: year, month: month, day: day) else {
                throw StatementError(.invalidDate, "\"\(String(decoding: bytes[index..<index + 4], as: UTF8.self))\" "
                                         + "is not an entry date (MMDD)")
            }
            entryDate = StatementText.format(year: year, month: month, day: day)
            index += 4
        }
        var isReversal = false
        if index < bytes.count, bytes[index] == UInt8(ascii: "R") {
            isReversal = true
            index += 1
        }
        guard index < bytes.count, bytes[index] == UInt8(ascii: "C") || bytes[index] == UInt8(ascii: "D") else {
            throw StatementError(.malformed, "missing debit/credit mark (C, D, RC or RD)")
        }
        // RC is the reversal of a credit, so a debit on the account; RD the reversal of a debit.
        let mark: CreditDebit = bytes[index] == UInt8(ascii: "C") ? .credit : .debit
        let side: CreditDebit = isReversal ? (mark == .credit ? .debit : .credit) : mark
        index += 1
        var fundsCode: String?
        if index < bytes.count, isLetter(bytes[index]) {
            fundsCode = String(UnicodeScalar(bytes[index]))
            index += 1
        }
        let amountStart = index
        while index < bytes.count, isDigit(bytes[index]) || bytes[index] == UInt8(ascii: ",") { index += 1 }
        guard index > amountStart else { throw StatementError(.invalidAmount, "missing amount") }
        guard index - amountStart <= 15 else {
            throw StatementError(.invalidAmount, "the amount is longer than 15 characters")
        }
        let amountText = String(decoding: bytes[amountStart..<index], as: UTF8.self)
        guard amountText.utf8.contains(UInt8(ascii: ",")) else {
            throw StatementError(.invalidAmount, "\(StatementText.quoted(amountText)) has no decimal comma")
        }
        let amount = try StatementText.amount(amountText, currency: currency, separator: UInt8(ascii: ","))
        guard bytes.count >= index + 4,
              bytes[index] == UInt8(ascii: "N") || bytes[index] == UInt8(ascii: "F") || bytes[index] == UInt8(ascii: "S"),
              bytes[index + 1..<index + 4].allSatisfy({ isLetter($0) || isDigit($0) }) else {
            throw StatementError(.malformed,
                                 "missing transaction type (N, F or S and three characters, e.g. NTRF) after the amount")
        }
        let typeCode = String(decoding: bytes[index..<index + 4], as: UTF8.self)
        index += 4
        var separator = index
        let slash = UInt8(ascii: "/")
        while separator + 1 < bytes.count, !(bytes[separator] == slash && bytes[separator + 1] == slash) {
            separator += 1
        }
        var customer: String
        var bank: String?
        if separator + 1 < bytes.count {
            customer = String(decoding: bytes[index..<separator], as: UTF8.self)
            bank = String(decoding: bytes[(separator + 2)...], as: UTF8.self).trimmingSpaces.nilIfEmpty
        } else {
            customer = String(decoding: bytes[index...], as: UTF8.self)
        }
        customer = customer.trimmingSpaces
        return StatementLine(valueDate: StatementText.format(year: value.year, month: value.month, day: value.day),
                             entryDate: entryDate, creditDebit: side, isReversal: isReversal, fundsCode: fundsCode,
                             amount: amount, typeCode: typeCode,
                             customerReference: customer.isEmpty || customer == "NONREF" ? nil : customer,
                             bankReference: bank)
    }

    /// Parses a balance `:60F:`, `:62F:`, `:64:`, `:65:`: `1!a6!n3!a15d` (mark, date, currency, amount).
    static func balance(_ text: String, type: String, intermediate: Bool) throws(StatementError) -> StatementBalance {
        let bytes = Array(text.utf8)
        guard let mark = bytes.first, mark == UInt8(ascii: "C") || mark == UInt8(ascii: "D") else {
            throw StatementError(.malformed, "missing debit/credit mark (C or D) in \(StatementText.quoted(text))")
        }
        guard bytes.count >= 7, let date = StatementText.swiftDate(bytes[1..<7]) else {
            throw StatementError(.invalidDate, "\(StatementText.quoted(text)) has no date (YYMMDD) after the mark")
        }
        guard bytes.count > 10 else {
            throw StatementError(.malformed, "\(StatementText.quoted(text)) has no currency and amount")
        }
        let currency = try StatementText.currency(String(decoding: bytes[7..<10], as: UTF8.self))
        let amount = try StatementText.amount(String(decoding: bytes[10...], as: UTF8.self), currency: currency,
                                              separator: UInt8(ascii: ","))
        let signed = mark == UInt8(ascii: "D") ? -amount.minorUnits : amount.minorUnits
        return StatementBalance(type: type, amount: Money(minorUnits: signed, currency: currency),
                                date: StatementText.format(year: date.year, month: date.month, day: date.day),
                                isIntermediate: intermediate)
    }

    /// Parses MT942 `:34F:` floor limit `3!a[1!a]15d` and returns its currency.
    static func floorLimit(_ text: String) throws(StatementError) -> Currency {
        let bytes = Array(text.utf8)
        guard bytes.count > 3 else {
            throw StatementError(.malformed, "\(StatementText.quoted(text)) is not a floor limit")
        }
        let currency = try StatementText.currency(String(decoding: bytes[0..<3], as: UTF8.self))
        var rest = bytes[3...]
        if let mark = rest.first, mark == UInt8(ascii: "C") || mark == UInt8(ascii: "D") { rest = rest.dropFirst() }
        _ = try StatementText.amount(String(decoding: rest, as: UTF8.self), currency: currency,
                                     separator: UInt8(ascii: ","))
        return currency
    }

    /// Parses MT942 `:90D:`/`:90C:` `5n3!a15d` (count, currency, sum).
    static func entrySum(_ text: String) throws(StatementError) -> (count: Int, amount: Money) {
        let bytes = Array(text.utf8)
        let digits = bytes.prefix { isDigit($0) }
        guard let count = StatementText.number(digits), bytes.count > digits.count + 3 else {
            throw StatementError(.malformed,
                                 "\(StatementText.quoted(text)) is not a number of entries, currency and sum")
        }
        let code = String(decoding: bytes[digits.count..<digits.count + 3], as: UTF8.self)
        let currency = try StatementText.currency(code)
        let amount = try StatementText.amount(String(decoding: bytes[(digits.count + 3)...], as: UTF8.self),
                                              currency: currency, separator: UInt8(ascii: ","))
        return (count, amount)
    }

    /// Parses MT942 `:13D:` `6!n4!n1!x4!n` (`2403011530+0100`) into ISO 8601.
    static func dateTime(_ text: String) throws(StatementError) -> String {
        let bytes = Array(text.utf8)
        if bytes.count == 10, let date = StatementText.swiftDate(bytes[0..<6]),
           let hour = StatementText.number(bytes[6..<8]), let minute = StatementText.number(bytes[8..<10]),
           hour < 24, minute < 60 {
            // The older `:13:` has no UTC offset.
            return StatementText.format(year: date.year, month: date.month, day: date.day)
                + "T\(StatementText.pad2(hour)):\(StatementText.pad2(minute)):00"
        }
        guard bytes.count == 15, let date = StatementText.swiftDate(bytes[0..<6]),
              let hour = StatementText.number(bytes[6..<8]), let minute = StatementText.number(bytes[8..<10]),
              hour < 24, minute < 60, bytes[10] == UInt8(ascii: "+") || bytes[10] == UInt8(ascii: "-"),
              StatementText.number(bytes[11..<15]) != nil else {
            throw StatementError(.invalidDate,
                                 "\(StatementText.quoted(text)) is not a date and time (YYMMDDhhmm±hhmm)")
        }
        let offset = String(UnicodeScalar(bytes[10])) + String(decoding: bytes[11..<13], as: UTF8.self) + ":"
            + String(decoding: bytes[13..<15], as: UTF8.self)
        return StatementText.format(year: date.year, month: date.month, day: date.day)
            + "T\(StatementText.pad2(hour)):\(StatementText.pad2(minute)):00\(offset)"
    }

    /// Splits `:25:` into the account and, for `BIC/account`, the BIC.
    static func account(_ text: String) -> (account: String, bic: String?) {
        guard let slash = text.firstIndex(of: "/") else { return (text, nil) }
        let prefix = String(text[..<slash])
        guard isBIC(prefix) else { return (text, nil) }
        return (String(text[text.index(after: slash)...]), prefix)
    }

    /// `[A-Z]{4}[A-Z]{2}[A-Z0-9]{2}([A-Z0-9]{3})?`.
    static func isBIC(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count == 8 || bytes.count == 11 else { return false }
        return bytes.enumerated().allSatisfy { index, byte in
            index < 6 ? (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
                : (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z")) || isDigit(byte)
        }
    }

    static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    static func isLetter(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
            || (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
    }
}

extension String {
    /// Without leading and trailing spaces.
    var trimmingSpaces: String {
        if let first = utf8.first, let last = utf8.last, first != 0x20, last != 0x20 { return self }
        guard let first = firstIndex(where: { $0 != " " }) else { return "" }
        let last = lastIndex(where: { $0 != " " })!
        return String(self[first...last])
    }

    /// nil for the empty string.
    var nilIfEmpty: String? { isEmpty ? nil : self }
}
