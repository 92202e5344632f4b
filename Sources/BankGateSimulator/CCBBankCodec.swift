import BankGateAdapters
import BankGateCore
import BankGateXML

/// The bank side of CCB's 外联客户端 XML: reads what the gateway posts (the form field `requestXml`
/// holding a GB2312 `TX` document, or the bare document as over raw TCP) and writes answers in the
/// published answers' shape: a GB18030 declaration, `TX` with `REQUEST_SN`, `CUST_ID`, `TX_CODE`,
/// `RETURN_CODE`, `RETURN_MSG`, `LANGUAGE`, `TX_INFO`, indented. Pure; no I/O. The shapes are in
/// `adapters/ccb/SIMULATOR.md`.
enum CCBBankCodec {
    /// The largest request read, in bytes, after the form decoding.
    static let maxRequestBytes = CCBAnswer.maxBytes
    /// `Content-Type` of every answer.
    static let contentType = "text/xml; charset=GB18030"
    /// The form field that carries the request (`CCBAdapter.formField`).
    static let formField = "requestXml"

    /// A request as received: the `TX` header and `TX_INFO`.
    struct Request: Sendable {
        /// `REQUEST_SN`.
        var requestNumber: String
        /// `TX_CODE`.
        var code: String
        var customerId: String?
        var userId: String?
        var password: String?
        /// `TX_INFO`, when present.
        var info: XMLNode?

        /// The trimmed text of `TX_INFO/name`, `nil` when absent or empty.
        func info(_ name: String) -> String? { CCBBankCodec.text(info?.child(name)) }
    }

    /// A refusal in CCB's own form: `RETURN_CODE` and `RETURN_MSG`, nothing executed.
    struct Refusal: Error, Hashable, Sendable {
        var code: String
        var message: String

        /// `0130Z1101001` 输入的交易要素不完整: a required field is missing.
        static func incomplete(_ field: String) -> Refusal {
            Refusal(code: "0130Z1101001", message: "输入的交易要素不完整: \(field)")
        }

        /// `0130Z1101002` 交易输入要素的格式或输入范围错误.
        static func outOfRange(_ field: String) -> Refusal {
            Refusal(code: "0130Z1101002", message: "交易输入要素的格式或输入范围错误: \(field)")
        }

        /// `0130Z1101003` 输入的信息不符合格式检查: an unreadable request.
        static func unreadable(_ reason: String) -> Refusal {
            Refusal(code: "0130Z1101003", message: "输入的信息不符合格式检查: \(reason)")
        }
    }

    /// The XML of a post: the `requestXml` form field percent-decoded (`+` a space), or the body as it
    /// is when it starts with `<` (the raw TCP variant).
    static func requestXML(_ body: [UInt8]) throws(BankCodecError) -> [UInt8] {
        var start = 0
        while start < body.count, [0x20, 0x09, 0x0A, 0x0D].contains(body[start]) { start += 1 }
        if start < body.count, body[start] == UInt8(ascii: "<") { return Array(body[start...]) }
        for pair in body.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true) {
            guard let equals = pair.firstIndex(of: UInt8(ascii: "=")),
                  String(decoding: pair[pair.startIndex..<equals], as: UTF8.self) == formField else { continue }
            return try percentDecoded(pair[(equals + 1)...])
        }
        throw BankCodecError("neither a requestXml form field nor an XML document")
    }

    /// `application/x-www-form-urlencoded` decoding of one value.
    static func percentDecoded(_ bytes: ArraySlice<UInt8>) throws(BankCodecError) -> [UInt8] {
        func hex(_ byte: UInt8) -> UInt8? {
            switch byte {
            case 0x30...0x39: byte - 0x30
            case 0x41...0x46: byte - 0x41 + 10
            case 0x61...0x66: byte - 0x61 + 10
            default: nil
            }
        }
        var result: [UInt8] = []
        result.reserveCapacity(bytes.count)
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let byte = bytes[index]
            if byte == UInt8(ascii: "%") {
                guard index + 2 < bytes.endIndex, let high = hex(bytes[index + 1]), let low = hex(bytes[index + 2]) else {
                    throw BankCodecError("a broken %-escape in requestXml")
                }
                result.append(high << 4 | low)
                index += 3
            } else {
                result.append(byte == UInt8(ascii: "+") ? 0x20 : byte)
                index += 1
            }
        }
        return result
    }

    /// Reads a request: the form decoded, an XML declaration (when present) naming GB2312, GBK or
    /// GB18030, the rest decoded as GB18030 (their superset), parsed by ``HardenedXML`` (no DTD,
    /// bounded size); root `TX` with `REQUEST_SN` and `TX_CODE`.
    /// - Throws: ``BankCodecError`` saying what is wrong.
    static func readRequest(_ body: [UInt8]) throws(BankCodecError) -> Request {
        let root = try ChineseXMLRequest.parse(try requestXML(body), maxBytes: maxRequestBytes, encoding: .gb18030,
                                               declarable: ["GB2312", "GBK", "GB18030"], expected: "GB2312", field: "requestXml")
        guard root.name == "TX" else { throw BankCodecError("not a TX request") }
        guard let number = text(root.child("REQUEST_SN")), let code = text(root.child("TX_CODE")) else {
            throw BankCodecError("missing REQUEST_SN or TX_CODE")
        }
        return Request(requestNumber: number, code: code, customerId: text(root.child("CUST_ID")),
                       userId: text(root.child("USER_ID")), password: text(root.child("PASSWORD")),
                       info: root.child("TX_INFO"))
    }

    /// The trimmed text of `node`, `nil` when absent or empty.
    static func text(_ node: XMLNode?) -> String? {
        guard let value = node?.trimmedText, !value.isEmpty else { return nil }
        return value
    }

    /// Writes an answer in GB18030: the declaration, then `TX` with the header and `TX_INFO`, whose
    /// content `info` writes (nothing: `<TX_INFO></TX_INFO>`, as the published refusals).
    static func answer(requestNumber: String?, customerId: String?, code: String?, returnCode: String,
                       message: String = "", info: (inout XMLWriter) -> Void = { _ in }) -> [UInt8] {
        var xml = XMLWriter(capacity: 1024, indentation: 2)
        xml.open("TX")
        xml.element("REQUEST_SN", requestNumber ?? "")
        xml.element("CUST_ID", customerId ?? "")
        xml.element("TX_CODE", code ?? "")
        xml.element("RETURN_CODE", returnCode)
        xml.element("RETURN_MSG", message)
        xml.element("LANGUAGE", "CN")
        xml.open("TX_INFO")
        info(&xml)
        xml.close("TX_INFO")
        xml.close("TX")
        let text = "<?xml version=\"1.0\" encoding=\"GB18030\"?>\n" + String(decoding: xml.bytes, as: UTF8.self) + "\n"
        do {
            return try ChineseTextEncoding.gb18030.encode(text, field: "answer")
        } catch {
            // Unreachable: GB18030 encodes every Unicode scalar.
            return Array(("<?xml version=\"1.0\" encoding=\"GB18030\"?>\n<TX><RETURN_CODE>0130Z0100002</RETURN_CODE></TX>\n").utf8)
        }
    }

    /// `<name>value</name>` for each pair, in order (empty values written empty, as CCB does).
    static func write(_ fields: KeyValuePairs<String, String>, to xml: inout XMLWriter) {
        for (name, value) in fields { xml.element(name, value) }
    }

    /// `n` in `width` digits, zero-padded.
    static func padded(_ value: Int64, to width: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}
