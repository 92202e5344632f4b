import BankGateCore
import XCTest

final class IdentifierTests: XCTestCase {
    func testIBANCheckDigits() {
        XCTAssertTrue(IBAN.isValid("DE89370400440532013000"))
        XCTAssertTrue(IBAN.isValid("GB82WEST12345698765432"))
        XCTAssertTrue(IBAN.isValid("FR1420041010050500013M02606"))
        XCTAssertFalse(IBAN.isValid("DE89370400440532013001"), "one digit changed")
        XCTAssertFalse(IBAN.isValid("DE98370400440532013000"), "check digits swapped")
        XCTAssertFalse(IBAN.isValid("DE89 3704 0044 0532 0130 00"), "spaces are not accepted")
        XCTAssertFalse(IBAN.isValid("de89370400440532013000"))
        XCTAssertFalse(IBAN.isValid("DE89"))
        XCTAssertTrue(IBAN.looksLikeIBAN("DE00XXXX"))
        XCTAssertFalse(IBAN.looksLikeIBAN("6222021001012345678"))
    }

    func testBICShape() {
        XCTAssertTrue(BIC.isValid("COBADEFFXXX"))
        XCTAssertTrue(BIC.isValid("DEUTDEFF"))
        XCTAssertTrue(BIC.isValid("ICBKCNBJ"))
        XCTAssertFalse(BIC.isValid("COBADEFFXX"))
        XCTAssertFalse(BIC.isValid("COBA1EFFXXX"), "country code must be letters")
        XCTAssertFalse(BIC.isValid("cobadeffxxx"))
    }

    func testCNAPS() {
        XCTAssertTrue(CNAPS.isValid("102100099996"))
        XCTAssertFalse(CNAPS.isValid("10210009999"))
        XCTAssertFalse(CNAPS.isValid("10210009999A"))
    }

    func testISOTextLimits() {
        XCTAssertNil(ISOText.problem(in: "Müller GmbH & Co. KG", maxLength: 140))
        XCTAssertNil(ISOText.problem(in: "上海某某贸易有限公司", maxLength: 35))
        XCTAssertEqual(ISOText.problem(in: "", maxLength: 35), .empty)
        XCTAssertEqual(ISOText.problem(in: String(repeating: "a", count: 141), maxLength: 140), .tooLong(max: 140))
        XCTAssertEqual(ISOText.problem(in: "a\u{0}b", maxLength: 140), .forbiddenCharacter("\u{0}"))
        XCTAssertEqual(ISOText.problem(in: "line\nbreak", maxLength: 140), .forbiddenCharacter("\n"))
        XCTAssertNil(ISOText.identifierProblem(in: "INV-2026/11-001"))
        XCTAssertEqual(ISOText.identifierProblem(in: "has space"), .forbiddenCharacter(" "))
        XCTAssertEqual(ISOText.identifierProblem(in: String(repeating: "A", count: 36)), .tooLong(max: 35))
    }

    func testTimestampFormatting() {
        XCTAssertEqual(Timestamp(milliseconds: 0).iso8601, "1970-01-01T00:00:00.000Z")
        XCTAssertEqual(Timestamp(milliseconds: 1_795_411_698_123).iso8601, "2026-11-23T05:28:18.123Z")
        XCTAssertEqual(Timestamp(milliseconds: 951_782_400_000).dateString, "2000-02-29")
        XCTAssertEqual(Timestamp.parseDate("2000-02-29")?.milliseconds, 951_782_400_000)
        XCTAssertNil(Timestamp.parseDate("2001-02-29"))
        XCTAssertNil(Timestamp.parseDate("2026-13-01"))
        XCTAssertNil(Timestamp.parseDate("26-11-01"))
        for days in stride(from: -1000, to: 100_000, by: 37) {
            let ts = Timestamp(milliseconds: Int64(days) * 86_400_000)
            XCTAssertEqual(Timestamp.parseDate(ts.dateString), ts)
        }
    }
}
