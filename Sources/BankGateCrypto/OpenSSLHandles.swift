import COpenSSL
import Synchronization

// Owners of OpenSSL objects. They are `@unchecked Sendable` because the object behind the pointer is
// never modified after it was created (keys, certificates and the set-up signature contexts are only
// read: each signature or verification works on its own copy), and OpenSSL 3 allows concurrent use of
// such objects from several threads (openssl-threads(7)). The one mutable part, the table of set-up
// contexts, is behind a Mutex.

/// Owns one `EVP_PKEY` (freed with the last reference), and the digest contexts set up once for it.
final class EVPKeyHandle: @unchecked Sendable {
    let pointer: OpaquePointer
    /// Set-up contexts by scheme and direction, copied for each signature (see `withSignatureContext`).
    private let prepared = Mutex<[PreparedKey: PreparedContext]>([:])
    /// More schemes than this (many SM2 user ids on one key) are set up for each call instead.
    private static let preparedLimit = 16

    private struct PreparedKey: Hashable {
        var scheme: SignatureScheme
        var signing: Bool
    }

    /// A set-up `EVP_MD_CTX`, never used itself, only copied; freed with the handle.
    private struct PreparedContext: @unchecked Sendable {
        let pointer: OpaquePointer
    }

    init(_ pointer: OpaquePointer) { self.pointer = pointer }

    /// The set-up context for `scheme` (made on first use), or nil when the handle keeps enough already.
    func preparedContext(scheme: SignatureScheme, signing: Bool) throws(CryptoError) -> OpaquePointer? {
        let key = PreparedKey(scheme: scheme, signing: signing)
        let found: Result<PreparedContext?, CryptoError> = prepared.withLock { contexts in
            if let context = contexts[key] { return .success(context) }
            guard contexts.count < Self.preparedLimit else { return .success(nil) }
            guard let context = EVP_MD_CTX_new() else { return .failure(OpenSSLErrorQueue.failure("EVP_MD_CTX_new")) }
            do throws(CryptoError) {
                try prepareSignatureContext(context, key: pointer, scheme: scheme, signing: signing)
            } catch {
                EVP_MD_CTX_free(context)
                return .failure(error)
            }
            contexts[key] = PreparedContext(pointer: context)
            return .success(PreparedContext(pointer: context))
        }
        return try found.get()?.pointer
    }

    deinit {
        prepared.withLock { contexts in contexts.values.forEach { EVP_MD_CTX_free($0.pointer) } }
        EVP_PKEY_free(pointer)
    }
}

/// Owns one `X509`.
final class X509Handle: @unchecked Sendable {
    let pointer: OpaquePointer

    init(_ pointer: OpaquePointer) { self.pointer = pointer }

    deinit { X509_free(pointer) }
}

/// A read-only memory BIO over `bytes`, valid only inside `body`.
func withMemoryBIO<R>(_ bytes: [UInt8], _ body: (OpaquePointer) -> R) -> R {
    bytes.withUnsafeBytes { buffer in
        var empty: UInt8 = 0
        return withUnsafeMutablePointer(to: &empty) { emptyPointer in
            let base = buffer.baseAddress ?? UnsafeRawPointer(emptyPointer)
            guard let bio = BIO_new_mem_buf(base, Int32(buffer.count)) else { preconditionFailure("BIO_new_mem_buf failed") }
            defer { BIO_free(bio) }
            return body(bio)
        }
    }
}

/// What a writable memory BIO received from `body`.
func collectingMemoryBIO(_ body: (OpaquePointer) -> Void) -> [UInt8] {
    guard let bio = BIO_new(BIO_s_mem()) else { preconditionFailure("BIO_new failed") }
    defer { BIO_free(bio) }
    body(bio)
    var data: UnsafeMutablePointer<CChar>?
    let length = bankgate_BIO_mem_data(bio, &data)
    guard let data, length > 0 else { return [] }
    return data.withMemoryRebound(to: UInt8.self, capacity: length) { Array(UnsafeBufferPointer(start: $0, count: length)) }
}

/// The DER encoding OpenSSL's `i2d_…` function `encode` writes (called once for the length, once to fill).
func derEncoded(_ encode: (UnsafeMutablePointer<UnsafeMutablePointer<UInt8>?>?) -> Int32) -> [UInt8]? {
    let length = encode(nil)
    guard length > 0 else { return nil }
    var bytes = [UInt8](repeating: 0, count: Int(length))
    let written = bytes.withUnsafeMutableBufferPointer { buffer -> Int32 in
        var cursor: UnsafeMutablePointer<UInt8>? = buffer.baseAddress
        return encode(&cursor)
    }
    return written == length ? bytes : nil
}

/// The algorithm of a key OpenSSL decoded.
func keyAlgorithm(of key: OpaquePointer) -> KeyAlgorithm {
    if EVP_PKEY_is_a(key, "RSA") == 1 { return .rsa }
    if EVP_PKEY_is_a(key, "SM2") == 1 { return .sm2 }
    return .other(EVP_PKEY_get0_type_name(key).map { String(cString: $0) } ?? "unknown")
}
