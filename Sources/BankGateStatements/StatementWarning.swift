/// Something a reader accepted although the format's standard does not allow it: a bank's header
/// line, a value date of 30 February, an amount without its decimal comma.
///
/// Readers never accept a deviation silently: each one is recorded on the statement it concerns
/// (``StatementHeader/warnings``), so that the JSON output, the store and the import result can show
/// it. The same deviation repeated within a statement is one warning with a ``count``.
public struct StatementWarning: Sendable, Hashable, CustomStringConvertible {
    /// The kind of deviation: a stable snake-case name for programs.
    public struct Code: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// Lines before a message's `:20:` that are the bank's own header (`ABNANL2A`, `940 00`, `:940:`).
        public static let bankHeaderSkipped = Code(rawValue: "bank_header_skipped")
        /// A UTF-8 byte order mark at the start of the file.
        public static let byteOrderMark = Code(rawValue: "byte_order_mark")
        /// SWIFT DOS-PCC framing: SOH (0x01) before and ETX (0x03) after each message.
        public static let controlFraming = Code(rawValue: "control_framing")
        /// A trailer such as `-XXX` after the message instead of a plain `-`.
        public static let messageTrailer = Code(rawValue: "message_trailer")
        /// A SWIFT-enveloped message without its closing `-}` at the end of the file.
        public static let missingMessageEnd = Code(rawValue: "missing_message_end")
        /// A blank (or blank-padded) line inside a field, kept as part of the field.
        public static let blankLineInField = Code(rawValue: "blank_line_in_field")
        /// Several `:86:` fields for one entry, joined.
        public static let repeatedNarrative = Code(rawValue: "repeated_narrative")
        /// A line starting with a tag MT940 does not define (`:12:`), read as text of the field before.
        public static let undefinedTagInField = Code(rawValue: "undefined_tag_in_field")
        /// A non-SWIFT `:NS:` block, skipped.
        public static let nonSwiftBlock = Code(rawValue: "non_swift_block")
        /// `:28:` instead of `:28C:`.
        public static let obsoleteTag = Code(rawValue: "obsolete_tag")
        /// An amount without a decimal comma, read as whole units.
        public static let amountWithoutDecimalComma = Code(rawValue: "amount_without_decimal_comma")
        /// An amount longer than the standard's 15 characters because of leading zeros.
        public static let amountLeadingZeros = Code(rawValue: "amount_leading_zeros")
        /// A `:61:` transaction type the standard does not list, kept as given.
        public static let nonstandardTransactionType = Code(rawValue: "nonstandard_transaction_type")
        /// A day that does not exist (30 February), booked on the month's last day.
        public static let impossibleDate = Code(rawValue: "impossible_date")
        /// A withdrawn ISO 4217 currency (`DEM`), read as written, never converted.
        public static let withdrawnCurrency = Code(rawValue: "withdrawn_currency")
        /// MT942 `:90D:`/`:90C:` totals that differ from the entries.
        public static let totalsMismatch = Code(rawValue: "totals_mismatch")
        /// camt: whitespace or blank lines before the XML declaration, skipped.
        public static let leadingWhitespace = Code(rawValue: "leading_whitespace")
        /// camt: an XML declaration naming an 8-bit encoding (ISO-8859-1, ISO-8859-15, windows-1252)
        /// instead of UTF-8; read in that encoding.
        public static let declaredEncoding = Code(rawValue: "declared_encoding")
        /// camt: elements in a namespace other than the document's (a bank's own), ignored and never
        /// interpreted, even when their names are camt names.
        public static let foreignElement = Code(rawValue: "foreign_element")
        /// camt: `SplmtryData` (supplementary data, free XML by the ISO rules), ignored.
        public static let supplementaryData = Code(rawValue: "supplementary_data")
        /// camt: an amount with more decimals than its currency has, all of them zeros (`300.000` EUR),
        /// read at the currency's exponent. Non-zero excess decimals are refused.
        public static let excessZeroDecimals = Code(rawValue: "excess_zero_decimals")
        /// More distinct warnings than a statement keeps.
        public static let moreWarnings = Code(rawValue: "more_warnings")
    }

    /// The kind of deviation.
    public var code: Code
    /// What was accepted and how it was read, without the location.
    public var message: String
    /// The 1-based line of the first occurrence, when known.
    public var line: Int?
    /// How many times the statement has it (at least 1).
    public var count: Int

    public init(_ code: Code, _ message: String, line: Int? = nil, count: Int = 1) {
        self.code = code
        self.message = message
        self.line = line
        self.count = count
    }

    /// `line 3: bank header line "ABNANL2A" skipped (2 times)`.
    public var description: String {
        var text = line.map { "line \($0): \(message)" } ?? message
        if count > 1 { text += " (\(count) times)" }
        return text
    }
}

/// The warnings of one statement, the same deviation counted rather than repeated, at most
/// ``limit`` distinct ones.
struct StatementWarningList {
    static let limit = 50

    private(set) var warnings: [StatementWarning] = []

    var isEmpty: Bool { warnings.isEmpty }

    mutating func add(_ code: StatementWarning.Code, _ message: String, line: Int?) {
        add(StatementWarning(code, message, line: line))
    }

    mutating func add(_ warning: StatementWarning) {
        if let index = warnings.firstIndex(where: { $0.code == warning.code && $0.message == warning.message }) {
            warnings[index].count += warning.count
        } else if warnings.count < Self.limit - 1 {
            warnings.append(warning)
        } else if let index = warnings.firstIndex(where: { $0.code == .moreWarnings }) {
            warnings[index].count += warning.count
        } else {
            // The last place counts what did not fit.
            warnings.append(StatementWarning(.moreWarnings, "more kinds of warnings than are kept",
                                             line: warning.line, count: warning.count))
        }
    }

    mutating func add(contentsOf other: StatementWarningList) {
        for warning in other.warnings { add(warning) }
    }
}
