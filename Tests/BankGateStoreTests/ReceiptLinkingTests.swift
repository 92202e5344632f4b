import BankGateCore
import BankGateStore
import Foundation
import XCTest

/// What `ReceiptStore.findLinks` proposes for a receipt: the bank transaction with its serial,
/// else one of the same amount, day and counterparty — confirmed when it is the only candidate,
/// each suggested (unconfirmed) when several fit.
final class ReceiptLinkingTests: XCTestCase {
    var directory: URL!
    var payments: PaymentStore!
    var statements: StatementStore!
    var receipts: ReceiptStore!
    let cny = Currency(code: "CNY")!
    let t0 = Timestamp(milliseconds: 1_795_000_000_000)
    let day = "2026-12-03"

    override func setUp() async throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("bankgate-receipt-links-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        payments = try PaymentStore(path: directory.appendingPathComponent("store.sqlite").path)
        statements = StatementStore(sharing: payments)
        receipts = ReceiptStore(sharing: payments)
    }

    override func tearDown() async throws {
        payments.close()
        try? FileManager.default.removeItem(at: directory)
    }

    func entry(_ identity: String, _ minor: Int64, reference: String?, counterparty: String) -> BankTransactionDraft {
        BankTransactionDraft(identity: identity, statementId: "S", sequence: 1, bookingDate: day, valueDate: day,
                             amount: Money(minorUnits: minor, currency: cny), status: "booked", reversal: false, bankReference: reference,
                             accountServicerReference: nil, endToEndId: nil, instructionId: nil, messageId: nil,
                             paymentInfoId: nil, uetr: nil, counterpartyName: "上海某某贸易有限公司", counterpartyAccount: counterparty,
                             counterpartyBank: nil, remittanceInfo: nil, structuredReference: nil, codeDomain: nil,
                             codeFamily: nil, codeSubFamily: nil, codeProprietary: nil, balanceAfter: nil,
                             additionalInfo: nil, sourceLine: 1, sourcePath: "q")
    }

    /// Imports the day's entries for `cmb-cny` and returns their ids in order.
    func book(_ entries: [BankTransactionDraft]) async throws -> [String] {
        let draft = StatementDraft(accountId: "cmb-cny", format: "camt.053", reportKind: .endOfDay, messageId: "M", statementId: "S",
                                   electronicSequence: nil, legalSequence: nil, page: nil, bankCreatedAt: nil, fromDate: day,
                                   toDate: day, statementDate: day, currency: cny, source: .pull, sourceName: "test")
        let registration = try await statements.beginStatement(draft, at: t0)
        _ = try await statements.insertTransactions(entries, accountId: "cmb-cny", statementRow: registration.row, at: t0)
        let sum = entries.reduce(0) { $0 + $1.amount.minorUnits }
        _ = try await statements.finishStatement(row: registration.row, completion: StatementCompletion(
            entries: entries.count, bookedCredits: 0, bookedDebits: -sum, openingBalance: 1_000_000, closingBalance: 1_000_000 + sum,
            closingAvailable: nil, integrity: .consistent, expectedClosing: 1_000_000 + sum, balances: []), at: t0)
        return try await statements.transactions(accountId: "cmb-cny", from: nil, to: nil, after: nil, limit: 100).map(\.id)
    }

    func receipt(serial: String?, minor: Int64 = 50_000, counterparty: String = "31001234567890123") -> ReceiptDraft {
        ReceiptDraft(bankId: "cmb", accountId: "cmb-cny", bookingDate: day, amount: Money(minorUnits: minor, currency: cny),
                     direction: "debit", counterpartyName: "上海某某贸易有限公司", counterpartyAccount: counterparty,
                     receiptNumber: nil, bankSerial: serial, contentType: "application/pdf", sha256: String(repeating: "0", count: 64),
                     size: 1, origin: .rendered)
    }

    func testTheBankSerialFindsItsTransaction() async throws {
        let ids = try await book([entry("A", -50_000, reference: "SIM0001", counterparty: "31001234567890123"),
                                  entry("B", -50_000, reference: "SIM0002", counterparty: "31001234567890123")])
        let links = try await receipts.findLinks(for: receipt(serial: "SIM0002"))
        XCTAssertEqual(links, [ReceiptLinkDraft(transactionId: ids[1], method: .bankSerial, confirmed: true)])
    }

    func testOneCandidateByAmountDateAndCounterpartyIsConfirmedSeveralAreSuggestions() async throws {
        let ids = try await book([entry("A", -50_000, reference: nil, counterparty: "31001234567890123"),
                                  entry("B", -50_000, reference: nil, counterparty: "31001234567890123"),
                                  entry("C", -70_000, reference: nil, counterparty: "31001234567890123"),
                                  entry("D", -70_000, reference: nil, counterparty: "6225880000000001")])
        // An unknown serial falls back to amount, day and counterparty.
        let several = try await receipts.findLinks(for: receipt(serial: "SIM9999", minor: 50_000))
        XCTAssertEqual(several, [ReceiptLinkDraft(transactionId: ids[0], method: .amountDateCounterparty, confirmed: false),
                                 ReceiptLinkDraft(transactionId: ids[1], method: .amountDateCounterparty, confirmed: false)])
        let one = try await receipts.findLinks(for: receipt(serial: nil, minor: 70_000))
        XCTAssertEqual(one, [ReceiptLinkDraft(transactionId: ids[2], method: .amountDateCounterparty, confirmed: true)])
        let none = try await receipts.findLinks(for: receipt(serial: nil, minor: 12_300))
        XCTAssertEqual(none, [])
    }
}
