import BankGateCore
import XCTest
@testable import BankGateStatements

/// The MT940/MT942 dialects banks send, one hand-written file per dialect in
/// `Fixtures/mt940-dialects/`: amounts, signs, dates, balances, narrative and raw codes kept, and the
/// warning each leniency leaves on its statement.
final class MT940DialectTests: XCTestCase {
    private func parse(_ name: String) throws -> StatementCollector {
        try Fixture.parse("mt940-dialects/" + name)
    }

    private func codes(_ header: StatementHeader) -> [String] { header.warnings.map(\.code.rawValue) }

    private func warning(_ header: StatementHeader, _ code: StatementWarning.Code,
                         file: StaticString = #filePath, line: UInt = #line) throws -> StatementWarning {
        try XCTUnwrap(header.warnings.first { $0.code == code }, "no \(code) in \(header.warnings)", file: file,
                      line: line)
    }

    // MARK: - Framing

    func testABNAMROHeaderLinesAndOlderSequenceTag() throws {
        let result = try parse("abnamro-header.sta")
        let (header, summary) = try XCTUnwrap(result.ended.first)
        XCTAssertEqual(result.ended.count, 1)
        XCTAssertEqual(header.statementId, "ABN AMRO BANK NV/24093/1")
        XCTAssertEqual(header.electronicSequence, 24093, ":28: read as :28C:")
        XCTAssertEqual(header.page, 1)
        XCTAssertEqual(header.openingBalance?.amount, money("5000.00", "EUR"))
        XCTAssertEqual(header.closingBalance?.amount, money("5874.50", "EUR"))
        XCTAssertEqual(summary.integrity, .consistent)
        let debit = result.transactions[0]
        XCTAssertEqual(debit.signedMinorUnits, -12_550)
        XCTAssertEqual(debit.transactionCode.proprietary, "N426", "the bank's own code is kept")
        XCTAssertEqual(debit.counterparty.name, "J JANSEN")
        XCTAssertEqual(debit.counterparty.account, "NL12ABNA0123456789")
        XCTAssertEqual(debit.remittanceInformation, "FACTUUR 2024-118")
        XCTAssertEqual(result.transactions[1].signedMinorUnits, 100_000)
        XCTAssertEqual(result.transactions[1].endToEndId, "E2E-77")

        let skipped = try warning(header, .bankHeaderSkipped)
        XCTAssertEqual(skipped.line, 1)
        XCTAssertEqual(skipped.count, 2, "ABNANL2A before and after 940")
        XCTAssertTrue(header.warnings.contains { $0.code == .bankHeaderSkipped && $0.message.contains("\"940\"") })
        XCTAssertEqual(try warning(header, .obsoleteTag).line, 6)
        XCTAssertEqual(header.warnings.filter { $0.code == .nonstandardTransactionType }.count, 2)
    }

    func testINGHeaderLinesAndSupplementaryLine() throws {
        let result = try parse("ing-header.sta")
        let (header, summary) = try XCTUnwrap(result.ended.first)
        XCTAssertEqual(header.messageId, "P240405000000001")
        XCTAssertEqual(header.account.identifier, "NL69INGB0123456789EUR")
        XCTAssertEqual(summary.integrity, .consistent)
        XCTAssertEqual(header.balance("CLAV")?.amount, money("1215.00", "EUR"))
        let entry = try XCTUnwrap(result.transactions.first)
        XCTAssertEqual(entry.signedMinorUnits, -3_500)
        XCTAssertEqual(entry.bankReference, "01234567890123")
        XCTAssertEqual(entry.supplementaryDetails, "/TRCD/01028/")
        XCTAssertEqual(entry.endToEndId, "ABO-2024-04")
        XCTAssertEqual(entry.counterparty, Counterparty(name: "GYM CLUB BV", account: "NL44RABO0123456789",
                                                        bankCode: "RABONL2U"), "CNTP wrapped mid-IBAN")
        XCTAssertEqual(entry.remittanceInformation, "APRIL MEMBERSHIP")
        XCTAssertEqual(codes(header), ["bank_header_skipped", "bank_header_skipped"])
        XCTAssertEqual(header.warnings.map(\.line), [1, 3])
        XCTAssertEqual(header.warnings.first?.count, 2)
    }

    func testRabobankFirstLineSeveralNarrativesAndSecondStatementLine() throws {
        let result = try parse("rabobank-940.sta")
        let (header, summary) = try XCTUnwrap(result.ended.first)
        XCTAssertEqual(header.statementId, "940S240408/0")
        XCTAssertEqual(summary.integrity, .consistent)
        XCTAssertEqual(summary.bookedDebits, 5_000)
        XCTAssertEqual(summary.bookedCredits, 30_000)

        let debit = result.transactions[0]
        XCTAssertEqual(debit.valueDate, "2024-04-08")
        XCTAssertNil(debit.bookingDate)
        XCTAssertEqual(debit.supplementaryDetails, "NL62INGB0008765432 P DE VRIES", "the :61: line with IBAN and name")
        XCTAssertEqual(debit.endToEndId, "VDW-0042", "from the first of three :86:")
        XCTAssertEqual(debit.counterparty, Counterparty(name: "P de Vries", account: "NL62INGB0008765432"),
                       "the name from the second :86:, the IBAN from the :61: line's second line")
        XCTAssertEqual(debit.remittanceInformation, "Huur parkeerplaats april", "from the third")
        XCTAssertEqual(debit.additionalInformation,
                       "/EREF/VDW-0042\n/BENM//NAME/P de Vries\n/REMI/Huur parkeerplaats april")
        XCTAssertEqual(debit.transactionCode.proprietary, "N102")

        let credit = result.transactions[1]
        XCTAssertEqual(credit.instructionId, "EREF-88")
        XCTAssertEqual(credit.supplementaryDetails, "NL02ABNA0123456789 KLANT BV")
        XCTAssertEqual(credit.counterparty, Counterparty(name: "Klant BV", account: "NL02ABNA0123456789"))
        XCTAssertNil(MT940Fields.accountAndName("/TRCD/01028/"))
        XCTAssertNil(MT940Fields.accountAndName("Lastschrift Strom"))
        XCTAssertEqual(MT940Fields.accountAndName("NL02ABNA0123456789")?.account, "NL02ABNA0123456789")

        XCTAssertEqual(try warning(header, .bankHeaderSkipped).message, "the bank's header line \":940:\" is skipped")
        let repeated = try warning(header, .repeatedNarrative)
        XCTAssertEqual(repeated.line, 9)
        XCTAssertEqual(repeated.count, 2)
    }

    func testMBankDOSPCCFraming() throws {
        let result = try parse("mbank-dospcc.sta")
        XCTAssertEqual(result.ended.map(\.header.statementId), ["MT940-0042/00042/1", "MT940-0043/00043/1"])
        XCTAssertEqual(result.ended.map(\.summary.integrity), [.consistent, .consistent])
        XCTAssertEqual(result.transactions.map(\.signedMinorUnits), [-25_000, 120_000])
        XCTAssertEqual(result.transactions.map(\.amount.currency.code), ["PLN", "PLN"])
        XCTAssertEqual(result.transactions[0].transactionCode.proprietary, "S034")
        XCTAssertEqual(result.transactions[1].remittanceInformation,
                       "051 PRZELEW PRZYCHODZACY Klient SA zaplata FV 7/2024")
        for (header, _) in result.ended {
            XCTAssertEqual(codes(header), ["control_framing"], "\(header.warnings)")
        }
        XCTAssertEqual(result.ended[0].header.warnings.first?.count, 2, "SOH and ETX")
    }

    func testSWIFTBlocksWithTrailerAndMissingEnd() throws {
        let result = try parse("swift-blocks-trailers.sta")
        XCTAssertEqual(result.ended.map(\.header.statementId), ["BLK-1/00012/001", "BLK-2/00013/001", "BLK-3/00014/001"])
        XCTAssertEqual(result.ended.map(\.summary.integrity), [.consistent, .consistent, .consistent])
        XCTAssertEqual(result.ended.map { codes($0.header) }, [[], ["message_trailer"], ["missing_message_end"]])
        XCTAssertEqual(result.ended[1].header.warnings.first?.line, 18)
        XCTAssertEqual(result.transactions.map(\.signedMinorUnits), [30_000, -10_000])
        XCTAssertEqual(result.transactions[0].counterparty.name, "Northwind GmbH")
    }

    func testByteOrderMark() throws {
        let result = try parse("bom.sta")
        let header = try XCTUnwrap(result.ended.first?.header)
        XCTAssertEqual(header.messageId, "BOM-1")
        XCTAssertEqual(header.warnings, [StatementWarning(.byteOrderMark,
                                                          "the UTF-8 byte order mark at the start of the file is skipped",
                                                          line: 1)])
        XCTAssertEqual(result.transactions.first?.remittanceInformation, "Zinsen")
    }

    // MARK: - Field layout

    func testSNSNarrativePaddedWithBlankLines() throws {
        let result = try parse("sns-padded-86.sta")
        let (header, summary) = try XCTUnwrap(result.ended.first)
        XCTAssertEqual(summary.integrity, .consistent)
        XCTAssertEqual(result.transactions.count, 2)
        let first = result.transactions[0]
        XCTAssertEqual(first.remittanceInformation, "NL91ABNA0417164300 Webwinkel BV Bestelling 4471",
                       "the text after the blank line is kept")
        XCTAssertEqual(first.additionalInformation, "NL91ABNA0417164300 Webwinkel BV\n\nBestelling 4471")
        XCTAssertEqual(result.transactions[1].remittanceInformation, "NL20INGB0001234567 J de Boer Terugbetaling lunch")
        let blank = try warning(header, .blankLineInField)
        XCTAssertEqual(blank.line, 7)
        XCTAssertEqual(blank.count, 2)
    }

    func testNarrativeLinesThatLookLikeTags() throws {
        let result = try parse("narrative-tag-lines.sta")
        let (header, summary) = try XCTUnwrap(result.ended.first)
        XCTAssertEqual(summary.integrity, .consistent)
        let entry = try XCTUnwrap(result.transactions.first)
        XCTAssertEqual(entry.additionalInformation, "Automatische incasso abonnement\n"
                           + ":12:00 uur afgeschreven volgens afspraak\n:26:maart termijn 3 van 12")
        XCTAssertEqual(entry.remittanceInformation, "Automatische incasso abonnement "
                           + ":12:00 uur afgeschreven volgens afspraak :26:maart termijn 3 van 12")
        XCTAssertEqual(header.warnings.map(\.code), [.undefinedTagInField, .undefinedTagInField])
        XCTAssertEqual(header.warnings.map(\.line), [7, 8])
    }

    func testGermanNSBlockThirtiethOfFebruaryAndDeutscheMark() throws {
        let result = try parse("german-ns-feb30-dem.sta")
        let (header, summary) = try XCTUnwrap(result.ended.first)
        XCTAssertEqual(header.account.currency, "DEM")
        let dem = try XCTUnwrap(Currency(withdrawnCode: "DEM"))
        XCTAssertEqual(dem.exponent, 2)
        XCTAssertEqual(header.openingBalance?.amount, Money(minorUnits: 150_000, currency: dem), "never converted")
        XCTAssertEqual(header.closingBalance?.amount, Money(minorUnits: 158_750, currency: dem))
        XCTAssertEqual(summary.integrity, .consistent)

        let closing = result.transactions[0]
        XCTAssertEqual(closing.valueDate, "2001-02-28", "30 February booked on the last day of February")
        XCTAssertEqual(closing.bookingDate, "2001-02-28")
        XCTAssertEqual(closing.signedMinorUnits, -1_250)
        XCTAssertEqual(closing.amount.currency, dem)
        XCTAssertEqual(closing.transactionCode.proprietary, "NMSC+805")
        XCTAssertEqual(closing.remittanceInformation, "Abschluss per 28.02.2001 Kontofuehrung")
        let rent = result.transactions[1]
        XCTAssertEqual(rent.signedMinorUnits, 10_000)
        XCTAssertEqual(rent.counterparty.name, "Max Mustermann", "an :NS: between :61: and :86: keeps them together")
        XCTAssertEqual(rent.remittanceInformation, "Miete Februar")

        let date = try warning(header, .impossibleDate)
        XCTAssertEqual(date.message, "value date \"010230\" is 30 February; booked on 2001-02-28", "the raw text kept")
        XCTAssertEqual(date.line, 5)
        XCTAssertEqual(try warning(header, .withdrawnCurrency).count, 2)
        let blocks = try warning(header, .nonSwiftBlock)
        XCTAssertEqual(blocks.line, 7)
        XCTAssertEqual(blocks.count, 2)
    }

    func testHungarianNSBlocks() throws {
        let result = try parse("hungarian-ns.sta")
        let (header, summary) = try XCTUnwrap(result.ended.first)
        XCTAssertEqual(header.statementId, "HU240415/00015/00001")
        XCTAssertEqual(summary.integrity, .consistent)
        XCTAssertEqual(result.transactions.map(\.signedMinorUnits), [-4_500_000, 15_000_000])
        XCTAssertEqual(result.transactions.map(\.remittanceInformation), ["Atutalas szamla 2024/041", "Jovairas"])
        XCTAssertEqual(codes(header), ["non_swift_block"])
        XCTAssertEqual(header.warnings.first?.count, 2)
    }

    // MARK: - Statement line syntax

    func testKnabAmountWithoutDecimalComma() throws {
        let result = try parse("knab-no-comma.sta")
        let (header, summary) = try XCTUnwrap(result.ended.first)
        XCTAssertEqual(summary.integrity, .consistent)
        XCTAssertEqual(result.transactions.map(\.signedMinorUnits), [50_000, -2_550], "C500 is 500,00")
        XCTAssertEqual(result.transactions[0].counterparty.name, "A Bakker")
        XCTAssertEqual(result.transactions[1].counterparty.name, "Bakkerij Broodje")
        let comma = try warning(header, .amountWithoutDecimalComma)
        XCTAssertEqual(comma.line, 5)
        XCTAssertEqual(comma.count, 1, "25,5 has its comma")
    }

    func testLeadingZerosBeyondFifteenCharacters() throws {
        let result = try parse("leading-zeros.sta")
        let (header, summary) = try XCTUnwrap(result.ended.first)
        XCTAssertEqual(header.openingBalance?.amount, money("1000.00", "EUR"))
        XCTAssertEqual(header.closingBalance?.amount, money("1250.75", "EUR"))
        XCTAssertEqual(result.transactions.first?.signedMinorUnits, 25_075)
        XCTAssertEqual(summary.integrity, .consistent)
        XCTAssertEqual(try warning(header, .amountLeadingZeros).count, 3)
    }

    func testFundsCodesAndUnlistedTransactionTypes() throws {
        let result = try parse("funds-and-type-codes.sta")
        let (header, summary) = try XCTUnwrap(result.ended.first)
        XCTAssertEqual(summary.integrity, .consistent)
        XCTAssertEqual(result.transactions.map(\.signedMinorUnits), [5_000, -2_000, -500])
        XCTAssertEqual(result.transactions.map(\.transactionCode.proprietary), ["N192", "FMSC", "S   "],
                       "raw codes, blanks included")
        XCTAssertEqual(result.transactions[1].instructionId, "REF-1")
        XCTAssertEqual(result.transactions[1].bankReference, "B1")
        XCTAssertEqual(result.transactions[2].instructionId, "X")
        XCTAssertEqual(header.warnings.map(\.message), [
            "transaction type \"N192\" is not one the standard lists; kept as given",
            "transaction type \"S   \" is not one the standard lists; kept as given",
        ], "FMSC is F (first advice) and MSC: listed")

        let eur = Currency(code: "EUR")!
        let credit = try MT940Fields.statementLine("2404180418CN50,00N192NONREF", currency: eur)
        XCTAssertEqual(credit.fundsCode, "N")
        XCTAssertEqual(credit.creditDebit, .credit)
        let debit = try MT940Fields.statementLine("2404180418DF20,00FMSCREF-1//B1", currency: eur)
        XCTAssertEqual(debit.fundsCode, "F")
        XCTAssertEqual(debit.creditDebit, .debit)
        XCTAssertEqual(debit.warnings, [])
    }

    // MARK: - Balances

    func testIntermediatePageChain() throws {
        let result = try parse("page-chain.sta")
        XCTAssertEqual(result.ended.map(\.header.statementId), ["PAGES/00007/001", "PAGES/00007/002", "PAGES/00007/003"])
        XCTAssertEqual(result.ended.map(\.summary.integrity), [.consistent, .consistent, .consistent])
        XCTAssertEqual(result.ended.map(\.header.page), [1, 2, 3])
        XCTAssertEqual(result.ended.map { $0.header.openingBalance?.isIntermediate }, [false, true, true])
        XCTAssertEqual(result.ended.map { $0.header.closingBalance?.isIntermediate }, [true, true, false])
        for position in 1..<result.ended.count {
            XCTAssertEqual(result.ended[position].header.openingBalance?.amount,
                           result.ended[position - 1].header.closingBalance?.amount, "page \(position + 1) chains")
        }
        XCTAssertTrue(result.ended.allSatisfy { $0.header.warnings.isEmpty }, "M balances are standard")
    }

    func testMT942TotalsCheckedAgainstTheEntries() throws {
        let result = try parse("mt942-totals.sta")
        XCTAssertEqual(result.ended.map(\.header.format), [.mt942, .mt942])
        XCTAssertEqual(result.transactions.map(\.status), [.pending, .pending, .pending, .pending])
        let (good, goodSummary) = result.ended[0]
        XCTAssertEqual(goodSummary.integrity, .consistent)
        XCTAssertEqual(goodSummary.pendingDebits, 4_000)
        XCTAssertEqual(goodSummary.pendingCredits, 1_500)
        XCTAssertEqual(good.warnings, [])

        let (bad, badSummary) = result.ended[1]
        XCTAssertEqual(badSummary.integrity, .inconsistent(expectedClosing: -5_000, statedClosing: -4_000))
        XCTAssertEqual(bad.warnings, [StatementWarning(
            .totalsMismatch, "debits: :90D: states 1 of 40.00 EUR, the statement has 2 of 50.00", line: 20)])
    }

    func testMT942CountMismatchAloneIsInconsistent() throws {
        let text = ":20:I\n:25:A\n:34F:EUR0,\n:61:240420D40,00NTRF\n:61:240420D0,00NTRF\n:90D:1EUR40,00\n-\n"
        let result = try parseText(text)
        XCTAssertEqual(result.ended.first?.summary.integrity, .inconsistent(expectedClosing: -4_000, statedClosing: -4_000))
        XCTAssertEqual(result.ended.first?.header.warnings.first?.code, .totalsMismatch)
    }

    func testHeaderLinesBetweenMessagesAfterAStatementNarrative() throws {
        let message = { (reference: String) in
            ":20:\(reference)\n:25:412345678\n:28C:1/1\n:60F:C240402EUR10,00\n:61:2404030403C1,00NTRFNONREF\n"
                + ":86:BETALING ABC\nEN MEER\n:62F:C240403EUR11,00\n:86:SALDO INFO\n"
        }
        let text = "ABNANL2A\n940\nABNANL2A\n" + message("A") + "\nABNANL2A\n940\nABNANL2A\n" + message("B")
        let result = try parseText(text)
        XCTAssertEqual(result.ended.map(\.header.messageId), ["A", "B"])
        XCTAssertEqual(result.transactions.map(\.additionalInformation), ["BETALING ABC\nEN MEER", "BETALING ABC\nEN MEER"],
                       "capitals inside an entry's narrative are text")
        XCTAssertEqual(result.ended.map { codes($0.header) }, [["bank_header_skipped", "bank_header_skipped"],
                                                               ["bank_header_skipped", "bank_header_skipped"]])
        XCTAssertEqual(result.ended[1].header.warnings.first?.line, 14, "after the blank line")
    }

    // MARK: - Detection

    func testDetectionLooksPastBankHeaderLines() {
        XCTAssertEqual(StatementFormatDetector.detect(Array("ABNANL2A\r\n940\r\nABNANL2A\r\n:20:X\r\n".utf8)), .mt940)
        XCTAssertEqual(StatementFormatDetector.detect(Array("0000 01INGBNL2AXXXX00001\n940 00\n:20:X\n".utf8)), .mt940)
        XCTAssertEqual(StatementFormatDetector.detect(Array("\u{FEFF}:940:\n:20:X\n".utf8)), .mt940)
        XCTAssertEqual(StatementFormatDetector.detect([0x01, 0x0D, 0x0A] + Array(":20:X\n".utf8)), .mt940)
        XCTAssertEqual(StatementFormatDetector.detect(Array("BANK\n{1:F01BANK}{2:O940}{4:\n".utf8)), .mt940)
        XCTAssertNil(StatementFormatDetector.detect(Array("hello\n:20:X\n".utf8)), "only header-shaped lines")
        XCTAssertNil(StatementFormatDetector.detect(Array("ABNANL2A\n940\n".utf8)), "no field follows")
        XCTAssertNil(StatementFormatDetector.detect(Array("%PDF-1.4\n".utf8)))
        for name in ["abnamro-header.sta", "ing-header.sta", "mbank-dospcc.sta", "bom.sta", "rabobank-940.sta"] {
            XCTAssertNoThrow(try parse(name), name)
        }
    }
}
