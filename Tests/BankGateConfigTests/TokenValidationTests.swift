import XCTest
@testable import BankGateConfig

/// `[[tokens]]` checks.
final class TokenValidationTests: XCTestCase {
    private let tokenLine = #"token = "0123456789abcdef-erp""#

    func testAtLeastOneToken() {
        let none = ConfigurationFixture.valid.replacingOccurrences(
            of: "[[tokens]]\nname = \"erp\"\n\(tokenLine)\nscopes = [\"payments:write\", \"payments:read\"]\n", with: "")
        XCTAssertFalse(none.contains("[[tokens]]"))
        assertConfigurationError(none, key: "tokens", "at least one [[tokens]] entry is required")
    }

    func testExactlyOneSecret() {
        assertConfigurationError(ConfigurationFixture.replacing(tokenLine, with: ""), key: "tokens[0].token", line: 5, "one of token, token_sha256 or client_certificate_sha256 is required")
        let both = ConfigurationFixture.replacing(tokenLine, with: tokenLine + "\ntoken_sha256 = \"\(String(repeating: "ab", count: 32))\"")
        assertConfigurationError(both, key: "tokens[0].token_sha256", line: 8, "either token or token_sha256, not both")
    }

    func testPlainTokenRules() {
        let short = assertConfigurationError(ConfigurationFixture.replacing("0123456789abcdef-erp", with: "short-secret"),
                                             key: "tokens[0].token", line: 7, "at least 16 characters")
        XCTAssertEqual(short?.description.contains("short-secret"), false, "secrets must not be echoed")
        assertConfigurationError(ConfigurationFixture.replacing("0123456789abcdef-erp", with: ""), key: "tokens[0].token", "at least 16")
        assertConfigurationError(ConfigurationFixture.replacing("0123456789abcdef-erp", with: "0123456789 abcdef-erp"),
                                 key: "tokens[0].token", line: 7, "printable ASCII without spaces")
        assertConfigurationError(ConfigurationFixture.replacing(#""0123456789abcdef-erp""#, with: "12345678901234567"),
                                 key: "tokens[0].token", line: 7, "must be a string")
        XCTAssertEqual(validConfiguration(ConfigurationFixture.valid)?.tokens[0].secret, .plain("0123456789abcdef-erp"))
    }

    func testAPITLSAndClientCertificates() throws {
        let fingerprint = (0..<32).map { _ in "AB" }.joined(separator: ":")
        let tls = #"data_dir = "var""# + """

            tls_certificate = "tls/api.pem"
            tls_private_key = "/etc/bankgate/api.key"
            tls_client_ca = "tls/clients-ca.pem"
            """
        let mutual = ConfigurationFixture.replacing(#"data_dir = "var""#, with: tls)
        let certificateOnly = ConfigurationFixture.replacing(tokenLine, with: "client_certificate_sha256 = \"\(fingerprint)\"", in: mutual)
        let config = try XCTUnwrap(validConfiguration(certificateOnly))
        XCTAssertEqual(config.server.tls?.privateKeyFile, "/etc/bankgate/api.key")
        XCTAssertTrue(config.server.tls?.clientCAFile?.hasSuffix("/tls/clients-ca.pem") == true, "resolved against the base directory")
        XCTAssertEqual(config.server.tls?.clientCertificates, .required)
        XCTAssertEqual(config.tokens[0].clientCertificateSHA256, String(repeating: "ab", count: 32))
        XCTAssertNil(validConfiguration(ConfigurationFixture.valid)?.server.tls)

        // A fingerprint without client certificates on the API, a bad fingerprint, the same certificate twice.
        assertConfigurationError(ConfigurationFixture.replacing(tokenLine, with: "client_certificate_sha256 = \"\(fingerprint)\""),
                                 key: "tokens[0].client_certificate_sha256", "needs client certificates on the API")
        assertConfigurationError(ConfigurationFixture.replacing(tokenLine, with: "client_certificate_sha256 = \"abc\"", in: mutual),
                                 key: "tokens[0].client_certificate_sha256", "64 hexadecimal digits")
        let twice = certificateOnly + "\n\n[[tokens]]\nname = \"erp2\"\nclient_certificate_sha256 = \"\(fingerprint)\"\nscopes = [\"payments:read\"]"
        assertConfigurationError(twice, key: "tokens[1].client_certificate_sha256", "same certificate as tokens[0]")
        // The TLS keys themselves.
        assertConfigurationError(ConfigurationFixture.replacing(#"data_dir = "var""#, with: #"data_dir = "var""# + "\ntls_certificate = \"a.pem\""),
                                 key: "server.tls_private_key", "is required with tls_certificate")
        assertConfigurationError(ConfigurationFixture.replacing("tls_client_ca", with: "tls_client_certificates = \"sometimes\"\ntls_client_ca", in: mutual),
                                 key: "server.tls_client_certificates", #"must be "required" or "optional""#)
        let optional = try XCTUnwrap(validConfiguration(ConfigurationFixture.replacing("tls_client_ca", with: "tls_client_certificates = \"optional\"\ntls_client_ca", in: mutual)))
        XCTAssertEqual(optional.server.tls?.clientCertificates, .optional)
        assertConfigurationError(ConfigurationFixture.replacing(#"data_dir = "var""#, with: #"data_dir = "var""# + "\ntls_certificate = \"a.pem\"\ntls_private_key = \"a.key\"\ntls_client_certificates = \"optional\""),
                                 key: "server.tls_client_certificates", "needs tls_client_ca")
    }

    func testRateLimits() {
        let limited = validConfiguration(ConfigurationFixture.replacing(tokenLine, with: tokenLine + "\nrate_limit_per_second = 50\nrate_limit_burst = 200"))
        XCTAssertEqual(limited?.tokens[0].rateLimit, TokenConfig.RateLimit(perSecond: 50, burst: 200))
        let burstDefault = validConfiguration(ConfigurationFixture.replacing(tokenLine, with: tokenLine + "\nrate_limit_per_second = 20"))
        XCTAssertEqual(burstDefault?.tokens[0].rateLimit, TokenConfig.RateLimit(perSecond: 20, burst: 20))
        XCTAssertNil(validConfiguration(ConfigurationFixture.valid)?.tokens[0].rateLimit, "no limit unless configured")
        assertConfigurationError(ConfigurationFixture.replacing(tokenLine, with: tokenLine + "\nrate_limit_burst = 5"),
                                 key: "tokens[0].rate_limit_burst", "needs rate_limit_per_second")
        assertConfigurationError(ConfigurationFixture.replacing(tokenLine, with: tokenLine + "\nrate_limit_per_second = 0"),
                                 key: "tokens[0].rate_limit_per_second", "between 1 and 1000000")
    }

    func testHashedTokenRules() {
        let upper = String(repeating: "AB", count: 32)
        let hashed = validConfiguration(ConfigurationFixture.replacing(tokenLine, with: "token_sha256 = \"\(upper)\""))
        XCTAssertEqual(hashed?.tokens[0].secret, .sha256Hex(String(repeating: "ab", count: 32)))
        assertConfigurationError(ConfigurationFixture.replacing(tokenLine, with: "token_sha256 = \"abc\""), key: "tokens[0].token_sha256", line: 7, "64 hexadecimal digits")
        let notHex = String(repeating: "g", count: 64)
        assertConfigurationError(ConfigurationFixture.replacing(tokenLine, with: "token_sha256 = \"\(notHex)\""), key: "tokens[0].token_sha256", "64 hexadecimal digits")
    }

    func testScopes() {
        let all = validConfiguration(ConfigurationFixture.replacing(#"["payments:write", "payments:read"]"#,
                                                                    with: #"["payments:write", "payments:read", "operate", "events:read", "accounts:read", "accounts:write", "keys:admin", "receipts:read", "payments:approve", "admin"]"#))
        XCTAssertEqual(all?.tokens[0].scopes, Set(Scope.allCases))
        assertConfigurationError(ConfigurationFixture.replacing(#""payments:read""#, with: #""payments:admin""#),
                                 key: "tokens[0].scopes[1]", line: 8, #"unknown scope "payments:admin" (known: payments:write, payments:read, operate, events:read, accounts:read, accounts:write, keys:admin, receipts:read, payments:approve, admin)"#)
        assertConfigurationError(ConfigurationFixture.replacing(#""payments:read""#, with: #""payments:write""#), key: "tokens[0].scopes[1]", "listed twice")
        assertConfigurationError(ConfigurationFixture.replacing(#"["payments:write", "payments:read"]"#, with: "[]"), key: "tokens[0].scopes", line: 8, "at least one scope")
        assertConfigurationError(ConfigurationFixture.replacing(#"["payments:write", "payments:read"]"#, with: #""operate""#), key: "tokens[0].scopes", "must be an array of strings")
        assertConfigurationError(ConfigurationFixture.replacing(#""payments:read""#, with: "1"), key: "tokens[0].scopes[1]", "must be a string")
        let withoutScopes = ConfigurationFixture.replacing(#"scopes = ["payments:write", "payments:read"]"#, with: "")
        assertConfigurationError(withoutScopes, key: "tokens[0].scopes", line: 5, "is required")
    }

    func testNamesAndSecretsAreDistinct() {
        let second = "[[tokens]]\nname = \"erp\"\ntoken = \"another-secret-0123456\"\nscopes = [\"operate\"]"
        assertConfigurationError(ConfigurationFixture.appending(second), key: "tokens[1].name", line: 24, #""erp" is already used by another entry of [[tokens]] on line 6"#)
        let sameSecret = "[[tokens]]\nname = \"ops\"\n\(tokenLine)\nscopes = [\"operate\"]"
        assertConfigurationError(ConfigurationFixture.appending(sameSecret), key: "tokens[1]", line: 23, "same secret as tokens[0]")
        assertConfigurationError(ConfigurationFixture.replacing(#"name = "erp""#, with: #"name = "erp client""#), key: "tokens[0].name", line: 6, "A-Z a-z 0-9 _ -")
        assertConfigurationError(ConfigurationFixture.replacing(#"name = "erp""#, with: ""), key: "tokens[0].name", line: 5, "is required")
    }
}
