import BankGateCore
import BankGateXML

/// Writes one request to BOC's B2E server: the `bocb2e` root (version 120, `zh_CN`), its `head`,
/// then `trans/trn-<code>-rq` with the transaction's records, checked field by field.
///
/// Version 120 is UTF-8, so every character can be carried; control characters are refused with
/// the field named, and lengths (BOC gives them in 位, without saying bytes or characters) are
/// counted in bytes of UTF-8, the stricter reading. Errors never contain the field's value.
struct BOCRequestWriter {
    /// The kinds of value BOC's fields take.
    enum FieldType {
        /// Printable ASCII without spaces (references, codes, tokens).
        case code
        /// Digits only (bank numbers, amounts' digits are written by ``Money``).
        case digits
        /// An account number: ASCII letters, digits and `-`.
        case account
        /// Text, Chinese allowed, no control characters.
        case text
    }

    private var writer = XMLWriter(capacity: 2048, indentation: 2)
    private let code: String

    /// Starts a request for transaction `code` (`b2e0009`) with message number `messageId`
    /// (`trnid`) and the session's `token` (`nil` only for the sign-in, whose `head` has none).
    init(code: String, messageId: String, token: String?, adapter: BOCAdapter) throws(AdapterError) {
        self.code = code
        writer.declaration()
        writer.open("bocb2e", attributes: ["version": BOCAdapter.version, "locale": BOCAdapter.locale])
        writer.open("head")
        try field("termid", adapter.terminalId, record: "head", type: .code, maxBytes: 20)
        try field("trnid", messageId, record: "head", type: .code, maxBytes: 35)
        try field("custid", adapter.customerId, record: "head", type: .code, maxBytes: 20)
        try field("cusopr", adapter.operatorId, record: "head", type: .code, maxBytes: 20)
        writer.element("trncod", code)
        if let token {
            try field("token", token, record: "head", type: .code, maxBytes: BOCAdapter.maxTokenLength)
        }
        writer.close("head")
        writer.open("trans")
        writer.open("trn-\(code)-rq")
    }

    /// The name of one record: `b2e0009-rq`.
    var record: String { code + "-rq" }

    /// Opens an element (`b2e0009-rq`, `fractn` …).
    mutating func open(_ name: String) { writer.open(name) }

    /// Closes the element opened last.
    mutating func close(_ name: String) { writer.close(name) }

    /// Writes an element that is present but empty (`<obssid></obssid>`): BOC's request layouts
    /// list every element, filled or not.
    mutating func empty(_ name: String) { writer.element(name, "") }

    /// Writes `<name>value</name>` after checking `value` against its type and its limit in
    /// bytes of UTF-8.
    /// - Throws: ``AdapterError`` located at `record/name`.
    mutating func field(_ name: String, _ value: String, record: String, type: FieldType, maxBytes: Int) throws(AdapterError) {
        let location = record + "/" + name
        guard !value.isEmpty else { throw AdapterError("empty value", location: location) }
        switch type {
        case .code, .digits, .account:
            for byte in value.utf8 {
                let allowed: Bool
                switch type {
                case .code: allowed = byte > 0x20 && byte < 0x7F
                case .digits: allowed = byte >= 0x30 && byte <= 0x39
                default:
                    allowed = (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A)
                        || (byte >= 0x61 && byte <= 0x7A) || byte == 0x2D
                }
                guard allowed else {
                    let rule = switch type {
                    case .code: "only printable ASCII without spaces is allowed"
                    case .digits: "only digits are allowed"
                    default: "an account number takes only ASCII letters, digits and -"
                    }
                    throw AdapterError(rule, location: location)
                }
            }
        case .text:
            for scalar in value.unicodeScalars where scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) {
                let hex = String(scalar.value, radix: 16, uppercase: true)
                throw AdapterError("\(location): control character U+\(String(repeating: "0", count: max(0, 4 - hex.count)) + hex) is not allowed",
                                   location: location)
            }
        }
        let length = value.utf8.count
        guard length <= maxBytes else {
            throw AdapterError("\(length) bytes in UTF-8, over the limit of \(maxBytes)", location: location)
        }
        writer.element(name, value)
    }

    /// Like ``field(_:_:record:type:maxBytes:)`` for an optional value; `nil` or empty writes the
    /// element empty.
    mutating func optionalField(_ name: String, _ value: String?, record: String, type: FieldType,
                                maxBytes: Int) throws(AdapterError) {
        guard let value, !value.isEmpty else { return empty(name) }
        try field(name, value, record: record, type: type, maxBytes: maxBytes)
    }

    /// Closes the envelope and returns the request (UTF-8), ending with a newline.
    mutating func finish() -> [UInt8] {
        writer.close("trn-\(code)-rq")
        writer.close("trans")
        writer.close("bocb2e")
        writer.raw("\n")
        return writer.bytes
    }
}
