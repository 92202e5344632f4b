import BankGateCore
import BankGateCrypto
import Foundation
import Synchronization

/// A SoftHSM2 token made for this test process: a private `SOFTHSM2_CONF` whose token folder is a
/// temporary one, a token initialised with `softhsm2-util --init-token`, and an RSA-2048 key
/// imported into it (`softhsm2-util --import`) with its self-signed certificate written as PEM.
///
/// SoftHSM reads its configuration once per process, and OpenSSL's pkcs11 engine loads one module
/// per process, so every test shares the one token (``shared()``). Missing tools are an error
/// naming the Debian package (`make deps` installs them), never a silent pass.
final class SoftHSMToken: Sendable {
    static let tokenLabel = "bankgate-test"
    static let keyLabel = "signer"
    static let pin = "246810"
    static let soPin = "13579135"

    let directory: String
    /// The private `SOFTHSM2_CONF`, for processes the tests start.
    let configurationPath: String
    let module: String
    let certificatePath: String
    let verifyingKey: VerifyingKey
    var uri: String { "pkcs11:token=\(Self.tokenLabel);object=\(Self.keyLabel);type=private" }

    struct Missing: Error, CustomStringConvertible {
        var description: String
    }

    private static let made = Mutex<Result<SoftHSMToken, any Error>?>(nil)

    /// The process's token, made on first use.
    static func shared() throws -> SoftHSMToken {
        try made.withLock { made in
            if made == nil { made = Result { try SoftHSMToken() } }
            return try made!.get()
        }
    }

    static let moduleCandidates = ["/usr/lib/softhsm/libsofthsm2.so", "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so",
                                   "/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so"]
    static let engineCandidates = ["/usr/lib/x86_64-linux-gnu/engines-3/pkcs11.so", "/usr/lib/aarch64-linux-gnu/engines-3/pkcs11.so"]

    private init() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/softhsm2-util"),
              let module = Self.moduleCandidates.first(where: { FileManager.default.fileExists(atPath: $0) }) else {
            throw Missing(description: "SoftHSM2 is not installed: install the Debian package softhsm2 (make deps does)")
        }
        guard Self.engineCandidates.contains(where: { FileManager.default.fileExists(atPath: $0) }) else {
            throw Missing(description: "OpenSSL's pkcs11 engine is not installed: install the Debian package libengine-pkcs11-openssl (make deps does)")
        }
        self.module = module
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("bankgate-softhsm-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory + "/tokens", withIntermediateDirectories: true)
        let configuration = directory + "/softhsm2.conf"
        configurationPath = configuration
        try "directories.tokendir = \(directory)/tokens\nobjectstore.backend = file\nlog.level = ERROR\n"
            .write(toFile: configuration, atomically: true, encoding: .utf8)
        // Before the module is first initialised in this process.
        setenv("SOFTHSM2_CONF", configuration, 1)

        try Self.run(["--init-token", "--free", "--label", Self.tokenLabel, "--pin", Self.pin, "--so-pin", Self.soPin])
        let key = try SigningKey.generateRSA(bits: 2048)
        let keyFile = directory + "/import.pem"
        _ = FileManager.default.createFile(atPath: keyFile, contents: Data(try key.pkcs8PEM(passphrase: nil)),
                                       attributes: [.posixPermissions: 0o600])
        defer { try? FileManager.default.removeItem(atPath: keyFile) }
        try Self.run(["--import", keyFile, "--token", Self.tokenLabel, "--label", Self.keyLabel, "--id", "01", "--pin", Self.pin])
        let now = SystemClock().now()
        let certificate = try Certificate.selfSigned(key: key, details: CertificateRequestDetails(subject: "CN=U-key,O=bankgate tests"),
                                                     notBefore: now.adding(milliseconds: -86_400_000),
                                                     notAfter: now.adding(milliseconds: 365 * 86_400_000))
        certificatePath = directory + "/signer.crt"
        try certificate.pemRepresentation.write(toFile: certificatePath, atomically: true, encoding: .utf8)
        verifyingKey = certificate.verifyingKey
    }

    private static func run(_ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/softhsm2-util")
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw Missing(description: "softhsm2-util \(arguments.first ?? "") failed (\(process.terminationStatus)): \(text)")
        }
    }
}
