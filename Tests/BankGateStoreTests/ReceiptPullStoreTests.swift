import BankGateCore
import BankGateStore
import Foundation
import XCTest

/// The bookkeeping of receipt pulls: each pull recorded and audited, what is due after it, the
/// completed payments that make one pull of their account and day due, and what is still without
/// a receipt.
final class ReceiptPullStoreTests: XCTestCase {
    var directory: URL!
    var payments: PaymentStore!
    var receipts: ReceiptStore!
    let eur = Currency(code: "EUR")!
    /// 2026-11-18T20:53:20Z.
    let t0 = Timestamp(milliseconds: 1_795_000_000_000)

    override func setUp() async throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("bankgate-receipt-pulls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        payments = try PaymentStore(path: directory.appendingPathComponent("store.sqlite").path)
        receipts = ReceiptStore(sharing: payments)
    }

    override func tearDown() async throws {
        payments.close()
        try? FileManager.default.removeItem(at: directory)
    }

    var day: String { t0.dateString }

    func run(_ trigger: ReceiptPullTrigger, attempt: Int = 1, at: Timestamp, ok: Bool, next: Timestamp? = nil,
             account: String = "acme-eur") -> ReceiptPullRun {
        ReceiptPullRun(accountId: account, bookingDate: day, trigger: trigger, attempt: attempt, startedAt: at,
                       finishedAt: at.adding(milliseconds: 5), succeeded: ok, listed: ok ? 2 : 0, newReceipts: ok ? 1 : 0,
                       errorCode: ok ? nil : "bank_unreachable", errorMessage: ok ? nil : "the receipt query failed: connection refused",
                       nextAttemptAt: next)
    }

    /// Accepts payment `pay_<n>` of `account` and completes it at `at` (a bank report).
    func complete(_ n: Int, account: String = "acme-eur", at: Timestamp) async throws {
        let draft = PaymentDraft(id: "pay_\(n)", batchId: nil, submissionId: "s\(n)", debtorAccountId: account, bankId: "sim",
                                 amount: Money(minorUnits: Int64(100 * n), currency: eur),
                                 creditor: Party(name: "Creditor \(n)", account: "GB82WEST12345698765432", bankCode: "WESTGB2L"),
                                 remittanceInfo: nil, endToEndId: "E2E-\(n)", instructionId: "I-\(n)", requestedExecutionDate: day)
        let submission = SubmissionDraft(id: "s\(n)", bankId: "sim", debtorAccountId: account, messageId: "MSG-s\(n)",
                                         paymentInfoId: "PMT-s\(n)", messageKind: "pain.001.001.09", requestedExecutionDate: day)
        _ = try await payments.accept([draft], submissions: [submission],
                                      claim: IdempotencyClaim(client: "t", key: "k\(n)", fingerprint: "f"), at: at)
        _ = try await payments.beginSend(submissionId: "s\(n)", paymentIds: ["pay_\(n)"],
                                         message: MessageToArchive(direction: .outbound, kind: "pain.001.001.09", bytes: [1]), at: at)
        let report = StatusReport(reportId: "R\(n)", originalMessageId: "MSG-s\(n)", groupStatus: "ACSC",
                                  groupOutcome: TransactionOutcome(endToEndId: nil, instructionId: nil, bankStatus: "ACSC", status: .completed),
                                  transactions: [])
        try await payments.recordSend(submissionId: "s\(n)", answer: MessageToArchive(direction: .inbound, kind: "pain.002", httpStatus: 200, bytes: [2]),
                                      resolution: .report(report), at: at)
    }

    func testAFailedPullIsRecordedAuditedAndDueAgainASuccessEndsIt() async throws {
        let next = t0.adding(milliseconds: 60_000)
        let failed = try await receipts.recordPull(run(.onDemand, at: t0, ok: false, next: next))
        XCTAssertTrue(failed.id.hasPrefix("rpl_"), failed.id)
        let due = try await receipts.duePull(accountId: "acme-eur", date: day)
        XCTAssertEqual(due?.trigger, .retry)
        XCTAssertEqual(due?.attempts, 1)
        XCTAssertEqual(due?.nextAttemptAt, next)

        let retried = try await receipts.recordPull(run(.retry, attempt: 2, at: next, ok: true))
        let afterSuccess = try await receipts.duePull(accountId: "acme-eur", date: day)
        XCTAssertNil(afterSuccess, "a pull that went through leaves nothing due")

        let pulls = try await receipts.pulls(accountId: "acme-eur", fromDate: day, toDate: day)
        XCTAssertEqual(pulls.map(\.id), [failed.id, retried.id])
        XCTAssertEqual(pulls.map(\.outcome), ["failed", "ok"])
        XCTAssertEqual(pulls.first?.errorMessage, "the receipt query failed: connection refused")
        XCTAssertEqual(pulls.first?.nextAttemptAt, next)
        XCTAssertEqual(pulls.last?.attempt, 2)
        XCTAssertEqual(pulls.last?.listed, 2)

        let audit = try await ReconciliationStore(sharing: payments).auditEntries(subjectKind: "account", subjectId: "acme-eur")
        XCTAssertEqual(audit.map(\.action), ["receipt.pull_failed", "receipt.pulled"])
        XCTAssertTrue(audit.first?.details?.contains("connection refused") == true, "\(audit)")
    }

    /// A bank in China books at 17:00 UTC on the next day: the pull after the payment asks for that
    /// day, and the report and the missing list count the payment on it.
    func testAPaymentCompletedInTheEveningIsDueOnItsBanksDay() async throws {
        let evening = Timestamp.parseDate("2026-12-03")!.adding(milliseconds: 17 * 3_600_000)
        try await complete(1, at: evening)
        try await complete(2, account: "other", at: evening)
        let offsets = ["acme-eur": 480, "other": 0]
        _ = try await receipts.collectCompletedPayments(accounts: offsets, at: evening.adding(milliseconds: 1_000))
        let due = try await receipts.duePulls()
        XCTAssertEqual(due.map { "\($0.accountId) \($0.bookingDate)" }.sorted(), ["acme-eur 2026-12-04", "other 2026-12-03"])

        let onItsDay = try await receipts.expectations(accountId: "acme-eur", fromDate: "2026-12-04", toDate: "2026-12-04",
                                                       unlinkedOnly: true, bookingDayOffsets: offsets)
        XCTAssertEqual(onItsDay.map(\.id), ["pay_1"])
        XCTAssertEqual(onItsDay.first?.bookingDate, "2026-12-04")
        let onTheUTCDay = try await receipts.expectations(accountId: "acme-eur", fromDate: "2026-12-03", toDate: "2026-12-03",
                                                          unlinkedOnly: true, bookingDayOffsets: offsets)
        XCTAssertTrue(onTheUTCDay.isEmpty, "\(onTheUTCDay)")
        let everyAccount = try await receipts.expectations(accountId: nil, fromDate: "2026-12-03", toDate: "2026-12-03",
                                                           unlinkedOnly: true, bookingDayOffsets: offsets)
        XCTAssertEqual(everyAccount.map(\.id), ["pay_2"])
    }

    func testCompletedPaymentsMakeOnePullDuePerAccountAndDay() async throws {
        try await complete(1, at: t0)
        try await complete(2, at: t0.adding(milliseconds: 1_000))
        try await complete(3, account: "other", at: t0.adding(milliseconds: 2_000))
        let looked = try await receipts.collectCompletedPayments(accounts: ["acme-eur": 0], at: t0.adding(milliseconds: 3_000))
        XCTAssertEqual(looked, 3)
        let due = try await receipts.duePulls()
        XCTAssertEqual(due.map(\.accountId), ["acme-eur"], "one per account and day; not for an account without receipts")
        XCTAssertEqual(due.first?.trigger, .afterPayment)
        XCTAssertEqual(due.first?.since, t0)
        XCTAssertEqual(due.first?.lastCompletedAt, t0.adding(milliseconds: 1_000))
        XCTAssertEqual(due.first?.attempts, 0)
        XCTAssertNil(due.first?.nextAttemptAt)
        // Looked at once: the cursor moved on.
        let again = try await receipts.collectCompletedPayments(accounts: ["acme-eur": 0], at: t0.adding(milliseconds: 4_000))
        XCTAssertEqual(again, 0)
        let audit = try await ReconciliationStore(sharing: payments).auditEntries(subjectKind: "account", subjectId: "acme-eur")
        XCTAssertEqual(audit.map(\.action), ["receipt.pull_due"])

        // A pull that finds a payment still without its receipt: due again then.
        let next = t0.adding(milliseconds: 600_000)
        _ = try await receipts.recordPull(run(.afterPayment, at: t0.adding(milliseconds: 5_000), ok: true, next: next))
        let waiting = try await receipts.duePull(accountId: "acme-eur", date: day)
        XCTAssertEqual(waiting?.trigger, .afterPayment)
        XCTAssertEqual(waiting?.attempts, 1)
        XCTAssertEqual(waiting?.nextAttemptAt, next)

        // Another payment completes: a fresh first pull is due for it.
        try await complete(4, at: t0.adding(milliseconds: 10_000))
        try await receipts.collectCompletedPayments(accounts: ["acme-eur": 0], at: t0.adding(milliseconds: 11_000))
        let fresh = try await receipts.duePull(accountId: "acme-eur", date: day)
        XCTAssertEqual(fresh?.attempts, 0)
        XCTAssertNil(fresh?.nextAttemptAt)
        XCTAssertEqual(fresh?.since, t0.adding(milliseconds: 10_000))
        XCTAssertEqual(fresh?.lastCompletedAt, t0.adding(milliseconds: 10_000))

        // A pull begun before a payment completed does not end the pull due for that payment.
        _ = try await receipts.recordPull(run(.afterPayment, at: t0.adding(milliseconds: 9_000), ok: true))
        let kept = try await receipts.duePull(accountId: "acme-eur", date: day)
        XCTAssertEqual(kept?.attempts, 0, "still due for pay_4")
        _ = try await receipts.recordPull(run(.afterPayment, at: t0.adding(milliseconds: 20_000), ok: true))
        let ended = try await receipts.duePull(accountId: "acme-eur", date: day)
        XCTAssertNil(ended)
    }

    func testADuePullAndTheCursorSurviveARestart() async throws {
        try await complete(1, at: t0)
        try await receipts.collectCompletedPayments(accounts: ["acme-eur": 0], at: t0.adding(milliseconds: 1_000))
        let path = directory.appendingPathComponent("store.sqlite").path
        payments.close()
        payments = try PaymentStore(path: path)
        receipts = ReceiptStore(sharing: payments)
        let due = try await receipts.duePulls()
        XCTAssertEqual(due.map(\.bookingDate), [day])
        let looked = try await receipts.collectCompletedPayments(accounts: ["acme-eur": 0], at: t0.adding(milliseconds: 2_000))
        XCTAssertEqual(looked, 0, "not looked at twice")
    }

    func testExpectationsAreCompletedPaymentsWithoutAReceipt() async throws {
        try await complete(1, at: t0)
        try await complete(2, at: t0.adding(milliseconds: 1_000))
        let all = try await receipts.expectations(accountId: "acme-eur", fromDate: day, toDate: day, unlinkedOnly: false)
        XCTAssertEqual(all.map(\.id), ["pay_1", "pay_2"])
        XCTAssertEqual(all.first?.amount, Money(minorUnits: -100, currency: eur), "a payment is a debit")
        XCTAssertEqual(all.first?.since, t0)
        XCTAssertEqual(all.first?.bookingDate, day)

        let draft = ReceiptDraft(bankId: "sim", accountId: "acme-eur", bookingDate: day, amount: Money(minorUnits: 100, currency: eur),
                                 direction: "debit", clientReference: "I-1", contentType: "application/pdf",
                                 sha256: String(repeating: "a", count: 64), size: 1, origin: .rendered)
        let links = try await receipts.findLinks(for: draft)
        let stored = try await receipts.insert(draft, links: links, at: t0)
        let unlinked = try await receipts.expectations(accountId: "acme-eur", fromDate: day, toDate: day, unlinkedOnly: true)
        XCTAssertEqual(unlinked.map(\.id), ["pay_2"])
        let linked = try await receipts.expectations(accountId: nil, fromDate: day, toDate: day, unlinkedOnly: false)
        XCTAssertEqual(linked.first { $0.id == "pay_1" }?.receiptId, stored.receipt.id)
        let otherDay = try await receipts.expectations(accountId: "acme-eur", fromDate: "2026-11-19", toDate: "2026-11-20", unlinkedOnly: false)
        XCTAssertTrue(otherDay.isEmpty)

        let scheduled = try await receipts.lastScheduledPullDate(accountId: "acme-eur")
        XCTAssertNil(scheduled)
        _ = try await receipts.recordPull(run(.scheduled, at: t0, ok: false))
        let last = try await receipts.lastScheduledPullDate(accountId: "acme-eur")
        XCTAssertEqual(last, day, "a failed scheduled pull counts: its retries are due pulls")
    }

    func testAMissingReceiptIsRecordedAndAnnouncedOncePerItem() async throws {
        try await complete(1, at: t0)
        let items = try await receipts.expectations(accountId: "acme-eur", fromDate: day, toDate: day, unlinkedOnly: true)
        let item = try XCTUnwrap(items.first)
        let later = t0.adding(milliseconds: 86_400_000)
        let first = try await receipts.recordMissing(item, missingFrom: later, reason: "bank_gave_none", reasonText: "bank gave none", at: later)
        XCTAssertTrue(first)
        let again = try await receipts.recordMissing(item, missingFrom: later, reason: "bank_gave_none", reasonText: "bank gave none",
                                                     at: later.adding(milliseconds: 600_000))
        XCTAssertFalse(again, "once per item")
        let events = try await payments.events(after: 0, limit: 100).filter { $0.type == "receipt.missing" }
        XCTAssertEqual(events.count, 1)
        XCTAssertEqual(events.first?.paymentId, "pay_1")
        XCTAssertTrue(events.first?.payloadJSON.contains("\"reason\":\"bank_gave_none\"") == true, events.first?.payloadJSON ?? "")
        let audit = try await ReconciliationStore(sharing: payments).auditEntries(subjectKind: "payment", subjectId: "pay_1")
        XCTAssertEqual(audit.filter { $0.action == "receipt.missing" }.count, 1)
    }
}
