import BankGateCore
import BankGateStore
import Foundation
import XCTest

/// Receipts in the store: one row per bank identity, links, filters, the audit record and the
/// `receipt.available` event written with each.
final class ReceiptStoreTests: XCTestCase {
    var directory: URL!
    var payments: PaymentStore!
    var receipts: ReceiptStore!
    var reconciliation: ReconciliationStore!
    let cny = Currency(code: "CNY")!
    let t0 = Timestamp(milliseconds: 1_795_000_000_000)

    override func setUp() async throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("bankgate-receipts-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        payments = try PaymentStore(path: directory.appendingPathComponent("store.sqlite").path)
        receipts = ReceiptStore(sharing: payments)
        reconciliation = ReconciliationStore(sharing: payments)
    }

    override func tearDown() async throws {
        payments.close()
        try? FileManager.default.removeItem(at: directory)
    }

    func draft(number: String? = "HD001", serial: String? = "SER1", minor: Int64 = 123_456, date: String = "2026-12-03",
               account: String = "cmb-cny", sha: String = String(repeating: "ab", count: 32)) -> ReceiptDraft {
        ReceiptDraft(bankId: "cmb", accountId: account, bookingDate: date, amount: Money(minorUnits: minor, currency: cny),
                     direction: "debit", counterpartyName: "上海某某有限公司", counterpartyAccount: "6225880000000001",
                     counterpartyBank: "招商银行上海分行", receiptNumber: number, bankSerial: serial, clientReference: "REF1",
                     kind: "转账回单", purpose: "货款", contentType: "application/pdf", sha256: sha, size: 2048, origin: .rendered,
                     template: "default.toml", sourceMessageId: 7)
    }

    func testInsertStoresOnceAndReturnsTheStoredOneForADuplicate() async throws {
        let first = try await receipts.insert(draft(), links: [ReceiptLinkDraft(paymentId: "pay_1", method: .clientReference, confirmed: true)],
                                              at: t0)
        XCTAssertTrue(first.inserted)
        XCTAssertEqual(first.addedLinks, 1)
        XCTAssertTrue(first.receipt.id.hasPrefix("rcp_"))
        XCTAssertEqual(first.receipt.draft.counterpartyName, "上海某某有限公司")
        XCTAssertEqual(first.receipt.draft.amount.minorUnits, 123_456)
        XCTAssertEqual(first.receipt.draft.origin, .rendered)
        XCTAssertEqual(first.receipt.draft.sourceMessageId, 7)

        // Same receipt number, another file (a new rendering): the stored one, no second row.
        let again = try await receipts.insert(draft(sha: String(repeating: "cd", count: 32)),
                                              links: [ReceiptLinkDraft(paymentId: "pay_1", method: .clientReference, confirmed: true)],
                                              at: t0.adding(milliseconds: 1_000))
        XCTAssertFalse(again.inserted)
        XCTAssertEqual(again.addedLinks, 0)
        XCTAssertEqual(again.receipt.id, first.receipt.id)
        XCTAssertEqual(again.receipt.draft.sha256, String(repeating: "ab", count: 32))
        let all = try await receipts.receipts(ReceiptFilter(), after: nil, limit: 10)
        XCTAssertEqual(all.map(\.id), [first.receipt.id])

        // The same number on another account is another receipt.
        let other = try await receipts.insert(draft(account: "cmb-usd"), links: [], at: t0)
        XCTAssertTrue(other.inserted)
        XCTAssertNotEqual(other.receipt.id, first.receipt.id)
    }

    func testIdentityFallsBackToSerialThenHash() async throws {
        let bySerial = try await receipts.insert(draft(number: nil, serial: "S-9"), links: [], at: t0)
        let sameSerial = try await receipts.insert(draft(number: nil, serial: "S-9", sha: String(repeating: "ef", count: 32)),
                                                   links: [], at: t0)
        XCTAssertTrue(bySerial.inserted)
        XCTAssertFalse(sameSerial.inserted)
        let byHash = try await receipts.insert(draft(number: nil, serial: nil, sha: String(repeating: "01", count: 32)), links: [], at: t0)
        let otherHash = try await receipts.insert(draft(number: nil, serial: nil, sha: String(repeating: "02", count: 32)), links: [], at: t0)
        let sameHash = try await receipts.insert(draft(number: nil, serial: nil, sha: String(repeating: "01", count: 32)), links: [], at: t0)
        XCTAssertTrue(byHash.inserted)
        XCTAssertTrue(otherHash.inserted)
        XCTAssertFalse(sameHash.inserted)
        XCTAssertEqual(sameHash.receipt.id, byHash.receipt.id)
    }

    func testEveryInsertWritesItsAuditRecordAndEventWithTheLinks() async throws {
        let before = try await payments.events(after: 0, limit: 1_000).count
        let result = try await receipts.insert(draft(), links: [
            ReceiptLinkDraft(paymentId: "pay_7", method: .clientReference, confirmed: true),
            ReceiptLinkDraft(transactionId: "btx_42", method: .bankSerial, confirmed: true),
        ], at: t0)
        let events = try await payments.events(after: 0, limit: 1_000)
        XCTAssertEqual(events.count, before + 1)
        let event = try XCTUnwrap(events.last)
        XCTAssertEqual(event.type, "receipt.available")
        XCTAssertEqual(event.paymentId, "pay_7")
        XCTAssertTrue(event.payloadJSON.contains("\"receipt_id\":\"\(result.receipt.id)\""), event.payloadJSON)
        XCTAssertTrue(event.payloadJSON.contains("\"amount\":\"1234.56\""), event.payloadJSON)
        XCTAssertTrue(event.payloadJSON.contains("\"payment_id\":\"pay_7\""), event.payloadJSON)
        XCTAssertTrue(event.payloadJSON.contains("\"transaction_id\":\"btx_42\""), event.payloadJSON)
        XCTAssertTrue(event.payloadJSON.contains("\"method\":\"bank_serial\""), event.payloadJSON)
        let audit = try await reconciliation.auditEntries(subjectKind: "receipt", subjectId: result.receipt.id)
        XCTAssertEqual(audit.map(\.action), ["receipt.stored"])

        // A duplicate writes no event; a link it brings that was missing is added and audited.
        _ = try await receipts.insert(draft(), links: [ReceiptLinkDraft(transactionId: "btx_42", method: .bankSerial, confirmed: true)],
                                      at: t0)
        let dup = try await receipts.insert(draft(), links: [ReceiptLinkDraft(transactionId: "btx_43", method: .amountDateCounterparty,
                                                                                confirmed: false)], at: t0)
        XCTAssertEqual(dup.addedLinks, 1)
        XCTAssertEqual(dup.receipt.links.count, 3)
        let after = try await payments.events(after: 0, limit: 1_000)
        XCTAssertEqual(after.count, before + 1)
        let audited = try await reconciliation.auditEntries(subjectKind: "receipt", subjectId: result.receipt.id)
        XCTAssertEqual(audited.map(\.action), ["receipt.stored", "receipt.linked"])
    }

    func testListingFiltersAndPagesWithACursor() async throws {
        let a = try await receipts.insert(draft(number: "A", date: "2026-12-01"),
                                          links: [ReceiptLinkDraft(paymentId: "pay_a", transactionId: "btx_1", method: .clientReference,
                                                                   confirmed: true)], at: t0)
        let b = try await receipts.insert(draft(number: "B", date: "2026-12-02"),
                                          links: [ReceiptLinkDraft(paymentId: "pay_b", method: .amountDateCounterparty, confirmed: false)],
                                          at: t0)
        let c = try await receipts.insert(draft(number: "C", date: "2026-12-03", account: "icbc-cny"), links: [], at: t0)

        let byAccount = try await receipts.receipts(ReceiptFilter(accountId: "cmb-cny"), after: nil, limit: 10)
        XCTAssertEqual(byAccount.map(\.id), [a.receipt.id, b.receipt.id])
        let byDates = try await receipts.receipts(ReceiptFilter(fromDate: "2026-12-02", toDate: "2026-12-03"), after: nil, limit: 10)
        XCTAssertEqual(byDates.map(\.id), [b.receipt.id, c.receipt.id])
        let byPayment = try await receipts.receipts(ReceiptFilter(paymentId: "pay_b"), after: nil, limit: 10)
        XCTAssertEqual(byPayment.map(\.id), [b.receipt.id])
        let byTransaction = try await receipts.receipts(ReceiptFilter(transactionId: "btx_1"), after: nil, limit: 10)
        XCTAssertEqual(byTransaction.map(\.id), [a.receipt.id])
        let unknownTransaction = try await receipts.receipts(ReceiptFilter(transactionId: "nonsense"), after: nil, limit: 10)
        XCTAssertEqual(unknownTransaction, [])
        // Linked means a confirmed link: a suggestion alone does not count.
        let linked = try await receipts.receipts(ReceiptFilter(linked: true), after: nil, limit: 10)
        XCTAssertEqual(linked.map(\.id), [a.receipt.id])
        let unlinked = try await receipts.receipts(ReceiptFilter(linked: false), after: nil, limit: 10)
        XCTAssertEqual(unlinked.map(\.id), [b.receipt.id, c.receipt.id])

        let page1 = try await receipts.receipts(ReceiptFilter(), after: nil, limit: 2)
        XCTAssertEqual(page1.map(\.id), [a.receipt.id, b.receipt.id])
        let page2 = try await receipts.receipts(ReceiptFilter(), after: page1.last?.id, limit: 2)
        XCTAssertEqual(page2.map(\.id), [c.receipt.id])

        let fetched = try await receipts.receipt(id: a.receipt.id)
        XCTAssertEqual(fetched?.links.first?.transactionId, "btx_1")
        XCTAssertEqual(fetched?.links.first?.method, .clientReference)
        let linksOfB = try await receipts.links(receiptId: b.receipt.id)
        XCTAssertEqual(linksOfB.map(\.confirmed), [false])
        let missing = try await receipts.receipt(id: "rcp_999")
        XCTAssertNil(missing)
        let forPayment = try await receipts.receipts(paymentId: "pay_a")
        XCTAssertEqual(forPayment.map(\.id), [a.receipt.id])
    }
}
