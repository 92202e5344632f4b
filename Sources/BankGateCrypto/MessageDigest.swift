import BankGateCore
import COpenSSL

/// A message digest the banks' signatures use, fetched from OpenSSL by name.
public enum DigestAlgorithm: String, Sendable, Hashable, CustomStringConvertible {
    /// SHA-256, for RSA signatures.
    case sha256 = "SHA256"
    /// SM3 (GM/T 0004-2012), for SM2 signatures.
    case sm3 = "SM3"
    /// SHA-1: broken for collisions; only for a bank interface that still demands it, chosen explicitly.
    case legacySHA1 = "SHA1"

    /// Digest length in bytes.
    public var length: Int { self == .legacySHA1 ? 20 : 32 }

    /// OpenSSL's name for the digest (`EVP_MD_fetch`).
    public var openSSLName: String { rawValue }

    public var description: String {
        switch self {
        case .sha256: "SHA-256"
        case .sm3: "SM3"
        case .legacySHA1: "SHA-1 (legacy)"
        }
    }
}

/// One-shot digests through OpenSSL's EVP interface.
public enum MessageDigest {
    /// The digest of the bytes at `buffer`.
    public static func hash(_ buffer: UnsafeRawBufferPointer, algorithm: DigestAlgorithm) throws(CryptoError) -> [UInt8] {
        OpenSSLErrorQueue.clear()
        guard let method = EVP_MD_fetch(nil, algorithm.openSSLName, nil) else {
            throw .algorithmUnavailable(name: algorithm.description, openSSL: OpenSSLErrorQueue.drain())
        }
        defer { EVP_MD_free(method) }
        var digest = [UInt8](repeating: 0, count: algorithm.length)
        var size: UInt32 = 0
        var empty: UInt8 = 0
        let ok = digest.withUnsafeMutableBufferPointer { out in
            withUnsafeMutablePointer(to: &empty) { emptyPointer in
                EVP_Digest(buffer.baseAddress ?? UnsafeRawPointer(emptyPointer), buffer.count, out.baseAddress, &size, method, nil)
            }
        }
        guard ok == 1, Int(size) == algorithm.length else { throw OpenSSLErrorQueue.failure("EVP_Digest(\(algorithm))") }
        return digest
    }

    /// The digest of `bytes`.
    public static func hash(_ bytes: [UInt8], algorithm: DigestAlgorithm) throws(CryptoError) -> [UInt8] {
        let result: Result<[UInt8], CryptoError> = bytes.withUnsafeBytes { buffer in
            Result { () throws(CryptoError) in try hash(buffer, algorithm: algorithm) }
        }
        return try result.get()
    }
}

/// SM3 (GM/T 0004-2012, GB/T 32905-2016), the digest of the Chinese national algorithms, through
/// OpenSSL's EVP "SM3".
public enum SM3 {
    /// Digest length in bytes.
    public static let length = 32

    /// The digest of `bytes`; throws only when this OpenSSL was built without SM3.
    public static func digest(_ bytes: [UInt8]) throws(CryptoError) -> [UInt8] {
        try MessageDigest.hash(bytes, algorithm: .sm3)
    }

    /// The digest of `bytes` as 64 lowercase hexadecimal digits.
    public static func hex(_ bytes: [UInt8]) throws(CryptoError) -> String {
        Hex.encode(try digest(bytes))
    }
}
