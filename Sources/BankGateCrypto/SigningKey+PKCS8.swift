import COpenSSL

extension SigningKey {
    /// The key as PKCS#8 PEM: `ENCRYPTED PRIVATE KEY` (PBES2, PBKDF2 with HMAC-SHA256, AES-256-CBC)
    /// under `passphrase`, or `PRIVATE KEY` in the clear when `passphrase` is nil.
    ///
    /// The one place the private key leaves OpenSSL: callers write it to a file of mode 0600
    /// (`bankgate keys generate|import`) and nowhere else. An empty passphrase is refused, since
    /// it would look encrypted and protect nothing.
    /// A key in a PKCS#11 token is refused: it never leaves the token.
    public func pkcs8PEM(passphrase: [UInt8]?) throws(CryptoError) -> [UInt8] {
        guard tokenURI == nil else { throw .invalidArgument("a key in a PKCS#11 token cannot be exported") }
        if let passphrase {
            guard !passphrase.isEmpty else { throw .invalidArgument("an empty passphrase protects nothing") }
            guard passphrase.count <= 1024, !passphrase.contains(0) else {
                throw .invalidArgument("a passphrase must be at most 1024 bytes without a NUL byte")
            }
        }
        OpenSSLErrorQueue.clear()
        var ok: Int32 = 0
        let pem = collectingMemoryBIO { bio in
            if let passphrase {
                var text: [CChar] = passphrase.map { CChar(bitPattern: $0) } + [0]
                ok = PEM_write_bio_PKCS8PrivateKey(bio, handle.pointer, EVP_aes_256_cbc(), &text, Int32(passphrase.count), nil, nil)
            } else {
                ok = PEM_write_bio_PKCS8PrivateKey(bio, handle.pointer, nil, nil, 0, nil, nil)
            }
        }
        guard ok == 1, !pem.isEmpty else { throw OpenSSLErrorQueue.failure("PEM_write_bio_PKCS8PrivateKey") }
        return pem
    }
}
