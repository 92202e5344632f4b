import BankGateCore

/// The field types of Chinese banks' direct-connection formats, as their documentation names them
/// (CMB `C(n)`, `N(n)`, `Z(n)`; CCB `varChar(n)` with "只可以使用数字" for the request number).
enum BankFieldType {
    /// Printable ASCII without spaces (references, codes).
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
    /// of the banks' lengths: a Chinese character takes two bytes of GBK or GB2312).
    ///
    /// Errors name the field and never contain the value; an unrepresentable character is named
    /// by its code point (`U+1F600`).
    /// - Throws: ``AdapterError`` located at `location` for an empty value, a character the type
    ///   or the encoding does not allow, or a value over `maxBytes`.
    func checkField(_ value: String, type: BankFieldType, maxBytes: Int, location: String) throws(AdapterError) {
        guard !value.isEmpty else { throw AdapterError("empty value", location: location) }
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
    }
}
