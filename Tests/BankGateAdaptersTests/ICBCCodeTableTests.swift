import BankGateAdapters
import BankGateCore
import Foundation
import XCTest

/// `adapters/icbc/codes.tsv` and ``ICBCCodes/table`` say the same, row for row (meanings included).
final class ICBCCodeTableTests: XCTestCase {
    func testTheSwiftTableMirrorsCodesTSV() throws {
        let text = try String(contentsOf: ICBCFixtures.codesFile, encoding: .utf8)
        let rows = try BankCodeTable<ICBCCodeKind>.rows(fromTSV: text)
        XCTAssertEqual(rows.count, 19)
        XCTAssertEqual(rows, ICBCCodes.table)
        XCTAssertTrue(rows.allSatisfy { ICBCCodes.categories.contains($0.category) }, "a category ICBC's codec does not read")
    }

    func testTheDecisiveCodes() {
        XCTAssertEqual(ICBCCodes.builtIn.category(.returnCode, "0"), .ok)
        XCTAssertEqual(ICBCCodes.builtIn.category(.returnCode, "B0012"), .unknown)
        XCTAssertEqual(ICBCCodes.builtIn.category(.result, "7"), .completed)
        XCTAssertEqual(ICBCCodes.builtIn.category(.result, "6"), .rejected)
        XCTAssertEqual(ICBCCodes.builtIn.category(.result, "8"), .rejected)
        XCTAssertEqual(ICBCCodes.builtIn.category(.result, "98"), .unknown)
        XCTAssertNil(ICBCCodes.builtIn.category(.result, "42"))
        XCTAssertNil(ICBCCodes.builtIn.category(.returnCode, "B9999"))
        // Nothing but Result 7 means paid.
        XCTAssertEqual(ICBCCodes.table.filter { $0.category == .completed }.map(\.code), ["7"])
        XCTAssertEqual(BankCodeCategory.accepted.paymentStatus, .submitted)
        XCTAssertNil(BankCodeCategory.ok.paymentStatus)
    }
}
