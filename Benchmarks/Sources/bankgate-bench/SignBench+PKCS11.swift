import BankGateCrypto
import Foundation

extension SignBench {
    /// `bankgate-bench sign-pkcs11 --uri pkcs11:… --module MODULE [--pin-env VAR]`: RSA-2048 PKCS#1
    /// v1.5 SHA-256 signatures per second on one thread with the key in a PKCS#11 token (through
    /// OpenSSL's pkcs11 engine, as `[[keys]] pkcs11` signs), next to a key of the same size read
    /// into memory as a file key is. The PIN comes from the environment variable (`BANKGATE_PIN`).
    static func runPKCS11(_ options: Options) throws {
        let seconds = try options.int("seconds", default: 3)
        let runs = try options.int("runs", default: 3)
        let size = try options.int("size", default: 1024)
        let uri = try options.string("uri")
        let module = try options.string("module")
        let variable = options.string("pin-env", default: "BANKGATE_PIN")
        guard let pin = ProcessInfo.processInfo.environment[variable], !pin.isEmpty else {
            throw Options.UsageError(description: "set the token PIN in \(variable)")
        }
        let message = (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        print("sign-pkcs11: \(size)-byte message, 1 thread, \(runs) runs of \(seconds) s after a 1 s warm-up")
        let token = try SigningKey.pkcs11(uri: uri, pin: Array(pin.utf8), module: module)
        let file = try SigningKey(pem: try SigningKey.generateRSA(bits: 2048).pkcs8PEM(passphrase: nil))
        for (name, key) in [("RSA-2048 file", file), ("RSA-2048 PKCS#11", token)] {
            let signature = try key.signature(for: message, scheme: .rsaPKCS1SHA256)
            let valid = try key.verifyingKey.isValidSignature(signature, for: message, scheme: .rsaPKCS1SHA256)
            precondition(valid, "\(name): the signature does not verify")
            report(name, "sign", try measure(seconds: seconds, runs: runs) {
                _ = try key.signature(for: message, scheme: .rsaPKCS1SHA256)
            })
        }
    }
}
