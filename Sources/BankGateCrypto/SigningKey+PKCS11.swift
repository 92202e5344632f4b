import COpenSSL
import Synchronization

extension SigningKey {
    /// The private key at `uri` (RFC 7512, `pkcs11:token=…;object=…`) in a hardware token or HSM,
    /// loaded through OpenSSL's `pkcs11` engine (libp11, Debian's `libengine-pkcs11-openssl`).
    ///
    /// The key never leaves the token: OpenSSL holds a reference to it, every signature is made by
    /// the token, and ``pkcs8PEM(passphrase:)`` refuses it. `pin` logs in to the token; it is handed
    /// to the engine and not kept here, and the URI may not carry one (`pin-value`, `pin-source`).
    /// `module` is the PKCS#11 module (`/usr/lib/softhsm/libsofthsm2.so`); nil: the engine's
    /// default (p11-kit's proxy, which loads the modules registered with p11-kit).
    ///
    /// The engine is loaded once per process with one module: a later call naming another module
    /// is refused (``CryptoError/tokenUnavailable(_:)``). The engine never prompts for a PIN.
    public static func pkcs11(uri: String, pin: [UInt8], module: String? = nil) throws(CryptoError) -> SigningKey {
        try PKCS11URI.check(uri)
        guard !pin.isEmpty, !pin.contains(0) else { throw .invalidArgument("a PIN must be 1 or more bytes without a NUL byte") }
        let key = try PKCS11Engine.shared.loadPrivateKey(uri: uri, pin: pin, module: module)
        return try SigningKey(taking: key, tokenURI: uri)
    }
}

/// What bankgate accepts of an RFC 7512 URI: the `pkcs11:` scheme, and no PIN in it.
public enum PKCS11URI {
    /// Throws `invalidArgument` unless `uri` is a `pkcs11:` URI without `pin-value` or `pin-source`.
    public static func check(_ uri: String) throws(CryptoError) {
        guard uri.hasPrefix("pkcs11:"), uri.count > "pkcs11:".count else {
            throw .invalidArgument("a PKCS#11 URI starts with \"pkcs11:\" (RFC 7512)")
        }
        guard !uri.utf8.contains(0) else { throw .invalidArgument("a PKCS#11 URI cannot contain a NUL byte") }
        let attributes = attributeNames(uri)
        if attributes.contains("pin-value") || attributes.contains("pin-source") {
            throw .invalidArgument("the PIN does not belong in the PKCS#11 URI: give it with pin_env or pin_file")
        }
    }

    /// The value of the path attribute `name` (`token`, `object`, `id` …), percent-decoded; nil
    /// when absent.
    public static func attribute(_ name: String, of uri: String) -> String? {
        for part in pathAttributes(uri) {
            let pieces = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard pieces.count == 2, pieces[0] == name else { continue }
            return percentDecoded(String(pieces[1]))
        }
        return nil
    }

    /// The names of every attribute, path and query.
    static func attributeNames(_ uri: String) -> Set<String> {
        let body = uri.dropFirst("pkcs11:".count)
        let parts = body.split(whereSeparator: { $0 == ";" || $0 == "?" || $0 == "&" })
        return Set(parts.compactMap { $0.split(separator: "=", maxSplits: 1).first.map(String.init) })
    }

    private static func pathAttributes(_ uri: String) -> [Substring] {
        let body = uri.dropFirst("pkcs11:".count)
        let path = body.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        return path.split(separator: ";")
    }

    private static func percentDecoded(_ text: String) -> String {
        var bytes: [UInt8] = []
        var utf8 = Array(text.utf8)[...]
        while let byte = utf8.popFirst() {
            if byte == UInt8(ascii: "%"), utf8.count >= 2,
               let value = UInt8(String(decoding: utf8.prefix(2), as: UTF8.self), radix: 16) {
                bytes.append(value)
                utf8 = utf8.dropFirst(2)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// The process's one `pkcs11` engine: loaded and initialised on first use with the module asked
/// for, then kept (engine keys refer to it). Loading a key sets the PIN and loads under a lock, so
/// that two keys of different tokens never race on the engine's PIN.
final class PKCS11Engine: Sendable {
    static let shared = PKCS11Engine()

    private struct Loaded: @unchecked Sendable {
        let engine: OpaquePointer
        let module: String?
    }

    private let state = Mutex<Loaded?>(nil)

    func loadPrivateKey(uri: String, pin: [UInt8], module: String?) throws(CryptoError) -> OpaquePointer {
        let result: Result<OpaquePointer, CryptoError> = state.withLock { loaded in
            OpenSSLErrorQueue.clear()
            if loaded == nil {
                guard let engine = bankgate_engine_open("pkcs11", module) else {
                    let openSSL = OpenSSLErrorQueue.drain()
                    return .failure(.tokenUnavailable(
                        "the OpenSSL pkcs11 engine (package libengine-pkcs11-openssl) or the module \(module ?? "(the engine's default)") cannot be loaded: \(openSSL)"))
                }
                loaded = Loaded(engine: engine, module: module)
            }
            guard let current = loaded else { return .failure(.tokenUnavailable("the pkcs11 engine is not loaded")) }
            guard current.module == module else {
                return .failure(.tokenUnavailable(
                    "this process uses the PKCS#11 module \(current.module ?? "(the engine's default)"); one module per process"))
            }
            let pinText: [CChar] = pin.map { CChar(bitPattern: $0) } + [0]
            guard bankgate_engine_set_pin(current.engine, pinText) == 1 else {
                return .failure(OpenSSLErrorQueue.failure("setting the token PIN"))
            }
            guard let key = bankgate_engine_load_private_key(current.engine, uri) else {
                let openSSL = OpenSSLErrorQueue.drain()
                let refusedPIN = ["PIN incorrect", "PIN_INCORRECT", "PIN locked", "PIN_LOCKED", "PIN_LEN_RANGE", "PIN length"]
                    .contains { openSSL.contains($0) }
                return .failure(refusedPIN ? .tokenLoginFailed(openSSL: openSSL) : .tokenKeyNotFound(uri: uri, openSSL: openSSL))
            }
            return .success(key)
        }
        return try result.get()
    }
}

extension SigningKey {
    /// Whether OpenSSL holds the private key's secret (RSA `d`, SM2 `priv`) in this process: true
    /// for keys read from files, false for a key in a PKCS#11 token, of which OpenSSL holds only a
    /// reference (the secret never leaves the token).
    public func holdsPrivateMaterial() throws(CryptoError) -> Bool {
        OpenSSLErrorQueue.clear()
        var number: OpaquePointer?
        let found = EVP_PKEY_get_bn_param(handle.pointer, algorithm == .sm2 ? "priv" : "d", &number)
        if let number { BN_clear_free(number) }
        OpenSSLErrorQueue.clear()
        return found == 1
    }
}
