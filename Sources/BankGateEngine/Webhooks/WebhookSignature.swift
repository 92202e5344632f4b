import BankGateCrypto

/// How a webhook delivery is signed, so that the receiver can prove it came from bankgate and was
/// not replayed long after.
///
/// Header `BankGate-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`. The
/// receiver recomputes the code over the timestamp, a dot and the raw body, compares in constant
/// time, and refuses timestamps too far from its own clock.
public enum WebhookSignature {
    /// The header's name.
    public static let headerName = "BankGate-Signature"

    /// The header value for `body` sent at `unixSeconds`.
    public static func header(secret: String, unixSeconds: Int64, body: [UInt8]) -> String {
        "t=\(unixSeconds),v1=\(code(secret: secret, unixSeconds: unixSeconds, body: body))"
    }

    /// The hexadecimal HMAC over `"<unixSeconds>.<body>"`.
    public static func code(secret: String, unixSeconds: Int64, body: [UInt8]) -> String {
        HMACSHA256.hex(key: Array(secret.utf8), message: Array("\(unixSeconds).".utf8) + body)
    }

    /// Checks a header value as a receiver would: well formed, the code matches, and the timestamp
    /// is within `toleranceSeconds` of `nowUnixSeconds`.
    public static func verify(header: String, secret: String, body: [UInt8], nowUnixSeconds: Int64,
                              toleranceSeconds: Int64 = 300) -> Bool {
        var timestamp: Int64?
        var codes: [String] = []
        for part in header.split(separator: ",") {
            let pair = part.split(separator: "=", maxSplits: 1).map(String.init)
            guard pair.count == 2 else { return false }
            switch pair[0] {
            case "t": timestamp = Int64(pair[1])
            case "v1": codes.append(pair[1])
            default: continue
            }
        }
        guard let timestamp, abs(nowUnixSeconds - timestamp) <= toleranceSeconds else { return false }
        let expected = code(secret: secret, unixSeconds: timestamp, body: body)
        return codes.contains { ConstantTime.equal(Array($0.utf8), Array(expected.utf8)) }
    }
}
