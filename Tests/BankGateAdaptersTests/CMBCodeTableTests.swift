import BankGateAdapters
import BankGateCore
import Foundation
import XCTest

/// `adapters/cmb/codes.tsv` and ``CMBCodes/table`` say the same, row for row (meanings included); and the GBK helper.
final class CMBCodeTableTests: XCTestCase {
    func testTheSwiftTableMirrorsCodesTSV() throws {
        let text = try String(contentsOf: CMBFixtures.codesFile, encoding: .utf8)
        let rows = try BankCodeTable<CMBCodeKind>.rows(fromTSV: text)
        XCTAssertEqual(rows, CMBCodes.table)
        XCTAssertTrue(rows.allSatisfy { CMBCodes.categories.contains($0.category) }, "a category CMB's codec does not read")
    }

    func testTheDecisiveCodes() {
        XCTAssertEqual(CMBCodes.builtIn.category(.returnCode, "0"), .ok)
        XCTAssertEqual(CMBCodes.builtIn.category(.requestStatus, "FIN"), .final)
        XCTAssertEqual(CMBCodes.builtIn.category(.resultFlag, "S"), .completed)
        XCTAssertEqual(CMBCodes.builtIn.category(.resultFlag, "F"), .rejected)
        XCTAssertEqual(CMBCodes.builtIn.category(.errorCode, "NCB4241"), .unknown)
        XCTAssertNil(CMBCodes.builtIn.category(.resultFlag, "Z"))
        // Nothing but RTNFLG=S (a payment, a payroll batch) and STSCOD=S (a payroll line) means paid.
        XCTAssertEqual(CMBCodes.table.filter { $0.category == .completed }.map { "\($0.kind.rawValue) \($0.code)" },
                       ["RTNFLG S", "STSCOD S"])
        XCTAssertEqual(CMBCodes.builtIn.category(.lineStatus, "E"), .rejected)
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
        let table = BankCodeTable<CMBCodeKind>(CMBCodes.table, categories: CMBCodes.categories)
        XCTAssertEqual(table.category(.resultFlag, "S"), .completed)
        XCTAssertNil(table.category(.returnCode, "S"), "a code is looked up within its kind")
        let good = "# kind\tcode\tcategory\tmeaning\n\nRTNFLG\tS\tcompleted\tpaid\r\n"
        XCTAssertEqual(try BankCodeTable<CMBCodeKind>.rows(fromTSV: good),
                       [.init(kind: .resultFlag, code: "S", category: .completed, meaning: "paid")])
        XCTAssertThrowsError(try BankCodeTable<CMBCodeKind>.rows(fromTSV: "RTNFLG\tS\tpaid\tx\n")) { error in
            XCTAssertTrue("\(error)".hasPrefix("line 1: unknown category \"paid\" (one of: accepted, "), "\(error)")
        }
        XCTAssertThrowsError(try BankCodeTable<CMBCodeKind>.rows(fromTSV: "\nXX\tS\tcompleted\tx\n")) { error in
            XCTAssertEqual("\(error)", "line 2: unknown kind \"XX\" (one of: RETCOD, REQSTS, RTNFLG, ERRCOD, STSCOD)")
        }
        XCTAssertThrowsError(try BankCodeTable<CMBCodeKind>.rows(fromTSV: "RTNFLG\tS\tcompleted\n")) { error in
            XCTAssertTrue("\(error)".hasPrefix("line 1: 3 columns, not 4"), "\(error)")
        }
        XCTAssertThrowsError(try BankCodeTable<CMBCodeKind>.rows(fromTSV: "RTNFLG\tS\tcompleted\ta\nRTNFLG\tS\trejected\tb\n")) { error in
            XCTAssertEqual("\(error)", "line 2: RTNFLG S is already listed on line 1")
        }
    }

    /// Every category that is no outcome has no payment status: a codec that meets one where it
    /// does not expect it falls back to unknown, never to success.
    func testOnlyOutcomesHaveAPaymentStatus() {
        XCTAssertEqual(BankCodeCategory.allCases.filter { $0.paymentStatus != nil },
                       [.accepted, .processing, .completed, .rejected, .returned, .unknown])
        XCTAssertEqual(BankCodeCategory.outcomes.count, 7)
        XCTAssertEqual(Set(BankCodeCategory.allCases.map(\.rawValue)),
                       ["accepted", "processing", "completed", "rejected", "returned", "retry_later", "unknown",
                        "ok", "final", "sign_in_required", "not_found"])
    }
}
