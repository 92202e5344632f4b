import XCTest
@testable import BankGateConfig

/// `[[keys]]` checks: the forms of key material and passphrase, the bank, the algorithm, rollover.
final class KeyConfigTests: XCTestCase {
    /// A valid entry; appended after the fixture, its `[[keys]]` header is line 23.
    private let pemKey = """
        [[keys]]
        id = "sim-2026"
        bank = "sim"
        algorithm = "rsa-sha256"
        private_key = "keys/sim.key"
        certificate = "/etc/bankgate/sim.crt"
        passphrase_env = "SIM_KEY_PASSPHRASE"
        """

    func testPEMAndPKCS12EntriesWithPathsResolved() throws {
        let pkcs12 = """
            [[keys]]
            id = "sim-2027"
            bank = "sim"
            algorithm = "sm2-sm3"
            pkcs12 = "./keys/sim-2027.p12"
            passphrase_file = "keys/sim-2027.pass"
            sm2_user_id = "1234567812345678"
            valid_from = "2027-01-01T08:00:00Z"
            """
        let configuration = try XCTUnwrap(validConfiguration(ConfigurationFixture.appending(pemKey + "\n\n" + pkcs12)))
        XCTAssertEqual(configuration.keys.count, 2)
        let first = configuration.keys[0], second = configuration.keys[1]
        XCTAssertEqual(first.id, "sim-2026")
        XCTAssertEqual(first.algorithm, .rsaSHA256)
        XCTAssertEqual(first.material, .pem(privateKey: "/srv/bankgate/keys/sim.key", certificate: "/etc/bankgate/sim.crt"))
        XCTAssertEqual(first.passphrase, .environment("SIM_KEY_PASSPHRASE"))
        XCTAssertNil(first.validFrom)
        XCTAssertEqual(second.algorithm, .sm2SM3)
        XCTAssertEqual(second.material, .pkcs12(path: "/srv/bankgate/keys/sim-2027.p12"))
        XCTAssertEqual(second.passphrase, .file("/srv/bankgate/keys/sim-2027.pass"))
        XCTAssertEqual(second.sm2UserID, "1234567812345678")
        XCTAssertEqual(second.validFrom?.iso8601Seconds, "2027-01-01T08:00:00Z")
        XCTAssertTrue(try XCTUnwrap(validConfiguration(ConfigurationFixture.valid)).keys.isEmpty)
    }

    func testErrorsNameFileLineAndKey() {
        let entry = ConfigurationFixture.appending(pemKey)
        let error = assertConfigurationError(entry.replacingOccurrences(of: #"bank = "sim""#, with: #"bank = "nobank""#,
                                                                         options: [], range: entry.range(of: "[[keys]]").map { $0.lowerBound..<entry.endIndex }),
                                             key: "keys[0].bank", line: 25, "no [[banks]] entry has id \"nobank\"")
        XCTAssertTrue(error?.description.contains("test.toml:25: keys[0].bank:") ?? false, error?.description ?? "")
        assertConfigurationError(entry.replacingOccurrences(of: "rsa-sha256", with: "rsa-sha1"), key: "keys[0].algorithm", line: 26,
                                 #"must be "rsa-sha256" or "sm2-sm3""#)
        assertConfigurationError(entry.replacingOccurrences(of: "passphrase_env", with: "passphrase"), key: "keys[0].passphrase", line: 29,
                                 "unknown key")
        assertConfigurationError(entry + "pkcs12 = \"a.p12\"\n", key: "keys[0].private_key", line: 27, "either pkcs12 or private_key")
        assertConfigurationError(entry.replacingOccurrences(of: "certificate = \"/etc/bankgate/sim.crt\"\n", with: ""),
                                 key: "keys[0].certificate", line: 23, "is required with private_key")
        assertConfigurationError(entry + "passphrase_file = \"pass\"\n", key: "keys[0].passphrase_file", line: 30,
                                 "either passphrase_env or passphrase_file")
        assertConfigurationError(entry + "sm2_user_id = \"ALICE\"\n", key: "keys[0].sm2_user_id", line: 30, "only used with algorithm")
        assertConfigurationError(entry + "valid_from = \"2027-02-30\"\n", key: "keys[0].valid_from", line: 30, "must be a date")
        assertConfigurationError(entry + "valid_from = \"2027-01-01 08:00\"\n", key: "keys[0].valid_from", line: 30, "must be a date")
        assertConfigurationError(entry.replacingOccurrences(of: "private_key = \"keys/sim.key\"\ncertificate = \"/etc/bankgate/sim.crt\"\n", with: ""),
                                 key: "keys[0].pkcs12", line: 23, "give pkcs12, or private_key and certificate")
        assertConfigurationError(entry.replacingOccurrences(of: "id = \"sim-2026\"", with: "id = \"sim 2026\""), key: "keys[0].id", line: 24,
                                 "must be 1 to 64 characters")
    }

    /// `accounts` and `role` bind a key by configuration (the key is recorded bound, not issued):
    /// accounts of the key's bank only; `role` without `accounts` is refused.
    func testABindingByConfigurationNamesAccountsOfTheKeysBank() throws {
        let bound = try XCTUnwrap(validConfiguration(ConfigurationFixture.appending(pemKey + "\naccounts = [\"acme-eur\"]\nrole = \"approver\"\n")))
        XCTAssertEqual(bound.keys[0].binding?.accounts, ["acme-eur"])
        XCTAssertEqual(bound.keys[0].binding?.role, "approver")
        let defaultRole = try XCTUnwrap(validConfiguration(ConfigurationFixture.appending(pemKey + "\naccounts = [\"acme-eur\"]\n")))
        XCTAssertEqual(defaultRole.keys[0].binding?.role, KeyConfig.defaultRole)
        XCTAssertNil(try XCTUnwrap(validConfiguration(ConfigurationFixture.appending(pemKey))).keys[0].binding, "issued until bound")
        assertConfigurationError(ConfigurationFixture.appending(pemKey + "\naccounts = [\"nope\"]\n"), key: "keys[0].accounts", line: 23,
                                 "no [[accounts]] entry has id \"nope\"")
        assertConfigurationError(ConfigurationFixture.appending(pemKey + "\nrole = \"approver\"\n"), key: "keys[0].role", line: 30,
                                 "only used with accounts")
    }

    func testRolloverNeedsValidFromAndUniqueIds() {
        let twice = ConfigurationFixture.appending(pemKey + "\n\n" + pemKey.replacingOccurrences(of: "sim-2026", with: "sim-2027"))
        assertConfigurationError(twice, key: "keys[1]", line: 31, "already has no valid_from")
        let rollover = twice + "valid_from = \"2027-01-01\"\n"
        XCTAssertEqual(validConfiguration(rollover)?.keys.map(\.validFrom?.iso8601Seconds), [nil, "2027-01-01T00:00:00Z"])
        let sameId = ConfigurationFixture.appending(pemKey + "\n\n" + pemKey + "\nvalid_from = \"2027-01-01\"\n")
        assertConfigurationError(sameId, key: "keys[1].id", line: 32, "already used by another entry of [[keys]] on line 24")
    }
}
