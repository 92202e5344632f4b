import BankGateCore
import COpenSSL

/// HMAC-SHA256 through OpenSSL, for signing webhook deliveries.
public enum HMACSHA256 {
    /// The 32-byte authentication code of `message` under `key`.
    public static func authenticationCode(key: [UInt8], message: [UInt8]) -> [UInt8] {
        var code = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 0
        var empty: UInt8 = 0
        key.withUnsafeBufferPointer { keyBuffer in
            message.withUnsafeBufferPointer { messageBuffer in
                code.withUnsafeMutableBufferPointer { out in
                    withUnsafeMutablePointer(to: &empty) { placeholder in
                        let result = HMAC(EVP_sha256(), keyBuffer.baseAddress ?? UnsafePointer(placeholder), Int32(keyBuffer.count),
                                          messageBuffer.baseAddress ?? UnsafePointer(placeholder), messageBuffer.count,
                                          out.baseAddress, &length)
                        precondition(result != nil && length == 32, "HMAC-SHA256 failed")
                    }
                }
            }
        }
        return code
    }

    /// The authentication code as 64 lowercase hexadecimal digits.
    public static func hex(key: [UInt8], message: [UInt8]) -> String {
        Hex.encode(authenticationCode(key: key, message: message))
    }
}

/// Comparison of secrets in time that does not depend on where they differ.
public enum ConstantTime {
    /// Whether `a` and `b` are equal (OpenSSL's `CRYPTO_memcmp`; different lengths are unequal).
    public static func equal(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        return a.withUnsafeBytes { pa in
            b.withUnsafeBytes { pb in CRYPTO_memcmp(pa.baseAddress, pb.baseAddress, a.count) == 0 }
        }
    }
}

/// Random bytes from OpenSSL's CSPRNG.
public enum SecureRandom {
    /// `count` random bytes.
    public static func bytes(_ count: Int) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        let ok = bytes.withUnsafeMutableBufferPointer { RAND_bytes($0.baseAddress, Int32(count)) }
        precondition(ok == 1, "RAND_bytes failed")
        return bytes
    }
}
