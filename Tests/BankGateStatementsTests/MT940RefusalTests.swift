import BankGateCore
import XCTest
@testable import BankGateStatements

/// What the dialect leniencies must not let through: each refusal names the line and the field.
final class MT940RefusalTests: XCTestCase {
    /// A statement whose lines are `fields`, after `:20:X` and `:25:ACC` (so the first given field is line 3).
    private func statement(_ fields: String...) -> String {
        ([":20:X", ":25:ACC"] + fields).joined(separator: "\n") + "\n"
    }

    func testBalanceWithoutCurrency() throws {
        let error = try XCTUnwrap(parseError(statement(":60F:C240101100,00", ":62F:C240101EUR100,00")))
        XCTAssertEqual(error.code, .invalidValue)
        XCTAssertEqual(error.line, 3)
        XCTAssertEqual(error.location, ":60F:")
        XCTAssertTrue(error.description.hasPrefix("line 3, :60F: \"100\" is not an ISO 4217 currency code")
                        || error.description.contains("is not an ISO 4217 currency code"), error.description)
        let unknown = try XCTUnwrap(parseError(statement(":60F:C240101XEU1,00", ":62F:C240101XEU1,00")))
        XCTAssertEqual(unknown.code, .invalidValue, "only the listed withdrawn codes are read")
    }

    func testAmountSplitAcrossLines() throws {
        let entry = try XCTUnwrap(parseError(statement(":60F:C240101EUR0,", ":61:240102C1", ",00NTRF", ":62F:C240102EUR1,")))
        XCTAssertEqual(entry.code, .malformed)
        XCTAssertEqual(entry.line, 4)
        XCTAssertEqual(entry.location, ":61:")
        XCTAssertTrue(entry.message.contains("split across lines"), entry.message)

        let balance = try XCTUnwrap(parseError(statement(":60F:C240101EUR1", "00,00", ":62F:C240101EUR100,00")))
        XCTAssertEqual(balance.code, .malformed)
        XCTAssertEqual(balance.line, 4)
        XCTAssertEqual(balance.location, ":60F:")
        XCTAssertTrue(balance.message.contains("split across lines"), balance.message)

        let point = try XCTUnwrap(parseError(statement(":60F:C240101EUR0,", ":61:240102C1.00NTRF", ":62F:C240102EUR1,")))
        XCTAssertEqual(point.code, .invalidAmount)
        XCTAssertEqual(point.location, ":61:")
    }

    func testStatementWithoutReferenceOrBalances() throws {
        let noReference = try XCTUnwrap(parseError("ABNANL2A\n940\n:25:ACC\n:60F:C240101EUR0,\n:62F:C240101EUR0,\n"))
        XCTAssertEqual(noReference.description, "line 3, :25:: field :25: before the statement's :20:",
                       "header lines are skipped, a missing :20: is not")
        let noBalances = try XCTUnwrap(parseError(statement(":28C:1", "-")))
        XCTAssertEqual(noBalances.code, .missingField)
        XCTAssertEqual(noBalances.line, 1)
        XCTAssertEqual(noBalances.location, ":20:")
        let noClosing = try XCTUnwrap(parseError(statement(":60F:C240101EUR0,", "-XXX")))
        XCTAssertEqual(noClosing.code, .missingField, "a trailer does not complete a statement")
        XCTAssertTrue(noClosing.message.contains("closing balance"), noClosing.message)
    }

    func testOneTagFragments() throws {
        XCTAssertEqual(parseError(":20:X\n")?.code, .missingField)
        XCTAssertEqual(parseError(":61:240102C1,00NTRF\n")?.description,
                       "line 1, :61:: field :61: before the statement's :20:")
        XCTAssertEqual(parseError("\u{01}\n:20:X\n-\u{03}\n")?.code, .missingField)
        XCTAssertEqual(parseError(":940:\n", format: .mt940)?.code, .unsupportedFormat)
    }

    func testHeaderShapedLinesInsideAStatementAreNotSkipped() throws {
        let error = try XCTUnwrap(parseError(statement(":60F:C240101EUR1,00", "ABNANL2A", ":62F:C240101EUR1,00")))
        XCTAssertEqual(error.code, .malformed)
        XCTAssertEqual(error.line, 4)
        XCTAssertEqual(error.location, ":60F:")
        let garbage = try XCTUnwrap(parseError("garbage\n:20:X\n", format: .mt940))
        XCTAssertEqual(garbage.line, 1, "lower case is no bank header")
    }

    func testUndefinedTagOutsideANarrative() throws {
        let error = try XCTUnwrap(parseError(statement(":60F:C240101EUR1,00", ":12:ABC", ":62F:C240101EUR1,00")))
        XCTAssertEqual(error.description, "line 4, :12:: :12: is not an MT940 or MT942 field")
    }

    func testOnlyTheThirtiethOfFebruaryIsMoved() throws {
        let eur = Currency(code: "EUR")!
        XCTAssertEqual(try MT940Fields.statementLine("240230C1,00NTRF", currency: eur).valueDate, "2024-02-29")
        XCTAssertEqual(try MT940Fields.statementLine("230229C1,00NTRF", currency: eur).valueDate, "2023-02-28")
        for bad in ["240231C1,00NTRF", "240431C1,00NTRF", "241301C1,00NTRF", "2401010231C1,00NTRF"] {
            XCTAssertThrowsError(try MT940Fields.statementLine(bad, currency: eur), bad) { error in
                XCTAssertEqual((error as? StatementError)?.code, .invalidDate, bad)
            }
        }
        let entryDate = try MT940Fields.statementLine("2402290230C1,00NTRF", currency: eur)
        XCTAssertEqual(entryDate.entryDate, "2024-02-29")
        XCTAssertEqual(entryDate.warnings.map(\.code), [.impossibleDate])
    }

    func testDashLinesInsideANarrativeAreText() throws {
        let result = try parseText(statement(":60F:C240101EUR0,", ":61:240102C1,00NTRF", ":86:Rechnung",
                                             "-ABC", ":62F:C240102EUR1,00", "-"))
        XCTAssertEqual(result.transactions.first?.additionalInformation, "Rechnung\n-ABC")
        XCTAssertEqual(result.ended.first?.header.warnings, [])
    }

    func testWrongCamtNamespaceStillNamesTheLine() throws {
        let pain = try XCTUnwrap(parseError(camtDocument(namespace: "urn:iso:std:iso:20022:tech:xsd:pain.002.001.03")))
        XCTAssertEqual(pain.code, .unsupportedFormat)
        XCTAssertNotNil(pain.line)
    }
}
