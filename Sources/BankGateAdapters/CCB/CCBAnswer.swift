public import BankGateCore
public import BankGateXML

/// One answer of CCB's 外联客户端, read: the `TX` header and its `TX_INFO`.
public struct CCBAnswer: Sendable, Hashable {
    /// `REQUEST_SN`: the request number of the request answered, when given.
    public var requestNumber: String?
    /// `TX_CODE`: the transaction answered, when given.
    public var code: String?
    /// `RETURN_CODE`: `000000` for success, a 12-character code otherwise.
    public var returnCode: String
    /// `RETURN_MSG`, when not empty.
    public var returnMessage: String?
    /// `TX_INFO`, when present.
    public var info: XMLNode?

    /// The trimmed text of `TX_INFO/name`, `nil` when absent or empty.
    public func info(_ name: String) -> String? { ChineseXMLAnswer.text(info?.child(name)) }

    /// The largest answer read, in bytes (a page of 200 transactions is well below this).
    public static let maxBytes = 8 << 20

    /// Reads an answer: GB18030 (the superset of the GB2312 and GBK the client may declare) unless
    /// it declares UTF-8, parsed with ``HardenedXML`` (no DTD, bounded size). An answer without a
    /// declaration is read as GB18030.
    /// - Throws: ``AdapterError`` when the answer is too large, not GB18030, not well-formed, has a
    ///   DTD, is not a `TX` document or lacks `RETURN_CODE`.
    public static func read(_ bytes: [UInt8]) throws(AdapterError) -> CCBAnswer {
        let root = try ChineseXMLAnswer.parse(bytes, maxBytes: maxBytes, expected: "GB18030")
        guard root.name == "TX" else { throw AdapterError("not a TX answer", location: root.name) }
        guard let returnCode = ChineseXMLAnswer.text(root.child("RETURN_CODE")) else {
            throw AdapterError("missing or empty RETURN_CODE", location: "TX/RETURN_CODE")
        }
        return CCBAnswer(requestNumber: ChineseXMLAnswer.text(root.child("REQUEST_SN")),
                         code: ChineseXMLAnswer.text(root.child("TX_CODE")), returnCode: returnCode,
                         returnMessage: ChineseXMLAnswer.text(root.child("RETURN_MSG")), info: root.child("TX_INFO"))
    }

    /// `RETURN_CODE` and `RETURN_MSG` as one line, for reasons and errors.
    var envelope: String { "RETURN_CODE \(returnCode)" + (returnMessage.map { " \($0)" } ?? "") }
}
