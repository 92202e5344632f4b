import BankGateCore
import BankGateReceipts
import XCTest

/// 大写金额 as Chinese receipts and vouchers write it.
final class ChineseAmountInWordsTests: XCTestCase {
    let cny = Currency(code: "CNY")!

    func words(_ minorUnits: Int64) -> String? {
        ChineseAmountInWords.text(Money(minorUnits: minorUnits, currency: cny))
    }

    func testPublishedExamples() {
        XCTAssertEqual(words(1_234_567), "壹万贰仟叁佰肆拾伍元陆角柒分")
        XCTAssertEqual(words(10_000), "壹佰元整")
        XCTAssertEqual(words(100_000), "壹仟元整")
        XCTAssertEqual(words(1_000), "壹拾元整")
        XCTAssertEqual(words(1_000_500), "壹万零伍元整")
        XCTAssertEqual(words(100_050_000), "壹佰万零伍佰元整")
        XCTAssertEqual(words(100_500), "壹仟零伍元整")
        XCTAssertEqual(words(105_000), "壹仟零伍拾元整")
        XCTAssertEqual(words(10_000_000_000), "壹亿元整")
        XCTAssertEqual(words(10_000_050_000), "壹亿零伍佰元整")
        XCTAssertEqual(words(10_005_000_000), "壹亿零伍万元整")
        XCTAssertEqual(words(850_000), "捌仟伍佰元整")
    }

    func testJiaoAndFen() {
        XCTAssertEqual(words(1), "壹分")
        XCTAssertEqual(words(10), "壹角")
        XCTAssertEqual(words(0), "零元整")
        XCTAssertEqual(words(1_005), "壹拾元零伍分", "no jiao: 零 before the fen")
        XCTAssertEqual(words(1_050), "壹拾元伍角")
        XCTAssertEqual(words(-920_050), "负玖仟贰佰元伍角")
    }

    func testWhatCannotBeWritten() {
        XCTAssertNil(ChineseAmountInWords.text(Money(minorUnits: 100, currency: Currency(code: "JPY")!)), "no fen in yen")
        XCTAssertNil(words(100_000_000_000_000), "a trillion yuan")
        XCTAssertNotNil(words(99_999_999_999_999))
    }
}
