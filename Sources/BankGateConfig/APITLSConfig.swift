/// `[server]` `tls_*` keys: HTTPS for the API, and optionally client certificates (mutual TLS).
public struct APITLSConfig: Sendable, Hashable {
    /// Whether a client must show a certificate (`tls_client_certificates`).
    public enum ClientCertificates: String, Sendable, Hashable {
        /// Every connection shows a certificate issued by `tls_client_ca`, or the handshake fails.
        case required
        /// A certificate, when shown, must be issued by `tls_client_ca`; clients without one use
        /// a bearer token.
        case optional
    }

    /// `tls_certificate`: the API's certificate chain (PEM), leaf first.
    public var certificateFile: String
    /// `tls_private_key`: its private key (PEM, unencrypted, readable by bankgate only).
    public var privateKeyFile: String
    /// `tls_client_ca`: the CAs (PEM) whose client certificates are accepted; `nil`: no client
    /// certificates are asked for.
    public var clientCAFile: String?
    /// `tls_client_certificates`: `required` (default) or `optional`; only with `tls_client_ca`.
    public var clientCertificates: ClientCertificates

    public init(certificateFile: String, privateKeyFile: String, clientCAFile: String? = nil,
                clientCertificates: ClientCertificates = .required) {
        self.certificateFile = certificateFile
        self.privateKeyFile = privateKeyFile
        self.clientCAFile = clientCAFile
        self.clientCertificates = clientCertificates
    }

    /// The `[server]` keys it is read from.
    static let keys = ["tls_certificate", "tls_private_key", "tls_client_ca", "tls_client_certificates"]

    /// Reads the TLS keys of `[server]`; `nil` when none is given. Paths resolve against `baseDirectory`.
    static func decode(_ reader: TableReader, baseDirectory: String) -> APITLSConfig? {
        guard keys.contains(where: reader.has) else { return nil }
        let certificate = DirectoryKey.read("tls_certificate", from: reader, required: false, baseDirectory: baseDirectory)
        let key = DirectoryKey.read("tls_private_key", from: reader, required: false, baseDirectory: baseDirectory)
        if certificate == nil, !reader.has("tls_certificate") {
            reader.report("tls_certificate", "is required with the other tls_* keys: the API's certificate (PEM)")
        }
        if key == nil, !reader.has("tls_private_key") {
            reader.report("tls_private_key", "is required with tls_certificate: its private key (PEM)")
        }
        let clientCA = DirectoryKey.read("tls_client_ca", from: reader, required: false, baseDirectory: baseDirectory)
        var mode = ClientCertificates.required
        if let text = reader.string("tls_client_certificates", required: false) {
            if let parsed = ClientCertificates(rawValue: text.value) {
                mode = parsed
            } else {
                reader.report("tls_client_certificates", "must be \"required\" or \"optional\", not \"\(text.value)\"", line: text.line)
            }
            if !reader.has("tls_client_ca") {
                reader.report("tls_client_certificates", "needs tls_client_ca, the CAs that issue client certificates", line: text.line)
            }
        }
        return APITLSConfig(certificateFile: certificate ?? "", privateKeyFile: key ?? "", clientCAFile: clientCA,
                            clientCertificates: mode)
    }
}
