import COpenSSL

/// The two encodings of an SM2 signature (r, s): DER `SEQUENCE { INTEGER r, INTEGER s }` (GM/T 0009,
/// what OpenSSL produces and checks) and raw `r ‖ s`, 32 bytes each, big-endian, that some banks'
/// interfaces and SDKs exchange instead.
public enum SM2Signature {
    /// Length of the raw form.
    public static let rawLength = 64

    /// The raw 64-byte `r ‖ s` of a DER signature. Refuses trailing bytes, and r or s longer than 32 bytes.
    public static func raw(fromDER der: [UInt8]) throws(CryptoError) -> [UInt8] {
        OpenSSLErrorQueue.clear()
        var consumed = 0
        let signature: OpaquePointer? = der.withUnsafeBufferPointer { buffer in
            var cursor: UnsafePointer<UInt8>? = buffer.baseAddress
            let parsed = d2i_ECDSA_SIG(nil, &cursor, buffer.count)
            if parsed != nil, let cursor, let base = buffer.baseAddress { consumed = cursor - base }
            return parsed
        }
        guard let signature else { throw .malformedSignature("not a DER SEQUENCE of two INTEGERs: \(OpenSSLErrorQueue.drain())") }
        defer { ECDSA_SIG_free(signature) }
        guard consumed == der.count else { throw .malformedSignature("\(der.count - consumed) bytes after the DER signature") }
        guard let r = ECDSA_SIG_get0_r(signature), let s = ECDSA_SIG_get0_s(signature) else {
            throw .malformedSignature("r or s missing")
        }
        var raw = [UInt8](repeating: 0, count: rawLength)
        let written = raw.withUnsafeMutableBufferPointer { out in
            (BN_bn2binpad(r, out.baseAddress, 32), BN_bn2binpad(s, out.baseAddress! + 32, 32))
        }
        guard written.0 == 32, written.1 == 32 else { throw .malformedSignature("r or s longer than 32 bytes") }
        return raw
    }

    /// The DER encoding of a raw 64-byte `r ‖ s`.
    public static func der(fromRaw raw: [UInt8]) throws(CryptoError) -> [UInt8] {
        guard raw.count == rawLength else { throw .malformedSignature("a raw SM2 signature is 64 bytes, not \(raw.count)") }
        OpenSSLErrorQueue.clear()
        guard let signature = ECDSA_SIG_new() else { throw OpenSSLErrorQueue.failure("ECDSA_SIG_new") }
        defer { ECDSA_SIG_free(signature) }
        let (r, s) = raw.withUnsafeBufferPointer { bytes in
            (BN_bin2bn(bytes.baseAddress, 32, nil), BN_bin2bn(bytes.baseAddress! + 32, 32, nil))
        }
        guard let r, let s, ECDSA_SIG_set0(signature, r, s) == 1 else {
            BN_free(r)
            BN_free(s)
            throw OpenSSLErrorQueue.failure("ECDSA_SIG_set0")
        }
        guard let der = derEncoded({ i2d_ECDSA_SIG(signature, $0) }) else { throw OpenSSLErrorQueue.failure("i2d_ECDSA_SIG") }
        return der
    }
}
