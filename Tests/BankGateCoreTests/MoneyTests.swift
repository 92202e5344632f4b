import BankGateCore
import XCTest

final class MoneyTests: XCTestCase {
    let eur = Currency(code: "EUR")!
    let jpy = Currency(code: "JPY")!
    let bhd = Currency(code: "BHD")!

    func testParsesDecimalStringsIntoMinorUnits() throws {
        XCTAssertEqual(try Money(parsing: "1250.00", currency: eur).minorUnits, 125_000)
        XCTAssertEqual(try Money(parsing: "1250.5", currency: eur).minorUnits, 125_050)
        XCTAssertEqual(try Money(parsing: "0.01", currency: eur).minorUnits, 1)
        XCTAssertEqual(try Money(parsing: "7", currency: eur).minorUnits, 700)
        XCTAssertEqual(try Money(parsing: "-3.20", currency: eur).minorUnits, -320)
        XCTAssertEqual(try Money(parsing: "500", currency: jpy).minorUnits, 500)
        XCTAssertEqual(try Money(parsing: "1.234", currency: bhd).minorUnits, 1234)
        // Values a Double cannot hold exactly stay exact.
        XCTAssertEqual(try Money(parsing: "90071992547409.93", currency: eur).minorUnits, 9_007_199_254_740_993)
    }

    func testRefusesMalformedAmounts() {
        for text in ["", ".", "1.", ".5", "1,00", "1e3", "+1", "--1", "1.2.3", " 1", "1 ", "abc", "１"] {
            XCTAssertThrowsError(try Money(parsing: text, currency: eur), text) { error in
                XCTAssertEqual(error as? AmountError, .malformed, text)
            }
        }
    }

    func testRefusesMoreDecimalsThanTheCurrencyAllows() {
        XCTAssertThrowsError(try Money(parsing: "1.001", currency: eur)) {
            XCTAssertEqual($0 as? AmountError, .tooManyDecimals(allowed: 2))
        }
        XCTAssertThrowsError(try Money(parsing: "1.0", currency: jpy)) {
            XCTAssertEqual($0 as? AmountError, .tooManyDecimals(allowed: 0))
        }
    }

    func testRefusesOverflow() {
        XCTAssertThrowsError(try Money(parsing: "92233720368547758.08", currency: eur)) {
            XCTAssertEqual($0 as? AmountError, .outOfRange)
        }
        XCTAssertThrowsError(try Money(parsing: "99999999999999999999999", currency: jpy)) {
            XCTAssertEqual($0 as? AmountError, .outOfRange)
        }
    }

    func testFormatsWithTheCurrencyExponent() {
        XCTAssertEqual(Money(minorUnits: 125_000, currency: eur).decimalString, "1250.00")
        XCTAssertEqual(Money(minorUnits: 5, currency: eur).decimalString, "0.05")
        XCTAssertEqual(Money(minorUnits: -5, currency: eur).decimalString, "-0.05")
        XCTAssertEqual(Money(minorUnits: 500, currency: jpy).decimalString, "500")
        XCTAssertEqual(Money(minorUnits: 1, currency: bhd).decimalString, "0.001")
        XCTAssertEqual(Money(minorUnits: Int64.max, currency: eur).decimalString, "92233720368547758.07")
    }

    func testRoundTripsEveryFormattedValue() throws {
        var generator = SystemRandomNumberGenerator()
        for currency in [eur, jpy, bhd] {
            for _ in 0..<2_000 {
                let minor = Int64(bitPattern: generator.next()) >> Int64.random(in: 1...60)
                let money = Money(minorUnits: minor, currency: currency)
                XCTAssertEqual(try Money(parsing: money.decimalString, currency: currency), money)
            }
        }
    }

    func testCurrencyTable() {
        XCTAssertEqual(Currency(code: "CNY")?.exponent, 2)
        XCTAssertEqual(Currency(code: "KRW")?.exponent, 0)
        XCTAssertEqual(Currency(code: "KWD")?.exponent, 3)
        XCTAssertNil(Currency(code: "XXX"))
        XCTAssertNil(Currency(code: "eur"))
    }
}
