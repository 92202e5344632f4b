import BankGateConfig
import BankGateCore
import BankGateCrypto
import Foundation
import XCTest
@testable import BankGateRuntime

/// Keys in a hardware token through OpenSSL's pkcs11 engine, tested against a SoftHSM2 token the
/// test makes itself (``SoftHSMToken``): the token signs, the certificate verifies, a wrong PIN is
/// a clear error, start-up accepts the key, and the private key cannot be taken out.
final class PKCS11KeyTests: XCTestCase {
    func testTheTokenSignsAndTheCertificateVerifies() throws {
        let token = try SoftHSMToken.shared()
        let key = try SigningKey.pkcs11(uri: token.uri, pin: Array(SoftHSMToken.pin.utf8), module: token.module)
        XCTAssertEqual(key.algorithm, .rsa)
        XCTAssertEqual(key.bits, 2048)
        XCTAssertEqual(key.tokenURI, token.uri)
        let message = Array("<Document>pain.001 signed in the token</Document>".utf8)
        let signature = try key.signature(for: message, scheme: .rsaPKCS1SHA256)
        XCTAssertEqual(signature.count, 256)
        XCTAssertTrue(try token.verifyingKey.isValidSignature(signature, for: message, scheme: .rsaPKCS1SHA256))
        var changed = message
        changed[3] ^= 0x01
        XCTAssertFalse(try token.verifyingKey.isValidSignature(signature, for: changed, scheme: .rsaPKCS1SHA256),
                       "one byte changed: refused")
        XCTAssertFalse(key.description.contains(SoftHSMToken.pin))
    }

    /// A wrong PIN is checked in a fresh process (`bankgate keys check`): once the engine has logged
    /// in to the token, the process stays logged in and libp11 does not check a PIN again.
    func testAWrongPINIsAClearErrorInKeysCheckAndKeysListShowsTheToken() throws {
        let token = try SoftHSMToken.shared()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("bankgate-pkcs11-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let config = directory.appendingPathComponent("bankgate.toml").path
        try Self.configuration(token).write(toFile: config, atomically: true, encoding: .utf8)
        func environment(pin: String) -> [String: String] {
            ProcessInfo.processInfo.environment.merging(["SOFTHSM2_CONF": token.configurationPath, "BANKGATE_TEST_UKEY_PIN": pin]) { $1 }
        }
        let good = try BankGateExecutable.run(["keys", "check", "--config", config], environment: environment(pin: SoftHSMToken.pin))
        XCTAssertEqual(good.status, 0, good.err)
        XCTAssertTrue(good.out.contains("ok: key ukey (bank cn, pkcs11:\(SoftHSMToken.tokenLabel)): valid until"), good.out)
        let list = try BankGateExecutable.run(["keys", "list", "--config", config, "--json"], environment: environment(pin: SoftHSMToken.pin))
        XCTAssertTrue(list.out.contains("\"material\":\"pkcs11:\(SoftHSMToken.tokenLabel)\""), list.out)
        XCTAssertTrue(list.out.contains("\"state\":\"ok\""), list.out)
        XCTAssertFalse(list.out.contains(SoftHSMToken.pin))

        let wrong = try BankGateExecutable.run(["keys", "check", "--config", config], environment: environment(pin: "000000"))
        XCTAssertEqual(wrong.status, 1)
        XCTAssertTrue(wrong.err.contains("error: key ukey (bank cn, pkcs11:\(SoftHSMToken.tokenLabel)): unreadable:"), wrong.err)
        XCTAssertTrue(wrong.err.contains("the PKCS#11 token refused the PIN"), wrong.err)
        XCTAssertFalse(wrong.err.contains("000000") || wrong.out.contains("000000"), "the PIN is never printed")
    }

    func testAPINInTheURIAMissingObjectAndAnotherModuleAreRefused() throws {
        let token = try SoftHSMToken.shared()
        XCTAssertThrowsError(try SigningKey.pkcs11(uri: token.uri + ";pin-value=\(SoftHSMToken.pin)", pin: Array(SoftHSMToken.pin.utf8),
                                                   module: token.module)) { error in
            XCTAssertTrue("\(error)".contains("pin_env"), "\(error)")
        }
        XCTAssertThrowsError(try SigningKey.pkcs11(uri: "pkcs11:token=\(SoftHSMToken.tokenLabel);object=absent;type=private",
                                                   pin: Array(SoftHSMToken.pin.utf8), module: token.module)) { error in
            guard case CryptoError.tokenKeyNotFound = error else { return XCTFail("expected tokenKeyNotFound, got \(error)") }
        }
        XCTAssertThrowsError(try SigningKey.pkcs11(uri: token.uri, pin: Array(SoftHSMToken.pin.utf8), module: "/nonexistent/module.so")) { error in
            guard case CryptoError.tokenUnavailable = error else { return XCTFail("expected tokenUnavailable, got \(error)") }
        }
    }

    func testStartUpAcceptsTheTokenKeyAndItsBankSignsThroughIt() throws {
        let token = try SoftHSMToken.shared()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("bankgate-pkcs11-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let configuration = try BankGateConfiguration.parse(Self.configuration(token), fileName: "pkcs11.toml", baseDirectory: directory.path)
        let environment = ["BANKGATE_TEST_UKEY_PIN": SoftHSMToken.pin]
        let statuses = try SigningKeyInventory.checkForStart(configuration, at: SystemClock().now(), environment: environment) { _ in }
        XCTAssertEqual(statuses.count, 1)
        XCTAssertEqual(statuses[0].state, .ok, statuses[0].summary)
        XCTAssertNotNil(statuses[0].identity)
        XCTAssertEqual(statuses[0].materialText, "pkcs11:\(SoftHSMToken.tokenLabel)")
        XCTAssertFalse(statuses[0].summary.contains(SoftHSMToken.pin))
        let unset = SigningKeyInventory.inspect(configuration.keys, at: SystemClock().now(), environment: [:])
        XCTAssertTrue(unset[0].stateText.contains("BANKGATE_TEST_UKEY_PIN (pin_env) is not set"), unset[0].stateText)
        XCTAssertEqual(unset[0].severity, .failure)

        // The signer of the bank signs through the token.
        let signer = try XCTUnwrap(KeySigner(bankId: "cn", statuses: statuses, clock: SystemClock()))
        let message = Array("<Document/>".utf8)
        let signature = try signer.identitySignature(message)
        XCTAssertTrue(try token.verifyingKey.isValidSignature(signature, for: message, scheme: .rsaPKCS1SHA256))
    }

    static func configuration(_ token: SoftHSMToken) -> String {
        """
            [server]
            listen = "127.0.0.1:0"
            data_dir = "data"

            [[tokens]]
            name = "t"
            token = "pkcs11-test-token-0123456789"
            scopes = ["operate"]

            [[banks]]
            id = "cn"
            adapter = "iso20022"
            transport = "http"
            url = "http://127.0.0.1:9"

            [[keys]]
            id = "ukey"
            bank = "cn"
            algorithm = "rsa-sha256"
            pkcs11 = "\(token.uri)"
            pkcs11_module = "\(token.module)"
            certificate = "\(token.certificatePath)"
            pin_env = "BANKGATE_TEST_UKEY_PIN"
            """
    }

    func testThePrivateKeyCannotBeExported() throws {
        let token = try SoftHSMToken.shared()
        let key = try SigningKey.pkcs11(uri: token.uri, pin: Array(SoftHSMToken.pin.utf8), module: token.module)
        XCTAssertThrowsError(try key.pkcs8PEM(passphrase: nil)) { error in
            XCTAssertTrue("\(error)".contains("cannot be exported"), "\(error)")
        }
        XCTAssertThrowsError(try key.pkcs8PEM(passphrase: Array("a passphrase".utf8)))
        // What OpenSSL holds is a reference: the private exponent is not in this process.
        XCTAssertFalse(try key.holdsPrivateMaterial(), "OpenSSL holds no private exponent for a token key")
        XCTAssertTrue(try SigningKey.generateRSA(bits: 2048).holdsPrivateMaterial(), "the check can fail: a file key has it")
    }
}

private extension KeySigner {
    /// The signature of the key in force, without a message envelope.
    func identitySignature(_ bytes: [UInt8]) throws -> [UInt8] {
        guard let key = keyInForce(at: clock.now()) else { throw CryptoError.invalidArgument("no key in force") }
        return try key.identity.key.signature(for: bytes, scheme: key.scheme)
    }
}
