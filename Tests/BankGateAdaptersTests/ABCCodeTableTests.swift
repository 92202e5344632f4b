import BankGateAdapters
import BankGateCore
import Foundation
import XCTest

/// `adapters/abc/codes.tsv` and ``ABCCodes/table`` say the same, row for row.
final class ABCCodeTableTests: XCTestCase {
    func testTheSwiftTableMirrorsCodesTSV() throws {
        let text = try String(contentsOf: ABCFixtures.codesFile, encoding: .utf8)
        var rows: [ABCCodes.Entry] = []
        for line in text.split(separator: "\n") where !line.hasPrefix("#") && !line.isEmpty {
            let columns = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            XCTAssertEqual(columns.count, 4, "row \(line)")
            let kind = try XCTUnwrap(ABCCodeKind(rawValue: columns[0]), "kind in \(line)")
            let category = try XCTUnwrap(ABCCodeCategory(rawValue: columns[2]), "category in \(line)")
            rows.append(ABCCodes.Entry(kind: kind, code: columns[1], category: category))
        }
        XCTAssertEqual(rows, ABCCodes.table)
    }

    func testTheDecisiveCodes() {
        XCTAssertEqual(ABCCodes.category(.responseCode, "0000"), .ok)
        XCTAssertEqual(ABCCodes.category(.responseCode, "9999"), .unknown)
        XCTAssertEqual(ABCCodes.category(.hostResult, "0000"), .completed)
        XCTAssertEqual(ABCCodes.category(.hostResult, "0389"), .rejected)
        XCTAssertEqual(ABCCodes.category(.waitFlag, "1"), .processing)
        XCTAssertNil(ABCCodes.category(.responseCode, "7777"))
        XCTAssertTrue(ABCCodes.duplicateReferenceCodes.isEmpty)
        // Only the host's 0000 and an unheld 0000 mean paid.
        XCTAssertEqual(ABCCodes.table.filter { $0.category == .completed }.map(\.code), ["0000", "0"])
    }
}
