/// TLS settings for a bank's HTTPS endpoint, passed to libcurl (OpenSSL) as they are.
///
/// A client key held in an HSM or a USB key is reached through an OpenSSL engine: set
/// `sslEngine` (e.g. `"pkcs11"`), `clientKeyType = "ENG"` and `clientKeyFile` to the engine's key
/// id (e.g. a `pkcs11:` URI).
public struct TLSOptions: Hashable, Sendable {
    /// A PEM file of the CAs to trust; `nil` uses the system's store.
    public var caFile: String?
    /// The client certificate (PEM) for mutual TLS.
    public var clientCertificateFile: String?
    /// The client private key, or the engine's key id when `clientKeyType` is `"ENG"`.
    public var clientKeyFile: String?
    /// The client key's format: `"PEM"` (default), `"DER"` or `"ENG"`.
    public var clientKeyType: String?
    /// The passphrase of the client key.
    public var clientKeyPassword: String?
    /// The OpenSSL engine holding the client key, e.g. `"pkcs11"`.
    public var sslEngine: String?
    /// Checks the server's certificate chain. Turn off only against a local simulator.
    public var verifyPeer: Bool
    /// Checks that the server's certificate names the host in the URL.
    public var verifyHost: Bool

    /// Defaults: the system's CA store, no client certificate, full verification.
    public init(caFile: String? = nil, clientCertificateFile: String? = nil, clientKeyFile: String? = nil,
                clientKeyType: String? = nil, clientKeyPassword: String? = nil, sslEngine: String? = nil,
                verifyPeer: Bool = true, verifyHost: Bool = true) {
        self.caFile = caFile
        self.clientCertificateFile = clientCertificateFile
        self.clientKeyFile = clientKeyFile
        self.clientKeyType = clientKeyType
        self.clientKeyPassword = clientKeyPassword
        self.sslEngine = sslEngine
        self.verifyPeer = verifyPeer
        self.verifyHost = verifyHost
    }
}

extension TLSOptions: CustomStringConvertible {
    /// Names the files but never the key password.
    public var description: String {
        var parts = ["verifyPeer: \(verifyPeer)", "verifyHost: \(verifyHost)"]
        if let caFile { parts.append("caFile: \(caFile)") }
        if let clientCertificateFile { parts.append("clientCertificateFile: \(clientCertificateFile)") }
        if let clientKeyFile { parts.append("clientKeyFile: \(clientKeyFile)") }
        if let clientKeyType { parts.append("clientKeyType: \(clientKeyType)") }
        if clientKeyPassword != nil { parts.append("clientKeyPassword: <redacted>") }
        if let sslEngine { parts.append("sslEngine: \(sslEngine)") }
        return "TLSOptions(\(parts.joined(separator: ", ")))"
    }
}
