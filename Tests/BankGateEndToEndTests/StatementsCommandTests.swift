import BankGateTestSupport
import Foundation
import XCTest

/// `bankgate statements parse`, run as the real executable on statement files.
final class StatementsCommandTests: XCTestCase {
    static let root = BankGateExecutable.root
    static let fixtures = root.appendingPathComponent("Tests/BankGateStatementsTests/Fixtures")

    /// Runs `bankgate` with `arguments`; returns exit status, standard output and standard error.
    func run(_ arguments: [String]) throws -> (status: Int32, out: String, err: String) {
        try BankGateExecutable.run(arguments)
    }

    func jsonLines(_ text: String) throws -> [[String: Any]] {
        try text.split(separator: "\n").map { line in
            try XCTUnwrap(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "not a JSON object: \(line)")
        }
    }

    func testCamtAsJSONLines() throws {
        let result = try run(["statements", "parse", Self.fixtures.appendingPathComponent("camt053_v08.xml").path, "--json"])
        XCTAssertEqual(result.status, 0, result.err)
        let lines = try jsonLines(result.out)
        let types = lines.compactMap { $0["type"] as? String }
        XCTAssertEqual(types.last, "summary")
        XCTAssertTrue(types.contains("statement"))
        let transactions = lines.filter { $0["type"] as? String == "transaction" }
        XCTAssertEqual(transactions.count, (lines.last?["entries"] as? Int))
        XCTAssertGreaterThan(transactions.count, 0)
        for transaction in transactions {
            let amount = try XCTUnwrap(transaction["amount"] as? String)
            XCTAssertEqual(amount.hasPrefix("-"), transaction["credit_debit"] as? String == "DBIT", "debits are negative: \(transaction)")
        }
        let statement = try XCTUnwrap(lines.first { $0["type"] as? String == "statement" })
        for key in ["id", "account", "currency", "opening_balance", "closing_balance", "integrity"] {
            XCTAssertNotNil(statement[key], "statement line lacks \(key)")
        }
    }

    func testMT940AsText() throws {
        let path = Self.fixtures.appendingPathComponent("mt940_multi.sta").path
        let result = try run(["statements", "parse", path, "--format", "mt940", "--allow-inconsistent"])
        XCTAssertEqual(result.status, 0, result.err)
        XCTAssertFalse(result.out.isEmpty)
    }

    func testInconsistentStatementFailsWithExitCode1UnlessAllowed() throws {
        let path = Self.fixtures.appendingPathComponent("mt940_multi.sta").path
        let refused = try run(["statements", "parse", path, "--json"])
        XCTAssertEqual(refused.status, 1)
        XCTAssertTrue(refused.err.contains("statement MULTI-2/2 does not add up: opening + entries = 70.00, "
                                           + "stated closing 75.00 (difference 5.00)"), refused.err)
        XCTAssertTrue(refused.err.contains("--allow-inconsistent"), refused.err)
        let lines = try jsonLines(refused.out)
        XCTAssertEqual(lines.last?["inconsistent_statements"] as? Int, 1, "printed before the refusal")

        let mt942 = try run(["statements", "parse", Self.fixtures.appendingPathComponent("mt940-dialects/mt942-totals.sta").path])
        XCTAssertEqual(mt942.status, 1)
        XCTAssertTrue(mt942.err.contains("statement INTRA-2/00002/001 does not add up: entries net -50.00, "
                                         + ":90C:/:90D: totals net -40.00"), mt942.err)

        let allowed = try run(["statements", "parse", path, "--allow-inconsistent"])
        XCTAssertEqual(allowed.status, 0, allowed.err)
        XCTAssertTrue(allowed.out.contains("INCONSISTENT"), allowed.out)
    }

    func testDialectWarningsInJSONOutput() throws {
        let path = Self.fixtures.appendingPathComponent("mt940-dialects/abnamro-header.sta").path
        let result = try run(["statements", "parse", path, "--json"])
        XCTAssertEqual(result.status, 0, result.err)
        let statement = try XCTUnwrap(try jsonLines(result.out).first { $0["type"] as? String == "statement" })
        let warnings = try XCTUnwrap(statement["warnings"] as? [[String: Any]])
        XCTAssertEqual(warnings.first?["code"] as? String, "bank_header_skipped")
        XCTAssertEqual(warnings.first?["line"] as? Int, 1)
    }

    func testZipArchiveMembersInOrder() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("bankgate-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let camt = try [UInt8](Data(contentsOf: Self.fixtures.appendingPathComponent("camt053_v08.xml")))
        let mt940 = try [UInt8](Data(contentsOf: Self.fixtures.appendingPathComponent("mt940_bare.sta")))
        let file = directory.appendingPathComponent("statements.zip")
        try Data(ZipBuilder([.init(name: "a/camt.xml", bytes: camt), .init(name: "b.sta", bytes: mt940, deflate: false)])
            .bytes()).write(to: file)
        let result = try run(["statements", "parse", file.path, "--json"])
        XCTAssertEqual(result.status, 0, result.err)
        let lines = try jsonLines(result.out)
        XCTAssertEqual(lines.filter { $0["type"] as? String == "member" }.map { $0["name"] as? String }, ["a/camt.xml", "b.sta"])
        XCTAssertEqual(lines.first?["type"] as? String, "member")
        XCTAssertEqual(lines.last?["type"] as? String, "summary")

        let bad = directory.appendingPathComponent("bad.zip")
        try Data(ZipBuilder([.init(name: "../x.xml", bytes: camt)]).bytes()).write(to: bad)
        let refused = try run(["statements", "parse", bad.path])
        XCTAssertEqual(refused.status, 1)
        XCTAssertTrue(refused.err.contains("member \"../x.xml\""), refused.err)
    }

    func testMalformedInputNamesTheLineAndFailsWithExitCode1() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("bankgate-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let good = try String(contentsOf: Self.fixtures.appendingPathComponent("camt053_v08.xml"), encoding: .utf8)
        let firstAmount = try XCTUnwrap(good.range(of: #"(?<=<Amt Ccy="[A-Z]{3}">)[0-9.]+"#, options: .regularExpression))
        let bad = good.replacingCharacters(in: firstAmount, with: "12,50")
        let file = directory.appendingPathComponent("bad.xml")
        try bad.write(to: file, atomically: true, encoding: .utf8)
        let result = try run(["statements", "parse", file.path, "--json"])
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.err.contains("line "), result.err)
        XCTAssertTrue(result.err.contains("Amt"), result.err)
        XCTAssertTrue(result.err.contains("12,50"), result.err)

        let missing = try run(["statements", "parse", directory.appendingPathComponent("nope.xml").path])
        XCTAssertEqual(missing.status, 2)
        XCTAssertTrue(missing.err.contains("cannot read"), missing.err)
    }
}
