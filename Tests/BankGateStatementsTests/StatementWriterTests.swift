import BankGateCore
import BankGateXML
import XCTest
@testable import BankGateStatements

/// The writers on fixed input: exact MT940 text, schema-valid camt, streaming, refusals.
final class StatementWriterTests: XCTestCase {
    private let eur = Currency(code: "EUR")!

    private var header: StatementHeader {
        StatementHeader(format: .mt940, messageId: "STMT-7", statementId: "STMT-7", electronicSequence: 12, page: 1,
                        account: StatementAccount(identifier: "DE89370400440532013000", currency: "EUR",
                                                  servicerBIC: "COBADEFFXXX"),
                        createdAt: "2024-03-02T06:00:00+01:00",
                        balances: [StatementBalance(type: "OPBD", amount: money("-10.00", "EUR"), date: "2024-03-01"),
                                   StatementBalance(type: "CLBD", amount: money("1190.00", "EUR"), date: "2024-03-02")])
    }

    private var entry: StatementTransaction {
        StatementTransaction(
            account: header.account, statementId: "STMT-7", sequence: 1, bookingDate: "2024-03-02", valueDate: "2024-03-01",
            amount: money("1200.00", "EUR"), creditDebit: .credit, status: .booked, bankReference: "B-1",
            endToEndId: "E2E-1", instructionId: "INV-1",
            counterparty: Counterparty(name: "Müller Maschinenbau GmbH und Co. KG Nord", account: "DE44500105175407324931",
                                       bankCode: "INGDDEFFXXX"),
            remittanceInformation: "Invoice 1 of March, thank you",
            transactionCode: BankTransactionCode(proprietary: "NTRF+166"), source: SourcePosition(line: 0, path: ""))
    }

    func testMT940WithSubfieldsExactText() throws {
        let bytes = try MT940Writer.document(header: header, transactions: [entry], narrative: .subfields)
        XCTAssertEqual(String(decoding: bytes, as: UTF8.self), """
            :20:STMT-7\r
            :25:COBADEFFXXX/DE89370400440532013000\r
            :28C:12/1\r
            :60F:D240301EUR10,00\r
            :61:2403010302C1200,00NTRFINV-1//B-1\r
            :86:166?20EREF+E2E-1SVWZ+Invoice 1 of?21 March, thank you?30INGDD\r
            EFFXXX?31DE44500105175407324931?32Müller Maschinenbau GmbH un?33d\r
             Co. KG Nord\r
            :62F:C240302EUR1190,00\r
            -\r

            """)
        let read = try parseText(String(decoding: bytes, as: UTF8.self))
        var back = try XCTUnwrap(read.transactions.first)
        XCTAssertEqual(back.statementId, "STMT-7/12/1")
        back.statementId = entry.statementId
        back.additionalInformation = nil
        back.source = entry.source
        XCTAssertEqual(back, entry)
    }

    func testMT942EnvelopedWithSlashCodes() throws {
        var report = header
        report.format = .mt942
        report.balances = []
        var pending = entry
        pending.status = .pending
        pending.transactionCode = BankTransactionCode(proprietary: "NTRF")
        let bytes = try MT940Writer.document(header: report, transactions: [pending], narrative: .slashCodes,
                                             envelope: MT940Writer.Envelope(sender: "COBADEFF", receiver: "DEUTDEFFXXX"))
        XCTAssertEqual(String(decoding: bytes, as: UTF8.self), """
            {1:F01COBADEFFAXXX0000000000}{2:I942DEUTDEFFAXXXN}{4:\r
            :20:STMT-7\r
            :25:COBADEFFXXX/DE89370400440532013000\r
            :28C:12/1\r
            :34F:EUR0,\r
            :13D:2403020600+0100\r
            :61:2403010302C1200,00NTRFINV-1//B-1\r
            :86:/EREF/E2E-1/ORDP/Müller Maschinenbau GmbH und Co. KG Nord/CNT\r
            P/DE44500105175407324931/INGDDEFFXXX///REMI/Invoice 1 of March, t\r
            hank you\r
            :90D:0EUR0,00\r
            :90C:1EUR1200,00\r
            -}\r

            """)
        let read = try parseText(String(decoding: bytes, as: UTF8.self))
        XCTAssertEqual(read.begun.first?.format, .mt942)
        XCTAssertEqual(read.begun.first?.createdAt, "2024-03-02T06:00:00+01:00")
        var back = try XCTUnwrap(read.transactions.first)
        back.statementId = pending.statementId
        back.additionalInformation = nil
        back.source = pending.source
        XCTAssertEqual(back, pending)
    }

    func testWrappedNarrativeNeverEndsALineWithASpace() throws {
        var spaced = entry
        spaced.remittanceInformation = String(repeating: "ab ", count: 40) + "end"
        let bytes = try MT940Writer.document(header: header, transactions: [spaced], narrative: .slashCodes)
        let lines = String(decoding: bytes, as: UTF8.self).split(separator: "\r\n")
        XCTAssertTrue(lines.allSatisfy { $0.count <= 65 && !$0.hasSuffix(" ") })
        XCTAssertEqual(try parseText(String(decoding: bytes, as: UTF8.self)).transactions.first?.remittanceInformation,
                       spaced.remittanceInformation)
    }

    func testStreamingOutputEqualsTheWholeDocument() throws {
        var camtHeader = header
        camtHeader.format = .camt053
        var entries = (1...5).map { sequence -> StatementTransaction in
            var copy = entry
            copy.sequence = sequence
            return copy
        }
        entries[2].creditDebit = .debit
        let whole = try CamtStatementWriter.document(header: camtHeader, transactions: entries)
        var writer = try CamtStatementWriter(format: .camt053)
        writer.beginDocument(messageId: camtHeader.messageId, createdAt: camtHeader.createdAt!)
        var streamed = writer.takeOutput()
        try writer.beginStatement(camtHeader)
        for transaction in entries {
            try writer.entry(transaction)
            streamed += writer.takeOutput()
        }
        writer.endStatement()
        writer.endDocument()
        streamed += writer.takeOutput()
        XCTAssertEqual(streamed, whole)
        XCTAssertEqual(try StatementRoundTripTests.validator("camt.053.001.08").validate(whole), [])
        XCTAssertEqual(String(decoding: whole, as: UTF8.self).split(separator: "\n").filter { $0.hasPrefix("<Ntry>") }.count, 5,
                       "one entry per line")
    }

    func testRewritesTheCamtFixtureUnchanged() throws {
        let original = try Fixture.parse("camt053_v08.xml")
        let header = original.ended[0].header
        let bytes = try CamtStatementWriter.document(header: header, transactions: original.transactions,
                                                     createdAt: "2024-03-02T06:00:00+01:00")
        XCTAssertEqual(try StatementRoundTripTests.validator("camt.053.001.08").validate(bytes), [])
        let again = try parseText(String(decoding: bytes, as: UTF8.self))
        // The fixture's "300.000" is written back as "300.00": the rewrite has no warning left.
        XCTAssertEqual(header.warnings.map(\.code), [.excessZeroDecimals])
        var withoutWarnings = header
        withoutWarnings.warnings = []
        XCTAssertEqual(again.ended[0].header, withoutWarnings)
        XCTAssertEqual(again.ended[0].summary, original.ended[0].summary)
        for (read, first) in zip(again.transactions, original.transactions) {
            var read = read
            read.source = first.source
            assertSameFields(read, first, "entry \(first.sequence)")
        }
    }

    func testVersion02Validates() throws {
        var camtHeader = header
        camtHeader.format = .camt053
        let bytes = try CamtStatementWriter.document(header: camtHeader, transactions: [entry], version: .v02)
        XCTAssertEqual(try StatementRoundTripTests.validator("camt.053.001.02").validate(bytes), [])
        XCTAssertTrue(String(decoding: bytes, as: UTF8.self).contains("<Dbtr><Nm>Müller"))
    }

    func testRefusesValuesTheFormatCannotCarry() throws {
        var long = entry
        long.instructionId = "ABCDEFGHIJKLMNOPQ"
        XCTAssertThrowsError(try MT940Writer.document(header: header, transactions: [long])) { error in
            XCTAssertEqual((error as? StatementError)?.code, .unwritable)
        }
        var question = entry
        question.remittanceInformation = "what?"
        XCTAssertThrowsError(try MT940Writer.document(header: header, transactions: [question], narrative: .subfields))
        var camtHeader = header
        camtHeader.format = .camt053
        var reference = entry
        reference.endToEndId = String(repeating: "x", count: 36)
        XCTAssertThrowsError(try CamtStatementWriter.document(header: camtHeader, transactions: [reference]))
        var domain = entry
        domain.transactionCode = BankTransactionCode(domain: "PMNT")
        XCTAssertThrowsError(try CamtStatementWriter.document(header: camtHeader, transactions: [domain]))
        XCTAssertThrowsError(try CamtStatementWriter(format: .mt940))
    }
}
