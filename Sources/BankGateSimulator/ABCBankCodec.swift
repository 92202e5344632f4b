import BankGateAdapters
import BankGateCore
import BankGateXML

/// The bank side of ABC's 银企通平台 (the client program the company runs): reads what the gateway
/// writes on the socket (the 7-byte header, then GBK XML with root `ap` and no declaration) and
/// writes answers the way `adapters/abc/samples/` shows them: the same header with flag `0`, then
/// `ap` on one line — `CCTransCode`, `ReqSeqNo`, `RespSource`, `RespSeqNo`, `RespDate`, `RespTime`,
/// `RespCode`, `RespInfo`, `RxtInfo`, then the sections. Pure; no I/O. The shapes are in
/// `adapters/abc/SIMULATOR.md`.
enum ABCBankCodec {
    /// The header: one flag digit and the body's byte length, right-padded with spaces to six.
    static let headerBytes = 7
    /// The largest request: the header and the most bytes its six digits can announce.
    static let maxRequestBytes = headerBytes + ABCAdapter.maxFrameBodyBytes

    /// A request as received: the `ap` header fields and the document.
    struct Request: Sendable {
        /// `CCTransCode` (or `TransCode`).
        var code: String
        /// `ReqSeqNo`: the client's reference (the duplicate-check key of a payment).
        var requestId: String
        /// `CorpNo`, `OpNo`, `nil` when absent or empty.
        var corporateNumber: String?
        var operatorNumber: String?
        /// The whole `ap` element.
        var root: XMLNode

        /// The trimmed text at `section/name` (`Cmp`, `DbAccNo`), `nil` when absent or empty.
        func value(_ section: String, _ name: String) -> String? { text(root.child(section)?.child(name)) }

        /// The trimmed text of the header field `name` (`Amt`), `nil` when absent or empty.
        func header(_ name: String) -> String? { text(root.child(name)) }
    }

    /// One section of an answer (`Cmp`, `Corp`, `Acc` …) with its fields in order; `nil` name for
    /// fields written straight under `ap` (`FileFlag`).
    struct Section: Sendable {
        var name: String?
        var fields: [(name: String, value: String)]
    }

    /// The length of the whole request, once its 7-byte header has arrived.
    /// - Throws: ``BankCodecError`` for a header that is not a digit followed by decimal digits
    ///   right-padded with spaces, or that announces nothing.
    static func requestLength(_ bytes: [UInt8]) throws(BankCodecError) -> Int? {
        guard bytes.count >= headerBytes else { return nil }
        guard bytes[0] >= 0x30 && bytes[0] <= 0x39 else { throw BankCodecError("the frame flag is not a digit") }
        var declared = 0
        var digits = 0
        var padding = false
        for byte in bytes[1..<headerBytes] {
            if byte == UInt8(ascii: " ") {
                padding = true
            } else if byte >= 0x30 && byte <= 0x39 && !padding {
                declared = declared * 10 + Int(byte - 0x30)
                digits += 1
            } else {
                throw BankCodecError("the frame length is not decimal digits right-padded with spaces")
            }
        }
        guard digits > 0, declared > 0 else { throw BankCodecError("the frame announces no body") }
        return headerBytes + declared
    }

    /// Reads a request: the frame checked (``ABCAdapter/unframe(_:)``), the body as **strict GBK**
    /// (an XML declaration, when present, must name GBK, GB2312 or CP936), parsed by
    /// ``HardenedXML`` (no DTD, bounded size); root `ap` with `CCTransCode` and `ReqSeqNo`.
    /// - Throws: ``BankCodecError`` saying what is wrong (answered as a format error).
    static func readRequest(_ bytes: [UInt8]) throws(BankCodecError) -> Request {
        let body: [UInt8]
        do {
            body = try ABCAdapter.unframe(bytes)
        } catch {
            throw BankCodecError(error.description)
        }
        let root = try ChineseXMLRequest.parse(body, maxBytes: maxRequestBytes, encoding: .gbk,
                                               declarable: ["GBK", "GB2312", "CP936"], expected: "GBK", field: "request")
        guard root.name == "ap" else { throw BankCodecError("not an ap request") }
        guard let code = text(root.child("CCTransCode")) ?? text(root.child("TransCode")) else {
            throw BankCodecError("missing CCTransCode")
        }
        guard let requestId = text(root.child("ReqSeqNo")) else { throw BankCodecError("missing ReqSeqNo") }
        return Request(code: code, requestId: requestId, corporateNumber: text(root.child("CorpNo")),
                       operatorNumber: text(root.child("OpNo")), root: root)
    }

    /// The trimmed text of `node`, `nil` when absent or empty.
    static func text(_ node: XMLNode?) -> String? { ChineseXMLAnswer.text(node) }

    /// Writes a framed answer in GBK: header flag `0`, then `ap` with `CCTransCode`, `ReqSeqNo` (the
    /// request's, when known), `RespSource`, `RespSeqNo` (when given), `RespDate`/`RespTime` (China
    /// time of `instant`), `RespCode`, `RespInfo`, `RxtInfo`, then `sections` in order.
    static func answer(code: String, requestId: String?, responseCode: String, info: String, extendedInfo: String = "",
                       source: String = "0", sequenceNumber: String? = nil, at instant: Timestamp,
                       sections: [Section] = []) -> [UInt8] {
        let when = CMBBankCodec.chinaDateTime(instant)
        var xml = XMLWriter(capacity: 512)
        xml.open("ap")
        xml.element("CCTransCode", code)
        if let requestId { xml.element("ReqSeqNo", requestId) }
        xml.element("RespSource", source)
        if let sequenceNumber { xml.element("RespSeqNo", sequenceNumber) }
        xml.element("RespDate", String(when.prefix(8)))
        xml.element("RespTime", String(when.suffix(6)))
        xml.element("RespCode", responseCode)
        xml.element("RespInfo", info)
        xml.element("RxtInfo", extendedInfo)
        for section in sections {
            if let name = section.name { xml.open(name) }
            for field in section.fields { xml.element(field.name, field.value) }
            if let name = section.name { xml.close(name) }
        }
        xml.close("ap")
        let body: [UInt8]
        do {
            body = try ChineseTextEncoding.gbk.encode(String(decoding: xml.bytes, as: UTF8.self), field: "answer")
        } catch {
            // Unreachable: every value came from a GBK request or from the simulator's own GBK text.
            body = Array("<ap><CCTransCode></CCTransCode><RespSource>0</RespSource><RespCode>\(ABCCodesOfSimulator.formatError)</RespCode><RespInfo></RespInfo></ap>".utf8)
        }
        return frame(body)
    }

    /// `body` behind the 7-byte header with flag `0` (the flag of the answers in the samples).
    static func frame(_ body: [UInt8]) -> [UInt8] {
        var framed = Array(("0" + String(body.count)).utf8)
        while framed.count < headerBytes { framed.append(UInt8(ascii: " ")) }
        return framed + body
    }

    /// A framed answer with its body cut in half and a broken tail, framed again: the header is
    /// consistent, the XML is not (the malformed-answer fault).
    static func malformed(_ framed: [UInt8]) -> [UInt8] {
        let body = Array(framed.dropFirst(headerBytes))
        return frame(Array(body.prefix(max(body.count / 2, 1))) + Array("<<!-- answer cut off by the simulator".utf8))
    }
}
