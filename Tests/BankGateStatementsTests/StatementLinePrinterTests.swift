import BankGateCore
import Foundation
import XCTest
@testable import BankGateStatements

/// The `bankgate statements parse` output: the JSON lines contract and the text listing.
final class StatementLinePrinterTests: XCTestCase {
    private func jsonLines(_ fixture: String) throws -> [[String: Any]] {
        var lines: [String] = []
        var printer = StatementLinePrinter(mode: .jsonLines) { lines.append($0) }
        try StatementParser.parse(file: Fixture.path(fixture), visitor: &printer)
        printer.finish()
        XCTAssertTrue(lines.allSatisfy { $0.hasSuffix("\n") && $0.dropLast().firstIndex(of: "\n") == nil })
        return try lines.map { line in
            try XCTUnwrap(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], line)
        }
    }

    func testTransactionLine() throws {
        let objects = try jsonLines("camt053_v08.xml")
        XCTAssertEqual(objects.map { $0["type"] as? String },
                       ["transaction", "transaction", "transaction", "transaction", "statement", "summary"])
        let credit = objects[0]
        let expectedKeys: Set<String> = [
            "type", "account", "statement_id", "sequence", "booking_date", "value_date", "amount", "currency", "credit_debit",
            "reversal", "status", "bank_reference", "account_servicer_reference", "end_to_end_id", "instruction_id",
            "message_id", "payment_information_id", "uetr", "counterparty_name", "counterparty_account", "counterparty_bank",
            "remittance_information", "structured_reference", "bank_transaction_code", "balance_after",
            "additional_information", "supplementary_details", "source_line", "source_path",
        ]
        XCTAssertEqual(Set(credit.keys), expectedKeys)
        XCTAssertEqual(credit["amount"] as? String, "1250.00")
        XCTAssertEqual(credit["currency"] as? String, "EUR")
        XCTAssertEqual(credit["credit_debit"] as? String, "CRDT")
        XCTAssertEqual(credit["reversal"] as? Bool, false)
        XCTAssertEqual(credit["status"] as? String, "booked")
        XCTAssertEqual(credit["counterparty_name"] as? String, "Müller & Söhne GmbH")
        XCTAssertEqual(credit["end_to_end_id"] as? String, "E2E-INV-4711")
        XCTAssertEqual(credit["source_line"] as? Int, 69)
        XCTAssertEqual(credit["source_path"] as? String, "Document/BkToCstmrStmt/Stmt[1]/Ntry[1]")
        XCTAssertTrue(credit["balance_after"] is NSNull)
        let code = try XCTUnwrap(credit["bank_transaction_code"] as? [String: Any])
        XCTAssertEqual(code["domain"] as? String, "PMNT")
        XCTAssertEqual(code["family"] as? String, "RCDT")
        XCTAssertEqual(code["sub_family"] as? String, "ESCT")
        XCTAssertEqual(code["proprietary"] as? String, "NTRF+166")
        XCTAssertEqual(objects[1]["amount"] as? String, "-300.00", "debits are negative")
        XCTAssertEqual(objects[2]["reversal"] as? Bool, true)
        XCTAssertEqual(objects[3]["status"] as? String, "pending")
    }

    func testStatementAndSummaryLines() throws {
        let objects = try jsonLines("camt053_v08.xml")
        let statement = objects[4]
        XCTAssertEqual(statement["id"] as? String, "STMT-20240301-1")
        XCTAssertEqual(statement["account"] as? String, "DE89370400440532013000")
        XCTAssertEqual(statement["currency"] as? String, "EUR")
        XCTAssertEqual(statement["opening_balance"] as? String, "1000.00")
        XCTAssertEqual(statement["closing_balance"] as? String, "1900.00")
        XCTAssertEqual(statement["integrity"] as? String, "consistent")
        XCTAssertEqual(statement["format"] as? String, "camt.053")
        XCTAssertEqual(statement["message_id"] as? String, "MSG-2024-03-01-001")
        XCTAssertEqual(statement["electronic_sequence"] as? Int, 61)
        XCTAssertEqual(statement["legal_sequence"] as? Int, 7)
        XCTAssertEqual(statement["entries"] as? Int, 4)

        let summary = objects[5]
        XCTAssertEqual(summary["statements"] as? Int, 1)
        XCTAssertEqual(summary["entries"] as? Int, 4)
        XCTAssertEqual(summary["inconsistent_statements"] as? Int, 0)
        let sums = try XCTUnwrap(summary["sums"] as? [[String: Any]])
        XCTAssertEqual(sums.count, 1)
        XCTAssertEqual(sums[0]["currency"] as? String, "EUR")
        XCTAssertEqual(sums[0]["credits"] as? String, "1260.50")
        XCTAssertEqual(sums[0]["debits"] as? String, "350.00")
        XCTAssertEqual(sums[0]["credit_count"] as? Int, 2)
        XCTAssertEqual(sums[0]["debit_count"] as? Int, 2)
        let accounts = try XCTUnwrap(summary["accounts"] as? [[String: Any]])
        XCTAssertEqual(accounts.first?["opening_balance"] as? String, "1000.00")
        XCTAssertEqual(accounts.first?["closing_balance"] as? String, "1900.00")
    }

    func testInconsistentStatementsAndBalancesAcrossStatements() throws {
        let objects = try jsonLines("mt940_multi.sta")
        let statements = objects.filter { $0["type"] as? String == "statement" }
        XCTAssertEqual(statements.map { $0["integrity"] as? String }, ["consistent", "inconsistent", "consistent"])
        XCTAssertEqual(statements[1]["expected_closing_balance"] as? String, "70.00")
        XCTAssertEqual(statements[1]["stated_closing_balance"] as? String, "75.00")
        XCTAssertTrue(statements[0]["expected_closing_balance"] is NSNull)
        let summary = try XCTUnwrap(objects.last)
        XCTAssertEqual(summary["type"] as? String, "summary")
        XCTAssertEqual(summary["statements"] as? Int, 3)
        XCTAssertEqual(summary["inconsistent_statements"] as? Int, 1)
        XCTAssertEqual(summary["inconsistent_statement_ids"] as? [String], ["MULTI-2/2"])
        let accounts = try XCTUnwrap(summary["accounts"] as? [[String: Any]])
        XCTAssertEqual(accounts.count, 1)
        XCTAssertEqual(accounts[0]["opening_balance"] as? String, "0.00", "the first statement's opening")
        XCTAssertEqual(accounts[0]["closing_balance"] as? String, "75.00", "the last statement's closing")
    }

    func testNotApplicableIntegrityAndZeroDecimalCurrency() throws {
        let objects = try jsonLines("camt054_v08.xml")
        XCTAssertEqual(objects[0]["amount"] as? String, "15000")
        XCTAssertEqual(objects[1]["integrity"] as? String, "not_applicable")
        XCTAssertTrue(objects[1]["opening_balance"] is NSNull)
        XCTAssertEqual(objects[1]["currency"] as? String, "JPY", "from the entries when the statement states none")
    }

    func testTextMode() throws {
        var output = ""
        var printer = StatementLinePrinter(mode: .text) { output += $0 }
        try StatementParser.parse(file: Fixture.path("mt940_multi.sta"), visitor: &printer)
        printer.finish()
        let lines = output.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.first, "Statement MULTI-1/1 (MT940), account NL91ABNA0417164300 EUR, message MULTI-1, "
                       + "opening 0.00 EUR on 2024-01-01")
        XCTAssertTrue(lines.contains { $0.contains("+100.00 EUR") && $0.contains("REF-A") }, output)
        XCTAssertTrue(lines.contains { $0.contains("INCONSISTENT: opening + entries = 70.00, stated closing 75.00") }, output)
        XCTAssertTrue(lines.contains("Summary: 3 statement(s), 2 entries, 1 inconsistent (MULTI-2/2)"), output)
        XCTAssertTrue(lines.contains("  EUR: credits 100.00 (1), debits 30.00 (1)"), output)
    }

    func testWarningsInJSONAndText() throws {
        let objects = try jsonLines("mt940-dialects/german-ns-feb30-dem.sta")
        let statement = try XCTUnwrap(objects.first { $0["type"] as? String == "statement" })
        let warnings = try XCTUnwrap(statement["warnings"] as? [[String: Any]])
        XCTAssertEqual(warnings.compactMap { $0["code"] as? String },
                       ["withdrawn_currency", "impossible_date", "non_swift_block"])
        XCTAssertEqual(warnings[1]["message"] as? String, "value date \"010230\" is 30 February; booked on 2001-02-28")
        XCTAssertEqual(warnings[1]["line"] as? Int, 5)
        XCTAssertEqual(warnings[2]["count"] as? Int, 2)
        XCTAssertEqual(statement["currency"] as? String, "DEM")
        XCTAssertEqual(statement["closing_balance"] as? String, "1587.50")
        XCTAssertEqual(objects.last?["warnings"] as? Int, 5)
        let clean = try jsonLines("mt940_bare.sta").first { $0["type"] as? String == "statement" }
        XCTAssertEqual((clean?["warnings"] as? [Any])?.count, 0, "always present, empty when the file is standard")

        var output = ""
        var printer = StatementLinePrinter(mode: .text) { output += $0 }
        try StatementParser.parse(file: Fixture.path("mt940-dialects/german-ns-feb30-dem.sta"), visitor: &printer)
        printer.finish()
        XCTAssertTrue(output.contains("  warning [impossible_date]: line 5: value date \"010230\" is 30 February; "
                                          + "booked on 2001-02-28\n"), output)
        XCTAssertTrue(output.contains(", 5 warning(s)"), output)
    }

    func testInconsistenciesForTheExitStatus() throws {
        var printer = StatementLinePrinter(mode: .jsonLines) { _ in }
        try StatementParser.parse(file: Fixture.path("mt940-dialects/mt942-totals.sta"), visitor: &printer)
        XCTAssertEqual(printer.inconsistencies.map(\.statementId), ["INTRA-2/00002/001"])
        XCTAssertEqual(printer.inconsistencies.first?.difference,
                       "entries net -50.00, :90C:/:90D: totals net -40.00 (difference 10.00)")
        var multi = StatementLinePrinter(mode: .text) { _ in }
        try StatementParser.parse(file: Fixture.path("mt940_multi.sta"), visitor: &multi)
        XCTAssertEqual(multi.inconsistencies.first?.difference,
                       "opening + entries = 70.00, stated closing 75.00 (difference 5.00)")
    }

    func testFormatDetection() {
        XCTAssertEqual(StatementFormatDetector.detect(Array("\u{FEFF}<?xml version=\"1.0\"?>".utf8)), .camt)
        XCTAssertEqual(StatementFormatDetector.detect(Array("\n\n<Document>".utf8)), .camt)
        XCTAssertEqual(StatementFormatDetector.detect(Array(":20:ABC".utf8)), .mt940)
        XCTAssertEqual(StatementFormatDetector.detect(Array("{1:F01".utf8)), .mt940)
        XCTAssertEqual(StatementFormatDetector.detect(Array("-\r\n:20:".utf8)), .mt940)
        XCTAssertNil(StatementFormatDetector.detect(Array("%PDF-1.4".utf8)))
        XCTAssertNil(StatementFormatDetector.detect([UInt8]()))
    }

    func testForcedFormatOverridesDetection() throws {
        XCTAssertEqual(try Fixture.parse("mt942.sta", format: .mt940).begun.first?.format, .mt942)
        XCTAssertThrowsError(try Fixture.parse("mt942.sta", format: .camt)) { error in
            XCTAssertEqual((error as? StatementError)?.code, .malformed)
        }
    }
}
