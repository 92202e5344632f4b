import BankGateCore
import BankGateCrypto
import Foundation
import XCTest

/// `bankgate keys list|check|generate|import`, run as the built executable. Certificates are made
/// relative to the clock the executable also reads (so the suite passes with the clock moved).
final class KeysCommandTests: XCTestCase {
    var files: KeyFiles!
    let day = KeyFiles.day

    override func setUpWithError() throws { files = try KeyFiles("keys-cli") }
    override func tearDown() { files.remove() }

    /// The test's environment plus `extra` (a passphrase variable).
    func environment(_ extra: [String: String] = [:]) -> [String: String] {
        ProcessInfo.processInfo.environment.merging(extra) { $1 }
    }

    func mode(_ path: String) throws -> Int {
        (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber)?.intValue ?? -1
    }

    func testCheckWarnsOfAKeyExpiringIn10DaysAndFailsOnAnExpiredOne() throws {
        let now = SystemClock().now()
        try files.write("fresh", notBefore: now.adding(milliseconds: -day), notAfter: now.adding(milliseconds: 365 * day))
        try files.write("soon", sm2: true, notBefore: now.adding(milliseconds: -day), notAfter: now.adding(milliseconds: 10 * day + 3_600_000))
        try files.write("old", notBefore: now.adding(milliseconds: -400 * day), notAfter: now.adding(milliseconds: -2 * day))
        let good = try files.writeConfiguration([files.entry("fresh"), files.entry("soon", bank: "eu", sm2: true)])
        let check = try BankGateExecutable.run(["keys", "check", "--config", good], environment: environment())
        XCTAssertEqual(check.status, 0, check.err)
        XCTAssertTrue(check.out.contains("ok: key fresh (bank cn): valid until"), check.out)
        XCTAssertTrue(check.err.contains("warning: key soon (bank eu): expires on"), check.err)
        XCTAssertTrue(check.err.contains("(10 days left)"), check.err)

        let list = try BankGateExecutable.run(["keys", "list", "--config", good], environment: environment())
        XCTAssertEqual(list.status, 0, list.err)
        let lines = list.out.split(separator: "\n")
        XCTAssertTrue(lines.first?.hasPrefix("ID") ?? false, list.out)
        XCTAssertTrue(lines.contains { $0.hasPrefix("soon") && $0.contains("sm2-sm3") && $0.contains("CN=soon,O=bankgate tests") && $0.hasSuffix("expires soon") }, list.out)
        XCTAssertTrue(lines.contains { $0.hasPrefix("fresh") && $0.hasSuffix("ok") }, list.out)

        let bad = try files.writeConfiguration([files.entry("fresh"), files.entry("old", bank: "eu")])
        let failed = try BankGateExecutable.run(["keys", "check", "--config", bad], environment: environment())
        XCTAssertEqual(failed.status, 1)
        XCTAssertTrue(failed.err.contains("error: key old (bank eu): expired on \(now.adding(milliseconds: -2 * day).iso8601Seconds)"), failed.err)
        XCTAssertFalse(failed.out.contains(KeyFiles.passphrase) || failed.err.contains(KeyFiles.passphrase))

        // The daemon refuses to start on the same key, naming it and its expiry.
        let serve = try BankGateExecutable.run(["serve", "--config", bad], environment: environment())
        XCTAssertEqual(serve.status, 1)
        XCTAssertTrue(serve.err.contains("key old (bank eu): expired on"), serve.err)
    }

    func testGenerateThenListRoundTripWithPrivateFiles() throws {
        let key = files.path("new.key"), cert = files.path("new.crt"), csr = files.path("new.csr")
        let generated = try BankGateExecutable.run(["keys", "generate", "--algorithm", "sm2", "--out-key", key, "--out-cert", cert, "--csr", csr,
                                                    "--subject", "CN=ACME Treasury,O=ACME,C=CN", "--days", "20", "--passphrase-env", "NEW_KEY_PASS"],
                                                   environment: environment(["NEW_KEY_PASS": KeyFiles.passphrase]))
        XCTAssertEqual(generated.status, 0, generated.err)
        for path in [key, cert, csr] { XCTAssertEqual(try mode(path), 0o600, path) }
        let pem = try String(contentsOfFile: key, encoding: .utf8)
        XCTAssertTrue(pem.hasPrefix("-----BEGIN ENCRYPTED PRIVATE KEY-----"), pem)
        XCTAssertTrue(try String(contentsOfFile: csr, encoding: .utf8).hasPrefix("-----BEGIN CERTIFICATE REQUEST-----"))
        XCTAssertEqual(try SigningKey(pem: pem, passphrase: Array(KeyFiles.passphrase.utf8)).algorithm, .sm2)

        let config = try files.writeConfiguration([files.entry("new", sm2: true)])
        let list = try BankGateExecutable.run(["keys", "list", "--config", config, "--json"], environment: environment())
        XCTAssertEqual(list.status, 0, list.err)
        let document = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(list.out.utf8)) as? [String: Any])
        let entry = try XCTUnwrap((document["keys"] as? [[String: Any]])?.first)
        XCTAssertEqual(entry["id"] as? String, "new")
        XCTAssertEqual(entry["subject"] as? String, "CN=ACME Treasury,O=ACME,C=CN")
        XCTAssertEqual(entry["issuer"] as? String, "CN=ACME Treasury,O=ACME,C=CN")
        XCTAssertEqual(entry["state"] as? String, "expires_soon")
        XCTAssertEqual(entry["days_left"] as? Int, 19, "20 days from a certificate made a moment ago: 19 whole days left")
        XCTAssertEqual((entry["serial"] as? String)?.count, 32)
    }

    func testGenerateNeverOverwritesAndNeverWritesAPlainKeyUnasked() throws {
        let key = files.path("k.key"), cert = files.path("k.crt")
        let arguments = ["keys", "generate", "--algorithm", "rsa", "--out-key", key, "--out-cert", cert, "--subject", "CN=k"]
        let unasked = try BankGateExecutable.run(arguments, environment: environment())
        XCTAssertEqual(unasked.status, 2)
        XCTAssertTrue(unasked.err.contains("refusing to write an unencrypted private key"), unasked.err)
        XCTAssertFalse(FileManager.default.fileExists(atPath: key))

        let unset = try BankGateExecutable.run(arguments + ["--passphrase-env", "NO_SUCH_VARIABLE_FOR_KEYS"], environment: environment())
        XCTAssertEqual(unset.status, 1)
        XCTAssertTrue(unset.err.contains("NO_SUCH_VARIABLE_FOR_KEYS is not set"), unset.err)

        let plain = try BankGateExecutable.run(arguments + ["--no-passphrase"], environment: environment())
        XCTAssertEqual(plain.status, 0, plain.err)
        XCTAssertTrue(plain.out.contains("NOT encrypted"), plain.out)
        let before = try String(contentsOfFile: key, encoding: .utf8)
        XCTAssertTrue(before.hasPrefix("-----BEGIN PRIVATE KEY-----"))
        XCTAssertEqual(try mode(key), 0o600)

        let again = try BankGateExecutable.run(arguments + ["--no-passphrase"], environment: environment())
        XCTAssertEqual(again.status, 1)
        XCTAssertTrue(again.err.contains("exists already"), again.err)
        XCTAssertEqual(try String(contentsOfFile: key, encoding: .utf8), before)

        // Only the certificate exists: nothing is written either, so no key is left without its certificate.
        let other = files.path("other.key")
        let half = try BankGateExecutable.run(["keys", "generate", "--algorithm", "rsa", "--out-key", other, "--out-cert", cert,
                                               "--subject", "CN=k", "--no-passphrase"], environment: environment())
        XCTAssertEqual(half.status, 1)
        XCTAssertFalse(FileManager.default.fileExists(atPath: other))
    }

    func testImportSplitsThePKCS12Fixture() throws {
        let fixture = BankGateExecutable.root.appendingPathComponent("Tests/BankGateCryptoTests/Fixtures/test-only-rsa2048.p12").path
        let key = files.path("bank.key"), cert = files.path("bank.crt")
        let imported = try BankGateExecutable.run(["keys", "import", "--pkcs12", fixture, "--passphrase-env", "P12_PASS", "--out-key", key, "--out-cert", cert],
                                                  environment: environment(["P12_PASS": "test-only-passphrase"]))
        XCTAssertEqual(imported.status, 0, imported.err)
        XCTAssertTrue(imported.out.contains("bankgate test-only RSA"), imported.out)
        XCTAssertEqual(try mode(key), 0o600)
        XCTAssertEqual(try mode(cert), 0o600)
        let pem = try String(contentsOfFile: key, encoding: .utf8)
        XCTAssertTrue(pem.hasPrefix("-----BEGIN ENCRYPTED PRIVATE KEY-----"))
        let signingKey = try SigningKey(pem: pem, passphrase: Array("test-only-passphrase".utf8))
        let certificate = try XCTUnwrap(Certificate.load(pem: String(contentsOfFile: cert, encoding: .utf8)).first)
        XCTAssertNoThrow(try SigningIdentity(key: signingKey, certificate: certificate))

        let wrong = try BankGateExecutable.run(["keys", "import", "--pkcs12", fixture, "--passphrase-env", "P12_PASS",
                                                "--out-key", files.path("x.key"), "--out-cert", files.path("x.crt")],
                                               environment: environment(["P12_PASS": "wrong"]))
        XCTAssertEqual(wrong.status, 1)
        XCTAssertTrue(wrong.err.contains("wrong passphrase"), wrong.err)
        XCTAssertFalse(FileManager.default.fileExists(atPath: files.path("x.key")))
    }

    func testAConfigurationErrorInKeysIsReportedWithFileAndLine() throws {
        let config = try files.writeConfiguration([files.entry("k").replacingOccurrences(of: "rsa-sha256", with: "dsa")])
        let list = try BankGateExecutable.run(["keys", "list", "--config", config], environment: environment())
        XCTAssertEqual(list.status, 1)
        XCTAssertTrue(list.err.contains("bankgate.toml:24: keys[0].algorithm: must be \"rsa-sha256\" or \"sm2-sm3\""), list.err)
    }
}
