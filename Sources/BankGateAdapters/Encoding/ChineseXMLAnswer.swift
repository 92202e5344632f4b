import BankGateCore
public import BankGateXML

/// Reads the XML answer of a Chinese bank's front-end program: bounded size, the declared
/// encoding (GBK, GB2312 or GB18030, read as GB18030, their superset; or UTF-8), then parsed with
/// ``HardenedXML`` (no DTD). Shared by every Chinese bank's codec (CMB, CCB, ICBC, ABC, BOC), which
/// check the root themselves, and by the simulator.
public enum ChineseXMLAnswer {
    /// The encodings read as GB18030 when an answer declares them.
    static let gbFamily: Set<String> = ["GBK", "GB2312", "GB18030", "CP936"]

    /// How an answer without an XML declaration is read.
    enum Undeclared {
        /// As GB18030 (CMB, CCB, ICBC, ABC: their front-ends write GBK or GB2312).
        case gb18030
        /// As UTF-8 (BOC version 120).
        case utf8
    }

    /// The parsed document.
    /// - Parameters:
    ///   - maxBytes: the largest answer read.
    ///   - expected: the encoding the bank is expected to declare, named in the error for another one.
    ///   - undeclared: how an answer without a declaration is read.
    /// - Throws: ``AdapterError`` when the answer is too large, declares an encoding outside the GB
    ///   family and UTF-8, is not valid GB18030, is not well-formed or has a DTD. Invalid UTF-8 is
    ///   left to the parser, which refuses it.
    static func parse(_ bytes: [UInt8], maxBytes: Int, expected: String = "GBK",
                      undeclared: Undeclared = .gb18030) throws(AdapterError) -> XMLNode {
        guard bytes.count <= maxBytes else {
            throw AdapterError("answer of \(bytes.count) bytes is over the limit of \(maxBytes) bytes")
        }
        let (declaredEncoding, bodyStart) = declaration(bytes)
        let readAsChinese: Bool
        switch declaredEncoding {
        case "UTF-8"?, "UTF8"?: readAsChinese = false
        case let name? where gbFamily.contains(name): readAsChinese = true
        case let name?: throw AdapterError("answer declared in \(name), expected \(expected)", location: "xml declaration")
        case nil: readAsChinese = undeclared == .gb18030
        }
        var utf8 = Array(bytes[bodyStart...])
        if readAsChinese {
            do {
                utf8 = Array(try ChineseTextEncoding.gb18030.decode(utf8, field: "answer").utf8)
            } catch {
                throw AdapterError(error.description)
            }
        }
        do {
            return try HardenedXML.parse(utf8, maxBytes: 2 * maxBytes)
        } catch {
            throw AdapterError("answer refused: \(error.message)", location: error.line.map { "line \($0)" })
        }
    }

    /// The upper-cased encoding named by a leading XML declaration, and the offset after the
    /// declaration (0 without one, or without its closing `?>`; 3 after a UTF-8 byte order mark).
    /// Whitespace around `=` and inside the value is tolerated (`encoding = "GBK"` in ICBC's
    /// samples; `encoding = "UTF - 8"`, seen in BOC integration code, is `UTF-8`).
    ///
    /// The declaration is meant to be dropped: the text handed to ``HardenedXML`` is UTF-8, which
    /// is what libxml2 assumes without one.
    public static func declaration(_ bytes: [UInt8]) -> (encoding: String?, end: Int) {
        var start = 0
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { start = 3 }
        guard bytes[start...].starts(with: Array("<?xml".utf8)) else { return (nil, start) }
        var index = start + 5
        while index + 1 < bytes.count, !(bytes[index] == UInt8(ascii: "?") && bytes[index + 1] == UInt8(ascii: ">")) {
            index += 1
        }
        guard index + 1 < bytes.count else { return (nil, start) }
        let header = Array(bytes[start..<index])
        let key = Array("encoding".utf8)
        var encoding: String?
        if header.count > key.count {
            for position in 0...(header.count - key.count) where header[position..<position + key.count].elementsEqual(key) {
                var cursor = position + key.count
                while cursor < header.count, header[cursor] == UInt8(ascii: " ") { cursor += 1 }
                guard cursor < header.count, header[cursor] == UInt8(ascii: "=") else { break }
                cursor += 1
                while cursor < header.count, header[cursor] == UInt8(ascii: " ") { cursor += 1 }
                guard cursor < header.count else { break }
                let quote = header[cursor]
                guard quote == UInt8(ascii: "\"") || quote == UInt8(ascii: "'") else { break }
                let value = header[(cursor + 1)...].prefix { $0 != quote }.filter { $0 != UInt8(ascii: " ") }
                encoding = String(decoding: value, as: UTF8.self).uppercased()
                break
            }
        }
        return (encoding, index + 2)
    }

    /// The trimmed text of `node`, `nil` when absent or empty.
    public static func text(_ node: XMLNode?) -> String? {
        guard let text = node?.trimmedText, !text.isEmpty else { return nil }
        return text
    }
}
