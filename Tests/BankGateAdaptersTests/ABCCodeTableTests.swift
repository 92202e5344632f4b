import BankGateAdapters
import BankGateCore
import Foundation
import XCTest

/// `adapters/abc/codes.tsv` and ``ABCCodes/table`` say the same, row for row (meanings included).
final class ABCCodeTableTests: XCTestCase {
    func testTheSwiftTableMirrorsCodesTSV() throws {
        let text = try String(contentsOf: ABCFixtures.codesFile, encoding: .utf8)
        let rows = try BankCodeTable<ABCCodeKind>.rows(fromTSV: text)
        XCTAssertEqual(rows, ABCCodes.table)
        XCTAssertTrue(rows.allSatisfy { ABCCodes.categories.contains($0.category) }, "a category ABC's codec does not read")
    }

    func testTheDecisiveCodes() {
        XCTAssertEqual(ABCCodes.builtIn.category(.responseCode, "0000"), .ok)
        XCTAssertEqual(ABCCodes.builtIn.category(.responseCode, "9999"), .unknown)
        XCTAssertEqual(ABCCodes.builtIn.category(.hostResult, "0000"), .completed)
        XCTAssertEqual(ABCCodes.builtIn.category(.hostResult, "0389"), .rejected)
        XCTAssertEqual(ABCCodes.builtIn.category(.waitFlag, "1"), .processing)
        XCTAssertNil(ABCCodes.builtIn.category(.responseCode, "7777"))
        XCTAssertTrue(ABCCodes.duplicateReferenceCodes.isEmpty)
        // Only the host's 0000 and an unheld 0000 mean paid.
        XCTAssertEqual(ABCCodes.table.filter { $0.category == .completed }.map(\.code), ["0000", "0"])
    }
}
