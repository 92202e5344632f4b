/// TLS material for an `https://` bank: who we trust and who we are. Keys never sit in the file:
/// the key password is read from the environment variable named here.
public struct BankTLSConfig: Sendable, Hashable {
    /// `tls_ca_file`: PEM bundle of the bank's CAs (default: the system's trust store).
    public var caFile: String?
    /// `tls_client_certificate`: our client certificate (PEM), for mutual TLS.
    public var clientCertificateFile: String?
    /// `tls_client_key`: its private key (PEM).
    public var clientKeyFile: String?
    /// `tls_client_key_password_env`: the environment variable holding the key's password.
    public var clientKeyPasswordEnvironmentVariable: String?

    public init(caFile: String? = nil, clientCertificateFile: String? = nil, clientKeyFile: String? = nil,
                clientKeyPasswordEnvironmentVariable: String? = nil) {
        self.caFile = caFile
        self.clientCertificateFile = clientCertificateFile
        self.clientKeyFile = clientKeyFile
        self.clientKeyPasswordEnvironmentVariable = clientKeyPasswordEnvironmentVariable
    }

    /// The `[[banks]]` keys it is read from.
    static let keys = ["tls_ca_file", "tls_client_certificate", "tls_client_key", "tls_client_key_password_env"]

    /// Reads the TLS keys of a bank entry; `nil` when none is given. Paths resolve against `baseDirectory`.
    static func decode(_ reader: TableReader, baseDirectory: String, isHTTP: Bool) -> BankTLSConfig? {
        guard keys.contains(where: reader.has) else { return nil }
        if !isHTTP {
            for key in keys where reader.has(key) { reader.report(key, "is only used with transport = \"http\"") }
        }
        let config = BankTLSConfig(
            caFile: DirectoryKey.read("tls_ca_file", from: reader, required: false, baseDirectory: baseDirectory),
            clientCertificateFile: DirectoryKey.read("tls_client_certificate", from: reader, required: false, baseDirectory: baseDirectory),
            clientKeyFile: DirectoryKey.read("tls_client_key", from: reader, required: false, baseDirectory: baseDirectory),
            clientKeyPasswordEnvironmentVariable: reader.string("tls_client_key_password_env", required: false)?.value)
        if (config.clientCertificateFile == nil) != (config.clientKeyFile == nil) {
            reader.report(config.clientKeyFile == nil ? "tls_client_key" : "tls_client_certificate",
                          "tls_client_certificate and tls_client_key go together")
        }
        return config
    }
}
