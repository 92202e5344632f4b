/// Checks for the identifiers found in payment instructions: IBAN, BIC, CNAPS code.
public enum IBAN {
    /// Whether `text` has the shape of an IBAN (country letters then check digits), so that the
    /// mod-97 check applies rather than domestic account rules.
    public static func looksLikeIBAN(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count >= 4 else { return false }
        return isUpper(bytes[0]) && isUpper(bytes[1]) && isDigit(bytes[2]) && isDigit(bytes[3])
    }

    /// `text` as an IBAN is written electronically: spaces removed, letters upper case
    /// (`gb82 west 1234…` → `GB82WEST1234…`). Checks and messages use this form.
    public static func normalized(_ text: String) -> String {
        String(decoding: text.utf8.compactMap { byte -> UInt8? in
            if byte == UInt8(ascii: " ") { return nil }
            return byte >= 97 && byte <= 122 ? byte - 32 : byte
        }, as: UTF8.self)
    }

    /// Whether `text` is an IBAN with valid check digits (ISO 13616, mod 97 = 1). No spaces allowed.
    public static func isValid(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard (15...34).contains(bytes.count), looksLikeIBAN(text),
              bytes.allSatisfy({ isUpper($0) || isDigit($0) }) else { return false }
        let rearranged = bytes[4...] + bytes[..<4]
        var remainder = 0
        for byte in rearranged {
            if isDigit(byte) {
                remainder = (remainder * 10 + Int(byte - 48)) % 97
            } else {
                remainder = (remainder * 100 + Int(byte - 55)) % 97
            }
        }
        return remainder == 1
    }

    static func isUpper(_ b: UInt8) -> Bool { b >= 65 && b <= 90 }
    static func isDigit(_ b: UInt8) -> Bool { b >= 48 && b <= 57 }
}

public enum BIC {
    /// Whether `text` matches ISO 9362: `[A-Z0-9]{4}[A-Z]{2}[A-Z0-9]{2}([A-Z0-9]{3})?`.
    public static func isValid(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count == 8 || bytes.count == 11 else { return false }
        for (index, byte) in bytes.enumerated() {
            let alnum = IBAN.isUpper(byte) || IBAN.isDigit(byte)
            if (4...5).contains(index) ? !IBAN.isUpper(byte) : !alnum { return false }
        }
        return true
    }
}

public enum CNAPS {
    /// Whether `text` is a 12-digit CNAPS bank code (中国现代化支付系统行号).
    public static func isValid(_ text: String) -> Bool {
        text.utf8.count == 12 && text.utf8.allSatisfy(IBAN.isDigit)
    }
}

/// ISO 20022 text limits and the character set bankgate accepts for bank-bound text.
public enum ISOText {
    /// Why a text was refused.
    public enum Problem: Hashable, Sendable, CustomStringConvertible {
        case empty
        case tooLong(max: Int)
        case forbiddenCharacter(Character)

        public var description: String {
            switch self {
            case .empty: "must not be empty"
            case .tooLong(let max): "is longer than \(max) characters"
            case .forbiddenCharacter(let c): "contains a character not allowed in bank messages: \(c.unicodeScalars.map { "U+" + String($0.value, radix: 16, uppercase: true) }.joined())"
            }
        }
    }

    /// Checks `text` against `MaxNText` (`maxLength` characters, at least one) and refuses control
    /// characters and the XML-unsafe range; letters of any script are allowed (UTF-8 messages).
    public static func problem(in text: String, maxLength: Int) -> Problem? {
        if text.isEmpty { return .empty }
        var count = 0
        for scalar in text.unicodeScalars {
            count += 1
            if scalar.value < 0x20 || scalar.value == 0x7F || (0x80...0x9F).contains(scalar.value)
                || (0xD800...0xDFFF).contains(scalar.value) || scalar.value == 0xFFFE || scalar.value == 0xFFFF {
                return .forbiddenCharacter(Character(scalar))
            }
        }
        if count > maxLength { return .tooLong(max: maxLength) }
        return nil
    }

    /// Checks an identifier sent to the bank (`MsgId`, `EndToEndId`…): 1–35 characters from the
    /// SWIFT-safe set `A-Z a-z 0-9 / - ? : ( ) . , ' +` and no space, so every bank can carry it.
    public static func identifierProblem(in text: String, maxLength: Int = 35) -> Problem? {
        if text.isEmpty { return .empty }
        if text.unicodeScalars.count > maxLength { return .tooLong(max: maxLength) }
        for scalar in text.unicodeScalars {
            let v = scalar.value
            let ok = (v >= 0x30 && v <= 0x39) || (v >= 0x41 && v <= 0x5A) || (v >= 0x61 && v <= 0x7A)
                || "/-?:().,'+".unicodeScalars.contains(scalar)
            if !ok { return .forbiddenCharacter(Character(scalar)) }
        }
        return nil
    }
}
