import COpenSSL

/// A private key that signs bank messages: RSA or SM2, held by OpenSSL.
///
/// Its `description` names the algorithm, the size and the SHA-256 of the public key, never the
/// private key. The key is written out only by `pkcs8PEM(passphrase:)` (`SigningKey+PKCS8.swift`),
/// for `bankgate keys generate|import`.
public struct SigningKey: Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    let handle: EVPKeyHandle
    /// RSA or SM2.
    public let algorithm: KeyAlgorithm
    /// The key size in bits (2048 for the banks' RSA keys, 256 for SM2).
    public let bits: Int
    /// The PKCS#11 URI of a key held in a hardware token or HSM (`SigningKey+PKCS11.swift`); nil
    /// for a key OpenSSL holds in memory. A token key signs in the token and cannot be written out.
    public let tokenURI: String?

    /// The key in `pem`: PKCS#8 (`PRIVATE KEY`, or `ENCRYPTED PRIVATE KEY` with `passphrase`), or the
    /// traditional `RSA PRIVATE KEY` / `EC PRIVATE KEY` / `SM2 PRIVATE KEY` forms.
    public init(pem: [UInt8], passphrase: [UInt8]? = nil) throws(CryptoError) {
        OpenSSLErrorQueue.clear()
        var request = PassphraseRequest(passphrase: passphrase)
        let key = withMemoryBIO(pem) { bio in
            withUnsafeMutablePointer(to: &request) { PEM_read_bio_PrivateKey(bio, nil, supplyPassphrase, $0) }
        }
        guard let key else {
            let openSSL = OpenSSLErrorQueue.drain()
            if request.tooLong { throw .invalidArgument("the passphrase is longer than OpenSSL accepts") }
            if request.asked { throw passphrase == nil ? .passphraseRequired : .wrongPassphrase(openSSL: openSSL) }
            throw .unreadableKey(openSSL: openSSL)
        }
        try self.init(taking: key)
    }

    /// The key in `pem` (text), see `init(pem:passphrase:)`.
    public init(pem: String, passphrase: [UInt8]? = nil) throws(CryptoError) {
        try self.init(pem: Array(pem.utf8), passphrase: passphrase)
    }

    /// Takes ownership of `key`; frees it and throws when it is neither RSA nor SM2. `tokenURI`:
    /// where the key lives when a PKCS#11 engine loaded it.
    init(taking key: OpaquePointer, tokenURI: String? = nil) throws(CryptoError) {
        let algorithm = keyAlgorithm(of: key)
        guard algorithm == .rsa || algorithm == .sm2 else {
            EVP_PKEY_free(key)
            throw .unsupportedKeyAlgorithm(algorithm.description)
        }
        handle = EVPKeyHandle(key)
        self.algorithm = algorithm
        bits = Int(EVP_PKEY_get_bits(key))
        self.tokenURI = tokenURI
    }

    /// A new random SM2 key on the recommended curve (for tests and test material).
    public static func generateSM2() throws(CryptoError) -> SigningKey {
        try generate(type: "SM2") { _ in true }
    }

    /// A new random RSA key of `bits` bits, public exponent 65537 (for tests and test material).
    public static func generateRSA(bits: Int = 2048) throws(CryptoError) -> SigningKey {
        guard (1024...16384).contains(bits) else { throw .invalidArgument("RSA keys of \(bits) bits") }
        return try generate(type: "RSA") { EVP_PKEY_CTX_set_rsa_keygen_bits($0, Int32(bits)) == 1 }
    }

    private static func generate(type: String, configure: (OpaquePointer) -> Bool) throws(CryptoError) -> SigningKey {
        OpenSSLErrorQueue.clear()
        guard let context = EVP_PKEY_CTX_new_from_name(nil, type, nil) else {
            throw .algorithmUnavailable(name: type, openSSL: OpenSSLErrorQueue.drain())
        }
        defer { EVP_PKEY_CTX_free(context) }
        var key: OpaquePointer?
        guard EVP_PKEY_keygen_init(context) == 1, configure(context), EVP_PKEY_generate(context, &key) == 1, let key else {
            throw OpenSSLErrorQueue.failure("\(type) key generation")
        }
        return try SigningKey(taking: key)
    }

    /// The public half, for verifying what this key signed.
    public var verifyingKey: VerifyingKey { VerifyingKey(sharing: handle, algorithm: algorithm, bits: bits) }

    /// The signature of `message` under `scheme`: PKCS#1 v1.5 bytes for RSA, DER `SEQUENCE { r, s }`
    /// for SM2 (see `SM2Signature` for the raw 64-byte form).
    public func signature(for message: [UInt8], scheme: SignatureScheme) throws(CryptoError) -> [UInt8] {
        let maximum = Int(EVP_PKEY_get_size(handle.pointer))
        var signature = [UInt8](repeating: 0, count: maximum)
        var length = maximum
        let ok = try withSignatureContext(key: handle, algorithm: algorithm, scheme: scheme, signing: true) { context in
            message.withUnsafeBufferPointer { input in
                signature.withUnsafeMutableBufferPointer { out in
                    var empty: UInt8 = 0
                    return withUnsafeMutablePointer(to: &empty) { emptyPointer in
                        EVP_DigestSign(context, out.baseAddress, &length, input.baseAddress ?? UnsafePointer(emptyPointer), input.count)
                    }
                }
            }
        }
        guard ok == 1, length <= maximum else { throw OpenSSLErrorQueue.failure("EVP_DigestSign(\(scheme))") }
        signature.removeSubrange(length...)
        return signature
    }

    /// The signature of the UTF-8 bytes of `message`.
    public func signature(for message: String, scheme: SignatureScheme) throws(CryptoError) -> [UInt8] {
        try signature(for: Array(message.utf8), scheme: scheme)
    }

    public var description: String {
        "SigningKey(\(algorithm), \(bits) bits, public key \(verifyingKey.fingerprintPrefix)\(tokenURI == nil ? "" : ", in a PKCS#11 token"))"
    }

    public var debugDescription: String { description }
}

/// Runs `body` with a digest context set up to sign (or verify) with `key` under `scheme`.
///
/// Setting a context up (`EVP_DigestSignInit_ex`: fetching the digest and the signature
/// implementation, creating the key context) costs OpenSSL 3.0 about as much as an RSA verification,
/// so each key keeps one set-up context per scheme and direction and each call works on a copy of it
/// (`EVP_MD_CTX_copy_ex`, which only reads the original).
func withSignatureContext<R>(key: EVPKeyHandle, algorithm: KeyAlgorithm, scheme: SignatureScheme, signing: Bool,
                             _ body: (OpaquePointer) -> R) throws(CryptoError) -> R {
    guard scheme.keyAlgorithm == algorithm else { throw .schemeNotForKey(scheme: scheme.description, key: algorithm) }
    OpenSSLErrorQueue.clear()
    guard let context = EVP_MD_CTX_new() else { throw OpenSSLErrorQueue.failure("EVP_MD_CTX_new") }
    defer { EVP_MD_CTX_free(context) }
    if let prepared = try key.preparedContext(scheme: scheme, signing: signing) {
        guard EVP_MD_CTX_copy_ex(context, prepared) == 1 else { throw OpenSSLErrorQueue.failure("EVP_MD_CTX_copy_ex") }
    } else {
        try prepareSignatureContext(context, key: key.pointer, scheme: scheme, signing: signing)
    }
    return body(context)
}

/// Initialises `context` to sign (or verify) with `key` under `scheme`.
///
/// For SM2 the user id must reach the signature before the first byte of the message, because the
/// digest starts with Z_A = SM3(ENTL ‖ ID ‖ a ‖ b ‖ G ‖ public key): OpenSSL 3 computes Z_A at the
/// first update, so the id is set (`EVP_PKEY_CTX_set1_id`) on the PKEY_CTX that `EVP_DigestSignInit_ex`
/// hands back, before any data.
func prepareSignatureContext(_ context: OpaquePointer, key: OpaquePointer, scheme: SignatureScheme, signing: Bool) throws(CryptoError) {
    let digest = scheme.digest.openSSLName
    var keyContext: OpaquePointer?
    let initialised = signing
        ? EVP_DigestSignInit_ex(context, &keyContext, digest, nil, nil, key, nil)
        : EVP_DigestVerifyInit_ex(context, &keyContext, digest, nil, nil, key, nil)
    guard initialised == 1, let keyContext else { throw initFailure(scheme, signing) }
    switch scheme {
    case .sm2SM3(let userID):
        let idSet = userID.withUnsafeBytes { EVP_PKEY_CTX_set1_id(keyContext, $0.baseAddress, Int32($0.count)) }
        guard idSet == 1 else { throw OpenSSLErrorQueue.failure("EVP_PKEY_CTX_set1_id") }
    case .rsaPKCS1SHA256, .legacyRSAPKCS1SHA1:
        guard EVP_PKEY_CTX_set_rsa_padding(keyContext, RSA_PKCS1_PADDING) == 1 else {
            throw OpenSSLErrorQueue.failure("EVP_PKEY_CTX_set_rsa_padding")
        }
    }
}

private func initFailure(_ scheme: SignatureScheme, _ signing: Bool) -> CryptoError {
    OpenSSLErrorQueue.failure((signing ? "EVP_DigestSignInit" : "EVP_DigestVerifyInit") + "(\(scheme))")
}

/// The passphrase handed to OpenSSL's PEM callback, and whether OpenSSL asked for it.
struct PassphraseRequest {
    var passphrase: [UInt8]?
    var asked = false
    var tooLong = false
}

/// OpenSSL's `pem_password_cb`: copies the passphrase of the `PassphraseRequest` at `context`.
func supplyPassphrase(_ buffer: UnsafeMutablePointer<CChar>?, _ size: Int32, _ writing: Int32,
                      _ context: UnsafeMutableRawPointer?) -> Int32 {
    guard let buffer, let context else { return -1 }
    let request = context.assumingMemoryBound(to: PassphraseRequest.self)
    request.pointee.asked = true
    guard let passphrase = request.pointee.passphrase else { return -1 }
    guard passphrase.count <= Int(size) else {
        request.pointee.tooLong = true
        return -1
    }
    passphrase.withUnsafeBytes { bytes in
        if let base = bytes.baseAddress { UnsafeMutableRawPointer(buffer).copyMemory(from: base, byteCount: bytes.count) }
    }
    return Int32(passphrase.count)
}
