import BankGateAdapters
import BankGateCore
import Foundation
import XCTest

/// `adapters/cmb/codes.tsv` and ``CMBCodes/table`` say the same, row for row; and the GBK helper.
final class CMBCodeTableTests: XCTestCase {
    func testTheSwiftTableMirrorsCodesTSV() throws {
        let text = try String(contentsOf: CMBFixtures.codesFile, encoding: .utf8)
        let rows = try BankCodeTable<CMBCodeKind, CMBCodeCategory>.rows(fromTSV: text)
        XCTAssertEqual(rows, CMBCodes.table)
    }

    func testTheDecisiveCodes() {
        XCTAssertEqual(CMBCodes.category(.returnCode, "0"), .ok)
        XCTAssertEqual(CMBCodes.category(.requestStatus, "FIN"), .final)
        XCTAssertEqual(CMBCodes.category(.resultFlag, "S"), .completed)
        XCTAssertEqual(CMBCodes.category(.resultFlag, "F"), .rejected)
        XCTAssertEqual(CMBCodes.category(.errorCode, "NCB4241"), .unknown)
        XCTAssertNil(CMBCodes.category(.resultFlag, "Z"))
        // Nothing but RTNFLG=S (a payment, a payroll batch) and STSCOD=S (a payroll line) means paid.
        XCTAssertEqual(CMBCodes.table.filter { $0.category == .completed }.map { "\($0.kind.rawValue) \($0.code)" },
                       ["RTNFLG S", "STSCOD S"])
        XCTAssertEqual(CMBCodes.category(.lineStatus, "E"), .rejected)
    }

    func testGBKRefusesWhatItCannotCarryAndGB18030CarriesIt() throws {
        XCTAssertEqual(try ChineseTextEncoding.gbk.encode("货款", field: "f"), [0xBB, 0xF5, 0xBF, 0xEE])
        XCTAssertEqual(try ChineseTextEncoding.gbk.byteCount("上海某某贸易有限公司 Ltd.", field: "f"), 25)
        XCTAssertThrowsError(try ChineseTextEncoding.gbk.encode("A😀", field: "CRTNAM")) { error in
            XCTAssertEqual(error as? TextEncodingError,
                           TextEncodingError(field: "CRTNAM", encoding: .gbk, problem: .unrepresentable("😀")))
        }
        let emoji = try ChineseTextEncoding.gb18030.encode("😀", field: "f")
        XCTAssertEqual(emoji.count, 4)
        XCTAssertEqual(try ChineseTextEncoding.gb18030.decode(emoji, field: "f"), "😀")
        XCTAssertEqual(try ChineseTextEncoding.gbk.decode([0xBB, 0xF5, 0xBF, 0xEE], field: "f"), "货款")
        XCTAssertThrowsError(try ChineseTextEncoding.gbk.decode([0x41, 0x81], field: "answer")) { error in
            XCTAssertEqual((error as? TextEncodingError)?.problem, .invalidBytes(offset: 1))
        }
        XCTAssertEqual(try ChineseTextEncoding.gbk.encode("", field: "f"), [])
    }
}

/// The shared table: lookups, and a `codes.tsv` that does not parse names its line.
final class BankCodeTableTests: XCTestCase {
    func testLookupAndFormatErrors() throws {
        let table = BankCodeTable<CMBCodeKind, CMBCodeCategory>(CMBCodes.table)
        XCTAssertEqual(table.category(.resultFlag, "S"), .completed)
        XCTAssertNil(table.category(.returnCode, "S"), "a code is looked up within its kind")
        let good = "# kind\tcode\tcategory\tmeaning\n\nRTNFLG\tS\tcompleted\tpaid\n"
        XCTAssertEqual(try BankCodeTable<CMBCodeKind, CMBCodeCategory>.rows(fromTSV: good),
                       [.init(kind: .resultFlag, code: "S", category: .completed)])
        XCTAssertThrowsError(try BankCodeTable<CMBCodeKind, CMBCodeCategory>.rows(fromTSV: "RTNFLG\tS\tpaid\tx\n")) { error in
            XCTAssertEqual("\(error)", "line 1: unknown category paid")
        }
        XCTAssertThrowsError(try BankCodeTable<CMBCodeKind, CMBCodeCategory>.rows(fromTSV: "\nXX\tS\tcompleted\tx\n")) { error in
            XCTAssertEqual("\(error)", "line 2: unknown kind XX")
        }
        XCTAssertThrowsError(try BankCodeTable<CMBCodeKind, CMBCodeCategory>.rows(fromTSV: "RTNFLG\tS\tcompleted\n"))
    }
}
