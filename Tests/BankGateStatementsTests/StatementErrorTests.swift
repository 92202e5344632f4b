import BankGateCore
import XCTest
@testable import BankGateStatements

/// Refused input: every error names the line and the element or tag at fault.
final class StatementErrorTests: XCTestCase {
    func testMalformedCamtAmountNamesLineAndElement() throws {
        let error = try XCTUnwrap(parseError(camtDocument(amount: "12,50")))
        XCTAssertEqual(error.code, .invalidAmount)
        XCTAssertEqual(error.line, 10)
        XCTAssertEqual(error.location, "Ntry/Amt")
        XCTAssertEqual(error.description, #"line 10, Ntry/Amt: "12,50" is not a decimal amount"#)
    }

    func testExcessDecimalsMustBeZeros() throws {
        XCTAssertEqual(try parseText(camtDocument(amount: "12.50000")).transactions.first?.amount.minorUnits, 1_250)
        let error = try XCTUnwrap(parseError(camtDocument(amount: "12.501")))
        XCTAssertEqual(error.code, .invalidAmount)
        XCTAssertEqual(error.description, #"line 10, Ntry/Amt: "12.501" has non-zero decimals beyond the 2 of EUR"#)
        let yen = try XCTUnwrap(parseError(camtDocument(amount: "100.5", currency: "JPY")))
        XCTAssertTrue(yen.description.contains("beyond the 0 of JPY"), yen.description)
        for bad in ["-1.00", "1e3", ".5", "1.", ""] {
            XCTAssertEqual(parseError(camtDocument(amount: bad))?.code, bad.isEmpty ? .missingField : .invalidAmount, bad)
        }
    }

    /// Found by fuzzing (Fuzz/Regressions/mt940): a long run of decimals overflowed Int64 while the
    /// fast path read them (a trap, ending the daemon) before their count was checked.
    func testLongRunsOfDecimalsAreRefusedOrDroppedNotOverflowing() throws {
        let nines = "40." + String(repeating: "9", count: 40)
        let error = try XCTUnwrap(parseError(camtDocument(amount: nines)))
        XCTAssertEqual(error.code, .invalidAmount)
        XCTAssertTrue(error.description.contains("non-zero decimals beyond the 2 of EUR"), error.description)
        let zeros = "40.5" + String(repeating: "0", count: 40)
        XCTAssertEqual(try parseText(camtDocument(amount: zeros)).transactions.first?.amount.minorUnits, 4_050)
    }

    func testUnknownCurrencyIsRefused() throws {
        let error = try XCTUnwrap(parseError(camtDocument(currency: "EUX")))
        XCTAssertEqual(error.code, .invalidValue)
        XCTAssertEqual(error.location, "Ntry/Amt")
    }

    func testDoctypeAndExternalEntitiesAreRefused() throws {
        let xxe = """
            <!DOCTYPE Document [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>

            """
        let error = try XCTUnwrap(parseError(camtDocument(prolog: xxe)))
        XCTAssertEqual(error.code, .dtdRefused)
        XCTAssertEqual(error.line, 2)
        let laughs = "<!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol2 \"&lol;&lol;&lol;&lol;\">]>\n"
        XCTAssertEqual(parseError(camtDocument(prolog: laughs))?.code, .dtdRefused)
        // A DOCTYPE after a comment and a processing instruction is still caught.
        XCTAssertEqual(parseError(camtDocument(prolog: "<!-- a > b -- c --><?pi x?>\n<!DOCTYPE Document>\n"))?.code,
                       .dtdRefused)
        // An undeclared entity reference never reaches the output.
        let entity = camtDocument().replacingOccurrences(of: "<Id>S1</Id>", with: "<Id>&xxe;</Id>")
        XCTAssertEqual(parseError(entity)?.code, .malformed)
    }

    func testTruncatedCamtFile() throws {
        let document = camtDocument()
        let cut = String(document.prefix(document.count - 40))
        let error = try XCTUnwrap(parseError(cut))
        XCTAssertEqual(error.code, .truncated, error.description)
        XCTAssertNotNil(error.line)
        let midTag = try XCTUnwrap(parseError(String(document.prefix(document.count / 2))))
        XCTAssertEqual(midTag.code, .truncated, midTag.description)
        let trailing = try XCTUnwrap(parseError(document + "\n</Oops>"))
        XCTAssertEqual(trailing.code, .malformed, trailing.description)
        XCTAssertEqual(trailing.line, 18)
        let mismatched = camtDocument().replacingOccurrences(of: "</Ntry>", with: "</Entry>")
        XCTAssertEqual(parseError(mismatched)?.code, .malformed)
    }

    func testOtherDocumentsAreRefused() throws {
        let pain = try XCTUnwrap(parseError(camtDocument(namespace: "urn:iso:std:iso:20022:tech:xsd:pain.002.001.03")))
        XCTAssertEqual(pain.code, .unsupportedFormat)
        XCTAssertTrue(pain.description.contains("pain.002.001.03"), pain.description)
        XCTAssertEqual(parseError(camtDocument(namespace: "urn:iso:std:iso:20022:tech:xsd:camt.053.001.10"))?.code,
                       .unsupportedFormat)
        XCTAssertEqual(parseError(camtDocument(namespace: "urn:iso:std:iso:20022:tech:xsd:camt.056.001.08"))?.code,
                       .unsupportedFormat)
        let wrongRoot = try XCTUnwrap(parseError(camtDocument(root: "BkToCstmrAcctRpt")))
        XCTAssertEqual(wrongRoot.code, .unsupportedFormat)
        XCTAssertEqual(wrongRoot.line, 3)
        XCTAssertEqual(parseError("<html><body/></html>")?.code, .unsupportedFormat)
        XCTAssertEqual(parseError("hello")?.code, .unsupportedFormat)
    }

    func testMissingMandatoryCamtElements() throws {
        let noStatus = camtDocument().replacingOccurrences(of: "<Sts><Cd>BOOK</Cd></Sts>", with: "")
        let error = try XCTUnwrap(parseError(noStatus))
        XCTAssertEqual(error.code, .missingField)
        XCTAssertEqual(error.description, "line 9, Ntry: the entry has no Sts")
        let badStatus = camtDocument().replacingOccurrences(of: "<Cd>BOOK</Cd>", with: "<Cd>XXXX</Cd>")
        XCTAssertEqual(parseError(badStatus)?.location, "Ntry/Sts/Cd")
        let badDate = camtDocument().replacingOccurrences(of: "<Dt>2024-01-01</Dt>", with: "<Dt>2024-02-30</Dt>")
        let dateError = try XCTUnwrap(parseError(badDate))
        XCTAssertEqual(dateError.code, .invalidDate)
        XCTAssertEqual(dateError.location, "Stmt/Bal/Dt/Dt")
        XCTAssertEqual(dateError.line, 8)
    }

    func testDepthAndTextLimits() throws {
        let deep = String(repeating: "<a>", count: 80) + String(repeating: "</a>", count: 80)
        let document = camtDocument().replacingOccurrences(of: "<BkTxCd/>", with: "<BkTxCd/><AddtlInfInd>\(deep)</AddtlInfInd>")
        XCTAssertEqual(parseError(document)?.code, .limitExceeded)
        let long = camtDocument().replacingOccurrences(of: "<Id>S1</Id>", with: "<Id>\(String(repeating: "x", count: 70_000))</Id>")
        XCTAssertEqual(parseError(long)?.code, .limitExceeded)
    }

    func testBadStatementLineNamesLineAndTag() throws {
        let text = ":20:X\n:25:ACC\n:28C:1\n:60F:C240101EUR0,\n:61:240102100,00NTRF\n:62F:C240102EUR0,\n"
        let error = try XCTUnwrap(parseError(text))
        XCTAssertEqual(error.description, "line 5, :61:: missing debit/credit mark (C, D, RC or RD)")
        let amount = try XCTUnwrap(parseError(text.replacingOccurrences(of: "240102100,00", with: "240102C1.00")))
        XCTAssertEqual(amount.location, ":61:")
        XCTAssertEqual(amount.code, .invalidAmount)
        let type = try XCTUnwrap(parseError(text.replacingOccurrences(of: "240102100,00NTRF", with: "240102C1,00XTRF")))
        XCTAssertTrue(type.description.hasPrefix("line 5, :61:: missing transaction type"), type.description)
        let date = try XCTUnwrap(parseError(text.replacingOccurrences(of: "240102100,00", with: "241302C1,00")))
        XCTAssertEqual(date.code, .invalidDate)
        let excess = try XCTUnwrap(parseError(text.replacingOccurrences(of: "240102100,00", with: "240102C1,001")))
        XCTAssertEqual(excess.code, .invalidAmount)
    }

    func testTruncatedOrIncompleteMT940() throws {
        let noClosing = ":20:X\n:25:ACC\n:60F:C240101EUR0,\n:61:240102C1,00NTRF\n"
        let error = try XCTUnwrap(parseError(noClosing))
        XCTAssertEqual(error.code, .missingField)
        XCTAssertTrue(error.description.contains("closing balance"), error.description)
        let enveloped = "{1:F01BANKDEFFAXXX0000000000}{2:O940X}{4:\n:20:X\n:25:ACC\n:60F:C240101EUR0,\n:61:240101C1,00NTRF\n"
        XCTAssertEqual(parseError(enveloped)?.code, .truncated, "cut before its closing balance")
        XCTAssertEqual(parseError(":25:ACC\n:20:X\n")?.description, "line 1, :25:: field :25: before the statement's :20:")
        XCTAssertEqual(parseError(":20:X\n:25:A\n:61:240102C1,00NTRF\n")?.code, .missingField)
        let mt103 = "{1:F01BANKDEFFAXXX0000000000}{2:O1031200X}{4:\n:20:X\n-}\n"
        XCTAssertEqual(parseError(mt103)?.code, .unsupportedFormat)
        let garbage = try XCTUnwrap(parseError("garbage\n:20:X\n", format: .mt940))
        XCTAssertEqual(garbage.code, .malformed)
        XCTAssertEqual(garbage.line, 1)
    }

    func testMissingFile() {
        var collector = StatementCollector()
        XCTAssertThrowsError(try StatementParser.parse(file: "/nonexistent/statement.xml", visitor: &collector)) { error in
            XCTAssertEqual((error as? StatementError)?.code, .io)
        }
    }
}
