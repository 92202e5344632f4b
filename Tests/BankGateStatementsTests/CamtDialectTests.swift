import BankGateCore
import Foundation
import XCTest
@testable import BankGateStatements

/// camt deviations read with a warning, and the refusals that stay (docs/statement-dialects.md).
final class CamtDialectTests: XCTestCase {
    private func parseBytes(_ bytes: [UInt8]) throws -> StatementCollector {
        var collector = StatementCollector()
        try StatementParser.parse(bytes: bytes, visitor: &collector)
        return collector
    }

    private func codes(_ header: StatementHeader?) -> [String] {
        header?.warnings.map(\.code.rawValue) ?? []
    }

    private func refusal(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> StatementError? {
        parseError(text, file: file, line: line)
    }

    // MARK: - Read with a warning

    func testByteOrderMarkBeforeTheDeclaration() throws {
        let result = try parseBytes([0xEF, 0xBB, 0xBF] + Array(camtDocument().utf8))
        XCTAssertEqual(result.transactions.first?.amount.minorUnits, 1_250)
        XCTAssertEqual(codes(result.begun.first), ["byte_order_mark"])
        XCTAssertEqual(codes(result.ended.first?.header), ["byte_order_mark"])
        XCTAssertEqual(result.begun.first?.warnings.first?.line, 1)
    }

    func testBlankLinesBeforeTheDeclarationKeepTheFilesLineNumbers() throws {
        let plain = try parseText(camtDocument())
        let result = try parseBytes([0xEF, 0xBB, 0xBF] + Array(("\r\n\n   " + camtDocument()).utf8))
        XCTAssertEqual(codes(result.begun.first), ["byte_order_mark", "leading_whitespace"])
        XCTAssertEqual(result.transactions.first?.source.line, (plain.transactions.first?.source.line ?? 0) + 2)
        // Errors name the file's line too.
        let broken = "\n\n" + camtDocument(amount: "12,50")
        XCTAssertEqual(refusal(broken)?.line, (refusal(camtDocument(amount: "12,50"))?.line ?? 0) + 2)
        // Whitespace before a document without a declaration is legal XML, but it is skipped and noted all the same.
        XCTAssertEqual(codes(try parseText("  " + camtDocument().replacingOccurrences(
            of: "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", with: "")).begun.first), ["leading_whitespace"])
    }

    func testDeclaredLatin1AndWindows1252() throws {
        let latin1 = camtDocument()
            .replacingOccurrences(of: "encoding=\"UTF-8\"", with: "encoding=\"ISO-8859-1\"")
            .replacingOccurrences(of: "<BkTxCd/>", with: "<BkTxCd/><AddtlNtryInf>Müller Straße</AddtlNtryInf>")
        let result = try parseBytes([UInt8](try XCTUnwrap(latin1.data(using: .isoLatin1))))
        XCTAssertEqual(result.transactions.first?.additionalInformation, "Müller Straße")
        XCTAssertEqual(codes(result.begun.first), ["declared_encoding"])
        XCTAssertTrue(result.begun.first?.warnings.first?.message.contains("ISO-8859-1") ?? false)

        let windows = camtDocument()
            .replacingOccurrences(of: "encoding=\"UTF-8\"", with: "encoding=\"windows-1252\"")
            .replacingOccurrences(of: "<BkTxCd/>", with: "<BkTxCd/><AddtlNtryInf>Gebühr 5 €</AddtlNtryInf>")
        let read = try parseBytes([UInt8](try XCTUnwrap(windows.data(using: .windowsCP1252))))
        XCTAssertEqual(read.transactions.first?.additionalInformation, "Gebühr 5 €")
        XCTAssertEqual(codes(read.begun.first), ["declared_encoding"])
    }

    func testOtherDeclaredEncodingsAreRefused() throws {
        let error = try XCTUnwrap(refusal(camtDocument().replacingOccurrences(of: "encoding=\"UTF-8\"",
                                                                              with: "encoding=\"Shift_JIS\"")))
        XCTAssertEqual(error.code, .unsupportedFormat)
        XCTAssertTrue(error.message.contains("\"Shift_JIS\""), error.message)
        // A UTF-8 byte order mark contradicting a declared 8-bit encoding.
        let contradiction = [0xEF, 0xBB, 0xBF] + Array(camtDocument().replacingOccurrences(
            of: "encoding=\"UTF-8\"", with: "encoding=\"ISO-8859-1\"").utf8)
        var ambiguous = StatementCollector()
        XCTAssertThrowsError(try StatementParser.parse(bytes: contradiction, visitor: &ambiguous)) { error in
            XCTAssertEqual((error as? StatementError)?.code, .unsupportedFormat)
            XCTAssertTrue("\(error)".contains("ambiguous"), "\(error)")
        }
        // Latin-1 bytes without a declaration are not UTF-8: refused as malformed.
        let undeclared = camtDocument().replacingOccurrences(of: "<BkTxCd/>", with: "<BkTxCd/><AddtlNtryInf>Müller</AddtlNtryInf>")
        var collector = StatementCollector()
        XCTAssertThrowsError(try StatementParser.parse(bytes: [UInt8](undeclared.data(using: .isoLatin1)!),
                                                       visitor: &collector))
    }

    func testSupplementaryDataIsIgnored() throws {
        let document = camtDocument().replacingOccurrences(of: "<BkTxCd/>", with: """
            <BkTxCd/><SplmtryData><PlcAndNm>bank</PlcAndNm><Envlp><Amt Ccy="EUR">999.99</Amt><x:Note xmlns:x="urn:bank">a</x:Note></Envlp></SplmtryData>
            """).replacingOccurrences(of: "</Stmt>", with: "<SplmtryData><Envlp><Anything/></Envlp></SplmtryData></Stmt>")
        let result = try parseText(document)
        XCTAssertEqual(result.transactions.first?.amount.minorUnits, 1_250, "never read from SplmtryData")
        let warning = try XCTUnwrap(result.ended.first?.header.warnings.first)
        XCTAssertEqual(warning.code, .supplementaryData)
        XCTAssertEqual(warning.count, 2)
        XCTAssertEqual(result.ended.first?.header.warnings.count, 1, "inside SplmtryData nothing else is looked at")
    }

    func testElementsInTheBanksNamespaceAreNeverInterpreted() throws {
        // A bank's element named like a camt one (Amt) inside the entry, and its own element in the header.
        let document = camtDocument()
            .replacingOccurrences(of: "<Document xmlns=", with: "<Document xmlns:bk=\"urn:bank:ext:1\" xmlns=")
            .replacingOccurrences(of: "<Id>S1</Id>", with: "<Id>S1</Id><bk:Branch><bk:Code>42</bk:Code></bk:Branch>")
            .replacingOccurrences(of: "<CdtDbtInd>CRDT</CdtDbtInd>\n<Sts>",
                                  with: "<CdtDbtInd>CRDT</CdtDbtInd>\n<bk:Amt Ccy=\"EUR\">999.99</bk:Amt><Sts>")
        let result = try parseText(document)
        XCTAssertEqual(result.transactions.first?.amount.minorUnits, 1_250)
        let warnings = try XCTUnwrap(result.ended.first?.header.warnings)
        XCTAssertEqual(warnings.map(\.code), [.foreignElement])
        XCTAssertEqual(warnings.first?.count, 2, "bk:Branch and bk:Amt; bk:Code is inside bk:Branch")
        XCTAssertEqual(warnings.first?.message, "elements in namespace \"urn:bank:ext:1\" are ignored, never read")
        XCTAssertEqual(codes(result.begun.first), ["foreign_element"], "the header's one is known at the first entry")
    }

    func testExcessZeroDecimalsAreReadWithAWarning() throws {
        let result = try parseText(camtDocument(amount: "12.5000"))
        XCTAssertEqual(result.transactions.first?.amount.minorUnits, 1_250)
        XCTAssertEqual(codes(result.ended.first?.header), ["excess_zero_decimals"])
    }

    // MARK: - Still refused, with the element named

    func testNonZeroExcessDecimalsAreRefusedNamingTheElement() throws {
        let entry = try XCTUnwrap(refusal(camtDocument(amount: "12.505")))
        XCTAssertEqual(entry.code, .invalidAmount)
        XCTAssertEqual(entry.location, "Ntry/Amt")
        XCTAssertEqual(entry.line, 10)
        let balance = try XCTUnwrap(refusal(camtDocument().replacingOccurrences(of: ">0</Amt>", with: ">0.001</Amt>")))
        XCTAssertEqual(balance.code, .invalidAmount)
        XCTAssertEqual(balance.location, "Stmt/Bal/Amt")
    }

    func testMissingCurrencyAndCreditDebitAreRefused() throws {
        let noCurrency = try XCTUnwrap(refusal(camtDocument().replacingOccurrences(of: "<Amt Ccy=\"EUR\">12.50",
                                                                                   with: "<Amt>12.50")))
        XCTAssertEqual(noCurrency.code, .missingField)
        XCTAssertEqual(noCurrency.location, "Ntry/Amt")
        XCTAssertEqual(noCurrency.message, "the amount has no Ccy attribute")
        let noSide = try XCTUnwrap(refusal(camtDocument().replacingOccurrences(
            of: "</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt>", with: "</Amt><Dt>")))
        XCTAssertEqual(noSide.code, .missingField)
        XCTAssertEqual(noSide.location, "Stmt/Bal")
        XCTAssertEqual(noSide.message, "the balance lacks CdtDbtInd")
    }

    func testWrongNamespacesAreRefused() throws {
        let unknown = try XCTUnwrap(refusal(camtDocument(namespace: "urn:bank:camt.053")))
        XCTAssertEqual(unknown.code, .unsupportedFormat)
        XCTAssertEqual(unknown.location, "Document")
        let version = try XCTUnwrap(refusal(camtDocument(namespace: "urn:iso:std:iso:20022:tech:xsd:camt.053.001.13")))
        XCTAssertEqual(version.location, "Document")
        // The message element itself in the bank's namespace.
        let foreignRoot = camtDocument()
            .replacingOccurrences(of: "<BkToCstmrStmt>", with: "<bk:BkToCstmrStmt xmlns:bk=\"urn:bank\">")
            .replacingOccurrences(of: "</BkToCstmrStmt>", with: "</bk:BkToCstmrStmt>")
        let error = try XCTUnwrap(refusal(foreignRoot))
        XCTAssertEqual(error.code, .unsupportedFormat)
        XCTAssertEqual(error.location, "Document/BkToCstmrStmt")
    }

    func testDTDsStayRefusedAfterAByteOrderMarkAndBlankLines() throws {
        let xxe = camtDocument(prolog: "<!DOCTYPE Document [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>\n")
        var collector = StatementCollector()
        XCTAssertThrowsError(try StatementParser.parse(bytes: [0xEF, 0xBB, 0xBF] + Array(("\n\n" + xxe).utf8),
                                                       visitor: &collector)) { error in
            XCTAssertEqual((error as? StatementError)?.code, .dtdRefused)
            XCTAssertEqual((error as? StatementError)?.line, 4)
        }
    }
}
