/// Byte constants and classes used by the TOML parser.
enum ASCII {
    static let tab: UInt8 = 0x09
    static let newline: UInt8 = 0x0A
    static let carriageReturn: UInt8 = 0x0D
    static let space: UInt8 = 0x20
    static let quote = UInt8(ascii: "\"")
    static let hash = UInt8(ascii: "#")
    static let apostrophe = UInt8(ascii: "'")
    static let plus = UInt8(ascii: "+")
    static let comma = UInt8(ascii: ",")
    static let dot = UInt8(ascii: ".")
    static let zero = UInt8(ascii: "0")
    static let colon = UInt8(ascii: ":")
    static let equals = UInt8(ascii: "=")
    static let openBracket = UInt8(ascii: "[")
    static let backslash = UInt8(ascii: "\\")
    static let closeBracket = UInt8(ascii: "]")
    static let openBrace = UInt8(ascii: "{")

    /// `A-Z a-z 0-9 _ -`: the characters of a bare key.
    static func isBareKey(_ b: UInt8) -> Bool {
        (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == 0x5F || b == 0x2D
    }

    static func isHexDigit(_ b: UInt8) -> Bool {
        (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x46) || (b >= 0x61 && b <= 0x66)
    }

    /// Control characters TOML refuses in strings and comments: all of C0 except tab, and DEL.
    static func isControl(_ b: UInt8) -> Bool {
        (b < 0x20 && b != tab) || b == 0x7F
    }

    /// A byte for an error message: printable ASCII in quotes, anything else as U+XXXX.
    static func describe(_ b: UInt8) -> String {
        b >= 0x21 && b < 0x7F ? "'\(describePlain(b))'" : describePlain(b)
    }

    /// A byte as itself when printable ASCII, otherwise as U+XXXX (the lead byte for non-ASCII).
    static func describePlain(_ b: UInt8) -> String {
        if b >= 0x21 && b < 0x7F { return String(UnicodeScalar(b)) }
        let hex = String(b, radix: 16, uppercase: true)
        return "U+" + String(repeating: "0", count: 4 - hex.count) + hex
    }
}
