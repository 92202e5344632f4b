import BankGateCore
import BankGateXML

/// Writes one request to CMB's front-end program (前置机): the `CMBSDKPGK` envelope with its `INFO`
/// header, then the function's records, checked field by field and transcoded to GBK at the end.
///
/// CMB gives field lengths in bytes of GBK (`Z(62)`: 62 bytes, 31 Chinese characters), so every
/// field is converted to GBK before it is written: a character GBK cannot carry is refused with the
/// field named, and the length is counted in GBK bytes. Errors never contain the field's value.
struct CMBRequestWriter {
    /// The field types of CMB's documentation.
    enum FieldType {
        /// `C(n)`: printable ASCII without spaces (references, codes).
        case code
        /// `N(n)`: an account number: ASCII letters, digits and `-`.
        case account
        /// `Z(n)`: text in GBK, Chinese allowed.
        case text
    }

    private var writer = XMLWriter(capacity: 2048, indentation: 2)
    private let function: String

    /// Starts a request for `function` (`FUNNAM`) sent as login `loginName` (`LGNNAM`).
    init(function: String, loginName: String) throws(AdapterError) {
        self.function = function
        writer.raw("<?xml version=\"1.0\" encoding=\"GBK\"?>")
        writer.open("CMBSDKPGK")
        writer.open("INFO")
        writer.element("FUNNAM", function)
        // Data type 2: XML ("format 3" of the API documentation).
        writer.element("DATTYP", "2")
        try field("LGNNAM", loginName, record: "INFO", type: .text, maxBytes: 30)
        writer.close("INFO")
    }

    /// Opens one record (`SDKPAYRQX`, `DCOPDPAYX` …).
    mutating func open(_ record: String) { writer.open(record) }

    /// Closes the record opened last.
    mutating func close(_ record: String) { writer.close(record) }

    /// Writes `<name>value</name>` after checking `value` against the field's type and its limit in
    /// GBK bytes.
    /// - Throws: ``AdapterError`` located at `record/name`.
    mutating func field(_ name: String, _ value: String, record: String, type: FieldType, maxBytes: Int) throws(AdapterError) {
        let location = record + "/" + name
        guard !value.isEmpty else { throw AdapterError("empty value", location: location) }
        let length: Int
        switch type {
        case .code, .account:
            for byte in value.utf8 {
                let allowed = type == .code
                    ? byte > 0x20 && byte < 0x7F
                    : (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || byte == 0x2D
                guard allowed else {
                    throw AdapterError(type == .code ? "only printable ASCII without spaces is allowed"
                                                     : "an account number takes only ASCII letters, digits and -",
                                       location: location)
                }
            }
            length = value.utf8.count
        case .text:
            do {
                length = try CMBAdapter.encoding.byteCount(value, field: location)
            } catch {
                throw AdapterError(error.description, location: location)
            }
        }
        guard length <= maxBytes else {
            throw AdapterError("\(length) bytes in \(CMBAdapter.encoding.rawValue), over the limit of \(maxBytes)",
                               location: location)
        }
        writer.element(name, value)
    }

    /// Closes the envelope and returns the request in GBK, ending with a newline.
    mutating func finish() throws(AdapterError) -> [UInt8] {
        writer.close("CMBSDKPGK")
        writer.raw("\n")
        switch ChineseTextEncoding.convert(writer.bytes, from: "UTF-8", to: CMBAdapter.encoding.rawValue) {
        case .success(let bytes):
            return bytes
        case .failure:
            // Unreachable: every text field was converted on its own above; names and markup are ASCII.
            throw AdapterError("the \(function) request cannot be written in \(CMBAdapter.encoding.rawValue)")
        }
    }
}
