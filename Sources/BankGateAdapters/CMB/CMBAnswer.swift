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

    /// Reads an answer with ``ChineseXMLAnswer``: transcoded from GBK (GB18030, its superset) to
    /// UTF-8 unless it declares UTF-8, parsed with ``HardenedXML`` (no DTD, bounded size).
    ///
    /// Answers without an XML declaration are read as GBK: the front-end declares GBK on requests,
    /// and the one real answer published has no declaration (assumed, see the README).
    /// - Throws: ``AdapterError`` when the answer is too large, not GBK, not well-formed, has a DTD,
    ///   is not a `CMBSDKPGK` document or lacks `INFO/RETCOD`.
    public static func read(_ bytes: [UInt8]) throws(AdapterError) -> CMBAnswer {
        let root = try ChineseXMLAnswer.parse(bytes, maxBytes: maxBytes)
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

    /// The trimmed text of `node`, `nil` when absent or empty.
    static func text(_ node: XMLNode?) -> String? { ChineseXMLAnswer.text(node) }
}
