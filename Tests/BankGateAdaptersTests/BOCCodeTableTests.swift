import BankGateAdapters
import BankGateCore
import Foundation
import XCTest

/// `adapters/boc/codes.tsv` and ``BOCCodes/table`` say the same, row for row.
final class BOCCodeTableTests: XCTestCase {
    func testTheSwiftTableMirrorsCodesTSV() throws {
        let text = try String(contentsOf: BOCFixtures.codesFile, encoding: .utf8)
        let rows = try BankCodeTable<BOCCodeKind, BOCCodeCategory>.rows(fromTSV: text)
        XCTAssertEqual(rows, BOCCodes.table)
    }

    func testTheDecisiveCodes() {
        XCTAssertEqual(BOCCodes.category(.responseCode, "B001"), .ok)
        XCTAssertEqual(BOCCodes.category(.responseCode, "B054"), .processing)
        XCTAssertEqual(BOCCodes.category(.responseCode, "B059"), .processing)
        XCTAssertEqual(BOCCodes.category(.responseCode, "B266"), .processing)
        XCTAssertEqual(BOCCodes.category(.responseCode, "B107"), .signInRequired)
        XCTAssertNil(BOCCodes.category(.responseCode, "B999"))
        // Only B001 is ok, and a record's B001 is success only in a status answer.
        XCTAssertEqual(BOCCodes.table.filter { $0.category == .ok }.map(\.code), ["B001"])
        XCTAssertTrue(BOCCodes.table.allSatisfy { $0.category != .completed })
        XCTAssertEqual(BOCCodeCategory.ok.paymentStatus(isStatusAnswer: false), .submitted)
        XCTAssertEqual(BOCCodeCategory.ok.paymentStatus(isStatusAnswer: true), .completed)
        XCTAssertEqual(BOCCodeCategory.signInRequired.paymentStatus(isStatusAnswer: true), .unknown)
    }
}
