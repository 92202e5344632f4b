import BankGateCore
import BankGateCrypto
import Foundation

/// The keys of the simulated CMB cloud API, kept under `--data-dir` (`cmb-cloud/`) and created on
/// first use, so that the simulator and the gateway configuration `--print-config` prints agree:
///
/// - `bank.key`: the bank's SM2 key, which signs every answer; `bank-public.pem` is its public key,
///   the gateway's `bank_public_key`;
/// - `client.key` and `client.crt`: a test key pair for the gateway's `[[keys]]` entry, whose
///   public key the simulator verifies requests with (a real gateway key can replace them: put its
///   certificate in `client.crt`);
/// - `sm4.key`: the SM4 key in 32 hexadecimal digits, the gateway's `sm4_key_env`.
///
/// Test material, generated on the machine: never a bank's real keys.
struct CMBCloudKeyMaterial: Sendable {
    let directory: String
    let bankKey: SigningKey
    let clientKey: VerifyingKey
    let sm4Key: [UInt8]

    var bankPublicKeyPath: String { directory + "/bank-public.pem" }
    var clientKeyPath: String { directory + "/client.key" }
    var clientCertificatePath: String { directory + "/client.crt" }
    var sm4KeyPath: String { directory + "/sm4.key" }

    /// Reads the keys in `directory`, creating the missing ones first.
    static func loadOrCreate(directory: String, now: Timestamp) throws -> CMBCloudKeyMaterial {
        let files = FileManager.default
        try files.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let bankPath = directory + "/bank.key"
        if !files.fileExists(atPath: bankPath) {
            let key = try SigningKey.generateSM2()
            try writePrivate(try key.pkcs8PEM(passphrase: nil), to: bankPath)
            try key.verifyingKey.pemRepresentation.write(toFile: directory + "/bank-public.pem", atomically: true, encoding: .utf8)
        }
        let clientPath = directory + "/client.key"
        if !files.fileExists(atPath: clientPath) {
            let key = try SigningKey.generateSM2()
            let day: Int64 = 86_400_000
            let certificate = try Certificate.selfSigned(
                key: key, details: CertificateRequestDetails(subject: "CN=bankgate cmb-cloud simulator client,O=bankgate tests"),
                notBefore: now.adding(milliseconds: -2 * day), notAfter: now.adding(milliseconds: 3650 * day))
            try writePrivate(try key.pkcs8PEM(passphrase: nil), to: clientPath)
            try certificate.pemRepresentation.write(toFile: directory + "/client.crt", atomically: true, encoding: .utf8)
        }
        let sm4Path = directory + "/sm4.key"
        if !files.fileExists(atPath: sm4Path) {
            var generator = SystemRandomNumberGenerator()
            let key = (0..<SM4.keyLength).map { _ in UInt8.random(in: 0...255, using: &generator) }
            try writePrivate(Array(Hex.encode(key).utf8), to: sm4Path)
        }
        guard let bankPEM = files.contents(atPath: bankPath), let clientPEM = files.contents(atPath: directory + "/client.crt"),
              let sm4Text = files.contents(atPath: sm4Path),
              let sm4Key = Hex.decode(String(decoding: sm4Text, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)),
              sm4Key.count == SM4.keyLength else {
            throw BankCodecError("the cmb-cloud keys in \(directory) cannot be read")
        }
        return CMBCloudKeyMaterial(directory: directory, bankKey: try SigningKey(pem: Array(bankPEM)),
                                   clientKey: try VerifyingKey(pem: Array(clientPEM)), sm4Key: sm4Key)
    }

    /// Writes `bytes` to a new file of mode 0600.
    private static func writePrivate(_ bytes: [UInt8], to path: String) throws {
        guard FileManager.default.createFile(atPath: path, contents: Data(bytes), attributes: [.posixPermissions: 0o600]) else {
            throw BankCodecError("cannot write \(path)")
        }
    }
}
