import BankGateCore

/// The XML declaration at the head of a bank's answer: which encoding it names, and the document
/// as UTF-8 for ``HardenedXML`` (which is handed UTF-8 without a declaration).
///
/// Shared by the codecs of banks that answer in GBK (CMB), or in UTF-8 or GB2312 by version (BOC).
enum XMLDeclaration {
    /// The upper-cased encoding named by a leading XML declaration, and the offset after the
    /// declaration (after a UTF-8 byte-order mark when there is no declaration, else 0).
    /// Whitespace around `=` and inside the value is tolerated (`encoding = "UTF - 8"` is
    /// `UTF-8`: integration code was seen writing both).
    static func read(_ bytes: [UInt8]) -> (encoding: String?, end: Int) {
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

    /// The encodings of the GB family, all read as GB18030 (their superset).
    static let chineseEncodings: Set<String> = ["GBK", "GB2312", "GB18030", "CP936"]

    /// The document after its declaration, as UTF-8: as is when it declares UTF-8, decoded from
    /// GB18030 when it declares GBK, GB2312 or GB18030; a document without a declaration is read as
    /// `undeclared`.
    /// - Throws: ``AdapterError`` for any other declared encoding or bytes invalid in theirs.
    static func utf8Document(_ bytes: [UInt8], undeclared: ChineseTextEncoding?) throws(AdapterError) -> [UInt8] {
        let (declared, bodyStart) = read(bytes)
        let body = Array(bytes[bodyStart...])
        let readAsChinese: Bool
        switch declared {
        case "UTF-8"?, "UTF8"?: readAsChinese = false
        case let name? where chineseEncodings.contains(name): readAsChinese = true
        case let name?: throw AdapterError("answer declared in \(name), expected UTF-8 or GBK", location: "xml declaration")
        case nil: readAsChinese = undeclared != nil
        }
        // Invalid UTF-8 is left to the parser, which refuses it.
        guard readAsChinese else { return body }
        do {
            return Array(try ChineseTextEncoding.gb18030.decode(body, field: "answer").utf8)
        } catch {
            throw AdapterError(error.description)
        }
    }
}
