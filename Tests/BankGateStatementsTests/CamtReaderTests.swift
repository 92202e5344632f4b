import BankGateCore
import XCTest
@testable import BankGateStatements

/// The hand-written camt samples, field by field.
final class CamtReaderTests: XCTestCase {
    func testCamt053Version08Header() throws {
        let result = try Fixture.parse("camt053_v08.xml")
        XCTAssertEqual(result.begun.count, 1)
        XCTAssertEqual(result.ended.count, 1)
        let header = result.begun[0]
        XCTAssertEqual(header.format, .camt053)
        XCTAssertEqual(header.formatVersion, "camt.053.001.08")
        XCTAssertEqual(header.messageId, "MSG-2024-03-01-001")
        XCTAssertEqual(header.statementId, "STMT-20240301-1")
        XCTAssertEqual(header.electronicSequence, 61)
        XCTAssertEqual(header.legalSequence, 7)
        XCTAssertEqual(header.page, 1)
        XCTAssertEqual(header.createdAt, "2024-03-02T05:59:00+01:00")
        XCTAssertEqual(header.fromDate, "2024-03-01T00:00:00+01:00")
        XCTAssertEqual(header.toDate, "2024-03-01T23:59:59+01:00")
        XCTAssertEqual(header.account, StatementAccount(identifier: "DE89370400440532013000", currency: "EUR",
                                                        servicerBIC: "COBADEFFXXX"))
        XCTAssertEqual(header.balances, [
            StatementBalance(type: "OPBD", amount: money("1000.00", "EUR"), date: "2024-02-29"),
            StatementBalance(type: "CLBD", amount: money("1900.00", "EUR"), date: "2024-03-01"),
            StatementBalance(type: "CLAV", amount: money("1910.00", "EUR"), date: "2024-03-01"),
        ])
        let summary = result.ended[0].summary
        XCTAssertEqual(summary, StatementSummary(entries: 4, bookedCredits: 125_000, bookedDebits: 35_000,
                                                 pendingCredits: 1_050, pendingDebits: 0, integrity: .consistent))
    }

    func testCamt053Version08SingleCreditEntry() throws {
        let entry = try Fixture.parse("camt053_v08.xml").transactions[0]
        let expected = StatementTransaction(
            account: StatementAccount(identifier: "DE89370400440532013000", currency: "EUR", servicerBIC: "COBADEFFXXX"),
            statementId: "STMT-20240301-1", sequence: 1, bookingDate: "2024-03-01", valueDate: "2024-03-01",
            amount: money("1250.00", "EUR"), creditDebit: .credit, isReversal: false, status: .booked,
            bankReference: "E-0001", accountServicerReference: "ASR-778899", endToEndId: "E2E-INV-4711",
            instructionId: "INSTR-5", messageId: "PAIN-778", paymentInformationId: "PMTINF-12",
            uetr: "8a562c67-ca16-48ba-b074-65581be6f011",
            counterparty: Counterparty(name: "Müller & Söhne GmbH", account: "FR1420041010050500013M02606",
                                       bankCode: "BNPAFRPPXXX"),
            remittanceInformation: "Invoice 4711 customer 0815", structuredReference: nil,
            transactionCode: BankTransactionCode(domain: "PMNT", family: "RCDT", subFamily: "ESCT", proprietary: "NTRF+166",
                                                 proprietaryIssuer: "DK"),
            additionalInformation: "SEPA Credit Transfer",
            source: SourcePosition(line: 69, path: "Document/BkToCstmrStmt/Stmt[1]/Ntry[1]"))
        XCTAssertEqual(entry, expected)
    }

    func testBatchEntryTakesTheFirstTransactionDetailsAndTheEntryAmount() throws {
        let entry = try Fixture.parse("camt053_v08.xml").transactions[1]
        XCTAssertEqual(entry.amount, money("300.00", "EUR"), "300.000 has a zero beyond the exponent: accepted")
        let warning = try XCTUnwrap(Fixture.parse("camt053_v08.xml").ended.first?.header.warnings.first)
        XCTAssertEqual(warning.code, .excessZeroDecimals, "… and noted")
        XCTAssertEqual(entry.signedMinorUnits, -30_000)
        XCTAssertEqual(entry.creditDebit, .debit)
        XCTAssertEqual(entry.endToEndId, "SAL-001")
        XCTAssertEqual(entry.paymentInformationId, "BATCH-2024-03")
        // A debit's counterparty is the creditor; a clearing member id stands in for a missing BIC.
        XCTAssertEqual(entry.counterparty, Counterparty(name: "Jane Roe", account: "0012345678", bankCode: "37040044"))
        XCTAssertEqual(entry.structuredReference, "RF18539007547034")
        XCTAssertNil(entry.remittanceInformation)
        XCTAssertEqual(entry.transactionCode, BankTransactionCode(proprietary: "BATCH"))
        XCTAssertEqual(entry.source.line, 139)
    }

    func testReversalAndPendingEntries() throws {
        let entries = try Fixture.parse("camt053_v08.xml").transactions
        XCTAssertEqual(entries.count, 4)
        XCTAssertTrue(entries[2].isReversal)
        XCTAssertEqual(entries[2].creditDebit, .debit)
        XCTAssertEqual(entries[2].amount, money("50", "EUR"))
        XCTAssertNil(entries[2].valueDate)
        XCTAssertEqual(entries[2].transactionCode, BankTransactionCode())
        XCTAssertEqual(entries[2].additionalInformation, "Return of credit E-0000")
        XCTAssertEqual(entries[3].status, .pending, "Sts/Prtry PDNG")
        XCTAssertEqual(entries[3].amount.minorUnits, 1_050)
        XCTAssertNil(entries[3].bookingDate)
        XCTAssertEqual(entries[3].sequence, 4)
    }

    func testCamt053Version02WithTwoStatements() throws {
        let result = try Fixture.parse("camt053_v02.xml")
        XCTAssertEqual(result.begun.map(\.statementId), ["V02-STMT-A", "V02-STMT-B"])
        XCTAssertEqual(result.ended.map(\.header.statementId), ["V02-STMT-A", "V02-STMT-B"])
        let first = result.begun[0]
        XCTAssertEqual(first.formatVersion, "camt.053.001.02")
        XCTAssertEqual(first.account, StatementAccount(identifier: "123-456-789", currency: "USD", servicerBIC: "CHASUS33"))
        XCTAssertEqual(first.openingBalance?.amount.minorUnits, -20_000, "a DBIT balance is negative")
        XCTAssertEqual(first.closingBalance?.amount.minorUnits, 19_950)
        XCTAssertEqual(result.ended[0].summary.integrity, .consistent)
        XCTAssertEqual(result.ended[1].summary.entries, 0)
        XCTAssertEqual(result.ended[1].summary.integrity, .consistent)
        XCTAssertEqual(result.begun[1].account.identifier, "GB29NWBK60161331926819")

        XCTAssertEqual(result.transactions.count, 2)
        let credit = result.transactions[0]
        XCTAssertEqual(credit.status, .booked, "plain .02 status code")
        XCTAssertEqual(credit.counterparty, Counterparty(name: "ACME Corp", account: "998877", bankCode: "BOFAUS3N"),
                       ".02 Dbtr/Nm and BIC")
        XCTAssertEqual(credit.endToEndId, "ACME-PO-77")
        XCTAssertEqual(credit.remittanceInformation, "PO 77 final payment")
        XCTAssertEqual(credit.accountServicerReference, "FED-0001")
        XCTAssertEqual(credit.transactionCode, BankTransactionCode(domain: "PMNT", family: "RCDT", subFamily: "DMCT"))
        let debit = result.transactions[1]
        XCTAssertEqual(debit.bookingDate, "2023-12-29", "DtTm keeps its date part")
        XCTAssertEqual(debit.bankReference, "CHK-1001")
        XCTAssertEqual(debit.counterparty, Counterparty(name: "Office Supplies Inc"))
        XCTAssertEqual(debit.source, SourcePosition(line: 63, path: "Document/BkToCstmrStmt/Stmt[1]/Ntry[2]"))
    }

    func testCamt052Report() throws {
        let result = try Fixture.parse("camt052_v08.xml")
        let header = try XCTUnwrap(result.begun.first)
        XCTAssertEqual(header.format, .camt052)
        XCTAssertEqual(header.format.reportKind, .intraday)
        XCTAssertEqual(header.statementId, "RPT-0900-1")
        XCTAssertEqual(header.balances, [StatementBalance(type: "ITBD", amount: money("5400.25", "CHF"), date: "2024-05-06")])
        XCTAssertEqual(result.ended[0].summary.integrity, .notApplicable(reason: "no opening booked balance"))
        XCTAssertEqual(result.ended[0].summary.pendingDebits, 7_500)
        XCTAssertEqual(result.transactions.map(\.status), [.pending, .info])
        let pending = result.transactions[0]
        XCTAssertEqual(pending.instructionId, "PAY-88")
        XCTAssertEqual(pending.endToEndId, "NOTPROVIDED")
        XCTAssertEqual(pending.counterparty, Counterparty(name: "Stadtwerke Zürich", account: "CH5604835012345678009",
                                                          bankCode: "ZKBKCHZZ80A"))
        XCTAssertEqual(pending.source.path, "Document/BkToCstmrAcctRpt/Rpt[1]/Ntry[1]")
    }

    func testCamt054NotificationInAZeroDecimalCurrency() throws {
        let result = try Fixture.parse("camt054_v08.xml")
        XCTAssertEqual(result.begun.first?.format, .camt054)
        XCTAssertEqual(result.begun.first?.createdAt, "2024-06-10T14:02:11+02:00", "falls back to GrpHdr/CreDtTm")
        XCTAssertEqual(result.begun.first?.account.currency, nil)
        let entry = try XCTUnwrap(result.transactions.first)
        XCTAssertEqual(entry.amount, Money(minorUnits: 15_000, currency: Currency(code: "JPY")!))
        XCTAssertEqual(entry.uetr, "0f7a6b2e-3c1d-4e5f-8a9b-123456789abc")
        XCTAssertEqual(entry.counterparty, Counterparty(name: "Tanaka Trading KK", bankCode: "MHCBJPJT"))
        XCTAssertEqual(entry.valueDate, "2024-06-11")
        XCTAssertEqual(result.ended[0].summary.integrity, .notApplicable(reason: "no opening booked balance"))
    }

    func testReadsTheSameFromBytesAsFromAFile() throws {
        let bytes = try Array(readFile(Fixture.path("camt053_v08.xml")))
        var collector = StatementCollector()
        try CamtReader().read(bytes: bytes, visitor: &collector)
        let fromFile = try Fixture.parse("camt053_v08.xml")
        XCTAssertEqual(collector.transactions, fromFile.transactions)
        XCTAssertEqual(collector.begun, fromFile.begun)
    }

    func testAcceptsIntermediateMinorVersions() throws {
        let document = camtDocument(namespace: "urn:iso:std:iso:20022:tech:xsd:camt.053.001.05", amount: "1.00")
        let result = try parseText(document)
        XCTAssertEqual(result.begun.first?.formatVersion, "camt.053.001.05")
        XCTAssertEqual(result.transactions.first?.amount.minorUnits, 100)
    }
}

/// A minimal camt.053 with one entry, for error and edge cases.
func camtDocument(namespace: String = "urn:iso:std:iso:20022:tech:xsd:camt.053.001.08", amount: String = "12.50",
                  currency: String = "EUR", prolog: String = "", root: String = "BkToCstmrStmt") -> String {
    """
    <?xml version="1.0" encoding="UTF-8"?>
    \(prolog)<Document xmlns="\(namespace)">
    <\(root)>
    <GrpHdr><MsgId>M1</MsgId><CreDtTm>2024-01-01T00:00:00</CreDtTm></GrpHdr>
    <Stmt>
    <Id>S1</Id>
    <Acct><Id><IBAN>DE89370400440532013000</IBAN></Id></Acct>
    <Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">0</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2024-01-01</Dt></Dt></Bal>
    <Ntry>
    <Amt Ccy="\(currency)">\(amount)</Amt>
    <CdtDbtInd>CRDT</CdtDbtInd>
    <Sts><Cd>BOOK</Cd></Sts>
    <BkTxCd/>
    </Ntry>
    </Stmt>
    </\(root)>
    </Document>
    """
}

func readFile(_ path: String) throws -> [UInt8] {
    try Array(Data(contentsOf: URL(fileURLWithPath: path)))
}
