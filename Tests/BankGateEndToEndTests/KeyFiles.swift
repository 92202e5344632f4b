import BankGateCore
import BankGateCrypto
import Foundation

/// Key and certificate files made for a test with explicit validity, and a configuration naming them.
struct KeyFiles {
    static let passphrase = "test-only-key-passphrase"
    static let day: Int64 = 86_400_000

    let directory: URL

    /// Creates a fresh temporary folder.
    init(_ label: String) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("bankgate-\(label)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    /// Files in an existing folder (a harness's, so that a configuration there names them relatively).
    init(directory: URL) {
        self.directory = directory
    }

    func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    /// Writes `name.key` (encrypted PKCS#8, or plain when `encrypted` is false) and `name.crt`, a
    /// self-signed certificate valid from `notBefore` to `notAfter` for the key (or for `certifiedKey`,
    /// to make a mismatch).
    @discardableResult
    func write(_ name: String, sm2: Bool = false, notBefore: Timestamp, notAfter: Timestamp, encrypted: Bool = true,
               certifiedKey: SigningKey? = nil) throws -> SigningKey {
        let key = sm2 ? try SigningKey.generateSM2() : try SigningKey.generateRSA(bits: 2048)
        let certificate = try Certificate.selfSigned(key: certifiedKey ?? key, details: CertificateRequestDetails(subject: "CN=\(name),O=bankgate tests"),
                                                     notBefore: notBefore, notAfter: notAfter)
        try Data(try key.pkcs8PEM(passphrase: encrypted ? Array(Self.passphrase.utf8) : nil)).write(to: URL(fileURLWithPath: path("\(name).key")))
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path("\(name).key"))
        try certificate.pemRepresentation.write(toFile: path("\(name).crt"), atomically: true, encoding: .utf8)
        return key
    }

    /// A `[[keys]]` entry for the files of `write(name)`, passphrase from the file `passphrase.txt`.
    func entry(_ name: String, bank: String = "cn", sm2: Bool = false, validFrom: String? = nil, encrypted: Bool = true) -> String {
        """
        [[keys]]
        id = "\(name)"
        bank = "\(bank)"
        algorithm = "\(sm2 ? "sm2-sm3" : "rsa-sha256")"
        private_key = "\(name).key"
        certificate = "\(name).crt"
        \(encrypted ? "passphrase_file = \"passphrase.txt\"" : "")
        \(validFrom.map { "valid_from = \"\($0)\"" } ?? "")

        """
    }

    /// Writes `bankgate.toml` (banks `cn` and `eu`, `entries` appended) and the passphrase file
    /// (mode 0600); returns the configuration's path.
    @discardableResult
    func writeConfiguration(_ entries: [String]) throws -> String {
        let passphraseFile = path("passphrase.txt")
        if !FileManager.default.fileExists(atPath: passphraseFile) {
            try (Self.passphrase + "\n").write(toFile: passphraseFile, atomically: true, encoding: .utf8)
            try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: passphraseFile)
        }
        let text = """
            [server]
            listen = "127.0.0.1:0"
            data_dir = "data"

            [[tokens]]
            name = "t"
            token = "keys-test-token-0123456789"
            scopes = ["operate"]

            [[banks]]
            id = "cn"
            adapter = "iso20022"
            transport = "http"
            url = "http://127.0.0.1:9"

            [[banks]]
            id = "eu"
            adapter = "iso20022"
            transport = "http"
            url = "http://127.0.0.1:9"

            """ + entries.joined(separator: "\n")
        try text.write(toFile: path("bankgate.toml"), atomically: true, encoding: .utf8)
        return path("bankgate.toml")
    }

    func remove() { try? FileManager.default.removeItem(at: directory) }
}
