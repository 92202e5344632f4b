public import BankGateCore

/// The first character of the 7-byte header. The sources disagree: their comments call it the
/// encryption flag (`1` encrypted, `0` not), yet two send `1` with plain XML and three send `0`.
/// Which one the client accepts is a deployment setting; bankgate sends ``one`` unless told otherwise.
public enum ABCFrameFlag: String, Hashable, Sendable, CaseIterable {
    case zero = "0"
    case one = "1"
}

extension ABCAdapter {
    /// The largest body the header's six decimal digits can announce.
    public static let maxFrameBodyBytes = 999_999

    /// Puts the 7-byte header in front of a GBK request: ``frameFlag``, then the body's length in
    /// bytes as decimal digits right-padded with spaces to six characters (`1554   <ap>…`).
    /// - Throws: ``AdapterError`` when the body is empty or too long for six digits.
    public func frame(_ body: [UInt8]) throws(AdapterError) -> [UInt8] {
        guard !body.isEmpty, body.count <= Self.maxFrameBodyBytes else {
            throw AdapterError("a frame carries 1 to \(Self.maxFrameBodyBytes) bytes, not \(body.count)", location: "frame header")
        }
        var framed = Array(frameFlag.rawValue.utf8) + Array(String(body.count).utf8)
        while framed.count < 7 { framed.append(UInt8(ascii: " ")) }
        framed.append(contentsOf: body)
        return framed
    }

    /// The body of an answer: its 7-byte header checked and removed.
    ///
    /// A short frame, a header that is not a digit followed by digits right-padded with spaces, or
    /// a length other than the number of bytes that follow is an error: whatever the bank did with
    /// the request, this answer does not say it (the payment's outcome is unknown).
    public static func unframe(_ bytes: [UInt8]) throws(AdapterError) -> [UInt8] {
        guard bytes.count >= 7 else {
            throw AdapterError("a frame of \(bytes.count) bytes is shorter than its 7-byte header", location: "frame header")
        }
        guard bytes[0] >= 0x30 && bytes[0] <= 0x39 else {
            throw AdapterError("the frame flag is not a digit", location: "frame header")
        }
        var declared = 0
        var digits = 0
        var padding = false
        for byte in bytes[1..<7] {
            if byte == UInt8(ascii: " ") {
                padding = true
            } else if byte >= 0x30 && byte <= 0x39 && !padding {
                declared = declared * 10 + Int(byte - 0x30)
                digits += 1
            } else {
                throw AdapterError("the frame length is not decimal digits right-padded with spaces", location: "frame header")
            }
        }
        guard digits > 0 else { throw AdapterError("the frame length is empty", location: "frame header") }
        guard declared == bytes.count - 7 else {
            throw AdapterError("the frame announces \(declared) bytes but \(bytes.count - 7) follow", location: "frame header")
        }
        return Array(bytes[7...])
    }
}
