/// A strict parser for the subset of TOML 1.0 that bankgate's configuration uses.
///
/// Supported: comments, bare and quoted keys, `[table]` and `[[array of tables]]` headers with a
/// single key, basic strings with escapes, literal strings, decimal integers with `_`
/// separators, booleans and arrays (which may span lines and end with a comma). Everything else
/// TOML allows (dotted keys, inline tables, multi-line strings, floats, dates, hexadecimal
/// integers) is refused with an error naming the construct, never silently misread.
package struct TOMLParser {
    let bytes: [UInt8]
    var index = 0
    var line = 1
    /// How many arrays enclose the current position: bounded by ``maxArrayDepth``, so that deeply
    /// nested input is refused instead of overflowing the stack (the reader recurses).
    var arrayDepth = 0
    /// The deepest arrays may nest; bankgate's configuration never nests more than two.
    static let maxArrayDepth = 32

    /// The section whose keys are being read: the header's key, its line, and whether it is
    /// an element of an array of tables.
    private struct Section {
        var name: String
        var isArrayElement: Bool
        var table: TOMLTable
    }

    private init(text: String) {
        bytes = Array(text.utf8)
    }

    /// Parses a whole document into its root table.
    package static func parse(_ text: String) throws(TOMLError) -> TOMLTable {
        var parser = TOMLParser(text: text)
        return try parser.parseDocument()
    }

    private mutating func parseDocument() throws(TOMLError) -> TOMLTable {
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { index = 3 }
        var root = TOMLTable(line: 1)
        var section: Section?
        while true {
            skipBlanks()
            guard let byte = peek() else { break }
            switch byte {
            case ASCII.newline, ASCII.carriageReturn:
                try consumeNewline()
            case ASCII.hash:
                try skipComment()
            case ASCII.openBracket:
                if let finished = section { close(finished, into: &root) }
                section = try parseHeader(root: root)
                try expectEndOfLine(after: "the table header")
            default:
                let keyLine = line
                let key = try parseKey()
                skipBlanks()
                guard peek() == ASCII.equals else {
                    if peek() == ASCII.dot { throw TOMLError(line: line, "dotted keys are not supported; write a [table] section instead") }
                    throw TOMLError(line: line, "expected = after the key \"\(key)\"")
                }
                index += 1
                skipBlanks()
                let value = try parseValue()
                try expectEndOfLine(after: "the value of \"\(key)\"")
                if section == nil {
                    try insert(value, for: key, keyLine: keyLine, into: &root)
                } else {
                    try insert(value, for: key, keyLine: keyLine, into: &section!.table)
                }
            }
        }
        if let finished = section { close(finished, into: &root) }
        return root
    }

    private func insert(_ value: TOMLValue, for key: String, keyLine: Int, into table: inout TOMLTable) throws(TOMLError) {
        if let existing = table.insert(value, for: key) {
            throw TOMLError(line: keyLine, "duplicate key \"\(key)\" (first defined on line \(existing.line))")
        }
    }

    /// Stores a finished section in the root table.
    private func close(_ section: Section, into root: inout TOMLTable) {
        if section.isArrayElement {
            _ = root.append(section.table, toArrayOf: section.name, line: section.table.line)
        } else {
            root.insert(TOMLValue(.table(section.table), line: section.table.line), for: section.name)
        }
    }

    /// Parses `[name]` or `[[name]]` and checks it does not clash with what `root` already holds.
    private mutating func parseHeader(root: TOMLTable) throws(TOMLError) -> Section {
        let headerLine = line
        index += 1
        let isArray = peek() == ASCII.openBracket
        if isArray { index += 1 }
        skipBlanks()
        let name = try parseKey()
        skipBlanks()
        if peek() == ASCII.dot {
            throw TOMLError(line: line, "dotted table names such as [\(name).…] are not supported")
        }
        guard peek() == ASCII.closeBracket else {
            throw TOMLError(line: line, "expected \(isArray ? "]]" : "]") to close the table header")
        }
        index += 1
        if isArray {
            guard peek() == ASCII.closeBracket else { throw TOMLError(line: line, "expected ]] to close the array-of-tables header") }
            index += 1
        }
        if let existing = root[name] {
            switch existing.kind {
            case .tableArray where isArray:
                break
            case .tableArray:
                throw TOMLError(line: headerLine, "[\(name)] clashes with the array of tables [[\(name)]] on line \(existing.line)")
            case .table:
                throw TOMLError(line: headerLine, "table [\(name)] is already defined on line \(existing.line)")
            default:
                throw TOMLError(line: headerLine, "table [\(name)] clashes with the key \"\(name)\" defined on line \(existing.line)")
            }
        }
        return Section(name: name, isArrayElement: isArray, table: TOMLTable(line: headerLine))
    }

    /// Parses a bare key (`A-Z a-z 0-9 _ -`) or a quoted one.
    mutating func parseKey() throws(TOMLError) -> String {
        guard let byte = peek() else { throw TOMLError(line: line, "expected a key") }
        if byte == ASCII.quote || byte == ASCII.apostrophe {
            if startsTripleQuote() { throw TOMLError(line: line, "multi-line strings cannot be keys") }
            return byte == ASCII.quote ? try parseBasicString() : try parseLiteralString()
        }
        let start = index
        while let b = peek(), ASCII.isBareKey(b) { index += 1 }
        guard index > start else {
            if byte == ASCII.openBrace { throw TOMLError(line: line, "inline tables are not supported") }
            throw TOMLError(line: line, "expected a key, found \(ASCII.describe(byte))")
        }
        return String(decoding: bytes[start..<index], as: UTF8.self)
    }

    // MARK: - Whitespace, comments and line ends

    func peek(_ offset: Int = 0) -> UInt8? {
        index + offset < bytes.count ? bytes[index + offset] : nil
    }

    /// Skips spaces and tabs.
    mutating func skipBlanks() {
        while let b = peek(), b == ASCII.space || b == ASCII.tab { index += 1 }
    }

    /// Consumes `\n` or `\r\n`; a lone carriage return is refused.
    mutating func consumeNewline() throws(TOMLError) {
        if peek() == ASCII.carriageReturn {
            guard peek(1) == ASCII.newline else { throw TOMLError(line: line, "carriage return not followed by a line feed") }
            index += 1
        }
        index += 1
        line += 1
    }

    /// Skips a `#` comment up to (not including) the end of its line.
    mutating func skipComment() throws(TOMLError) {
        index += 1
        while let b = peek(), b != ASCII.newline, b != ASCII.carriageReturn {
            if ASCII.isControl(b) { throw TOMLError(line: line, "control character \(ASCII.describe(b)) in a comment") }
            index += 1
        }
    }

    /// After a value or header: only blanks and a comment may follow before the line ends.
    mutating func expectEndOfLine(after what: String) throws(TOMLError) {
        skipBlanks()
        if peek() == ASCII.hash { try skipComment() }
        guard let b = peek() else { return }
        guard b == ASCII.newline || b == ASCII.carriageReturn else {
            throw TOMLError(line: line, "unexpected \(ASCII.describe(b)) after \(what); each key = value needs its own line")
        }
        try consumeNewline()
    }

    func startsTripleQuote() -> Bool {
        guard let q = peek() else { return false }
        return peek(1) == q && peek(2) == q
    }
}
