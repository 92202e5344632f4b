import BankGateCore
import COpenSSL

/// Seals short secrets (webhook signing keys) for storage with AES-256-GCM under a key kept outside
/// the database.
///
/// A sealed value is text: `bgsec1:` followed by the hexadecimal of a random 12-byte nonce, the
/// ciphertext and the 16-byte tag. `context` (for example the row's id) is authenticated with it, so a
/// sealed value copied into another row does not open there.
public struct SecretBox: Sendable {
    /// Why a key or a sealed value was refused.
    public enum Failure: Error, Equatable, CustomStringConvertible {
        /// The key is not 32 bytes written as 64 hexadecimal digits.
        case malformedKey
        /// The text is not a sealed value of this format.
        case notSealed
        /// The value does not open under this key and context: another key, another row, or tampered with.
        case authenticationFailed

        public var description: String {
            switch self {
            case .malformedKey: "the secret key must be 64 hexadecimal digits (32 random bytes)"
            case .notSealed: "not a sealed secret"
            case .authenticationFailed: "a sealed secret does not open with this key (another key, or altered)"
            }
        }
    }

    /// The prefix of every sealed value.
    public static let prefix = "bgsec1:"
    private static let nonceLength = 12
    private static let tagLength = 16

    private let key: [UInt8]

    /// A box for `key`, 32 bytes.
    public init(key: [UInt8]) throws(Failure) {
        guard key.count == 32 else { throw .malformedKey }
        self.key = key
    }

    /// A box for a key written as 64 hexadecimal digits (surrounding white space ignored).
    public init(hexKey: String) throws(Failure) {
        guard let bytes = Hex.decode(hexKey.trimmingWhitespace()), bytes.count == 32 else { throw .malformedKey }
        key = bytes
    }

    /// A new random key, as 64 hexadecimal digits.
    public static func makeHexKey() -> String { Hex.encode(SecureRandom.bytes(32)) }

    /// Whether `text` looks like a sealed value (it may still fail to open).
    public static func isSealed(_ text: String) -> Bool { text.hasPrefix(prefix) }

    /// `plaintext` sealed, bound to `context`.
    public func seal(_ plaintext: String, context: String) -> String {
        let nonce = SecureRandom.bytes(Self.nonceLength)
        let (ciphertext, tag) = crypt(encrypt: true, input: Array(plaintext.utf8), nonce: nonce, aad: Array(context.utf8), tag: nil)!
        return Self.prefix + Hex.encode(nonce + ciphertext + tag)
    }

    /// The plaintext of a value sealed with this key and `context`.
    public func open(_ sealed: String, context: String) throws(Failure) -> String {
        guard sealed.hasPrefix(Self.prefix), let bytes = Hex.decode(String(sealed.dropFirst(Self.prefix.count))),
              bytes.count >= Self.nonceLength + Self.tagLength else { throw .notSealed }
        let nonce = Array(bytes[0..<Self.nonceLength])
        let ciphertext = Array(bytes[Self.nonceLength..<(bytes.count - Self.tagLength)])
        let tag = Array(bytes[(bytes.count - Self.tagLength)...])
        guard let (plaintext, _) = crypt(encrypt: false, input: ciphertext, nonce: nonce, aad: Array(context.utf8), tag: tag),
              let text = String(validating: plaintext, as: UTF8.self) else { throw .authenticationFailed }
        return text
    }

    /// One AES-256-GCM pass. Encrypting returns the ciphertext and the tag; decrypting checks `tag`
    /// and returns nil when it does not match.
    private func crypt(encrypt: Bool, input: [UInt8], nonce: [UInt8], aad: [UInt8], tag: [UInt8]?) -> ([UInt8], [UInt8])? {
        guard let context = EVP_CIPHER_CTX_new() else { preconditionFailure("EVP_CIPHER_CTX_new failed") }
        defer { EVP_CIPHER_CTX_free(context) }
        var output = [UInt8](repeating: 0, count: input.count + 16)
        var outputLength: Int32 = 0
        var finalLength: Int32 = 0
        var tagBytes = tag ?? [UInt8](repeating: 0, count: Self.tagLength)
        let ok: Bool = key.withUnsafeBufferPointer { keyBytes in
            nonce.withUnsafeBufferPointer { nonceBytes in
                let initialised = encrypt
                    ? EVP_EncryptInit_ex(context, EVP_aes_256_gcm(), nil, keyBytes.baseAddress, nonceBytes.baseAddress)
                    : EVP_DecryptInit_ex(context, EVP_aes_256_gcm(), nil, keyBytes.baseAddress, nonceBytes.baseAddress)
                guard initialised == 1 else { return false }
                var ignored: Int32 = 0
                let update = encrypt ? EVP_EncryptUpdate : EVP_DecryptUpdate
                if !aad.isEmpty {
                    guard aad.withUnsafeBufferPointer({ update(context, nil, &ignored, $0.baseAddress, Int32($0.count)) }) == 1 else {
                        return false
                    }
                }
                let updated = output.withUnsafeMutableBufferPointer { out in
                    input.withUnsafeBufferPointer { update(context, out.baseAddress, &outputLength, $0.baseAddress, Int32($0.count)) }
                }
                guard updated == 1 else { return false }
                if !encrypt {
                    guard tagBytes.withUnsafeMutableBytes({
                        EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_GCM_SET_TAG, Int32(Self.tagLength), $0.baseAddress)
                    }) == 1 else { return false }
                }
                let finished = output.withUnsafeMutableBufferPointer { out in
                    encrypt ? EVP_EncryptFinal_ex(context, out.baseAddress! + Int(outputLength), &finalLength)
                            : EVP_DecryptFinal_ex(context, out.baseAddress! + Int(outputLength), &finalLength)
                }
                guard finished == 1 else { return false }
                if encrypt {
                    guard tagBytes.withUnsafeMutableBytes({
                        EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_GCM_GET_TAG, Int32(Self.tagLength), $0.baseAddress)
                    }) == 1 else { return false }
                }
                return true
            }
        }
        guard ok else {
            precondition(!encrypt, "AES-256-GCM encryption failed")
            return nil
        }
        return (Array(output[0..<Int(outputLength + finalLength)]), tagBytes)
    }
}

extension String {
    fileprivate func trimmingWhitespace() -> String {
        let utf8 = Array(self.utf8)
        let isSpace: (UInt8) -> Bool = { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }
        guard let first = utf8.firstIndex(where: { !isSpace($0) }), let last = utf8.lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return String(decoding: utf8[first...last], as: UTF8.self)
    }
}
