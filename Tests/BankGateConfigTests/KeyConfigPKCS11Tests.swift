import XCTest
@testable import BankGateConfig

/// `[[keys]]` with `pkcs11`: a key in a hardware token by its RFC 7512 URI, a PEM certificate,
/// a PIN from `pin_env` or `pin_file` (never in the URI), one module per process.
final class KeyConfigPKCS11Tests: XCTestCase {
    /// Appended after the fixture, its `[[keys]]` header is line 23.
    private let tokenKey = """
        [[keys]]
        id = "ukey-2026"
        bank = "sim"
        algorithm = "rsa-sha256"
        pkcs11 = "pkcs11:token=bank%20token;object=signer;type=private"
        certificate = "keys/ukey.crt"
        pin_env = "UKEY_PIN"
        """

    func testATokenKeyWithItsCertificatePINAndModule() throws {
        let configuration = try XCTUnwrap(validConfiguration(ConfigurationFixture.appending(
            tokenKey + "\npkcs11_module = \"/usr/lib/softhsm/libsofthsm2.so\"\n")))
        let key = try XCTUnwrap(configuration.keys.first)
        XCTAssertEqual(key.material, .pkcs11(uri: "pkcs11:token=bank%20token;object=signer;type=private",
                                             certificate: "/srv/bankgate/keys/ukey.crt", module: "/usr/lib/softhsm/libsofthsm2.so"))
        XCTAssertEqual(key.pin, .environment("UKEY_PIN"))
        XCTAssertNil(key.passphrase)
        let withFile = try XCTUnwrap(validConfiguration(ConfigurationFixture.appending(
            tokenKey.replacingOccurrences(of: "pin_env = \"UKEY_PIN\"", with: "pin_file = \"keys/ukey.pin\""))))
        XCTAssertEqual(withFile.keys.first?.pin, .file("/srv/bankgate/keys/ukey.pin"))
        if case .pkcs11(_, _, let module) = withFile.keys.first?.material { XCTAssertNil(module, "the engine's default module") }
    }

    func testThePINStaysOutOfTheURIAndTheFormsDoNotMix() {
        let entry = ConfigurationFixture.appending(tokenKey)
        assertConfigurationError(entry.replacingOccurrences(of: "type=private", with: "type=private;pin-value=1234"),
                                 key: "keys[0].pkcs11", line: 27, "must not hold the PIN")
        assertConfigurationError(entry.replacingOccurrences(of: "pkcs11:token", with: "token"), key: "keys[0].pkcs11", line: 27,
                                 "must be a PKCS#11 URI")
        assertConfigurationError(entry.replacingOccurrences(of: "pin_env = \"UKEY_PIN\"\n", with: ""), key: "keys[0].pin_env", line: 23,
                                 "is required with pkcs11")
        assertConfigurationError(entry.replacingOccurrences(of: "certificate = \"keys/ukey.crt\"\n", with: ""),
                                 key: "keys[0].certificate", line: 23, "is required with pkcs11")
        assertConfigurationError(entry + "private_key = \"k.pem\"\n", key: "keys[0].private_key", line: 30, "either pkcs11 or private_key")
        assertConfigurationError(entry + "passphrase_env = \"X\"\n", key: "keys[0].passphrase_env", line: 30, "has a PIN")
        assertConfigurationError(entry + "pin_file = \"p\"\n", key: "keys[0].pin_file", line: 30, "either pin_env or pin_file")
        let fileKey = tokenKey.replacingOccurrences(of: "pkcs11 = \"pkcs11:token=bank%20token;object=signer;type=private\"",
                                                    with: "private_key = \"k.pem\"")
        assertConfigurationError(ConfigurationFixture.appending(fileKey), key: "keys[0].pin_env", line: 29, "only used with pkcs11")
    }

    func testEveryTokenKeyUsesTheSameModule() {
        let second = tokenKey.replacingOccurrences(of: "ukey-2026", with: "ukey-2027") + "\nvalid_from = \"2027-01-01\"\n"
            + "pkcs11_module = \"/opt/hsm/lib.so\"\n"
        assertConfigurationError(ConfigurationFixture.appending(tokenKey + "\n\n" + second), key: "keys[1].pkcs11_module", line: 31,
                                 "every pkcs11 key must use the same module")
    }
}
