import BankGateCore
import BankGateXML

/// Writes a request document for a Chinese bank's front-end field by field: each value is checked
/// against its field type and its limit in bytes of the bank's encoding (a character the encoding
/// cannot carry is refused with the field named), and the whole document is transcoded at the end.
///
/// Shared by the CMB and ICBC codecs; each wraps it with its own envelope. Errors never contain the
/// field's value.
struct ChineseXMLFields {
    /// The field types of the banks' documentation.
    enum FieldType {
        /// Printable ASCII without spaces (references, codes, dates).
        case code
        /// An account number: ASCII letters, digits and `-`.
        case account
        /// Text in the bank's encoding, Chinese allowed.
        case text
    }

    private var writer: XMLWriter
    /// The encoding the document is written in and its limits are counted in.
    let encoding: ChineseTextEncoding

    /// Starts a document with `declaration` (written as is) in `encoding`.
    init(encoding: ChineseTextEncoding, declaration: String, indentation: Int, capacity: Int = 2048) {
        self.encoding = encoding
        writer = XMLWriter(capacity: capacity, indentation: indentation)
        writer.raw(declaration)
    }

    /// Opens an element that holds other elements.
    mutating func open(_ name: String) { writer.open(name) }

    /// Closes the element opened last.
    mutating func close(_ name: String) { writer.close(name) }

    /// Writes `<name></name>`: a field the format expects to be present but empty.
    mutating func empty(_ name: String) { writer.element(name, "") }

    /// Writes markup as is (a trailing newline).
    mutating func raw(_ text: String) { writer.raw(text) }

    /// Writes `<name>value</name>` after checking `value` against `type` and its limit in bytes of
    /// ``encoding``.
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
                length = try encoding.byteCount(value, field: location)
            } catch {
                throw AdapterError(error.description, location: location)
            }
        }
        guard length <= maxBytes else {
            throw AdapterError("\(length) bytes in \(encoding.rawValue), over the limit of \(maxBytes)", location: location)
        }
        writer.element(name, value)
    }

    /// The document so far transcoded to ``encoding``.
    /// - Parameter document: what the document is, for the (unreachable) error.
    func encoded(document: String) throws(AdapterError) -> [UInt8] {
        switch ChineseTextEncoding.convert(writer.bytes, from: "UTF-8", to: encoding.rawValue) {
        case .success(let bytes):
            return bytes
        case .failure:
            // Unreachable: every text field was converted on its own; names and markup are ASCII.
            throw AdapterError("the \(document) request cannot be written in \(encoding.rawValue)")
        }
    }
}
