import BankGateCore
import BankGateXML

/// Reads the XML answer of a Chinese bank's front-end program: bounded size, the declared
/// encoding (GBK, GB2312 or GB18030, read as GB18030, their superset; or UTF-8), then parsed with
/// ``HardenedXML`` (no DTD). Shared by the CMB and CCB codecs, which check the root themselves.
enum ChineseXMLAnswer {
    /// The encodings read as GB18030 when an answer declares them.
    static let gbFamily: Set<String> = ["GBK", "GB2312", "GB18030", "CP936"]

    /// The parsed document.
    /// - Parameters:
    ///   - maxBytes: the largest answer read.
    ///   - expected: the encoding the bank is expected to declare, named in the error for another one.
    /// - Throws: ``AdapterError`` when the answer is too large, declares an encoding outside the GB
    ///   family and UTF-8, is not valid GB18030, is not well-formed or has a DTD.
    static func parse(_ bytes: [UInt8], maxBytes: Int, expected: String = "GBK") throws(AdapterError) -> XMLNode {
        guard bytes.count <= maxBytes else {
            throw AdapterError("answer of \(bytes.count) bytes is over the limit of \(maxBytes) bytes")
        }
        let (declaredEncoding, bodyStart) = declaration(bytes)
        let utf8: [UInt8]
        if let declaredEncoding, declaredEncoding == "UTF-8" || declaredEncoding == "UTF8" {
            utf8 = Array(bytes[bodyStart...])
        } else {
            if let declaredEncoding, !gbFamily.contains(declaredEncoding) {
                throw AdapterError("answer declared in \(declaredEncoding), expected \(expected)", location: "xml declaration")
            }
            do {
                utf8 = Array(try ChineseTextEncoding.gb18030.decode(Array(bytes[bodyStart...]), field: "answer").utf8)
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

    /// The upper-cased encoding named by a leading XML declaration and the offset after the
    /// declaration (0 without one; 3 after a UTF-8 byte order mark). The declaration is dropped:
    /// the text handed to the parser is UTF-8, which is what libxml2 assumes without one.
    static func declaration(_ bytes: [UInt8]) -> (encoding: String?, end: Int) {
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
                // `encoding="GBK"`, also with spaces around `=` (ICBC's samples write `encoding = "GBK"`).
                var valueStart = position + key.count
                while valueStart < header.count, header[valueStart] == UInt8(ascii: " ") { valueStart += 1 }
                guard valueStart < header.count, header[valueStart] == UInt8(ascii: "=") else { break }
                valueStart += 1
                while valueStart < header.count, header[valueStart] == UInt8(ascii: " ") { valueStart += 1 }
                guard valueStart < header.count else { break }
                let quote = header[valueStart]
                guard quote == UInt8(ascii: "\"") || quote == UInt8(ascii: "'") else { break }
                let value = header[(valueStart + 1)...].prefix { $0 != quote }
                encoding = String(decoding: value, as: UTF8.self).uppercased()
                break
            }
        }
        return (encoding, index + 2)
    }

    /// The trimmed text of `node`, `nil` when absent or empty.
    static func text(_ node: XMLNode?) -> String? {
        guard let text = node?.trimmedText, !text.isEmpty else { return nil }
        return text
    }
}
