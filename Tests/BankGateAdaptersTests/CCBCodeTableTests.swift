import BankGateAdapters
import BankGateCore
import Foundation
import XCTest

/// `adapters/ccb/codes.tsv` and ``CCBCodes/table`` say the same, row for row (meanings included); and the GB2312 helper.
final class CCBCodeTableTests: XCTestCase {
    func testTheSwiftTableMirrorsCodesTSV() throws {
        let text = try String(contentsOf: CCBFixtures.codesFile, encoding: .utf8)
        let rows = try BankCodeTable<CCBCodeKind>.rows(fromTSV: text)
        XCTAssertEqual(rows, CCBCodes.table)
        XCTAssertTrue(rows.allSatisfy { CCBCodes.categories.contains($0.category) }, "a category CCB's codec does not read")
    }

    func testTheDecisiveCodes() {
        XCTAssertEqual(CCBCodes.builtIn.category(.returnCode, "000000"), .ok)
        XCTAssertEqual(CCBCodes.builtIn.category(.returnCode, "0130Z0100001"), .unknown, "busy/timeout must never fail a payment")
        XCTAssertEqual(CCBCodes.builtIn.category(.returnCode, "0130Z0100005"), .rejected)
        XCTAssertEqual(CCBCodes.builtIn.category(.returnCode, "0130Z110B144"), .unknown, "a duplicate means the bank has the original")
        XCTAssertEqual(CCBCodes.builtIn.category(.returnCode, "0130Z110BB22"), .notFound)
        XCTAssertEqual(CCBCodes.builtIn.category(.payrollResult, "4"), .completed)
        XCTAssertEqual(CCBCodes.builtIn.category(.payrollResult, "3"), .rejected)
        XCTAssertNil(CCBCodes.builtIn.category(.transferResult, "7"))
        XCTAssertNil(CCBCodes.builtIn.category(.returnCode, "0130Z999X999"))
        // Only DEAL_RESULT values mean paid; no RETURN_CODE does.
        XCTAssertEqual(Set(CCBCodes.table.filter { $0.category == .completed }.map(\.kind)), [.transferResult, .payrollResult])
    }

    /// GB2312 is narrower than GBK: 镕 and 喆 (GBK only) are refused, not written under a GB2312 declaration.
    func testGB2312RefusesWhatOnlyGBKCarries() throws {
        XCTAssertEqual(try ChineseTextEncoding.gb2312.encode("货款", field: "f"), [0xBB, 0xF5, 0xBF, 0xEE])
        XCTAssertEqual(try ChineseTextEncoding.gb2312.byteCount("上海某某贸易有限公司 Ltd.", field: "f"), 25)
        XCTAssertNoThrow(try ChineseTextEncoding.gbk.encode("朱镕基", field: "f"))
        XCTAssertThrowsError(try ChineseTextEncoding.gb2312.encode("朱镕基", field: "RECV_ACC_NAME")) { error in
            XCTAssertEqual(error as? TextEncodingError,
                           TextEncodingError(field: "RECV_ACC_NAME", encoding: .gb2312, problem: .unrepresentable("镕")))
        }
        XCTAssertThrowsError(try ChineseTextEncoding.gb2312.encode("陶喆", field: "f"))
        XCTAssertThrowsError(try ChineseTextEncoding.gb2312.encode("A😀", field: "f"))
    }
}
