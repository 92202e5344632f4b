import XCTest
import BankGateCore
@testable import BankGateConfig

/// `[[accounts]]` checks.
final class AccountValidationTests: XCTestCase {
    private let iban = "DE89370400440532013000"

    func testBankMustExist() {
        assertConfigurationError(ConfigurationFixture.replacing(#"bank = "sim""#, with: #"bank = "sim2""#),
                                 key: "accounts[0].bank", line: 18, #"no [[banks]] entry has id "sim2" (configured: sim)"#)
        assertConfigurationError(ConfigurationFixture.replacing(#"bank = "sim""#, with: ""), key: "accounts[0].bank", line: 16, "is required")
    }

    func testIBANCheckDigits() {
        let wrong = assertConfigurationError(ConfigurationFixture.replacing(iban, with: "DE89370400440532013001"),
                                             key: "accounts[0].number", line: 19, "check digits do not match")
        XCTAssertEqual(wrong?.description.contains("DE8937040044053201300"), false, "account numbers must not be echoed")
        assertConfigurationError(ConfigurationFixture.replacing(iban, with: "DE89 3704 0044 0532 0130 00"), key: "accounts[0].number", "looks like an IBAN")
        assertConfigurationError(ConfigurationFixture.replacing(iban, with: "DE8937040044"), key: "accounts[0].number", "looks like an IBAN")
        XCTAssertNotNil(validConfiguration(ConfigurationFixture.replacing(iban, with: "NL91ABNA0417164300")))
    }

    func testDomesticNumbers() {
        let domestic = validConfiguration(ConfigurationFixture.replacing(iban, with: "123456789"))
        XCTAssertEqual(domestic?.accounts[0].number, "123456789")
        XCTAssertNotNil(validConfiguration(ConfigurationFixture.replacing(iban, with: String(repeating: "7", count: 34))))
        for bad in ["", String(repeating: "7", count: 35), "1234 5678", "12-34", "账户123"] {
            assertConfigurationError(ConfigurationFixture.replacing(iban, with: bad), key: "accounts[0].number", line: 19, "1 to 34 letters and digits")
        }
    }

    func testBankCode() {
        XCTAssertNotNil(validConfiguration(ConfigurationFixture.replacing("COBADEFFXXX", with: "COBADEFF")))
        let cnaps = validConfiguration(ConfigurationFixture.replacing("COBADEFFXXX", with: "102100099996"))
        XCTAssertEqual(cnaps?.accounts[0].bankCode, "102100099996")
        for bad in ["COBADEFFXX", "cobadeffxxx", "COBAD1FFXXX", "10210009999"] {
            assertConfigurationError(ConfigurationFixture.replacing("COBADEFFXXX", with: bad), key: "accounts[0].bank_code", line: 20, "BIC")
        }
    }

    func testName() {
        assertConfigurationError(ConfigurationFixture.replacing("ACME Trading GmbH", with: ""), key: "accounts[0].name", line: 21, "must not be empty")
        assertConfigurationError(ConfigurationFixture.replacing("ACME Trading GmbH", with: String(repeating: "A", count: 141)), key: "accounts[0].name", "longer than 140")
        assertConfigurationError(ConfigurationFixture.replacing("ACME Trading GmbH", with: #"ACME\u0001"#), key: "accounts[0].name", "U+1")
        XCTAssertEqual(validConfiguration(ConfigurationFixture.replacing("ACME Trading GmbH", with: #"Café \"Ü\" 有限公司"#))?.accounts[0].name, "Café \"Ü\" 有限公司")
    }

    func testCurrency() {
        assertConfigurationError(ConfigurationFixture.replacing(#""EUR""#, with: #""EURO""#), key: "accounts[0].currency", line: 22, "not an ISO 4217 currency code")
        assertConfigurationError(ConfigurationFixture.replacing(#""EUR""#, with: #""eur""#), key: "accounts[0].currency", "ISO 4217")
        assertConfigurationError(ConfigurationFixture.replacing(#"currency = "EUR""#, with: ""), key: "accounts[0].currency", line: 16, "is required")
        XCTAssertEqual(validConfiguration(ConfigurationFixture.replacing(#""EUR""#, with: #""JPY""#))?.accounts[0].currency.exponent, 0)
    }

    func testActiveAndIds() {
        XCTAssertEqual(validConfiguration(ConfigurationFixture.appending("active = false"))?.accounts[0].active, false)
        assertConfigurationError(ConfigurationFixture.appending("active = \"yes\""), key: "accounts[0].active", line: 23, "must be true or false, not a string")
        let second = "[[accounts]]\nid = \"acme-eur\"\nbank = \"sim\"\nnumber = \"123\"\nbank_code = \"COBADEFFXXX\"\nname = \"B\"\ncurrency = \"EUR\""
        assertConfigurationError(ConfigurationFixture.appending(second), key: "accounts[1].id", line: 24, "already used by another entry of [[accounts]] on line 17")
        assertConfigurationError(ConfigurationFixture.replacing(#"id = "acme-eur""#, with: #"id = "acme.eur""#), key: "accounts[0].id", line: 17, "A-Z a-z 0-9 _ -")
        assertConfigurationError(ConfigurationFixture.appending("iban = \"x\""), key: "accounts[0].iban", line: 23, "unknown key")
    }

    func testDebtorAccount() throws {
        let account = try XCTUnwrap(validConfiguration(ConfigurationFixture.valid)?.accounts[0])
        let debtor = account.debtorAccount()
        XCTAssertEqual(debtor.id, "acme-eur")
        XCTAssertEqual(debtor.bankId, "sim")
        XCTAssertEqual(debtor.number, iban)
        XCTAssertEqual(debtor.bankCode, "COBADEFFXXX")
        XCTAssertEqual(debtor.name, "ACME Trading GmbH")
        XCTAssertEqual(debtor.currency, Currency(code: "EUR"))
        XCTAssertTrue(debtor.isIBAN)
    }
}
