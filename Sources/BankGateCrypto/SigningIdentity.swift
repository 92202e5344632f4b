import COpenSSL

/// A signing key with the certificate issued for it and the certificates above that one: what a
/// `.p12`/`.pfx` file from a bank's or a CA's enrolment holds.
public struct SigningIdentity: Sendable, CustomStringConvertible {
    /// The private key.
    public let key: SigningKey
    /// The certificate of `key`.
    public let certificate: Certificate
    /// Further certificates (intermediate and root CAs), as found.
    public let chain: [Certificate]

    /// `key` with its `certificate`; throws when the certificate holds another public key.
    public init(key: SigningKey, certificate: Certificate, chain: [Certificate] = []) throws(CryptoError) {
        OpenSSLErrorQueue.clear()
        guard X509_check_private_key(certificate.handle.pointer, key.handle.pointer) == 1 else {
            OpenSSLErrorQueue.clear()
            throw .keyDoesNotMatchCertificate
        }
        self.key = key
        self.certificate = certificate
        self.chain = chain
    }

    /// The key, certificate and chain of a PKCS#12 file opened with `passphrase`.
    ///
    /// OpenSSL 3 reads the PBES2/AES files of current tools and the PBE-SHA1-3DES files of older
    /// Windows exports; RC2-40 files (very old exports) need OpenSSL's legacy provider, which bankgate
    /// does not load: such a file fails as `unreadablePKCS12` naming the unsupported algorithm.
    public static func pkcs12(_ bytes: [UInt8], passphrase: [UInt8]) throws(CryptoError) -> SigningIdentity {
        guard !passphrase.contains(0) else { throw .invalidArgument("a PKCS#12 passphrase cannot contain a NUL byte") }
        OpenSSLErrorQueue.clear()
        let parsed: OpaquePointer? = bytes.withUnsafeBufferPointer { buffer in
            var cursor: UnsafePointer<UInt8>? = buffer.baseAddress
            return d2i_PKCS12(nil, &cursor, buffer.count)
        }
        guard let parsed else { throw .unreadablePKCS12(openSSL: OpenSSLErrorQueue.drain()) }
        defer { PKCS12_free(parsed) }
        let cPassphrase: [CChar] = passphrase.map { CChar(bitPattern: $0) } + [0]
        // The MAC check tells a wrong passphrase from a damaged or unsupported file.
        if !passphrase.isEmpty, PKCS12_mac_present(parsed) == 1,
           PKCS12_verify_mac(parsed, cPassphrase, Int32(passphrase.count)) != 1 {
            throw .wrongPassphrase(openSSL: OpenSSLErrorQueue.drain())
        }
        var key: OpaquePointer?
        var certificate: OpaquePointer?
        var stack: OpaquePointer?
        guard PKCS12_parse(parsed, cPassphrase, &key, &certificate, &stack) == 1 else {
            throw .unreadablePKCS12(openSSL: OpenSSLErrorQueue.drain())
        }
        var chain: [OpaquePointer] = []
        if let stack {
            for index in 0..<bankgate_sk_X509_num(stack) {
                if let member = bankgate_sk_X509_value(stack, index), X509_up_ref(member) == 1 { chain.append(member) }
            }
            bankgate_sk_X509_pop_free(stack)
        }
        guard let key else {
            if let certificate { X509_free(certificate) }
            chain.forEach { X509_free($0) }
            throw .unreadablePKCS12(openSSL: "the file holds no private key")
        }
        guard let certificate else {
            EVP_PKEY_free(key)
            chain.forEach { X509_free($0) }
            throw .unreadablePKCS12(openSSL: "the file holds no certificate for its key")
        }
        let signingKey: SigningKey
        do {
            signingKey = try SigningKey(taking: key)
        } catch {
            X509_free(certificate)
            chain.forEach { X509_free($0) }
            throw error
        }
        let leaf = try Certificate(taking: certificate)
        var others: [Certificate] = []
        for member in chain { others.append(try Certificate(taking: member)) }
        return try SigningIdentity(key: signingKey, certificate: leaf, chain: others)
    }

    public var description: String {
        "SigningIdentity(\(key), \(certificate), chain of \(chain.count))"
    }
}
