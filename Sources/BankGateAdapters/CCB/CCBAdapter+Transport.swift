public import BankGateCore

/// How a request reaches CCB's client and what comes back, as pure functions (no sockets).
///
/// - Raw TCP: write ``EncodedMessage/bytes`` as they are, read until the client closes: the bytes
///   read are the answer. Nothing to wrap.
/// - HTTP: post ``CCBAdapter/envelope(_:)`` with ``CCBAdapter/formContentType``; the body of the
///   reply is the answer.
extension CCBAdapter {
    /// The name of the HTTP form field that carries the request.
    public static let formField = "requestXml"

    /// The HTTP form body for `message`: `requestXml=` and the request's GB2312 bytes
    /// percent-encoded (`application/x-www-form-urlencoded`: letters, digits and `-._*` as they
    /// are, a space as `+`, every other byte as `%XX`).
    public static func envelope(_ message: EncodedMessage) -> [UInt8] {
        var body = Array((formField + "=").utf8)
        body.reserveCapacity(body.count + message.bytes.count * 3)
        let hex = Array("0123456789ABCDEF".utf8)
        for byte in message.bytes {
            let letterOrDigit = (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
            if letterOrDigit || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_")
                || byte == UInt8(ascii: "*") {
                body.append(byte)
            } else if byte == UInt8(ascii: " ") {
                body.append(UInt8(ascii: "+"))
            } else {
                body.append(contentsOf: [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]])
            }
        }
        return body
    }

    /// The answer's XML in the bytes the client sent back (the HTTP body, or everything read from
    /// the socket until it closed): leading whitespace dropped.
    /// - Throws: ``AdapterError`` for nothing but whitespace, or bytes that do not start with `<`
    ///   (an HTML error page, a proxy's message).
    public static func unwrapAnswer(_ bytes: [UInt8]) throws(AdapterError) -> [UInt8] {
        var start = 0
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { start = 3 }
        while start < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[start]) { start += 1 }
        guard start < bytes.count else { throw AdapterError("empty answer from the CCB client") }
        guard bytes[start] == UInt8(ascii: "<") else {
            throw AdapterError("the CCB client's answer is not XML (byte \(bytes[start]) at offset \(start))")
        }
        return Array(bytes[start...])
    }

    /// `bytes` with the text of every `<PASSWORD>` element replaced by `******` (whatever its
    /// length): a request as it may be archived or shown. The markup is ASCII in GB2312, so the
    /// search cannot match inside a Chinese character.
    public static func redactingPassword(_ bytes: [UInt8]) -> [UInt8] {
        let open = Array("<PASSWORD>".utf8)
        let close = Array("</PASSWORD>".utf8)
        var result: [UInt8] = []
        result.reserveCapacity(bytes.count)
        var index = 0
        while let start = bytes[index...].firstRange(of: open) {
            result.append(contentsOf: bytes[index..<start.upperBound])
            guard let end = bytes[start.upperBound...].firstRange(of: close) else {
                // No end tag: drop everything after the start tag rather than keep a password.
                result.append(contentsOf: Array("******".utf8))
                return result
            }
            result.append(contentsOf: Array("******".utf8))
            index = end.lowerBound
        }
        result.append(contentsOf: bytes[index...])
        return result
    }
}
