public import BankGateCore
public import BankGateXML

/// One answer of ABC's client, read: the `ap` header fields and the document.
public struct ABCAnswer: Sendable, Hashable {
    /// `CCTransCode` (or `TransCode`, which some answers carry instead): the transaction answered.
    public var transactionCode: String?
    /// `ReqSeqNo`, when the answer echoes it.
    public var requestId: String?
    /// `RespSource`: where the answer comes from (`0` in the successful samples; meaning not documented).
    public var responseSource: String?
    /// `RespCode`: `0000` when the request went through.
    public var responseCode: String
    /// `RespInfo` and `RxtInfo` (extended information), when not empty.
    public var responseInfo: String?
    public var extendedInfo: String?
    /// `RespSeqNo`: the bank's sequence number for this answer.
    public var responseSequenceNumber: String?
    /// The whole `ap` element.
    public var root: XMLNode

    /// The largest body read, in bytes (the frame's six digits allow less than 1 MB anyway).
    public static let maxBytes = 1 << 20

    /// Reads an answer as received on the socket: checks and removes the 7-byte header
    /// (``ABCAdapter/unframe(_:)``), reads the GBK body (GB18030, its superset; a declaration, if
    /// any, is honoured) with ``HardenedXML`` (no DTD, bounded size).
    /// - Throws: ``AdapterError`` for a bad frame, bytes that are not GBK, XML that is not
    ///   well-formed or has a DTD, a root other than `ap`, or no `RespCode`.
    public static func read(_ bytes: [UInt8]) throws(AdapterError) -> ABCAnswer {
        let body = try ABCAdapter.unframe(bytes)
        let root = try ChineseXMLAnswer.parse(body, maxBytes: maxBytes, expected: "GBK")
        guard root.name == "ap" else { throw AdapterError("not an ap answer", location: root.name) }
        guard let responseCode = text(root.child("RespCode")) else {
            throw AdapterError("missing or empty RespCode", location: "ap/RespCode")
        }
        return ABCAnswer(transactionCode: text(root.child("CCTransCode")) ?? text(root.child("TransCode")),
                         requestId: text(root.child("ReqSeqNo")), responseSource: text(root.child("RespSource")),
                         responseCode: responseCode, responseInfo: text(root.child("RespInfo")),
                         extendedInfo: text(root.child("RxtInfo")),
                         responseSequenceNumber: text(root.child("RespSeqNo")), root: root)
    }

    /// The trimmed text at `section/name` (`Cmp`, `BatchFileName`), `nil` when absent or empty.
    public func value(_ section: String, _ name: String) -> String? {
        Self.text(root.child(section)?.child(name))
    }

    /// `RespCode`, `RespInfo` and `RxtInfo` as one line for an operator.
    var summary: String {
        (["RespCode \(responseCode)"] + [responseInfo, extendedInfo].compactMap { $0 }).joined(separator: " ")
    }

    /// The trimmed text of `node`, `nil` when absent or empty.
    static func text(_ node: XMLNode?) -> String? { ChineseXMLAnswer.text(node) }
}
