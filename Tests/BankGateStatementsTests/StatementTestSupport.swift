import BankGateCore
import XCTest
@testable import BankGateStatements

/// Collects everything a parser reports, for assertions.
struct StatementCollector: StatementVisitor {
    var begun: [StatementHeader] = []
    var transactions: [StatementTransaction] = []
    var ended: [(header: StatementHeader, summary: StatementSummary)] = []

    mutating func beginStatement(_ header: StatementHeader) throws { begun.append(header) }
    mutating func transaction(_ transaction: StatementTransaction) throws { transactions.append(transaction) }
    mutating func endStatement(_ header: StatementHeader, summary: StatementSummary) throws {
        ended.append((header, summary))
    }
}

/// Paths of the hand-written samples beside the tests.
enum Fixture {
    static var directory: String {
        let path = "\(#filePath)"
        return String(path[..<path.lastIndex(of: "/")!]) + "/Fixtures"
    }

    static func path(_ name: String) -> String { directory + "/" + name }

    /// Parses a fixture file with format detection.
    static func parse(_ name: String, format: StatementParser.Format = .auto) throws -> StatementCollector {
        var collector = StatementCollector()
        try StatementParser.parse(file: path(name), format: format, visitor: &collector)
        return collector
    }
}

/// Parses in-memory text.
func parseText(_ text: String, format: StatementParser.Format = .auto) throws -> StatementCollector {
    var collector = StatementCollector()
    try StatementParser.parse(bytes: Array(text.utf8), format: format, visitor: &collector)
    return collector
}

/// The error a parse throws, as a StatementError.
func parseError(_ text: String, format: StatementParser.Format = .auto, file: StaticString = #filePath,
                line: UInt = #line) -> StatementError? {
    do {
        _ = try parseText(text, format: format)
        XCTFail("expected an error", file: file, line: line)
        return nil
    } catch let error as StatementError {
        return error
    } catch {
        XCTFail("unexpected error \(error)", file: file, line: line)
        return nil
    }
}

func money(_ text: String, _ code: String) -> Money {
    try! Money(parsing: text, currency: Currency(code: code)!)
}
