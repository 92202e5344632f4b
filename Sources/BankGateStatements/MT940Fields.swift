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
        /// What was read beyond the standard, without the line.
        var warnings: [StatementWarning] = []
    }

    /// Parses `:61:` (first line): `6!n[4!n]2a[1!a]15d1!a3!c[16x][//16x]`.
    ///
    /// Beyond the standard, and each noted in ``StatementLine/warnings``: an amount without decimal
    /// comma (whole units), leading zeros beyond 15 characters, a type code the standard does not list
    /// (`N192`, `S   `, kept as given) and 29/30 February (booked on the month's last day).
    static func statementLine(_ text: String, currency: Currency) throws(StatementError) -> StatementLine {
        let bytes = Array(text.utf8)
        var warnings: [StatementWarning] = []
        guard bytes.count >= 6, let value = date(bytes[0..<6], what: "value date", warnings: &warnings) else {
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
            let raw = bytes[index..<index + 4]
            guard let entry = existingDay(year: year, month: month, day: day, raw: raw, what: "entry date",
                                          warnings: &warnings) else {
                throw StatementError(.invalidDate, "\"\(String(decoding: raw, as: UTF8.self))\" "
                                         + "is not an entry date (MMDD)")
            }
            entryDate = StatementText.format(year: entry.year, month: entry.month, day: entry.day)
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
        var amountStart = index
        while index < bytes.count, isDigit(bytes[index]) || bytes[index] == UInt8(ascii: ",") { index += 1 }
        guard index > amountStart else { throw StatementError(.invalidAmount, "missing amount") }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            throw StatementError(.invalidAmount, "the amount has a decimal point: MT940 writes a decimal comma")
        }
        amountStart = try amountStartAfterZeros(bytes, amountStart..<index, warnings: &warnings)
        let amountText = String(decoding: bytes[amountStart..<index], as: UTF8.self)
        if !bytes[amountStart..<index].contains(UInt8(ascii: ",")) {
            warnings.append(StatementWarning(.amountWithoutDecimalComma,
                                             "an amount without decimal comma is read as whole units"))
        }
        let amount = try StatementText.amount(amountText, currency: currency, separator: UInt8(ascii: ","))
        guard bytes.count >= index + 4,
              bytes[index] == UInt8(ascii: "N") || bytes[index] == UInt8(ascii: "F") || bytes[index] == UInt8(ascii: "S"),
              bytes[index + 1..<index + 4].allSatisfy({ isLetter($0) || isDigit($0) || $0 == UInt8(ascii: " ") })
        else {
            let end = index >= bytes.count ? ": the line ends after the amount (is the amount split across lines?)" : ""
            throw StatementError(.malformed,
                                 "missing transaction type (N, F or S and three characters, e.g. NTRF) after the amount"
                                     + end)
        }
        let typeCode = String(decoding: bytes[index..<index + 4], as: UTF8.self)
        if !isStandardType(bytes[index], bytes[index + 1], bytes[index + 2], bytes[index + 3]) {
            warnings.append(StatementWarning(.nonstandardTransactionType, "transaction type \"\(typeCode)\" is not "
                                                 + "one the standard lists; kept as given"))
        }
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
                             bankReference: bank, warnings: warnings)
    }

    /// Where an amount starts once leading zeros beyond the standard's 15 characters are dropped
    /// (`0000000000000012,50`); a longer amount is refused.
    private static func amountStartAfterZeros(_ bytes: [UInt8], _ range: Range<Int>,
                                              warnings: inout [StatementWarning]) throws(StatementError) -> Int {
        guard range.count > 15 else { return range.lowerBound }
        var start = range.lowerBound
        while range.upperBound - start > 15, bytes[start] == UInt8(ascii: "0"), start + 1 < range.upperBound,
              isDigit(bytes[start + 1]) {
            start += 1
        }
        guard range.upperBound - start <= 15 else {
            throw StatementError(.invalidAmount, "the amount is longer than 15 characters")
        }
        warnings.append(StatementWarning(.amountLeadingZeros,
                                         "an amount longer than 15 characters with leading zeros is read without them"))
        return start
    }

    /// The SWIFT transaction types: `S` and a message type, or `N`/`F` and one of the listed codes.
    private static func isStandardType(_ kind: UInt8, _ first: UInt8, _ second: UInt8, _ third: UInt8) -> Bool {
        if kind == UInt8(ascii: "S") { return isDigit(first) && isDigit(second) && isDigit(third) }
        return standardTypes.contains(UInt32(first) << 16 | UInt32(second) << 8 | UInt32(third))
    }

    /// The codes after `N` or `F`, packed three bytes to a number.
    private static let standardTypes: Set<UInt32> = Set("""
        BNK BOE BRF CAR CAS CHG CHK CLR CMI CMN CMP CMS CMT CMZ COL COM CPN DCR DDT DIS DIV EQA EXT FEX INT \
        LBX LDP MAR MAT MGT MSC NWI ODC OPT PCH POP PRN REC RED RIG RTI SAL SEC SLE STO STP SUB SWP TAX \
        TCK TCM TRA TRF TRN UWC VDA WAR
        """.split(separator: " ").map { code in code.utf8.reduce(UInt32(0)) { $0 << 8 | UInt32($1) } })

    /// A `YYMMDD` date; 29 or 30 February in a year without that day (German banks date
    /// account-closing entries 30 February) is the last day of February, with a warning.
    static func date(_ bytes: ArraySlice<UInt8>, what: String,
                     warnings: inout [StatementWarning]) -> (year: Int, month: Int, day: Int)? {
        if let date = StatementText.swiftDate(bytes) { return date }
        guard bytes.count == 6, let yy = StatementText.number(bytes.prefix(2)),
              let month = StatementText.number(bytes.dropFirst(2).prefix(2)),
              let day = StatementText.number(bytes.suffix(2)) else { return nil }
        return existingDay(year: yy < 80 ? 2000 + yy : 1900 + yy, month: month, day: day, raw: bytes, what: what,
                           warnings: &warnings)
    }

    /// The day itself when it exists; for 29 or 30 February the last day of February with a warning
    /// naming `raw`; nil otherwise.
    private static func existingDay(year: Int, month: Int, day: Int, raw: ArraySlice<UInt8>, what: String,
                                    warnings: inout [StatementWarning]) -> (year: Int, month: Int, day: Int)? {
        if StatementText.isValid(year: year, month: month, day: day) { return (year, month, day) }
        guard month == 2, day == 29 || day == 30 else { return nil }
        let last = StatementText.isValid(year: year, month: 2, day: 29) ? 29 : 28
        warnings.append(StatementWarning(.impossibleDate, "\(what) \"\(String(decoding: raw, as: UTF8.self))\" is "
                                             + "\(day) February; booked on "
                                             + StatementText.format(year: year, month: 2, day: last)))
        return (year, 2, last)
    }

    /// Parses a balance `:60F:`, `:62F:`, `:64:`, `:65:`: `1!a6!n3!a15d` (mark, date, currency, amount).
    /// A withdrawn currency (`DEM`), 30 February and leading zeros are read with a warning.
    static func balance(_ text: String, type: String, intermediate: Bool,
                        warnings: inout [StatementWarning]) throws(StatementError) -> StatementBalance {
        let bytes = Array(text.utf8)
        guard let mark = bytes.first, mark == UInt8(ascii: "C") || mark == UInt8(ascii: "D") else {
            throw StatementError(.malformed, "missing debit/credit mark (C or D) in \(StatementText.quoted(text))")
        }
        guard bytes.count >= 7, let date = date(bytes[1..<7], what: "balance date", warnings: &warnings) else {
            throw StatementError(.invalidDate, "\(StatementText.quoted(text)) has no date (YYMMDD) after the mark")
        }
        guard bytes.count > 10 else {
            throw StatementError(.malformed, "\(StatementText.quoted(text)) has no currency and amount")
        }
        let currency = try currency(String(decoding: bytes[7..<10], as: UTF8.self), warnings: &warnings)
        let start = try amountStartAfterZeros(bytes, 10..<bytes.count, warnings: &warnings)
        if !bytes[start...].contains(UInt8(ascii: ",")) {
            warnings.append(StatementWarning(.amountWithoutDecimalComma,
                                             "an amount without decimal comma is read as whole units"))
        }
        let amount = try StatementText.amount(String(decoding: bytes[start...], as: UTF8.self), currency: currency,
                                              separator: UInt8(ascii: ","))
        let signed = mark == UInt8(ascii: "D") ? -amount.minorUnits : amount.minorUnits
        return StatementBalance(type: type, amount: Money(minorUnits: signed, currency: currency),
                                date: StatementText.format(year: date.year, month: date.month, day: date.day),
                                isIntermediate: intermediate)
    }

    /// An active ISO 4217 currency, or a withdrawn one (`DEM`) with a warning; refused otherwise.
    static func currency(_ code: String, warnings: inout [StatementWarning]) throws(StatementError) -> Currency {
        if let currency = Currency(code: code) { return currency }
        guard let withdrawn = Currency(withdrawnCode: code) else {
            throw StatementError(.invalidValue, "\(StatementText.quoted(code)) is not an ISO 4217 currency code "
                                     + "(the mark, date, currency and amount must follow each other)")
        }
        warnings.append(StatementWarning(.withdrawnCurrency, "\(code) is a withdrawn currency; its amounts are read "
                                             + "as written, in \(code), never converted"))
        return withdrawn
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
    static func entrySum(_ text: String,
                         warnings: inout [StatementWarning]) throws(StatementError) -> (count: Int, amount: Money) {
        let bytes = Array(text.utf8)
        let digits = bytes.prefix { isDigit($0) }
        guard let count = StatementText.number(digits), bytes.count > digits.count + 3 else {
            throw StatementError(.malformed,
                                 "\(StatementText.quoted(text)) is not a number of entries, currency and sum")
        }
        let code = String(decoding: bytes[digits.count..<digits.count + 3], as: UTF8.self)
        let currency = try currency(code, warnings: &warnings)
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

    /// `NL62INGB0008765432 P DE VRIES`: an IBAN (two capitals, two digits, 11–30 capitals or digits),
    /// then optionally a name; nil when the details do not start with an IBAN.
    static func accountAndName(_ details: String) -> (account: String, name: String?)? {
        let parts = details.split(separator: " ", maxSplits: 1)
        guard let first = parts.first else { return nil }
        let bytes = Array(first.utf8)
        let isCapital = { (byte: UInt8) in byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") }
        guard (15...34).contains(bytes.count), isCapital(bytes[0]), isCapital(bytes[1]), MT940Fields.isDigit(bytes[2]),
              MT940Fields.isDigit(bytes[3]), bytes[4...].allSatisfy({ isCapital($0) || MT940Fields.isDigit($0) })
        else { return nil }
        return (String(first), parts.count > 1 ? String(parts[1]).trimmingSpaces.nilIfEmpty : nil)
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
