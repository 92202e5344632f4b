import BankGateAdapters
import BankGateCore
import BankGateXML

/// The bank side of BOC's B2E XML (`bocb2e` version 120, UTF-8): reads what the gateway posts and
/// writes answers in the shape of the published templates: the declaration, `bocb2e` with `head`
/// (`termid`, `trnid`, `custid`, `cusopr`, `trncod`, `token`) and `trans/trn-<code>-rs` with
/// `status/rspcod`, `rspmsg`, the records, `serverdt` and the token. Pure; no I/O. The shapes are in
/// `adapters/boc/SIMULATOR.md`.
enum BOCBankCodec {
    /// The largest request read, in bytes.
    static let maxRequestBytes = BOCAnswer.maxBytes
    /// `Content-Type` of every answer.
    static let contentType = "text/xml; charset=UTF-8"

    /// A request as received.
    struct Request: Sendable {
        var terminalId: String?
        var messageId: String?
        var customerId: String?
        var operatorId: String?
        /// `head/trncod`.
        var code: String
        var token: String?
        /// The `<code>-rq` records of `trans/trn-<code>-rq`, in document order.
        var records: [XMLNode]
        /// `trans/trn-<code>-rq`.
        var transaction: XMLNode
    }

    /// A refusal on the envelope: `rspcod` and `rspmsg` of `trn-<code>-rs/status`, nothing done.
    struct Refusal: Error, Hashable, Sendable {
        var code: String
        var message: String

        /// `B010` 报文格式错误: a request that cannot be read, or lacks a field (the simulator's code).
        static func format(_ reason: String) -> Refusal { Refusal(code: "B010", message: "报文格式错误: \(reason)") }
        /// `B107` 前置机未签到: no token, an unknown or expired one, or one of another operator.
        static let signInRequired = Refusal(code: "B107", message: "前置机未签到")
        /// `B098` 操作员密码错误: a sign-in with the wrong `termid`, `custid`, `cusopr` or `oprpwd`.
        static let signInRefused = Refusal(code: "B098", message: "操作员密码错误")
        /// `B999`: the injected failure (busy) and the maintenance window, nothing done.
        static let busy = Refusal(code: "B999", message: "系统繁忙，请稍后再试")
        static let maintenance = Refusal(code: "B999", message: "系统维护中，请稍后再试")
    }

    /// Reads a request: an XML declaration, when present, must name UTF-8; parsed by ``HardenedXML``
    /// (no DTD, bounded size); root `bocb2e` with `head/trncod` and `trans/trn-<trncod>-rq`.
    /// - Throws: ``BankCodecError`` saying what is wrong.
    static func readRequest(_ bytes: [UInt8]) throws(BankCodecError) -> Request {
        guard bytes.count <= maxRequestBytes else {
            throw BankCodecError("request of \(bytes.count) bytes is over the limit of \(maxRequestBytes) bytes")
        }
        if bytes.starts(with: Array("<?xml".utf8)) {
            guard let end = bytes.firstRange(of: Array("?>".utf8)) else { throw BankCodecError("unterminated XML declaration") }
            let declaration = String(decoding: bytes[..<end.lowerBound], as: UTF8.self).uppercased()
            if declaration.contains("ENCODING"), !declaration.contains("\"UTF-8\""), !declaration.contains("'UTF-8'") {
                throw BankCodecError("the request is not declared in UTF-8")
            }
        }
        let root: XMLNode
        do {
            root = try HardenedXML.parse(bytes, maxBytes: 2 * maxRequestBytes)
        } catch {
            throw BankCodecError(error.message)
        }
        guard root.name == "bocb2e" else { throw BankCodecError("not a bocb2e request") }
        guard let head = root.child("head"), let code = text(head.child("trncod")) else {
            throw BankCodecError("missing head/trncod")
        }
        guard let transaction = root.child("trans")?.child("trn-\(code)-rq") else {
            throw BankCodecError("missing trans/trn-\(code)-rq")
        }
        return Request(terminalId: text(head.child("termid")), messageId: text(head.child("trnid")),
                       customerId: text(head.child("custid")), operatorId: text(head.child("cusopr")), code: code,
                       token: text(head.child("token")), records: transaction.children(code + "-rq"), transaction: transaction)
    }

    /// The trimmed text of `node`, `nil` when absent or empty.
    static func text(_ node: XMLNode?) -> String? {
        guard let value = node?.trimmedText, !value.isEmpty else { return nil }
        return value
    }

    /// Writes an answer to transaction `code` (`b2eerror` for a request that could not be read):
    /// `head` echoing the request's, `trn-<code>-rs` with `status` and what `content` writes, then
    /// `serverdt` and, when given, `token`.
    static func answer(_ request: Request?, code: String, status: Refusal, serverTime: String,
                       token: String? = nil, content: (inout XMLWriter) -> Void = { _ in }) -> [UInt8] {
        var xml = XMLWriter(capacity: 2048, indentation: 2)
        xml.declaration()
        xml.open("bocb2e", attributes: ["version": "120", "locale": "zh_CN"])
        xml.open("head")
        xml.element("termid", request?.terminalId ?? "")
        xml.element("trnid", request?.messageId ?? "")
        xml.element("custid", request?.customerId ?? "")
        xml.element("cusopr", request?.operatorId ?? "")
        xml.element("trncod", request?.code ?? code)
        if let token = request?.token { xml.element("token", token) }
        xml.close("head")
        xml.open("trans")
        xml.open("trn-\(code)-rs")
        writeStatus(status.code, status.message, to: &xml)
        content(&xml)
        xml.element("serverdt", serverTime)
        if let token { xml.element("token", token) }
        xml.close("trn-\(code)-rs")
        xml.close("trans")
        xml.close("bocb2e")
        xml.raw("\n")
        return xml.bytes
    }

    /// `<status><rspcod>code</rspcod><rspmsg>message</rspmsg></status>`.
    static func writeStatus(_ code: String, _ message: String, to xml: inout XMLWriter) {
        xml.open("status")
        xml.element("rspcod", code)
        xml.element("rspmsg", message)
        xml.close("status")
    }

    /// `B001 ok`.
    static let ok = Refusal(code: "B001", message: "ok")
}
