import BankGateCore
import XCTest
@testable import BankGateStatements

/// The hand-written MT940/MT942 samples, field by field.
final class MT940ReaderTests: XCTestCase {
    func testBareStatement() throws {
        let result = try Fixture.parse("mt940_bare.sta")
        let header = try XCTUnwrap(result.begun.first)
        XCTAssertEqual(header.format, .mt940)
        XCTAssertEqual(header.messageId, "STMT240301")
        XCTAssertEqual(header.statementId, "STMT240301/00061/001")
        XCTAssertEqual(header.electronicSequence, 61)
        XCTAssertEqual(header.page, 1)
        XCTAssertEqual(header.account, StatementAccount(identifier: "DE89370400440532013000", currency: "EUR"))
        XCTAssertEqual(header.balances, [StatementBalance(type: "OPBD", amount: money("1000.00", "EUR"), date: "2024-02-29")],
                       "only the opening balance is known at the start")
        let end = try XCTUnwrap(result.ended.first)
        XCTAssertEqual(end.header.balances, [
            StatementBalance(type: "OPBD", amount: money("1000.00", "EUR"), date: "2024-02-29"),
            StatementBalance(type: "CLBD", amount: money("1900.00", "EUR"), date: "2024-03-01"),
            StatementBalance(type: "CLAV", amount: money("1910.00", "EUR"), date: "2024-03-01"),
            StatementBalance(type: "FWAV", amount: money("1910.00", "EUR"), date: "2024-03-04"),
        ])
        XCTAssertEqual(end.summary, StatementSummary(entries: 3, bookedCredits: 125_000, bookedDebits: 35_000,
                                                     pendingCredits: 0, pendingDebits: 0, integrity: .consistent))

        XCTAssertEqual(result.transactions.count, 3)
        let first = result.transactions[0]
        XCTAssertEqual(first, StatementTransaction(
            account: header.account, statementId: "STMT240301/00061/001", sequence: 1, bookingDate: "2024-03-01",
            valueDate: "2024-03-01", amount: money("1250.00", "EUR"), creditDebit: .credit, status: .booked,
            bankReference: "BREF-0001", instructionId: "INV-4711",
            remittanceInformation: "Invoice 4711 customer 0815 thank you for your payment of the open items",
            transactionCode: BankTransactionCode(proprietary: "NTRF"),
            additionalInformation: "Invoice 4711 customer 0815 thank you for your payment of the\n open items",
            source: SourcePosition(line: 5, path: "message 1 :61: #1")))
        let second = result.transactions[1]
        XCTAssertNil(second.instructionId, "NONREF")
        XCTAssertNil(second.bookingDate)
        XCTAssertEqual(second.amount.minorUnits, 30_000, "300, has no decimals after the comma")
        XCTAssertEqual(second.transactionCode.proprietary, "NMSC")
        let reversal = result.transactions[2]
        XCTAssertTrue(reversal.isReversal)
        XCTAssertEqual(reversal.creditDebit, .debit, "RC reverses a credit: a debit")
        XCTAssertEqual(reversal.instructionId, "E-0000")
        XCTAssertNil(reversal.bankReference)
        XCTAssertNil(reversal.additionalInformation, "the :86: after :65: belongs to the statement")
    }

    func testEnvelopedMessagesWithCRLFAndTrailingSpaces() throws {
        let result = try Fixture.parse("mt940_enveloped.sta")
        XCTAssertEqual(result.ended.map(\.header.statementId), ["SWIFT-1/5/1", "SWIFT-2/6/1"])
        XCTAssertEqual(result.ended.map(\.summary.integrity), [.consistent, .consistent])
        let header = result.begun[0]
        XCTAssertEqual(header.messageId, "SWIFT-1")
        XCTAssertEqual(header.account, StatementAccount(identifier: "0532013000", currency: "EUR", servicerBIC: "COBADEFFXXX"))
        XCTAssertEqual(header.openingBalance?.amount, money("500.00", "EUR"))

        let debit = result.transactions[0]
        XCTAssertEqual(debit.bookingDate, "2024-03-02")
        XCTAssertEqual(debit.creditDebit, .debit)
        XCTAssertFalse(debit.isReversal, "D with funds code R is not a reversal")
        XCTAssertEqual(debit.amount.minorUnits, 12_050)
        XCTAssertEqual(debit.instructionId, "PAY-77")
        XCTAssertEqual(debit.bankReference, "8800123")
        XCTAssertEqual(debit.endToEndId, "E2E-PAY-77")
        XCTAssertEqual(debit.counterparty, Counterparty(name: "Acme Supplies Ltd", account: "GB29NWBK60161331926819",
                                                        bankCode: "NWBKGB2L"), "CNTP split over two lines")
        XCTAssertEqual(debit.remittanceInformation, "Order 2024/17 final", "a slash inside REMI is kept")
        XCTAssertEqual(debit.source, SourcePosition(line: 6, path: "message 1 :61: #1"))

        let credit = result.transactions[1]
        XCTAssertEqual(credit.amount.minorUnits, 2_000)
        XCTAssertNil(credit.instructionId)
        XCTAssertEqual(credit.counterparty, Counterparty(name: "Jane Roe"), "ORDP names the payer of a credit")
        XCTAssertEqual(credit.uetr, "0f7a6b2e-3c1d-4e5f-8a9b-123456789abc")
        XCTAssertEqual(credit.remittanceInformation, "Refund")
        XCTAssertEqual(credit.sequence, 1)
    }

    func testGermanSubfieldsInLatin1() throws {
        let result = try Fixture.parse("mt940_subfields.sta")
        XCTAssertEqual(result.begun.first?.account.identifier, "37040044/0532013000", "a BLZ prefix is not a BIC")
        XCTAssertEqual(result.begun.first?.openingBalance?.amount.minorUnits, -15_000)
        XCTAssertEqual(result.ended.first?.summary.integrity, .consistent)
        let entries = result.transactions
        XCTAssertEqual(entries.count, 4)

        let credit = entries[0]
        XCTAssertEqual(credit.valueDate, "2023-12-31")
        XCTAssertEqual(credit.bookingDate, "2024-01-02", "the entry date crosses the year end")
        XCTAssertEqual(credit.creditDebit, .credit)
        XCTAssertFalse(credit.isReversal)
        XCTAssertNil(credit.instructionId)
        XCTAssertEqual(credit.bankReference, "KREF-99")
        XCTAssertEqual(credit.endToEndId, "RE-2023-12-0042")
        XCTAssertEqual(credit.remittanceInformation, "Rechnung 2023-12-0042 vom 20.12.2023")
        XCTAssertEqual(credit.counterparty, Counterparty(name: "Müller Maschinenbau GmbH & Co. KG",
                                                         account: "DE44500105175407324931", bankCode: "COBADEFFXXX"))
        XCTAssertEqual(credit.transactionCode, BankTransactionCode(proprietary: "NTRF+166"))
        XCTAssertEqual(credit.additionalInformation?.split(separator: "\n").count, 4)

        let debit = entries[1]
        XCTAssertEqual(debit.bookingDate, "2023-12-31")
        XCTAssertEqual(debit.instructionId, "MANDAT-001")
        XCTAssertEqual(debit.bankReference, "DD-31")
        XCTAssertEqual(debit.supplementaryDetails, "Lastschrift Strom")
        XCTAssertEqual(debit.endToEndId, "NOTPROVIDED")
        XCTAssertEqual(debit.remittanceInformation, "Strom Dezember")
        XCTAssertEqual(debit.counterparty, Counterparty(name: "Stadtwerke München", account: "DE02700100800030876808",
                                                        bankCode: "BYLADEMMXXX"))
        XCTAssertEqual(debit.transactionCode.proprietary, "NDDT+105")

        let reversal = entries[2]
        XCTAssertTrue(reversal.isReversal)
        XCTAssertEqual(reversal.creditDebit, .credit, "RD reverses a debit: a credit")
        XCTAssertEqual(reversal.remittanceInformation, "Gebühren Dezember Konto 123", "purpose lines without keywords")

        let fee = entries[3]
        XCTAssertNil(fee.instructionId, "no customer reference at all")
        XCTAssertNil(fee.bankReference)
        XCTAssertEqual(fee.remittanceInformation, "Kontoführung")
        XCTAssertEqual(fee.bookingDate, "2024-01-02")
    }

    func testSeveralStatementsWithSeparatorsAndAnInconsistentOne() throws {
        let result = try Fixture.parse("mt940_multi.sta")
        XCTAssertEqual(result.ended.map(\.header.statementId), ["MULTI-1/1", "MULTI-2/2", "MULTI-3/3"])
        XCTAssertEqual(result.ended.map(\.summary.integrity),
                       [.consistent, .inconsistent(expectedClosing: 7_000, statedClosing: 7_500), .consistent])
        XCTAssertEqual(result.transactions.count, 2)
        let debit = result.transactions[1]
        XCTAssertNil(debit.instructionId, "customer reference missing before //")
        XCTAssertEqual(debit.bankReference, "BANK-B")
        XCTAssertEqual(debit.statementId, "MULTI-2/2")
        let intermediate = result.ended[2].header
        XCTAssertEqual(intermediate.openingBalance?.isIntermediate, true)
        XCTAssertEqual(intermediate.closingBalance?.isIntermediate, true)
    }

    func testMT942() throws {
        let result = try Fixture.parse("mt942.sta")
        let header = try XCTUnwrap(result.begun.first)
        XCTAssertEqual(header.format, .mt942)
        XCTAssertEqual(header.createdAt, "2024-05-06T09:00:00+02:00")
        XCTAssertEqual(header.account.currency, "CHF", "from :34F:")
        XCTAssertEqual(result.transactions.map(\.status), [.pending, .pending])
        XCTAssertEqual(result.transactions[0].counterparty.name, "Stadtwerke Zürich")
        XCTAssertEqual(result.transactions[0].remittanceInformation, "Strom April")
        XCTAssertEqual(result.transactions[0].bookingDate, "2024-05-06")
        XCTAssertEqual(result.transactions[1].transactionCode.proprietary, "NINT")
        XCTAssertNil(result.transactions[1].additionalInformation, "the :86: after :90C: is not the entry's")
        XCTAssertEqual(result.ended[0].summary.integrity, .consistent, ":90D:/:90C: agree with the entries")
        XCTAssertEqual(result.ended[0].header.warnings, [])
        XCTAssertEqual(result.ended[0].summary.pendingDebits, 7_500)
    }

    func testStatementLineVariants() throws {
        let chf = Currency(code: "CHF")!
        let full = try MT940Fields.statementLine("2401150116RCK1234,5NMSCREF 1//BANK/9", currency: chf)
        XCTAssertEqual(full.valueDate, "2024-01-15")
        XCTAssertEqual(full.entryDate, "2024-01-16")
        XCTAssertEqual(full.creditDebit, .debit)
        XCTAssertTrue(full.isReversal)
        XCTAssertEqual(full.fundsCode, "K")
        XCTAssertEqual(full.amount.minorUnits, 123_450)
        XCTAssertEqual(full.typeCode, "NMSC")
        XCTAssertEqual(full.customerReference, "REF 1")
        XCTAssertEqual(full.bankReference, "BANK/9")

        let wrapBack = try MT940Fields.statementLine("2401021231D1,00NTRF", currency: chf)
        XCTAssertEqual(wrapBack.entryDate, "2023-12-31", "entry in December for a January value date")
        let swift = try MT940Fields.statementLine("240102C1,00S103PAY", currency: chf)
        XCTAssertEqual(swift.typeCode, "S103")
        XCTAssertEqual(swift.customerReference, "PAY")
    }

    func testNarrativeLayouts() {
        let subfields = MT940Narrative(lines: ["?20EREF+A1?21SVWZ+pay", "ment?32NAME"], creditDebit: .credit)
        XCTAssertEqual(subfields.endToEndId, "A1")
        XCTAssertEqual(subfields.remittance, "payment")
        XCTAssertEqual(subfields.counterparty.name, "NAME")
        let slash = MT940Narrative(lines: ["/BENM/Bob/ORDP/Alice/REMI/x/y/"], creditDebit: .debit)
        XCTAssertEqual(slash.counterparty.name, "Bob", "a debit pays the beneficiary")
        XCTAssertEqual(slash.remittance, "x/y")
        let free = MT940Narrative(lines: [String(repeating: "a", count: 65), "bc", "de"], creditDebit: .debit)
        XCTAssertEqual(free.remittance, String(repeating: "a", count: 65) + "bc de")
    }
}
