/// What a line of an MT940/MT942 file is, told by its first bytes without allocating: a field's first
/// line, a SWIFT block, the framing some banks add around their messages, or text.
enum MT940LineShape {
    /// SOH (0x01), ETX (0x03) or SUB (0x1A).
    static func isFramingControl(_ byte: UInt8) -> Bool { byte == 0x01 || byte == 0x03 || byte == 0x1A }

    /// Whether the line starts a SWIFT block `{1:` … `{5:`.
    static func isBlockStart(_ text: String) -> Bool {
        var bytes = text.utf8.makeIterator()
        return bytes.next() == UInt8(ascii: "{")
            && (UInt8(ascii: "1")...UInt8(ascii: "5")).contains(bytes.next() ?? 0) && bytes.next() == UInt8(ascii: ":")
    }

    /// The fields of MT940 and MT942 (`:28:` and `:13:` are the older forms of `:28C:` and `:13D:`;
    /// `:NS:` is the non-SWIFT block German and Hungarian banks add).
    static func isDefined(_ tag: String) -> Bool {
        switch tag {
        case "61", "86", "20", "21", "25", "25P", "28C", "28", "60F", "60M", "62F", "62M", "64", "65", "34F", "13D",
             "13", "90D", "90C", "NS": true
        default: false
        }
    }

    /// Fields whose text may run over several lines: the statement line's supplementary details, the
    /// narrative, a non-SWIFT block.
    static func takesContinuation(_ tag: String) -> Bool {
        tag == "86" || tag == "61" || tag == "NS"
    }

    /// Fields after which a statement may end.
    static func closesStatement(_ tag: String) -> Bool {
        switch tag {
        case "62F", "62M", "64", "65", "90D", "90C": true
        default: false
        }
    }

    /// A line a bank writes before its messages: its BIC (`ABNANL2A`), the message type (`940`, `940 00`,
    /// Rabobank's `:940:`) or a sequence header (`0000 01INGBNL2AXXXX00001`): capital letters, digits
    /// and blanks, at most 64 bytes.
    static func isBankHeader(_ text: String) -> Bool {
        if text == ":940:" || text == ":942:" { return true }
        let utf8 = text.utf8
        return utf8.count <= 64 && utf8.allSatisfy { byte in
            (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z")) || MT940Fields.isDigit(byte) || byte == 0x20
        }
    }

    /// `-` and one to eight capital letters or digits (`-XXX`).
    static func isTrailer(_ text: String) -> Bool {
        let rest = text.utf8.dropFirst()
        return (1...8).contains(rest.count) && rest.allSatisfy { byte in
            (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z")) || MT940Fields.isDigit(byte)
        }
    }

    /// `(tag, content)` for a line starting with `:NN:`, `:NNa:` or `:NS:`.
    static func tag(_ text: String) -> (String, String)? {
        let utf8 = text.utf8
        // Native strings are contiguous; a bridged one is copied (its first bytes are all that matter).
        let end = utf8.withContiguousStorageIfAvailable(tagEnd) ?? Array(utf8.prefix(5)).withUnsafeBufferPointer(tagEnd)
        guard let close = end else { return nil }
        // Both ends are next to an ASCII `:`, so the slices are whole scalars: copied, not re-decoded.
        let tagEnd = utf8.index(utf8.startIndex, offsetBy: close)
        return (String(text[utf8.index(after: utf8.startIndex)..<tagEnd]), String(text[utf8.index(after: tagEnd)...]))
    }

    /// The offset of the `:` that closes a leading `:NN:`, `:NNa:` or `:NS:`.
    static func tagEnd(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        guard bytes.count >= 4, bytes[0] == UInt8(ascii: ":") else { return nil }
        guard MT940Fields.isDigit(bytes[1]), MT940Fields.isDigit(bytes[2]) else {
            let isNS = bytes[1] == UInt8(ascii: "N") && bytes[2] == UInt8(ascii: "S") && bytes[3] == UInt8(ascii: ":")
            return isNS ? 3 : nil
        }
        if bytes[3] == UInt8(ascii: ":") { return 3 }
        guard bytes.count >= 5, bytes[3] >= UInt8(ascii: "A"), bytes[3] <= UInt8(ascii: "Z"),
              bytes[4] == UInt8(ascii: ":") else { return nil }
        return 4
    }
}
