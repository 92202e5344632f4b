import XCTest
@testable import BankGateConfig

/// `[[tenants]]`, the `tenant` of accounts and tokens, and `pay_from` / `read_accounts`.
final class TenantConfigTests: XCTestCase {
    /// The fixture with two tenants; the fixture's token and account belong to `acme`, and a
    /// second account and token to `beta`.
    static let twoTenants = ConfigurationFixture.valid
        .replacingOccurrences(of: "scopes = [\"payments:write\", \"payments:read\"]",
                              with: "scopes = [\"payments:write\", \"payments:read\"]\ntenant = \"acme\"")
        .replacingOccurrences(of: "currency = \"EUR\"", with: "currency = \"EUR\"\ntenant = \"acme\"")
        + """

        [[tenants]]
        id = "acme"
        name = "ACME Trading"

        [[tenants]]
        id = "beta"
        name = "Beta Logistics"

        [[tokens]]
        name = "beta-erp"
        token = "0123456789abcdef-beta"
        scopes = ["payments:write"]
        tenant = "beta"

        [[accounts]]
        id = "beta-eur"
        bank = "sim"
        number = "DE02120300000000202051"
        bank_code = "COBADEFFXXX"
        name = "Beta Logistics GmbH"
        currency = "EUR"
        tenant = "beta"
        """

    func testWithoutTenantsEverythingBelongsToDefault() throws {
        let configuration = try XCTUnwrap(validConfiguration(ConfigurationFixture.valid))
        XCTAssertTrue(configuration.tenants.isEmpty)
        XCTAssertEqual(configuration.accounts.first?.tenant, "default")
        XCTAssertEqual(configuration.tokens.first?.tenant, "default")
        XCTAssertNil(configuration.tokens.first?.payFrom)
        let directory = configuration.tenantDirectory
        XCTAssertFalse(directory.isPartitioned)
        XCTAssertEqual(directory.tenants.map(\.id), ["default"])
    }

    func testTwoTenantsAreRead() throws {
        let configuration = try XCTUnwrap(validConfiguration(Self.twoTenants))
        XCTAssertEqual(configuration.tenants.map(\.id), ["acme", "beta"])
        XCTAssertEqual(configuration.tenants.last?.name, "Beta Logistics")
        XCTAssertEqual(configuration.tokens.map(\.tenant), ["acme", "beta"])
        let directory = configuration.tenantDirectory
        XCTAssertTrue(directory.isPartitioned)
        XCTAssertEqual(directory.accounts(of: "acme"), ["acme-eur"])
        XCTAssertEqual(directory.accounts(of: "beta"), ["beta-eur"])
    }

    func testOnceTenantsExistEveryAccountAndTokenNamesOne() {
        let withoutAccountTenant = Self.twoTenants.replacingOccurrences(of: "currency = \"EUR\"\ntenant = \"acme\"", with: "currency = \"EUR\"")
        assertConfigurationError(withoutAccountTenant, key: "accounts[0].tenant", line: 17, "is required once [[tenants]] are configured")
        let withoutTokenTenant = Self.twoTenants.replacingOccurrences(of: "scopes = [\"payments:write\", \"payments:read\"]\ntenant = \"acme\"",
                                                                      with: "scopes = [\"payments:write\", \"payments:read\"]")
        assertConfigurationError(withoutTokenTenant, key: "tokens[0].tenant", line: 5, "is required")
        assertConfigurationError(Self.twoTenants.replacingOccurrences(of: "tenant = \"beta\"\n\n[[accounts]]", with: "tenant = \"gamma\"\n\n[[accounts]]"),
                                 key: "tokens[1].tenant", "no [[tenants]] entry has id \"gamma\"")
    }

    func testATenantWithoutTenantsConfiguredIsRefused() {
        assertConfigurationError(ConfigurationFixture.replacing("currency = \"EUR\"", with: "currency = \"EUR\"\ntenant = \"acme\""),
                                 key: "accounts[0].tenant", line: 23, "no [[tenants]] are configured")
        XCTAssertNotNil(validConfiguration(ConfigurationFixture.replacing("currency = \"EUR\"", with: "currency = \"EUR\"\ntenant = \"default\"")))
    }

    func testPayFromAndReadAccountsNameAccountsOfTheTokensTenant() throws {
        let restricted = Self.twoTenants.replacingOccurrences(
            of: "tenant = \"acme\"\n\n[[banks]]", with: "tenant = \"acme\"\npay_from = [\"acme-eur\"]\nread_accounts = [\"acme-eur\"]\n\n[[banks]]")
        let configuration = try XCTUnwrap(validConfiguration(restricted))
        XCTAssertEqual(configuration.tokens.first?.payFrom, ["acme-eur"])
        XCTAssertEqual(configuration.tokens.first?.readAccounts, ["acme-eur"])

        let foreign = Self.twoTenants.replacingOccurrences(of: "tenant = \"acme\"\n\n[[banks]]",
                                                           with: "tenant = \"acme\"\npay_from = [\"beta-eur\"]\n\n[[banks]]")
        assertConfigurationError(foreign, key: "tokens[0].pay_from[0]", line: 10, "belongs to tenant \"beta\", not to the token's tenant \"acme\"")
        let unknown = Self.twoTenants.replacingOccurrences(of: "tenant = \"acme\"\n\n[[banks]]",
                                                           with: "tenant = \"acme\"\nread_accounts = [\"nope\"]\n\n[[banks]]")
        assertConfigurationError(unknown, key: "tokens[0].read_accounts[0]", "no [[accounts]] entry has id \"nope\"")
        assertConfigurationError(Self.twoTenants.replacingOccurrences(of: "tenant = \"acme\"\n\n[[banks]]",
                                                                      with: "tenant = \"acme\"\npay_from = []\n\n[[banks]]"),
                                 key: "tokens[0].pay_from", "at least one account")
    }
}
