public import BankGateCore
public import BankGateXML

/// One answer of CMB's front-end program, read: the `INFO` header and the records after it.
public struct CMBAnswer: Sendable, Hashable {
    /// `INFO/FUNNAM`: the function answered.
    public var function: String
    /// `INFO/RETCOD`: `0` when the front-end and the bank took the request (the business result
    /// is in the records), negative for an envelope-level failure.
    public var returnCode: String
    /// `INFO/ERRMSG`, when not empty.
    public var errorMessage: String?
    /// The records after `INFO`, in document order.
    public var records: [XMLNode]

    /// The records named `name`.
    public func records(_ name: String) -> [XMLNode] { records.filter { $0.name == name } }

    /// The largest answer read, in bytes (a month of transactions is well below this).
    public static let maxBytes = 8 << 20

    /// Reads an answer: transcodes it from GBK (GB18030, its superset) to UTF-8 unless it declares
    /// UTF-8, and parses it with ``HardenedXML`` (no DTD, bounded size).
    ///
    /// Answers without an XML declaration are read as GBK: the front-end declares GBK on requests,
    /// and the one real answer published has no declaration (assumed, see the README).
    /// - Throws: ``AdapterError`` when the answer is too large, not GBK, not well-formed, has a DTD,
    ///   is not a `CMBSDKPGK` document or lacks `INFO/RETCOD`.
    public static func read(_ bytes: [UInt8]) throws(AdapterError) -> CMBAnswer {
        guard bytes.count <= maxBytes else {
            throw AdapterError("answer of \(bytes.count) bytes is over the limit of \(maxBytes) bytes")
        }
        let (declaredEncoding, bodyStart) = declaration(bytes)
        let utf8: [UInt8]
        if let declaredEncoding, declaredEncoding == "UTF-8" || declaredEncoding == "UTF8" {
            utf8 = Array(bytes[bodyStart...])
        } else {
            if let declaredEncoding, !["GBK", "GB2312", "GB18030", "CP936"].contains(declaredEncoding) {
                throw AdapterError("answer declared in \(declaredEncoding), expected GBK", location: "xml declaration")
            }
            do {
                utf8 = Array(try ChineseTextEncoding.gb18030.decode(Array(bytes[bodyStart...]), field: "answer").utf8)
            } catch {
                throw AdapterError(error.description)
            }
        }
        let root: XMLNode
        do {
            root = try HardenedXML.parse(utf8, maxBytes: 2 * maxBytes)
        } catch {
            throw AdapterError("answer refused: \(error.message)", location: error.line.map { "line \($0)" })
        }
        guard root.name == "CMBSDKPGK" else {
            throw AdapterError("not a CMBSDKPGK answer", location: root.name)
        }
        guard let info = root.child("INFO") else { throw AdapterError("missing INFO", location: "CMBSDKPGK") }
        guard let returnCode = text(info.child("RETCOD")) else {
            throw AdapterError("missing or empty RETCOD", location: "INFO/RETCOD")
        }
        return CMBAnswer(function: text(info.child("FUNNAM")) ?? "", returnCode: returnCode,
                         errorMessage: text(info.child("ERRMSG")),
                         records: root.children.filter { $0.name != "INFO" })
    }

    /// The upper-cased encoding named by a leading XML declaration and the offset after the
    /// declaration (0 without one). The declaration is dropped: the text handed to the parser is
    /// UTF-8, which is what libxml2 assumes without one.
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
        let key = Array("encoding=".utf8)
        var encoding: String?
        if header.count > key.count {
            for position in 0...(header.count - key.count) where header[position..<position + key.count].elementsEqual(key) {
                let valueStart = position + key.count
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
