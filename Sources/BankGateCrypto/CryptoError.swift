import COpenSSL

/// Why a signing, verification, cipher or key operation failed. Cases that come from OpenSSL carry
/// its error queue as text (`openSSL`), which never contains key material.
public enum CryptoError: Error, Equatable, CustomStringConvertible {
    /// This OpenSSL does not offer the algorithm (some distributions build without SM2/SM3/SM4).
    case algorithmUnavailable(name: String, openSSL: String)
    /// A symmetric key of the wrong length.
    case invalidKeyLength(expected: Int, actual: Int)
    /// An initialisation vector of the wrong length.
    case invalidIVLength(expected: Int, actual: Int)
    /// Input for a cipher without padding that is not a whole number of blocks.
    case inputNotBlockAligned(length: Int, blockLength: Int)
    /// Decryption failed: wrong key or IV, bad padding, or altered ciphertext.
    case decryptionFailed(openSSL: String)
    /// The private or public key could not be read (not PEM/DER, damaged, or an unknown format).
    case unreadableKey(openSSL: String)
    /// The key is encrypted and no passphrase was given.
    case passphraseRequired
    /// The passphrase does not open the key or the PKCS#12 file (or the file is damaged).
    case wrongPassphrase(openSSL: String)
    /// A key of an algorithm bankgate does not sign with (only RSA and SM2).
    case unsupportedKeyAlgorithm(String)
    /// The certificate could not be read.
    case unreadableCertificate(openSSL: String)
    /// The PKCS#12 file could not be read or holds no private key.
    case unreadablePKCS12(openSSL: String)
    /// The private key is not the one whose public half the certificate holds.
    case keyDoesNotMatchCertificate
    /// The signature scheme does not fit the key (an SM2 scheme with an RSA key, or the reverse).
    case schemeNotForKey(scheme: String, key: KeyAlgorithm)
    /// A signature that is not in the expected encoding (DER, or raw r||s of 64 bytes).
    case malformedSignature(String)
    /// An argument outside what the operation accepts (the reason says which).
    case invalidArgument(String)
    /// The PKCS#11 engine or the token's module cannot be loaded (the package, the module path).
    case tokenUnavailable(String)
    /// The token refused the PIN (wrong, locked or of the wrong length).
    case tokenLoginFailed(openSSL: String)
    /// The token has no usable private key at the URI (wrong token or object, or not a key).
    case tokenKeyNotFound(uri: String, openSSL: String)
    /// An OpenSSL call failed for a reason not listed above.
    case operationFailed(operation: String, openSSL: String)

    public var description: String {
        switch self {
        case .algorithmUnavailable(let name, let openSSL): "\(name) is not available in this OpenSSL: \(openSSL)"
        case .invalidKeyLength(let expected, let actual): "the key must be \(expected) bytes, not \(actual)"
        case .invalidIVLength(let expected, let actual): "the IV must be \(expected) bytes, not \(actual)"
        case .inputNotBlockAligned(let length, let block):
            "without padding the input must be a multiple of \(block) bytes, not \(length)"
        case .decryptionFailed(let openSSL): "decryption failed (wrong key or IV, bad padding, or altered data): \(openSSL)"
        case .unreadableKey(let openSSL): "the key cannot be read: \(openSSL)"
        case .passphraseRequired: "the key is encrypted and no passphrase was given"
        case .wrongPassphrase(let openSSL): "wrong passphrase (or a damaged file): \(openSSL)"
        case .unsupportedKeyAlgorithm(let name): "keys of type \(name) are not supported for signing (only RSA and SM2)"
        case .unreadableCertificate(let openSSL): "the certificate cannot be read: \(openSSL)"
        case .unreadablePKCS12(let openSSL): "the PKCS#12 file cannot be used: \(openSSL)"
        case .keyDoesNotMatchCertificate: "the private key does not belong to the certificate"
        case .schemeNotForKey(let scheme, let key): "the signature scheme \(scheme) does not work with a \(key) key"
        case .malformedSignature(let reason): "malformed signature: \(reason)"
        case .invalidArgument(let reason): "invalid argument: \(reason)"
        case .tokenUnavailable(let reason): "the PKCS#11 token cannot be used: \(reason)"
        case .tokenLoginFailed(let openSSL): "the PKCS#11 token refused the PIN (wrong, locked or of the wrong length): \(openSSL)"
        case .tokenKeyNotFound(let uri, let openSSL): "no usable private key at \(uri): \(openSSL)"
        case .operationFailed(let operation, let openSSL): "\(operation) failed: \(openSSL)"
        }
    }
}

/// The thread's OpenSSL error queue.
enum OpenSSLErrorQueue {
    /// Empties the queue, so that a later `drain()` reports only what the next calls add.
    static func clear() { ERR_clear_error() }

    /// Every queued error as one line, oldest first, and the queue emptied; "no OpenSSL error
    /// recorded" when it was empty.
    static func drain() -> String {
        var messages: [String] = []
        var buffer = [CChar](repeating: 0, count: 256)
        while true {
            let code = ERR_get_error()
            if code == 0 { break }
            buffer.withUnsafeMutableBufferPointer { ERR_error_string_n(code, $0.baseAddress, $0.count) }
            messages.append(String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        return messages.isEmpty ? "no OpenSSL error recorded" : messages.joined(separator: "; ")
    }

    /// `operationFailed` for `operation` with the drained queue.
    static func failure(_ operation: String) -> CryptoError {
        .operationFailed(operation: operation, openSSL: drain())
    }
}
