import BankGateAdapters
import BankGateCore
import Foundation
import XCTest

/// `adapters/boc/codes.tsv` and ``BOCCodes/table`` say the same, row for row (meanings included).
final class BOCCodeTableTests: XCTestCase {
    func testTheSwiftTableMirrorsCodesTSV() throws {
        let text = try String(contentsOf: BOCFixtures.codesFile, encoding: .utf8)
        let rows = try BankCodeTable<BOCCodeKind>.rows(fromTSV: text)
        XCTAssertEqual(rows, BOCCodes.table)
        XCTAssertTrue(rows.allSatisfy { BOCCodes.categories.contains($0.category) }, "a category BOC's codec does not read")
    }

    func testTheDecisiveCodes() {
        XCTAssertEqual(BOCCodes.builtIn.category(.responseCode, "B001"), .ok)
        XCTAssertEqual(BOCCodes.builtIn.category(.responseCode, "B054"), .processing)
        XCTAssertEqual(BOCCodes.builtIn.category(.responseCode, "B059"), .processing)
        XCTAssertEqual(BOCCodes.builtIn.category(.responseCode, "B266"), .processing)
        XCTAssertEqual(BOCCodes.builtIn.category(.responseCode, "B107"), .signInRequired)
        XCTAssertNil(BOCCodes.builtIn.category(.responseCode, "B999"))
        // Only B001 is ok, and a record's B001 is success only in a status answer.
        XCTAssertEqual(BOCCodes.table.filter { $0.category == .ok }.map(\.code), ["B001"])
        XCTAssertTrue(BOCCodes.table.allSatisfy { $0.category != .completed })
        XCTAssertEqual(BOCCodes.paymentStatus(of: .ok, isStatusAnswer: false), .submitted)
        XCTAssertEqual(BOCCodes.paymentStatus(of: .ok, isStatusAnswer: true), .completed)
        XCTAssertEqual(BOCCodes.paymentStatus(of: .signInRequired, isStatusAnswer: true), .unknown)
    }
}
