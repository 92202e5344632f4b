import BankGateCore
import COpenSSL

/// SHA-256 through OpenSSL's EVP interface.
public enum SHA256 {
    /// Digest length in bytes.
    public static let length = 32

    /// OpenSSL's SHA-256, fetched once: `EVP_sha256()` is fetched again, under a lock of OpenSSL's
    /// provider store, at every digest (~0.25 µs of each here). Never freed; the pointer is only read.
    nonisolated(unsafe) static let method: OpaquePointer = {
        guard let method = EVP_MD_fetch(nil, "SHA256", nil) else { preconditionFailure("EVP_MD_fetch(SHA256) failed") }
        return method
    }()

    /// The digest of the bytes at `buffer`.
    public static func digest(_ buffer: UnsafeRawBufferPointer) -> [UInt8] {
        var digest = [UInt8](repeating: 0, count: length)
        var size: UInt32 = 0
        var empty: UInt8 = 0
        digest.withUnsafeMutableBufferPointer { out in
            withUnsafeMutablePointer(to: &empty) { emptyPointer in
                let data = buffer.baseAddress ?? UnsafeRawPointer(emptyPointer)
                let ok = EVP_Digest(data, buffer.count, out.baseAddress, &size, method, nil)
                precondition(ok == 1 && size == UInt32(length), "EVP_Digest(SHA-256) failed")
            }
        }
        return digest
    }

    /// The digest of `bytes`.
    public static func digest(_ bytes: some Sequence<UInt8>) -> [UInt8] {
        let result = bytes.withContiguousStorageIfAvailable { digest(UnsafeRawBufferPointer($0)) }
        return result ?? Array(bytes).withUnsafeBytes { digest($0) }
    }

    /// The digest of `bytes` as 64 lowercase hexadecimal digits.
    public static func hex(_ bytes: some Sequence<UInt8>) -> String {
        Hex.encode(digest(bytes))
    }

    /// Parses 64 hexadecimal digits into a digest; `nil` for anything else.
    public static func parseHex(_ text: String) -> [UInt8]? {
        guard text.utf8.count == length * 2 else { return nil }
        return Hex.decode(text)
    }
}

extension SHA256 {
    /// An incremental SHA-256, for data read piece by piece (a file streamed from disk).
    public struct Hasher: ~Copyable {
        private let context: OpaquePointer

        public init() {
            guard let context = EVP_MD_CTX_new() else { preconditionFailure("EVP_MD_CTX_new failed") }
            precondition(EVP_DigestInit_ex(context, SHA256.method, nil) == 1, "EVP_DigestInit_ex(SHA-256) failed")
            self.context = context
        }

        /// Adds the bytes at `buffer`.
        public mutating func update(_ buffer: UnsafeRawBufferPointer) {
            guard let base = buffer.baseAddress, buffer.count > 0 else { return }
            precondition(EVP_DigestUpdate(context, base, buffer.count) == 1, "EVP_DigestUpdate failed")
        }

        /// The digest of everything added, as 64 lowercase hexadecimal digits.
        public consuming func finalizeHex() -> String {
            var digest = [UInt8](repeating: 0, count: SHA256.length)
            var size: UInt32 = 0
            digest.withUnsafeMutableBufferPointer { out in
                precondition(EVP_DigestFinal_ex(context, out.baseAddress, &size) == 1 && size == UInt32(SHA256.length),
                             "EVP_DigestFinal_ex failed")
            }
            return Hex.encode(digest)
        }

        deinit { EVP_MD_CTX_free(context) }
    }
}
