import BankGateCore
import BankGateXML

/// The field types of Chinese banks' direct-connection formats, as their documentation names them
/// (CMB `C(n)`, `N(n)`, `Z(n)`; CCB `varChar(n)` with "只可以使用数字" for the request number).
enum BankFieldType {
    /// Printable ASCII without spaces (references, codes, dates).
    case code
    /// An account number: ASCII letters, digits and `-`.
    case account
    /// ASCII digits only.
    case digits
    /// Text in the bank's encoding, Chinese allowed.
    case text
}

extension ChineseTextEncoding {
    /// Checks `value` against the field's type and its limit in bytes of this encoding (the unit
    /// of the banks' lengths: a Chinese character takes two bytes of GBK or GB2312), and returns
    /// its length in those bytes.
    ///
    /// Errors name the field and never contain the value; an unrepresentable character is named
    /// by its code point (`U+1F600`).
    /// - Parameter allowEmpty: whether an empty value is accepted (ABC's optional fields).
    /// - Throws: ``AdapterError`` located at `location` for an empty value (unless `allowEmpty`), a
    ///   character the type or the encoding does not allow, or a value over `maxBytes`.
    @discardableResult
    func checkField(_ value: String, type: BankFieldType, maxBytes: Int, location: String,
                    allowEmpty: Bool = false) throws(AdapterError) -> Int {
        guard allowEmpty || !value.isEmpty else { throw AdapterError("empty value", location: location) }
        let length: Int
        switch type {
        case .code, .account, .digits:
            for byte in value.utf8 {
                let digit = byte >= 0x30 && byte <= 0x39
                let letter = (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                switch type {
                case .code where !(byte > 0x20 && byte < 0x7F):
                    throw AdapterError("only printable ASCII without spaces is allowed", location: location)
                case .account where !(digit || letter || byte == 0x2D):
                    throw AdapterError("an account number takes only ASCII letters, digits and -", location: location)
                case .digits where !digit:
                    throw AdapterError("only the digits 0-9 are allowed", location: location)
                default:
                    break
                }
            }
            length = value.utf8.count
        case .text:
            do {
                length = try byteCount(value, field: location)
            } catch {
                throw AdapterError(error.description, location: location)
            }
        }
        guard length <= maxBytes else {
            throw AdapterError("\(length) bytes in \(rawValue), over the limit of \(maxBytes)", location: location)
        }
        return length
    }
}

/// Writes a request document for a Chinese bank's front-end field by field: each value is checked
/// against its field type and its limit in bytes of the bank's encoding
/// (``ChineseTextEncoding/checkField(_:type:maxBytes:location:allowEmpty:)``), and the whole
/// document is transcoded at the end.
///
/// Shared by the CMB, CCB, ICBC and ABC codecs; each wraps it with its own envelope. Errors never
/// contain the field's value.
struct ChineseXMLFields {
    private var writer: XMLWriter
    /// The encoding the document is written in and its limits are counted in.
    let encoding: ChineseTextEncoding

    /// Starts a document in `encoding`, with `declaration` (written as is) when given.
    /// - Parameter indentation: spaces per level (CMB indents); 0 writes one line.
    init(encoding: ChineseTextEncoding, declaration: String? = nil, indentation: Int, capacity: Int = 2048) {
        self.encoding = encoding
        writer = XMLWriter(capacity: capacity, indentation: indentation)
        if let declaration { writer.raw(declaration) }
    }

    /// Opens an element that holds other elements.
    mutating func open(_ name: String) { writer.open(name) }

    /// Closes the element opened last.
    mutating func close(_ name: String) { writer.close(name) }

    /// Writes `<name></name>`: a field the format expects to be present but empty.
    mutating func empty(_ name: String) { writer.element(name, "") }

    /// Writes markup as is (a declaration, a trailing newline).
    mutating func raw(_ text: String) { writer.raw(text) }

    /// Writes a constant of the codec (an ASCII code such as `ICC`), unchecked.
    mutating func constant(_ name: String, _ value: String) { writer.element(name, value) }

    /// Writes `<name>value</name>` after checking `value` against `type` and its limit in bytes of
    /// ``encoding``.
    /// - Throws: ``AdapterError`` located at `location`.
    mutating func field(_ name: String, _ value: String, location: String, type: BankFieldType, maxBytes: Int,
                        allowEmpty: Bool = false) throws(AdapterError) {
        try encoding.checkField(value, type: type, maxBytes: maxBytes, location: location, allowEmpty: allowEmpty)
        writer.element(name, value)
    }

    /// Writes `<name>value</name>` after checking it, located at `record/name`.
    /// - Throws: ``AdapterError`` located at `record/name`.
    mutating func field(_ name: String, _ value: String, record: String, type: BankFieldType, maxBytes: Int) throws(AdapterError) {
        try field(name, value, location: record + "/" + name, type: type, maxBytes: maxBytes)
    }

    /// The document so far transcoded to ``encoding``.
    /// - Parameter document: what the document is, for the (unreachable) error.
    func encoded(document: String) throws(AdapterError) -> [UInt8] {
        switch ChineseTextEncoding.convert(writer.bytes, from: "UTF-8", to: encoding.rawValue) {
        case .success(let bytes):
            return bytes
        case .failure:
            // Unreachable: every text field was converted on its own; names and markup are the codec's own.
            throw AdapterError("the \(document) request cannot be written in \(encoding.rawValue)")
        }
    }
}
