import COpenSSL

/// A public key that verifies bank signatures: RSA or SM2 (or, read from a certificate, another type
/// that can only be listed).
public struct VerifyingKey: Sendable, CustomStringConvertible {
    let handle: EVPKeyHandle
    /// The key's algorithm.
    public let algorithm: KeyAlgorithm
    /// The key size in bits.
    public let bits: Int

    init(sharing handle: EVPKeyHandle, algorithm: KeyAlgorithm, bits: Int) {
        self.handle = handle
        self.algorithm = algorithm
        self.bits = bits
    }

    /// Takes ownership of `key`.
    init(taking key: OpaquePointer) {
        self.init(sharing: EVPKeyHandle(key), algorithm: keyAlgorithm(of: key), bits: Int(EVP_PKEY_get_bits(key)))
    }

    /// The public key in `pem`: a `PUBLIC KEY` (SubjectPublicKeyInfo) or the key of the first
    /// `CERTIFICATE`.
    public init(pem: [UInt8]) throws(CryptoError) {
        if pem.containsSubsequence(Array("-----BEGIN CERTIFICATE-----".utf8)) {
            guard let certificate = try Certificate.load(pem: pem).first else {
                throw .unreadableCertificate(openSSL: "no certificate in the PEM text")
            }
            self = certificate.verifyingKey
            return
        }
        OpenSSLErrorQueue.clear()
        guard let key = withMemoryBIO(pem, { PEM_read_bio_PUBKEY($0, nil, nil, nil) }) else {
            throw .unreadableKey(openSSL: OpenSSLErrorQueue.drain())
        }
        self.init(taking: key)
    }

    /// The public key in `pem` (text), see `init(pem:)`.
    public init(pem: String) throws(CryptoError) { try self.init(pem: Array(pem.utf8)) }

    /// The public key in a DER SubjectPublicKeyInfo.
    public init(der: [UInt8]) throws(CryptoError) {
        OpenSSLErrorQueue.clear()
        let key: OpaquePointer? = der.withUnsafeBufferPointer { buffer in
            var cursor: UnsafePointer<UInt8>? = buffer.baseAddress
            return d2i_PUBKEY(nil, &cursor, buffer.count)
        }
        guard let key else { throw .unreadableKey(openSSL: OpenSSLErrorQueue.drain()) }
        self.init(taking: key)
    }

    /// An SM2 public key from its point as some banks hand it out: 65 bytes `04 ‖ x ‖ y`
    /// (uncompressed SEC 1), or 64 bytes `x ‖ y`.
    public init(sm2Point point: [UInt8]) throws(CryptoError) {
        let uncompressed: [UInt8]
        switch point.count {
        case 65 where point[0] == 0x04: uncompressed = point
        case 64: uncompressed = [0x04] + point
        default: throw .unreadableKey(openSSL: "an SM2 point is 64 bytes x‖y or 65 bytes 04‖x‖y, not \(point.count) bytes")
        }
        try self.init(der: Self.sm2SubjectPublicKeyInfoPrefix + uncompressed)
    }

    /// DER of SubjectPublicKeyInfo { id-ecPublicKey, sm2p256v1 (1.2.156.10197.1.301) }, BIT STRING of 66 bytes.
    private static let sm2SubjectPublicKeyInfoPrefix: [UInt8] = [
        0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x02, 0x01,
        0x06, 0x08, 0x2A, 0x81, 0x1C, 0xCF, 0x55, 0x01, 0x82, 0x2D, 0x03, 0x42, 0x00,
    ]

    /// Whether `signature` is a valid signature of `message` under `scheme` by this key. A wrong or
    /// malformed signature is `false`; a scheme that does not fit the key throws.
    public func isValidSignature(_ signature: [UInt8], for message: [UInt8], scheme: SignatureScheme) throws(CryptoError) -> Bool {
        let result = try withSignatureContext(key: handle, algorithm: algorithm, scheme: scheme, signing: false) { context in
            signature.withUnsafeBufferPointer { sig in
                message.withUnsafeBufferPointer { input in
                    var empty: UInt8 = 0
                    return withUnsafeMutablePointer(to: &empty) { emptyPointer in
                        EVP_DigestVerify(context, sig.baseAddress ?? UnsafePointer(emptyPointer), sig.count,
                                         input.baseAddress ?? UnsafePointer(emptyPointer), input.count)
                    }
                }
            }
        }
        // 0 is a wrong signature, negative a malformed one; neither is kept in the error queue.
        OpenSSLErrorQueue.clear()
        return result == 1
    }

    /// Whether `signature` is valid for the UTF-8 bytes of `message`.
    public func isValidSignature(_ signature: [UInt8], for message: String, scheme: SignatureScheme) throws(CryptoError) -> Bool {
        try isValidSignature(signature, for: Array(message.utf8), scheme: scheme)
    }

    /// The DER SubjectPublicKeyInfo.
    public var derRepresentation: [UInt8] {
        guard let der = derEncoded({ i2d_PUBKEY(handle.pointer, $0) }) else { preconditionFailure("i2d_PUBKEY failed") }
        return der
    }

    /// The `PUBLIC KEY` PEM text.
    public var pemRepresentation: String {
        String(decoding: collectingMemoryBIO { _ = PEM_write_bio_PUBKEY($0, handle.pointer) }, as: UTF8.self)
    }

    /// SHA-256 of the DER SubjectPublicKeyInfo, 64 lowercase hexadecimal digits: names a key in logs
    /// and listings.
    public var fingerprint: String { SHA256.hex(derRepresentation) }

    /// `sha256:` and the first 16 digits of the fingerprint.
    var fingerprintPrefix: String { "sha256:" + fingerprint.prefix(16) }

    public var description: String { "VerifyingKey(\(algorithm), \(bits) bits, \(fingerprintPrefix))" }
}

extension Array where Element == UInt8 {
    /// Whether `needle` occurs in the array.
    func containsSubsequence(_ needle: [UInt8]) -> Bool {
        guard !needle.isEmpty, count >= needle.count else { return needle.isEmpty }
        for start in 0...(count - needle.count) where self[start] == needle[0] {
            if self[start..<(start + needle.count)].elementsEqual(needle) { return true }
        }
        return false
    }
}
