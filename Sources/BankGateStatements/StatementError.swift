/// Why a statement file could not be read or a statement could not be written.
///
/// Reading errors name the place at fault: the 1-based line and the element path (camt, relative
/// to the statement, e.g. `Ntry/Amt`) or the field tag (MT940, e.g. `:61:`), so that an operator can
/// open the file at that line. ``description`` reads like
/// `line 57, Ntry/Amt: "12,50" is not a decimal amount`.
public struct StatementError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of failure.
    public enum Code: String, Sendable, Hashable {
        /// The input is neither a camt.052/053/054 document nor an MT940/MT942 file, or it is a
        /// version bankgate does not read.
        case unsupportedFormat
        /// The XML is not well-formed, or the MT940 text does not follow the field syntax.
        case malformed
        /// The document has a DTD or an entity reference: refused, never processed.
        case dtdRefused
        /// A text node, a line or the nesting depth is over the reader's limit.
        case limitExceeded
        /// An amount is not a decimal number, or has more decimals than its currency allows.
        case invalidAmount
        /// A date or date-time is not in the expected form.
        case invalidDate
        /// A code or value outside the allowed set (a currency, a credit/debit mark, a status).
        case invalidValue
        /// A mandatory element or field is missing.
        case missingField
        /// The input ends in the middle of a statement or message.
        case truncated
        /// The file cannot be opened or read.
        case io
        /// A writer was given a value its format cannot carry.
        case unwritable
    }

    /// The kind of failure.
    public var code: Code
    /// What is wrong, without the location.
    public var message: String
    /// The 1-based line at fault, when known.
    public var line: Int?
    /// The element path (camt) or field tag (MT940) at fault, when known.
    public var location: String?

    public init(_ code: Code, _ message: String, line: Int? = nil, location: String? = nil) {
        self.code = code
        self.message = message
        self.line = line
        self.location = location
    }

    public var description: String {
        switch (line, location) {
        case let (line?, location?): "line \(line), \(location): \(message)"
        case let (line?, nil): "line \(line): \(message)"
        case let (nil, location?): "\(location): \(message)"
        case (nil, nil): message
        }
    }
}
