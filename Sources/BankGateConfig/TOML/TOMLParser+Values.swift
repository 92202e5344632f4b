/// Values: strings, integers, booleans and arrays.
extension TOMLParser {
    /// Parses the value that starts at the current position.
    mutating func parseValue() throws(TOMLError) -> TOMLValue {
        let valueLine = line
        guard let byte = peek(), byte != ASCII.newline, byte != ASCII.carriageReturn, byte != ASCII.hash else {
            throw TOMLError(line: line, "missing value after =")
        }
        switch byte {
        case ASCII.quote, ASCII.apostrophe:
            if startsTripleQuote() {
                throw TOMLError(line: line, "multi-line strings (\"\"\" or ''') are not supported")
            }
            let text = byte == ASCII.quote ? try parseBasicString() : try parseLiteralString()
            return TOMLValue(.string(text), line: valueLine)
        case ASCII.openBracket:
            return try parseArray()
        case ASCII.openBrace:
            throw TOMLError(line: line, "inline tables ({ … }) are not supported; write a [table] or [[array of tables]] section instead")
        default:
            let word = readWord()
            switch word {
            case "true": return TOMLValue(.boolean(true), line: valueLine)
            case "false": return TOMLValue(.boolean(false), line: valueLine)
            case "": throw TOMLError(line: line, "expected a value, found \(ASCII.describe(byte))")
            default: return TOMLValue(.integer(try integer(from: word)), line: valueLine)
            }
        }
    }

    /// Reads the characters that can make up a bare value (numbers, booleans, dates, floats).
    private mutating func readWord() -> String {
        let start = index
        while let b = peek(), ASCII.isBareKey(b) || b == ASCII.plus || b == ASCII.dot || b == ASCII.colon {
            index += 1
        }
        return String(decoding: bytes[start..<index], as: UTF8.self)
    }

    /// Converts a decimal integer such as `-1_000`; everything else that looks like a number is
    /// refused with the reason.
    private func integer(from word: String) throws(TOMLError) -> Int {
        let body = word.first == "+" || word.first == "-" ? word.dropFirst() : Substring(word)
        guard let first = body.first, first.isASCII, first.isNumber else {
            if body == "inf" || body == "nan" { throw TOMLError(line: line, "floating-point numbers are not supported: \(word)") }
            throw TOMLError(line: line, "unknown value \(word); strings need quotes and booleans are true or false")
        }
        if body.hasPrefix("0x") || body.hasPrefix("0o") || body.hasPrefix("0b") {
            throw TOMLError(line: line, "only decimal integers are supported: \(word)")
        }
        if body.contains(":") {
            throw TOMLError(line: line, "dates and times are not supported: \(word)")
        }
        if body.allSatisfy({ "0123456789_.eE+-".contains($0) }) && body.contains(where: { ".eE".contains($0) }) {
            throw TOMLError(line: line, "floating-point numbers are not supported: \(word)")
        }
        if body.contains("-") {
            throw TOMLError(line: line, "dates and times are not supported: \(word)")
        }
        guard !body.isEmpty, body.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == "_") }) else {
            throw TOMLError(line: line, "bad integer \(word); strings need quotes")
        }
        guard body.first != "_", body.last != "_", !body.contains("__") else {
            throw TOMLError(line: line, "bad integer \(word): each _ must sit between two digits")
        }
        guard body.count == 1 || body.first != "0" else {
            throw TOMLError(line: line, "bad integer \(word): leading zeros are not allowed")
        }
        let negative = word.first == "-"
        var value = 0
        for character in body where character != "_" {
            let digit = Int(character.asciiValue! - ASCII.zero)
            let (shifted, o1) = value.multipliedReportingOverflow(by: 10)
            let (next, o2) = negative ? shifted.subtractingReportingOverflow(digit) : shifted.addingReportingOverflow(digit)
            if o1 || o2 { throw TOMLError(line: line, "integer \(word) is out of range") }
            value = next
        }
        return value
    }

    /// Parses `[ … ]`: values separated by commas, over several lines if needed, with comments
    /// and a trailing comma allowed.
    private mutating func parseArray() throws(TOMLError) -> TOMLValue {
        let openLine = line
        guard arrayDepth < Self.maxArrayDepth else {
            throw TOMLError(line: line, "arrays nested more than \(Self.maxArrayDepth) deep")
        }
        arrayDepth += 1
        defer { arrayDepth -= 1 }
        index += 1
        var elements: [TOMLValue] = []
        while true {
            try skipArraySpace(openLine: openLine)
            if peek() == ASCII.closeBracket { index += 1; break }
            if peek() == ASCII.comma { throw TOMLError(line: line, "expected a value before , in the array") }
            elements.append(try parseValue())
            try skipArraySpace(openLine: openLine)
            switch peek() {
            case ASCII.comma: index += 1
            case ASCII.closeBracket: index += 1; return TOMLValue(.array(elements), line: openLine)
            default: throw TOMLError(line: line, "expected , or ] in the array opened on line \(openLine)")
            }
        }
        return TOMLValue(.array(elements), line: openLine)
    }

    /// Skips blanks, newlines and comments inside an array.
    private mutating func skipArraySpace(openLine: Int) throws(TOMLError) {
        while true {
            skipBlanks()
            switch peek() {
            case nil: throw TOMLError(line: line, "unterminated array (opened on line \(openLine))")
            case ASCII.newline, ASCII.carriageReturn: try consumeNewline()
            case ASCII.hash: try skipComment()
            default: return
            }
        }
    }

    /// Parses `"…"` with the escapes `\" \\ \b \t \n \f \r \uXXXX \UXXXXXXXX`.
    mutating func parseBasicString() throws(TOMLError) -> String {
        let startLine = line
        index += 1
        var out: [UInt8] = []
        while true {
            guard let b = peek(), b != ASCII.newline, b != ASCII.carriageReturn else {
                throw TOMLError(line: startLine, "unterminated string (a string must close on the line it opens)")
            }
            index += 1
            switch b {
            case ASCII.quote:
                return String(decoding: out, as: UTF8.self)
            case ASCII.backslash:
                out.append(contentsOf: try parseEscape())
            default:
                if ASCII.isControl(b) { throw TOMLError(line: line, "control character \(ASCII.describe(b)) in a string must be escaped") }
                out.append(b)
            }
        }
    }

    /// Decodes the escape after a backslash into UTF-8 bytes.
    private mutating func parseEscape() throws(TOMLError) -> [UInt8] {
        guard let b = peek(), b != ASCII.newline, b != ASCII.carriageReturn else {
            throw TOMLError(line: line, "unterminated string (a string must close on the line it opens)")
        }
        index += 1
        switch b {
        case ASCII.quote: return [ASCII.quote]
        case ASCII.backslash: return [ASCII.backslash]
        case UInt8(ascii: "b"): return [0x08]
        case UInt8(ascii: "t"): return [ASCII.tab]
        case UInt8(ascii: "n"): return [ASCII.newline]
        case UInt8(ascii: "f"): return [0x0C]
        case UInt8(ascii: "r"): return [ASCII.carriageReturn]
        case UInt8(ascii: "u"), UInt8(ascii: "U"):
            let count = b == UInt8(ascii: "u") ? 4 : 8
            guard index + count <= bytes.count,
                  let code = UInt32(String(decoding: bytes[index..<index + count], as: UTF8.self), radix: 16),
                  bytes[index..<index + count].allSatisfy(ASCII.isHexDigit) else {
                throw TOMLError(line: line, "\\\(Character(Unicode.Scalar(b))) must be followed by \(count) hexadecimal digits")
            }
            guard let scalar = Unicode.Scalar(code) else {
                throw TOMLError(line: line, "escape \\\(Character(Unicode.Scalar(b)))\(String(code, radix: 16, uppercase: true)) is not a Unicode scalar value")
            }
            index += count
            return Array(String(Character(scalar)).utf8)
        default:
            throw TOMLError(line: line, "unknown escape sequence \\\(ASCII.describePlain(b)) in a string")
        }
    }

    /// Parses `'…'`: no escapes, no control characters except tab.
    mutating func parseLiteralString() throws(TOMLError) -> String {
        let startLine = line
        index += 1
        let start = index
        while true {
            guard let b = peek(), b != ASCII.newline, b != ASCII.carriageReturn else {
                throw TOMLError(line: startLine, "unterminated string (a string must close on the line it opens)")
            }
            if b == ASCII.apostrophe { break }
            if ASCII.isControl(b) { throw TOMLError(line: line, "control character \(ASCII.describe(b)) in a literal string") }
            index += 1
        }
        defer { index += 1 }
        return String(decoding: bytes[start..<index], as: UTF8.self)
    }
}
