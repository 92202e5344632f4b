import BankGateXML

extension StatementError {
    /// The statement error for a failure of BankGateXML's pull reader: the same message and line,
    /// under the statement reader's code for it.
    init(_ error: XMLError) {
        let code: Code = switch error.code {
        case .dtdRefused: .dtdRefused
        case .notWellFormed, .schema: .malformed
        case .truncated: .truncated
        case .limitExceeded, .tooLarge: .limitExceeded
        case .unsupportedEncoding: .unsupportedFormat
        case .io: .io
        }
        self.init(code, error.message, line: error.line)
    }
}

extension StatementWarning {
    /// The warning for what the pull reader accepted before a camt document's root element.
    init(_ note: XMLPrologNote) {
        switch note.kind {
        case .byteOrderMark:
            self.init(.byteOrderMark, "a UTF-8 byte order mark before the XML is skipped", line: note.line)
        case .leadingWhitespace:
            self.init(.leadingWhitespace, "whitespace or blank lines before the XML are skipped", line: note.line)
        case .declaredEncoding(let name):
            self.init(.declaredEncoding, "the XML declares encoding \(name), not UTF-8: read as \(name)",
                      line: note.line)
        }
    }
}
