import BankGateCore
import XCTest

/// CSV fields for spreadsheets: RFC 4180 quoting, and no text that a spreadsheet would run as a formula.
final class CSVFieldTests: XCTestCase {
    func testQuotingAndFormulas() {
        XCTAssertEqual(CSVField.escape("上海某某有限公司"), "上海某某有限公司")
        XCTAssertEqual(CSVField.escape("Müller, Söhne"), "\"Müller, Söhne\"")
        XCTAssertEqual(CSVField.escape("say \"hi\""), "\"say \"\"hi\"\"\"")
        XCTAssertEqual(CSVField.escape("two\nlines"), "\"two\nlines\"")
        XCTAssertEqual(CSVField.escape("=HYPERLINK(\"http://x\")"), "\"'=HYPERLINK(\"\"http://x\"\")\"")
        XCTAssertEqual(CSVField.escape("@SUM(A1)"), "'@SUM(A1)")
        XCTAssertEqual(CSVField.escape("-1234.56", neutralizingFormulas: false), "-1234.56")
        XCTAssertEqual(CSVField.escape("-1234.56"), "'-1234.56")
        XCTAssertEqual(CSVField.escape(""), "")
    }
}
