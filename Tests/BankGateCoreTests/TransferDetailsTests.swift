import BankGateCore
import XCTest

/// The bank-neutral payment details: same-bank derivation, the default charge bearer, country codes.
final class TransferDetailsTests: XCTestCase {
    func testSameBankFromTheBankCodes() {
        let cases: [(String, String?, Bool?, String)] = [
            ("COBADEFFXXX", "COBADEFF", true, "same institution and country"),
            ("COBADEFFXXX", "cobadeff100", true, "any case, any branch"),
            ("COBADEFFXXX", "DEUTDEFF", false, "another institution"),
            ("COBADEFFXXX", "COBAGB2L", nil, "same institution code, another country"),
            ("102100099996", "102581000013", true, "ICBC and ICBC"),
            ("308584000013", "308100005019", true, "CMB and CMB"),
            ("102100099996", "310290000013", false, "ICBC and SPDB"),
            ("313100000013", "313290000017", nil, "two city commercial banks share 313"),
            ("402100000018", "402100000026", nil, "rural credit cooperatives share 402"),
            ("COBADEFFXXX", "102100099996", nil, "a BIC against a CNAPS code"),
            ("COBADEFFXXX", nil, nil, "no creditor bank code"),
        ]
        for (debtor, creditor, expected, label) in cases {
            XCTAssertEqual(SameBank.derive(debtorBankCode: debtor, creditorBankCode: creditor), expected, label)
        }
    }

    func testDefaultChargeBearer() {
        let eur = Currency(code: "EUR")!, cny = Currency(code: "CNY")!, usd = Currency(code: "USD")!
        XCTAssertEqual(ChargeBearer.default(currency: eur, creditorAccount: "FR1420041010050500013M02606"), .serviceLevel)
        XCTAssertEqual(ChargeBearer.default(currency: eur, creditorAccount: "123456789"), .shared)
        XCTAssertEqual(ChargeBearer.default(currency: cny, creditorAccount: "31001234567890123"), .shared)
        XCTAssertEqual(ChargeBearer.default(currency: usd, creditorAccount: "GB82WEST12345698765432"), .shared)
    }

    func testCountryCodes() {
        for code in ["CN", "DE", "HK", "MO", "TW", "US", "GB", "XK", "SS"] { XCTAssertTrue(CountryCode.isValid(code), code) }
        for code in ["XX", "UK", "EU", "cn", "CHN", "C", ""] { XCTAssertFalse(CountryCode.isValid(code), code) }
    }

}
