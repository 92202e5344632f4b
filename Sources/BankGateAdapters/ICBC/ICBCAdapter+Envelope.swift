public import BankGateCore
import BankGateXML

/// A post to the NetSafe Client's encryption port, ready for a transport: the query to append to
/// the servlet's URL (`/servlet/ICBCCMPAPIReqServlet` on the NC's host and port) and the form body.
public struct ICBCFormPost: Hashable, Sendable {
    /// `userID=…&PackageID=…&SendTime=…`, without the leading `?`.
    public var query: String
    /// ``ICBCAdapter/contentType``.
    public var contentType: String
    /// `Version=…&TransCode=…&BankCode=102&GroupCIS=…&ID=…&PackageID=…&Cert=&Language=zh_CN&zipFlag=0&reqData=…`,
    /// each value percent-encoded from its GBK bytes (`application/x-www-form-urlencoded`, space as `+`).
    public var body: [UInt8]
}

/// The exchange with the NetSafe Client's sign port (`INFOSEC_SIGN/1.0`): the request to post and
/// what to read from its answer. No I/O here; the engine makes the call.
public struct ICBCSignRequest: Hashable, Sendable {
    /// `INFOSEC_SIGN/1.0`.
    public var contentType: String
    /// The request document itself, in GBK, as the sign port takes it.
    public var body: [UInt8]
}

extension ICBCAdapter {
    /// What the NetSafe Client's answers start with: the Base64 of the answer document follows.
    static let answerPrefix = Array("reqData=".utf8)
    /// The content type of a post to the sign port.
    public static let signContentType = "INFOSEC_SIGN/1.0"

    /// Whether `document` must be signed before it is sent: ICBC's rule is that a request carrying
    /// `<SignTime>` is signed (`PAYENT`, `DownEBill`); queries without it are sent as they are.
    public static func needsSignature(_ document: [UInt8]) -> Bool {
        document.firstRange(of: Array("<SignTime>".utf8)) != nil
    }

    /// The post to the sign port for `message` (its GBK document, unchanged, as `INFOSEC_SIGN/1.0`).
    /// The port answers with an HTML page holding the signed package in `<sign>…</sign>`; read it
    /// with ``readSignature(_:)`` and pass it to ``envelope(_:sendTime:signature:)``.
    public static func signRequest(_ message: EncodedMessage) -> ICBCSignRequest {
        ICBCSignRequest(contentType: signContentType, body: signRequestBody(message.bytes))
    }

    /// The body posted to the sign port: the request document in GBK, byte for byte.
    public static func signRequestBody(_ document: [UInt8]) -> [UInt8] { document }

    /// The signed package from the sign port's answer: the bytes between `<sign>` and `</sign>`,
    /// line breaks and spaces removed (a Base64 text). That text replaces the document as `reqData`.
    /// - Throws: ``AdapterError`` when the answer has no non-empty `<sign>` element.
    public static func readSignature(_ answer: [UInt8]) throws(AdapterError) -> [UInt8] {
        guard let open = answer.firstRange(of: Array("<sign>".utf8)),
              let close = answer[open.upperBound...].firstRange(of: Array("</sign>".utf8)) else {
            throw AdapterError("the sign port's answer has no <sign>…</sign>", location: "sign")
        }
        let signature = answer[open.upperBound..<close.lowerBound].filter { $0 > 0x20 }
        guard !signature.isEmpty else { throw AdapterError("the sign port returned an empty signature", location: "sign") }
        return Array(signature)
    }

    /// The form post for `message`: the transaction code and package id are read from its `pub`;
    /// `reqData` is the document itself, or `signature` (``readSignature(_:)``) for a document that
    /// ``needsSignature(_:)``.
    /// - Parameter sendTime: the time of this send (`SendTime`, `yyyyMMddHHmmssSSS` China time).
    /// - Throws: ``AdapterError`` when the document is not one of ours or needs a signature it lacks.
    public func envelope(_ message: EncodedMessage, sendTime: Timestamp, signature: [UInt8]? = nil) throws(AdapterError) -> ICBCFormPost {
        let root = try ChineseXMLAnswer.parse(message.bytes, maxBytes: ICBCAnswer.maxBytes)
        guard let pub = root.child("eb")?.child("pub"), let transCode = ChineseXMLAnswer.text(pub.child("TransCode")),
              let packageId = ChineseXMLAnswer.text(pub.child("fSeqno")) else {
            throw AdapterError("not an ICBC request (CMS/eb/pub with TransCode and fSeqno)", location: message.fileName)
        }
        if Self.needsSignature(message.bytes) && signature == nil {
            throw AdapterError("\(transCode) carries SignTime and must be signed by the NetSafe Client first",
                               location: message.fileName)
        }
        return envelope(reqData: signature ?? message.bytes, transCode: transCode, packageId: packageId, sendTime: sendTime)
    }

    /// The form post for `reqData` (a GBK document or a signed package).
    public func envelope(reqData: [UInt8], transCode: String, packageId: String, sendTime: Timestamp) -> ICBCFormPost {
        let (date, time) = Self.chinaTime(sendTime)
        let query = HTMLForm.encode([("userID", Array(certificateId.utf8)), ("PackageID", Array(packageId.utf8)),
                               ("SendTime", Array((date + time).utf8))])
        let body = HTMLForm.encode([
            ("Version", Array(version.utf8)), ("TransCode", Array(transCode.utf8)), ("BankCode", Array(Self.bankCode.utf8)),
            ("GroupCIS", Array(groupCIS.utf8)), ("ID", Array(certificateId.utf8)), ("PackageID", Array(packageId.utf8)),
            ("Cert", []), ("Language", Array(language.utf8)), ("zipFlag", Array("0".utf8)), ("reqData", reqData),
        ])
        return ICBCFormPost(query: String(decoding: query, as: UTF8.self), contentType: Self.contentType, body: body)
    }

    /// The answer document inside the NetSafe Client's body: `reqData=` followed by Base64 (line
    /// breaks allowed, percent-encoding undone).
    /// - Throws: ``AdapterError`` when the body does not start with `reqData=` or is not Base64.
    public static func unwrapAnswer(_ body: [UInt8]) throws(AdapterError) -> [UInt8] {
        guard body.starts(with: answerPrefix) else {
            throw AdapterError("the NetSafe Client's answer does not start with reqData=", location: "reqData")
        }
        var text = Array(body[answerPrefix.count...])
        if text.contains(UInt8(ascii: "%")) {
            guard let decoded = percentDecoded(text) else {
                throw AdapterError("reqData is not valid percent-encoding", location: "reqData")
            }
            text = decoded
        }
        guard let document = Base64.decode(text) else {
            throw AdapterError("reqData is not Base64", location: "reqData")
        }
        return document
    }

    /// Undoes percent-encoding (`%2B` → `+`); `nil` for a broken escape. `+` stays `+`: in Base64
    /// it is a digit, not a space.
    static func percentDecoded(_ text: [UInt8]) -> [UInt8]? {
        func nibble(_ byte: UInt8) -> UInt8? {
            switch byte {
            case 0x30...0x39: byte - 0x30
            case 0x41...0x46: byte - 0x41 + 10
            case 0x61...0x66: byte - 0x61 + 10
            default: nil
            }
        }
        var out: [UInt8] = []
        var index = 0
        while index < text.count {
            if text[index] == UInt8(ascii: "%") {
                guard index + 2 < text.count, let high = nibble(text[index + 1]), let low = nibble(text[index + 2]) else { return nil }
                out.append(high << 4 | low)
                index += 3
            } else {
                out.append(text[index])
                index += 1
            }
        }
        return out
    }
}

/// Standard Base64 (RFC 4648, with padding), for the NetSafe Client's answers.
enum Base64 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    /// `bytes` in Base64.
    static func encode(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count + 2) / 3 * 4)
        var index = 0
        while index < bytes.count {
            let count = min(3, bytes.count - index)
            let b0 = bytes[index], b1 = count > 1 ? bytes[index + 1] : 0, b2 = count > 2 ? bytes[index + 2] : 0
            out.append(alphabet[Int(b0 >> 2)])
            out.append(alphabet[Int((b0 & 3) << 4 | b1 >> 4)])
            out.append(count > 1 ? alphabet[Int((b1 & 15) << 2 | b2 >> 6)] : UInt8(ascii: "="))
            out.append(count > 2 ? alphabet[Int(b2 & 63)] : UInt8(ascii: "="))
            index += 3
        }
        return out
    }

    /// The bytes `text` encodes, ignoring whitespace; `nil` when it is not Base64.
    static func decode(_ text: [UInt8]) -> [UInt8]? {
        var values: [UInt8] = []
        values.reserveCapacity(text.count)
        var padding = 0
        for byte in text {
            switch byte {
            case 0x41...0x5A: values.append(byte - 0x41)
            case 0x61...0x7A: values.append(byte - 0x61 + 26)
            case 0x30...0x39: values.append(byte - 0x30 + 52)
            case UInt8(ascii: "+"): values.append(62)
            case UInt8(ascii: "/"): values.append(63)
            case UInt8(ascii: "="): padding += 1; continue
            case 0x09, 0x0A, 0x0D, 0x20: continue
            default: return nil
            }
            if padding > 0 { return nil }  // data after padding
        }
        guard padding <= 2, (values.count + padding) % 4 == 0, values.count % 4 != 1 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(values.count * 3 / 4)
        var index = 0
        while index + 1 < values.count {
            let v0 = values[index], v1 = values[index + 1]
            out.append(v0 << 2 | v1 >> 4)
            if index + 2 < values.count { out.append(v1 << 4 | values[index + 2] >> 2) }
            if index + 3 < values.count { out.append(values[index + 2] << 6 | values[index + 3]) }
            index += 4
        }
        return out
    }
}
