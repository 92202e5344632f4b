import BankGateCore
import BankGateXML
import Foundation
import XCTest
@testable import BankGateStatements

/// Property tests: seeded random statements, written with the writers, read back, compared field by
/// field; every camt document written is validated against its XSD.
final class StatementRoundTripTests: XCTestCase {
    static let schemas = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("../shared/schemas/iso20022").standardizedFileURL

    static func validator(_ name: String) throws -> XMLSchemaValidator {
        try XMLSchemaValidator(xsdPath: schemas.appendingPathComponent(name + ".xsd").path)
    }

    func testCamt053Version08() throws { try roundTripCamt(.camt053, .v08, cases: 120, seed: 1_000) }
    func testCamt053Version02() throws { try roundTripCamt(.camt053, .v02, cases: 60, seed: 2_000) }
    func testCamt052Version08() throws { try roundTripCamt(.camt052, .v08, cases: 50, seed: 3_000) }
    func testCamt052Version02() throws { try roundTripCamt(.camt052, .v02, cases: 30, seed: 4_000) }
    func testCamt054Version08() throws { try roundTripCamt(.camt054, .v08, cases: 50, seed: 5_000) }
    func testCamt054Version02() throws { try roundTripCamt(.camt054, .v02, cases: 30, seed: 6_000) }
    func testMT940Subfields() throws { try roundTripMT(.mt940, .subfields, cases: 120, seed: 7_000) }
    func testMT940SlashCodes() throws { try roundTripMT(.mt940, .slashCodes, cases: 80, seed: 8_000) }
    func testMT942() throws { try roundTripMT(.mt942, .subfields, cases: 40, seed: 9_000) }
    func testMT942SlashCodes() throws { try roundTripMT(.mt942, .slashCodes, cases: 30, seed: 9_500) }

    // MARK: - camt

    private func roundTripCamt(_ format: StatementFormat, _ version: CamtStatementWriter.Version, cases: Int,
                               seed: UInt64) throws {
        var writer = try CamtStatementWriter(format: format, version: version)
        let validator = try Self.validator("\(format.rawValue).\(version.rawValue)")
        for index in 0..<cases {
            var generator = StatementGenerator(seed: seed + UInt64(index), target: .camt(format, version))
            let statements = (0..<generator.int(1...3)).map { _ in generator.statement() }
            let documentCreated = "2024-01-01T00:00:00"
            writer.beginDocument(messageId: "DOC-\(index)", createdAt: documentCreated)
            var bytes = writer.takeOutput()
            for (header, transactions) in statements {
                try writer.beginStatement(header)
                for transaction in transactions {
                    try writer.entry(transaction)
                    bytes += writer.takeOutput()
                }
                writer.endStatement()
            }
            writer.endDocument()
            bytes += writer.takeOutput()

            let problems = validator.validate(bytes)
            XCTAssertEqual(problems, [], "case \(index): \(String(decoding: bytes, as: UTF8.self).prefix(3000))")

            var collector = StatementCollector()
            try StatementParser.parse(bytes: bytes, visitor: &collector)
            XCTAssertEqual(collector.ended.count, statements.count, "case \(index)")
            var entryIndex = 0
            for (position, (header, transactions)) in statements.enumerated() where position < collector.ended.count {
                var expected = header
                expected.messageId = "DOC-\(index)"
                expected.formatVersion = "\(format.rawValue).\(version.rawValue)"
                expected.createdAt = header.createdAt ?? documentCreated
                let (readHeader, summary) = collector.ended[position]
                assertSameFields(readHeader, expected, "case \(index) statement \(position)")
                XCTAssertEqual(summary.entries, transactions.count)
                XCTAssertEqual(summary.integrity, Self.integrity(header, transactions), "case \(index)")
                for transaction in transactions {
                    guard entryIndex < collector.transactions.count else { break }
                    var read = collector.transactions[entryIndex]
                    read.source = transaction.source
                    var wanted = transaction
                    wanted.account = header.account
                    assertSameFields(read, wanted, "case \(index) entry \(transaction.sequence)")
                    entryIndex += 1
                }
            }
            XCTAssertEqual(collector.transactions.count, statements.map(\.1.count).reduce(0, +), "case \(index)")
        }
    }

    // MARK: - MT940 / MT942

    private func roundTripMT(_ format: StatementFormat, _ style: MT940Writer.NarrativeStyle, cases: Int,
                             seed: UInt64) throws {
        for index in 0..<cases {
            var generator = StatementGenerator(seed: seed + UInt64(index), target: .mt(format, style))
            let statements = (0..<generator.int(1...3)).map { _ in generator.statement() }
            let envelope = generator.chance(50) ? MT940Writer.Envelope(sender: "COBADEFF", receiver: "DEUTDEFFXXX") : nil
            var writer = MT940Writer(narrative: style, envelope: envelope, lineEnding: generator.chance(50) ? "\r\n" : "\n")
            var bytes: [UInt8] = []
            for (header, transactions) in statements {
                try writer.beginStatement(header)
                for transaction in transactions { try writer.entry(transaction) }
                try writer.endStatement(header.balances)
                bytes += writer.takeOutput()
            }
            let text = String(decoding: bytes, as: UTF8.self)
            for line in text.split(whereSeparator: \.isNewline) where !line.hasPrefix("{1:") {
                XCTAssertLessThanOrEqual(line.count, 65, "case \(index): \(line)")
            }

            var collector = StatementCollector()
            try StatementParser.parse(bytes: bytes, visitor: &collector)
            XCTAssertEqual(collector.ended.count, statements.count, "case \(index)\n\(text)")
            var entryIndex = 0
            for (position, (header, transactions)) in statements.enumerated() where position < collector.ended.count {
                var expected = header
                expected.formatVersion = format.rawValue
                expected.statementId = header.electronicSequence.map { sequence in
                    "\(header.messageId)/\(sequence)" + (header.page.map { "/\($0)" } ?? "")
                } ?? header.messageId
                if format == .mt940 { expected.account.currency = header.openingBalance?.amount.currency.code }
                let (readHeader, summary) = collector.ended[position]
                assertSameFields(readHeader, expected, "case \(index) statement \(position)\n\(text)")
                XCTAssertEqual(summary.integrity, Self.integrity(header, transactions), "case \(index)")
                for transaction in transactions {
                    guard entryIndex < collector.transactions.count else { break }
                    var read = collector.transactions[entryIndex]
                    read.source = transaction.source
                    XCTAssertEqual(read.additionalInformation != nil, Self.hasNarrative(transaction, style), "case \(index)")
                    read.additionalInformation = nil
                    var wanted = transaction
                    wanted.account = expected.account
                    wanted.statementId = expected.statementId
                    assertSameFields(read, wanted, "case \(index) entry \(transaction.sequence)\n\(text)")
                    entryIndex += 1
                }
            }
        }
    }

    private static func hasNarrative(_ transaction: StatementTransaction, _ style: MT940Writer.NarrativeStyle) -> Bool {
        style == .subfields || transaction.endToEndId != nil || !transaction.counterparty.isEmpty
            || transaction.uetr != nil || transaction.remittanceInformation != nil
    }

    /// The integrity a statement should get, computed here independently of the reader.
    static func integrity(_ header: StatementHeader, _ transactions: [StatementTransaction]) -> StatementIntegrity {
        // The writer's :90D:/:90C: totals are those of the entries written.
        if header.format == .mt942 && header.openingBalance == nil { return .consistent }
        guard let opening = header.openingBalance else { return .notApplicable(reason: "no opening booked balance") }
        guard let closing = header.closingBalance else { return .notApplicable(reason: "no closing booked balance") }
        let booked = transactions.filter { $0.status == .booked }.map(\.signedMinorUnits).reduce(0, +)
        let expected = opening.amount.minorUnits + booked
        return expected == closing.amount.minorUnits
            ? .consistent : .inconsistent(expectedClosing: expected, statedClosing: closing.amount.minorUnits)
    }
}

/// Compares two values property by property, naming each property that differs.
func assertSameFields<T: Equatable>(_ actual: T, _ expected: T, _ context: String, file: StaticString = #filePath,
                                    line: UInt = #line) {
    guard actual != expected else { return }
    let left = Mirror(reflecting: actual).children
    let right = Mirror(reflecting: expected).children
    var differences: [String] = []
    for (a, b) in zip(left, right) where String(describing: a.value) != String(describing: b.value) {
        differences.append("\(a.label ?? "?"): read \(a.value), expected \(b.value)")
    }
    XCTFail("\(context): \(differences.joined(separator: "; "))", file: file, line: line)
}
