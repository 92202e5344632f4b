import BankGateAdapters
import BankGateCore
import BankGateXML
import Foundation

/// The bank side of ICBC's NetSafe Client wire: reads the form the gateway posts to the encryption
/// port and the `CMS/eb` document in it, and writes answers the way the NC delivers them: `reqData=`
/// and the Base64 of a GBK `CMS/eb` document (`pub` with `RetCode`/`RetMsg`, then `out`), on one line.
/// Pure; no I/O. The shapes are in `adapters/icbc/SIMULATOR.md`.
enum ICBCBankCodec {
    /// The largest document read, in bytes (the gateway reads answers up to the same size).
    static let maxRequestBytes = ICBCAnswer.maxBytes

    /// The form posted to the encryption port, values percent-decoded (GBK bytes for `reqData`).
    struct Form: Sendable {
        var fields: [String: [UInt8]]

        /// The value of `name` as text (the envelope fields are ASCII), `nil` when absent or empty.
        func text(_ name: String) -> String? {
            guard let value = fields[name], !value.isEmpty else { return nil }
            return String(decoding: value, as: UTF8.self)
        }
    }

    /// A request document as received.
    struct Request: Sendable {
        /// `pub/TransCode`, `pub/CIS`, `pub/ID`, `pub/fSeqno`.
        var transCode: String
        var cis: String?
        var certificateId: String?
        var packageId: String
        /// `in`.
        var input: XMLNode

        /// The trimmed text of `in/name`, `nil` when absent or empty.
        func text(_ name: String) -> String? { ICBCBankCodec.text(input.child(name)) }
    }

    /// One element of an answer's `out`: a value, or a record (`rd`) of values, in the order given.
    enum Item: Hashable, Sendable {
        case value(String, String)
        case record(String, [Field])
    }

    /// A named value of an answer.
    struct Field: Hashable, Sendable {
        var name: String
        var value: String

        init(_ name: String, _ value: String) {
            self.name = name
            self.value = value
        }
    }

    /// Reads `application/x-www-form-urlencoded`: `name=value&…`, `+` a space, `%XX` a byte.
    /// - Throws: ``BankCodecError`` for a broken escape or a body that is not a form.
    static func readForm(_ bytes: [UInt8]) throws(BankCodecError) -> Form {
        guard bytes.count <= 2 * maxRequestBytes else {
            throw BankCodecError("form of \(bytes.count) bytes is over the limit")
        }
        var fields: [String: [UInt8]] = [:]
        for pair in bytes.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true) {
            guard let equals = pair.firstIndex(of: UInt8(ascii: "=")) else {
                throw BankCodecError("form field without '='")
            }
            let name = String(decoding: try decoded(pair[pair.startIndex..<equals]), as: UTF8.self)
            fields[name] = try decoded(pair[pair.index(after: equals)...])
        }
        guard !fields.isEmpty else { throw BankCodecError("the body is not a form") }
        return Form(fields: fields)
    }

    private static func decoded(_ text: ArraySlice<UInt8>) throws(BankCodecError) -> [UInt8] {
        func nibble(_ byte: UInt8) -> UInt8? {
            switch byte {
            case 0x30...0x39: byte - 0x30
            case 0x41...0x46: byte - 0x41 + 10
            case 0x61...0x66: byte - 0x61 + 10
            default: nil
            }
        }
        var out: [UInt8] = []
        out.reserveCapacity(text.count)
        var index = text.startIndex
        while index < text.endIndex {
            switch text[index] {
            case UInt8(ascii: "%"):
                guard index + 2 < text.endIndex, let high = nibble(text[index + 1]), let low = nibble(text[index + 2]) else {
                    throw BankCodecError("broken percent-encoding in the form")
                }
                out.append(high << 4 | low)
                index += 3
            case UInt8(ascii: "+"):
                out.append(UInt8(ascii: " "))
                index += 1
            default:
                out.append(text[index])
                index += 1
            }
        }
        return out
    }

    /// Reads a request document: strict GBK (an XML declaration, when present, must name GBK, GB2312,
    /// GB18030 or CP936), parsed by ``HardenedXML`` (no DTD, bounded size), `CMS/eb/pub` with
    /// `TransCode` and `fSeqno`, and `in`.
    /// - Throws: ``BankCodecError`` saying what is wrong.
    static func readRequest(_ bytes: [UInt8]) throws(BankCodecError) -> Request {
        let root = try ChineseXMLRequest.parse(bytes, maxBytes: maxRequestBytes, what: "document", encoding: .gbk,
                                               declarable: ["GBK", "GB2312", "GB18030", "CP936"], expected: "GBK", field: "reqData")
        guard root.name == "CMS", let eb = root.child("eb"), let pub = eb.child("pub") else {
            throw BankCodecError("not a CMS/eb/pub document")
        }
        guard let transCode = text(pub.child("TransCode")), let packageId = text(pub.child("fSeqno")) else {
            throw BankCodecError("pub needs TransCode and fSeqno")
        }
        guard let input = eb.child("in") else { throw BankCodecError("missing in") }
        return Request(transCode: transCode, cis: text(pub.child("CIS")), certificateId: text(pub.child("ID")),
                       packageId: packageId, input: input)
    }

    /// The trimmed text of `node`, `nil` when absent or empty.
    static func text(_ node: XMLNode?) -> String? {
        guard let value = node?.trimmedText, !value.isEmpty else { return nil }
        return value
    }

    /// The answer document in GBK: the declaration, `CMS/eb/pub` (`TransCode`, `CIS`, `BankCode`,
    /// `ID`, `TranDate`, `TranTime` of `answeredAt` in China, `fSeqno`, `SerialNo` when given,
    /// `RetCode`, `RetMsg`), then `out` with `items` when there are any.
    static func document(transCode: String, cis: String, certificateId: String, packageId: String, serialNumber: String? = nil,
                         returnCode: String, returnMessage: String, answeredAt: Timestamp, items: [Item] = []) -> [UInt8] {
        let (date, time) = chinaTime(answeredAt)
        var xml = XMLWriter(capacity: 512 + 256 * items.count)
        xml.open("CMS")
        xml.open("eb")
        xml.open("pub")
        xml.element("TransCode", transCode)
        xml.element("CIS", cis)
        xml.element("BankCode", ICBCAdapter.bankCode)
        xml.element("ID", certificateId)
        xml.element("TranDate", date)
        xml.element("TranTime", time)
        xml.element("fSeqno", packageId)
        if let serialNumber { xml.element("SerialNo", serialNumber) }
        xml.element("RetCode", returnCode)
        xml.element("RetMsg", returnMessage)
        xml.close("pub")
        if !items.isEmpty {
            xml.open("out")
            for item in items {
                switch item {
                case .value(let name, let value):
                    xml.element(name, value)
                case .record(let name, let fields):
                    xml.open(name)
                    for field in fields { xml.element(field.name, field.value) }
                    xml.close(name)
                }
            }
            xml.close("out")
        }
        xml.close("eb")
        xml.close("CMS")
        let utf8 = "<?xml version=\"1.0\" encoding=\"GBK\"?>" + String(decoding: xml.bytes, as: UTF8.self)
        do {
            return try ChineseTextEncoding.gbk.encode(utf8, field: "answer")
        } catch {
            // Unreachable: every value came from a GBK request or from the simulator's own GBK text.
            return Array("<?xml version=\"1.0\" encoding=\"GBK\"?><CMS><eb><pub><RetCode>SIMFMT</RetCode></pub></eb></CMS>".utf8)
        }
    }

    /// The NetSafe Client's HTTP body for `document`: `reqData=` and its Base64 in lines of 76
    /// characters (what ``ICBCAdapter/unwrapAnswer(_:)`` reads).
    static func wrap(_ document: [UInt8]) -> [UInt8] {
        Array("reqData=".utf8) + Array(Data(document).base64EncodedString(options: [.lineLength76Characters, .endLineWithLineFeed]).utf8)
    }

    /// A record as UTF-8 XML, to be stored and read back (``readStored(_:)``).
    static func fragment(_ name: String, values: [Field], records: [(String, [Field])]) -> [UInt8] {
        var xml = XMLWriter(capacity: 512 + 400 * records.count)
        xml.open(name)
        for field in values { xml.element(field.name, field.value) }
        for (record, fields) in records {
            xml.open(record)
            for field in fields { xml.element(field.name, field.value) }
            xml.close(record)
        }
        xml.close(name)
        return xml.bytes
    }

    /// A stored fragment parsed, or `nil` when it is not one.
    static func readStored(_ bytes: [UInt8]) -> XMLNode? {
        try? HardenedXML.parse(bytes, maxBytes: 1 << 22)
    }

    /// The fields of `node`'s children that have no children, in document order.
    static func fields(of node: XMLNode) -> [Field] {
        node.children.filter { $0.children.isEmpty }.map { Field($0.name, $0.trimmedText) }
    }

    /// China Standard Time (UTC+8) of `instant`: `yyyyMMdd` and `HHmmssSSS`.
    static func chinaTime(_ instant: Timestamp) -> (date: String, time: String) {
        let digits = instant.adding(milliseconds: 8 * 3_600_000).iso8601.unicodeScalars.filter { ("0"..."9").contains($0) }
        let text = String(String.UnicodeScalarView(digits))
        return (String(text.prefix(8)), String(text.dropFirst(8).prefix(9)))
    }

    /// `yyyyMMdd` of `instant` in China.
    static func chinaDate(_ instant: Timestamp) -> String { chinaTime(instant).date }

    /// The day number (days since 1970-01-01) of a `yyyyMMdd` date, or `nil` when it is not a real date.
    static func dayNumber(_ text: String) -> Int64? { CMBBankCodec.dayNumber(text) }

    /// Whether `text` is 1 to `maxDigits` ASCII digits.
    static func isDigits(_ text: String, maxDigits: Int) -> Bool {
        (1...maxDigits).contains(text.utf8.count) && text.utf8.allSatisfy { $0 >= 0x30 && $0 <= 0x39 }
    }

    /// A number in `width` digits, zeros in front.
    static func padded(_ value: Int64, to width: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}
