import COpenSSL

/// SM4 (GM/T 0002-2012, GB/T 32907-2016), the block cipher of the Chinese national algorithms, through
/// OpenSSL's EVP "SM4-CBC" and "SM4-ECB". Some bank interfaces encrypt whole messages with it (CMB's
/// cloud interface: SM4-CBC), a few still in ECB mode.
public enum SM4 {
    /// Key length in bytes.
    public static let keyLength = 16
    /// Block (and IV) length in bytes.
    public static let blockLength = 16

    /// The mode of operation.
    public enum Mode: Sendable, Hashable {
        /// Cipher block chaining with a 16-byte IV.
        case cbc(iv: [UInt8])
        /// Electronic codebook: each block alone. Equal blocks give equal ciphertext; only where a bank demands it.
        case ecb
    }

    /// What fills the last block.
    public enum Padding: Sendable, Hashable {
        /// PKCS#7: 1 to 16 bytes, each the count (always added, so a whole block is added to aligned input).
        case pkcs7
        /// None: the input must be a multiple of 16 bytes.
        case none
    }

    /// `plaintext` encrypted under `key`.
    public static func encrypt(_ plaintext: [UInt8], key: [UInt8], mode: Mode, padding: Padding = .pkcs7) throws(CryptoError) -> [UInt8] {
        try crypt(plaintext, key: key, mode: mode, padding: padding, encrypting: true)
    }

    /// `ciphertext` decrypted under `key`; a wrong key or altered data usually fails the padding check.
    public static func decrypt(_ ciphertext: [UInt8], key: [UInt8], mode: Mode, padding: Padding = .pkcs7) throws(CryptoError) -> [UInt8] {
        if padding == .pkcs7, ciphertext.isEmpty || ciphertext.count % blockLength != 0 {
            throw .inputNotBlockAligned(length: ciphertext.count, blockLength: blockLength)
        }
        return try crypt(ciphertext, key: key, mode: mode, padding: padding, encrypting: false)
    }

    private static func crypt(_ input: [UInt8], key: [UInt8], mode: Mode, padding: Padding, encrypting: Bool) throws(CryptoError) -> [UInt8] {
        guard key.count == keyLength else { throw .invalidKeyLength(expected: keyLength, actual: key.count) }
        var iv: [UInt8] = []
        if case .cbc(let given) = mode {
            guard given.count == blockLength else { throw .invalidIVLength(expected: blockLength, actual: given.count) }
            iv = given
        }
        if padding == .none, input.count % blockLength != 0 {
            throw .inputNotBlockAligned(length: input.count, blockLength: blockLength)
        }
        OpenSSLErrorQueue.clear()
        let name = iv.isEmpty ? "SM4-ECB" : "SM4-CBC"
        guard let cipher = EVP_CIPHER_fetch(nil, name, nil) else {
            throw .algorithmUnavailable(name: name, openSSL: OpenSSLErrorQueue.drain())
        }
        defer { EVP_CIPHER_free(cipher) }
        guard let context = EVP_CIPHER_CTX_new() else { throw OpenSSLErrorQueue.failure("EVP_CIPHER_CTX_new") }
        defer { EVP_CIPHER_CTX_free(context) }
        let initialised = key.withUnsafeBufferPointer { keyBytes in
            iv.withUnsafeBufferPointer { ivBytes in
                EVP_CipherInit_ex2(context, cipher, keyBytes.baseAddress, iv.isEmpty ? nil : ivBytes.baseAddress,
                                   encrypting ? 1 : 0, nil)
            }
        }
        guard initialised == 1, EVP_CIPHER_CTX_set_padding(context, padding == .pkcs7 ? 1 : 0) == 1 else {
            throw OpenSSLErrorQueue.failure("EVP_CipherInit_ex2(\(name))")
        }
        var output = [UInt8](repeating: 0, count: input.count + blockLength)
        var updateLength: Int32 = 0
        var finalLength: Int32 = 0
        let ok = output.withUnsafeMutableBufferPointer { out in
            input.withUnsafeBufferPointer { bytes in
                var empty: UInt8 = 0
                return withUnsafeMutablePointer(to: &empty) { emptyPointer in
                    guard EVP_CipherUpdate(context, out.baseAddress, &updateLength, bytes.baseAddress ?? UnsafePointer(emptyPointer),
                                           Int32(bytes.count)) == 1 else { return false }
                    return EVP_CipherFinal_ex(context, out.baseAddress! + Int(updateLength), &finalLength) == 1
                }
            }
        }
        guard ok else {
            if encrypting { throw OpenSSLErrorQueue.failure("SM4 encryption") }
            throw .decryptionFailed(openSSL: OpenSSLErrorQueue.drain())
        }
        output.removeSubrange(Int(updateLength + finalLength)...)
        return output
    }
}
