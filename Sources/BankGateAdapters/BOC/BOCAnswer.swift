public import BankGateCore
public import BankGateXML

/// A `status` element of a BOC answer: `rspcod` and its message.
public struct BOCStatus: Hashable, Sendable {
    /// `rspcod`: `B001` when the request went through.
    public var code: String
    /// `rspmsg` (or `errmsg`, seen in a published sample), when not empty.
    public var message: String?

    public init(code: String, message: String?) {
        self.code = code
        self.message = message
    }

    /// The code's category in `codes` (an adapter's ``BOCAdapter/codes``), `nil` when the table
    /// does not know it.
    public func category(in codes: BOCCodes.Table) -> BankCodeCategory? { codes.category(.responseCode, code) }

    /// `B107 未签到`: the code and message, for operators.
    public var description: String { code + (message.map { " " + $0 } ?? "") }

    /// The status of `node`: its `status` child, else `rspcod`/`rspmsg` directly in `node` (a
    /// published `b2e0007` sample puts them there). `nil` without a code.
    static func of(_ node: XMLNode) -> BOCStatus? {
        let holder = node.child("status") ?? node
        guard let code = BOCAnswer.text(holder.child("rspcod")) else { return nil }
        return BOCStatus(code: code, message: BOCAnswer.text(holder.child("rspmsg")) ?? BOCAnswer.text(holder.child("errmsg")))
    }
}

/// One answer of BOC's B2E server, read: the transaction answered, its envelope status and its
/// records.
public struct BOCAnswer: Sendable, Hashable {
    /// The transaction code answered (`b2e0009`), from the name of `trn-<code>-rs`; `b2eerror` when
    /// the server answered with its error transaction.
    public var transactionCode: String
    /// `trn-<code>-rs/status`: the envelope's status.
    public var status: BOCStatus
    /// The `trn-<code>-rs` element.
    public var result: XMLNode
    /// `trn-<code>-rs/<code>-rs`: one record per item asked, in document order.
    public var records: [XMLNode]

    /// `trn-<code>-rs/token`, else `head/token`.
    public var token: String?
    /// `serverdt`: the bank's time, `YYYYMMDDHHMMSS`.
    public var serverTime: String?

    /// The largest answer read, in bytes.
    public static let maxBytes = 8 << 20

    /// Reads an answer: UTF-8 (as version 120 declares, or without a declaration) or GB2312/GBK
    /// (version 100) by its XML declaration, parsed with ``HardenedXML`` (no DTD, bounded size).
    ///
    /// The `trn-…-rs` element is looked for in `bocb2e/trans`, then directly in the root (integration
    /// code was seen reading answers of either shape).
    /// - Throws: ``AdapterError`` when the answer is too large, not well-formed, has a DTD, has no
    ///   `trn-…-rs` element or no `status/rspcod` in it.
    public static func read(_ bytes: [UInt8]) throws(AdapterError) -> BOCAnswer {
        let root = try ChineseXMLAnswer.parse(bytes, maxBytes: maxBytes, expected: "UTF-8 or GBK", undeclared: .utf8)
        guard root.name == "bocb2e" else { throw AdapterError("not a bocb2e answer", location: root.name) }
        let container = root.child("trans") ?? root
        guard let result = container.children.first(where: { $0.name.hasPrefix("trn-") && $0.name.hasSuffix("-rs") }) else {
            throw AdapterError("no trn-…-rs element", location: "bocb2e/trans")
        }
        let code = String(result.name.dropFirst(4).dropLast(3))
        guard let status = result.child("status").flatMap(BOCStatus.of) else {
            throw AdapterError("missing or empty status/rspcod", location: result.name + "/status")
        }
        return BOCAnswer(transactionCode: code, status: status, result: result, records: result.children(code + "-rs"),
                         token: text(result.child("token")) ?? text(root.child("head")?.child("token")),
                         serverTime: text(result.child("serverdt")))
    }

    /// The trimmed text of `node`, `nil` when absent or empty.
    static func text(_ node: XMLNode?) -> String? { ChineseXMLAnswer.text(node) }
}
