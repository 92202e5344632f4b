import BankGateAdapters
import BankGateCore
import Foundation
import XCTest

/// `adapters/icbc/codes.tsv` and ``ICBCCodes/table`` say the same, row for row.
final class ICBCCodeTableTests: XCTestCase {
    func testTheSwiftTableMirrorsCodesTSV() throws {
        let text = try String(contentsOf: ICBCFixtures.codesFile, encoding: .utf8)
        let rows = try BankCodeTable<ICBCCodeKind, ICBCCodeCategory>.rows(fromTSV: text)
        XCTAssertEqual(rows.count, 19)
        XCTAssertEqual(rows, ICBCCodes.table)
    }

    func testTheDecisiveCodes() {
        XCTAssertEqual(ICBCCodes.category(.returnCode, "0"), .ok)
        XCTAssertEqual(ICBCCodes.category(.returnCode, "B0012"), .unknown)
        XCTAssertEqual(ICBCCodes.category(.result, "7"), .completed)
        XCTAssertEqual(ICBCCodes.category(.result, "6"), .rejected)
        XCTAssertEqual(ICBCCodes.category(.result, "8"), .rejected)
        XCTAssertEqual(ICBCCodes.category(.result, "98"), .unknown)
        XCTAssertNil(ICBCCodes.category(.result, "42"))
        XCTAssertNil(ICBCCodes.category(.returnCode, "B9999"))
        // Nothing but Result 7 means paid.
        XCTAssertEqual(ICBCCodes.table.filter { $0.category == .completed }.map(\.code), ["7"])
        XCTAssertEqual(ICBCCodeCategory.accepted.paymentStatus, .submitted)
        XCTAssertNil(ICBCCodeCategory.ok.paymentStatus)
    }
}
