public import BankGateCore
public import BankGateXML

/// One answer of ICBC, read: `CMS/eb/pub` with its return code, and `out`.
public struct ICBCAnswer: Sendable, Hashable {
    /// `pub/TransCode`: the transaction answered.
    public var transCode: String
    /// `pub/fSeqno`: the package id of the request answered.
    public var packageId: String?
    /// `pub/SerialNo`: ICBC's own number for the package, when given.
    public var serialNumber: String?
    /// `pub/RetCode`: `0` when ICBC took the request (the results are in `out`).
    public var returnCode: String
    /// `pub/RetMsg`, when not empty.
    public var returnMessage: String?
    /// `out`, when present.
    public var out: XMLNode?

    /// The records of `out` (`out/rd`), in document order.
    public var records: [XMLNode] { out?.children("rd") ?? [] }

    /// The largest answer read, in bytes.
    public static let maxBytes = 8 << 20

    /// Reads an answer: the NetSafe Client's HTTP body (`reqData=` + Base64 of the GBK XML, unwrapped
    /// with ``ICBCAdapter/unwrapAnswer(_:)``) or the XML itself, parsed with ``ChineseXMLAnswer``
    /// (GBK read as GB18030, no DTD, bounded size).
    /// - Throws: ``AdapterError`` when the answer is not Base64, too large, not GBK, not well-formed,
    ///   has a DTD, is not a `CMS/eb` document or lacks `pub/RetCode`.
    public static func read(_ bytes: [UInt8]) throws(AdapterError) -> ICBCAnswer {
        let xml = bytes.starts(with: ICBCAdapter.answerPrefix) ? try ICBCAdapter.unwrapAnswer(bytes) : bytes
        let root = try ChineseXMLAnswer.parse(xml, maxBytes: maxBytes)
        guard root.name == "CMS", let eb = root.child("eb") else {
            throw AdapterError("not a CMS/eb answer", location: root.name)
        }
        guard let pub = eb.child("pub") else { throw AdapterError("missing pub", location: "CMS/eb") }
        guard let returnCode = text(pub.child("RetCode")) else {
            throw AdapterError("missing or empty RetCode", location: "pub/RetCode")
        }
        return ICBCAnswer(transCode: text(pub.child("TransCode")) ?? "", packageId: text(pub.child("fSeqno")),
                          serialNumber: text(pub.child("SerialNo")), returnCode: returnCode,
                          returnMessage: text(pub.child("RetMsg")), out: eb.child("out"))
    }

    /// `RetCode 0` or `RetCode B0012 指令包序列号为空或重复`, for messages.
    var envelopeText: String { "RetCode \(returnCode)" + (returnMessage.map { " \($0)" } ?? "") }

    /// The trimmed text of `node`, `nil` when absent or empty.
    static func text(_ node: XMLNode?) -> String? { ChineseXMLAnswer.text(node) }
}
