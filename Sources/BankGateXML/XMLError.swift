/// Why a document was refused or could not be read.
public struct XMLError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of failure this is.
    public enum Code: String, Sendable, Hashable {
        /// The document is larger than the caller's limit.
        case tooLarge
        /// The document has a DTD or declares entities: refused, never processed.
        case dtdRefused
        /// The document is not well-formed XML (or uses an unsupported encoding).
        case notWellFormed
        /// The document ends before its root element does (the pull reader's guess at a cut-off file).
        case truncated
        /// Elements nest deeper, a text is longer, or a document uses more distinct element names
        /// than the pull reader allows.
        case limitExceeded
        /// The pull reader does not read the document's encoding (UTF-16, or a declared encoding
        /// other than UTF-8 and the 8-bit ones it converts).
        case unsupportedEncoding
        /// The document cannot be opened or read.
        case io
        /// A schema could not be loaded.
        case schema
    }

    /// What went wrong, for operators.
    public var message: String
    /// The line at fault, when known.
    public var line: Int?
    /// The kind of failure.
    public var code: Code

    public init(_ message: String, line: Int? = nil, code: Code = .notWellFormed) {
        self.message = message
        self.line = line
        self.code = code
    }

    public var description: String {
        line.map { "\(message) (line \($0))" } ?? message
    }
}
