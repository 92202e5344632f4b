import BankGateAdapters
import BankGateCore
import BankGateStatements
import XCTest

/// ISO 20022 receipts: a camt.060 asking for camt.054, and the golden notification read into one
/// receipt per booked entry.
final class ISO20022ReceiptTests: XCTestCase {
    let adapter = ISO20022Adapter(painVersion: .v09)
    let eur = Currency(code: "EUR")!
    var debtor: DebtorAccount {
        DebtorAccount(id: "acme-eur", bankId: "sim", number: "FR7630006000011234567890189", bankCode: "AGRIFRPPXXX",
                      name: "ACME SAS", currency: eur)
    }

    func testTheQueryAsksForCamt054OfTheDays() throws {
        let query = try adapter.encodeReceiptQuery(account: debtor, fromDate: "2026-11-23", toDate: "2026-11-23", continuation: nil,
                                                   queryId: "RCPT-1", createdAt: Timestamp(milliseconds: 1_795_428_000_000))
        let text = String(decoding: query.bytes, as: UTF8.self)
        for expected in ["urn:iso:std:iso:20022:tech:xsd:camt.060.001.05", "<MsgId>RCPT-1</MsgId>",
                         "<ReqdMsgNmId>camt.054.001.08</ReqdMsgNmId>", "<IBAN>FR7630006000011234567890189</IBAN>",
                         "<FrDt>2026-11-23</FrDt>", "<ToDt>2026-11-23</ToDt>"] {
            XCTAssertTrue(text.contains(expected), "\(expected) not in \(text)")
        }
        XCTAssertTrue(adapter.capabilities.contains(.receipts))
        XCTAssertNil(try adapter.encodeReceiptDocumentRequest(for: BankReceipt(accountNumber: debtor.number, bookingDate: "2026-11-23",
                                                                               amount: Money(minorUnits: 1, currency: eur), direction: .debit),
                                                              account: debtor, queryId: "D", createdAt: Timestamp(milliseconds: 0)))
    }

    func testTheGoldenNotificationIsOneReceiptPerBookedEntry() throws {
        let page = try adapter.decodeReceiptQueryPage(try ISO20022Fixtures.sample("camt.054.001.08-receipts.xml"), account: debtor)
        XCTAssertNil(page.continuation)
        XCTAssertEqual(page.receipts.count, 2, "the pending entry is no receipt")
        let debit = page.receipts[0], credit = page.receipts[1]
        XCTAssertEqual(debit.receiptNumber, "BNK-20261123-000117")
        XCTAssertEqual(debit.bankSerial, "BNK-20261123-000117")
        XCTAssertEqual(debit.clientReference, "BGI2026112300000000000042", "our instruction id")
        XCTAssertEqual(debit.extraFields["EndToEndId"], "E2E-2026-0042")
        XCTAssertEqual(debit.accountNumber, "FR7630006000011234567890189")
        XCTAssertEqual(debit.bookingDate, "2026-11-23")
        XCTAssertEqual(debit.amount, Money(minorUnits: 123_456, currency: eur))
        XCTAssertEqual(debit.direction, .debit)
        XCTAssertEqual(debit.counterparty.name, "Muster GmbH")
        XCTAssertEqual(debit.counterparty.account, "DE89370400440532013000")
        XCTAssertEqual(debit.purpose, "INV 2026 42")
        XCTAssertEqual(debit.kind, "Debit notification (PMNT/ICDT/ESCT)")
        XCTAssertEqual(debit.extraFields["MsgId"], "BGM2026112300000042")
        XCTAssertNil(debit.document, "data: bankgate renders it")
        XCTAssertEqual(credit.direction, .credit)
        XCTAssertEqual(credit.amount, Money(minorUnits: 50_000, currency: eur))
        XCTAssertEqual(credit.counterparty.name, "Dupont SARL")
        XCTAssertEqual(credit.clientReference, "DUP-77", "no InstrId: the end-to-end id")
        XCTAssertEqual(credit.kind, "Credit notification (PMNT/RCDT/ESCT)")
    }

    func testWhatIsNotThisAccountsNotificationIsRefused() throws {
        var other = debtor
        other.number = "DE89370400440532013000"
        XCTAssertThrowsError(try adapter.decodeReceiptQueryPage(try ISO20022Fixtures.sample("camt.054.001.08-receipts.xml"), account: other))
        XCTAssertThrowsError(try adapter.decodeReceiptQueryPage(try ISO20022Fixtures.sample("pain.002.001.10-accepted.xml"), account: debtor))
        XCTAssertThrowsError(try adapter.decodeReceiptQueryPage(try ISO20022Fixtures.sample("hostile-xxe.xml"), account: debtor))
        XCTAssertEqual(try adapter.decodeReceiptQueryPage([], account: debtor).receipts, [])
    }
}
