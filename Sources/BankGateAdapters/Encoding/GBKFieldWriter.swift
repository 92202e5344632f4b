import BankGateCore
import BankGateXML

/// Writes an XML request for a Chinese bank's front-end field by field, checking each value
/// against its field type and its limit in bytes of GBK, then transcodes the whole document to GBK.
///
/// Shared by the CMB and ABC codecs: both give lengths in bytes of GBK (a Chinese character takes
/// two), so every text field is converted on its own first: a character GBK cannot carry is refused
/// with the field named, never replaced by `?`. Errors never contain the field's value.
struct GBKFieldWriter {
    /// The field types of the banks' documentation.
    enum FieldType {
        /// Printable ASCII without spaces (references, codes).
        case code
        /// An account number: ASCII letters, digits and `-`.
        case account
        /// Text in GBK, Chinese allowed.
        case text
    }

    /// The document so far, in UTF-8.
    private(set) var writer: XMLWriter

    /// Starts an empty document.
    /// - Parameter indentation: spaces per level (CMB indents); 0 writes one line (ABC).
    init(capacity: Int = 2048, indentation: Int) {
        writer = XMLWriter(capacity: capacity, indentation: indentation)
    }

    /// Appends `text` as is (a declaration, a trailing newline).
    mutating func raw(_ text: String) { writer.raw(text) }

    /// Opens `name`.
    mutating func open(_ name: String) { writer.open(name) }

    /// Closes `name`.
    mutating func close(_ name: String) { writer.close(name) }

    /// Writes a constant of the codec (an ASCII code such as `ICC`), unchecked.
    mutating func constant(_ name: String, _ value: String) { writer.element(name, value) }

    /// Writes `<name>value</name>` after ``check(_:location:type:maxBytes:allowEmpty:)``.
    /// - Throws: ``AdapterError`` located at `location`.
    mutating func field(_ name: String, _ value: String, location: String, type: FieldType, maxBytes: Int,
                        allowEmpty: Bool = false) throws(AdapterError) {
        _ = try Self.check(value, location: location, type: type, maxBytes: maxBytes, allowEmpty: allowEmpty)
        writer.element(name, value)
    }

    /// Checks `value` against `type` and its limit of `maxBytes` bytes of GBK and returns its length
    /// in GBK bytes.
    /// - Throws: ``AdapterError`` located at `location`: empty (unless `allowEmpty`), a character the
    ///   type or GBK does not allow, or too long.
    static func check(_ value: String, location: String, type: FieldType, maxBytes: Int,
                      allowEmpty: Bool = false) throws(AdapterError) -> Int {
        guard allowEmpty || !value.isEmpty else { throw AdapterError("empty value", location: location) }
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
                length = try ChineseTextEncoding.gbk.byteCount(value, field: location)
            } catch {
                throw AdapterError(error.description, location: location)
            }
        }
        guard length <= maxBytes else {
            throw AdapterError("\(length) bytes in GBK, over the limit of \(maxBytes)", location: location)
        }
        return length
    }

    /// The document in GBK.
    /// - Parameter what: names the request in the (unreachable) error.
    func finish(_ what: String) throws(AdapterError) -> [UInt8] {
        switch ChineseTextEncoding.convert(writer.bytes, from: "UTF-8", to: ChineseTextEncoding.gbk.rawValue) {
        case .success(let bytes):
            return bytes
        case .failure:
            // Unreachable: every text field was converted on its own; names and markup are ASCII or GBK.
            throw AdapterError("the \(what) request cannot be written in GBK")
        }
    }
}
