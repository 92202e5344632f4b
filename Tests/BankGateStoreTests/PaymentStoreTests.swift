import BankGateCore
import BankGateStore
import Foundation
import XCTest

final class PaymentStoreTests: XCTestCase {
    var directory: URL!
    var store: PaymentStore!
    let eur = Currency(code: "EUR")!
    let t0 = Timestamp(milliseconds: 1_795_000_000_000)

    override func setUp() async throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("bankgate-store-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        store = try PaymentStore(path: directory.appendingPathComponent("store.sqlite").path)
    }

    override func tearDown() async throws {
        store.close()
        try? FileManager.default.removeItem(at: directory)
    }

    func draft(_ n: Int, submission: String, e2e: String? = nil) -> PaymentDraft {
        PaymentDraft(id: "pay_\(n)", batchId: nil, submissionId: submission, debtorAccountId: "acme-eur", bankId: "sim",
                     amount: Money(minorUnits: Int64(100 * n), currency: eur),
                     creditor: Party(name: "Creditor \(n)", account: "GB82WEST12345698765432", bankCode: "WESTGB2L"),
                     remittanceInfo: "invoice \(n)", endToEndId: e2e ?? "E2E-\(n)", instructionId: "I-\(n)",
                     requestedExecutionDate: "2026-11-23")
    }

    func submissionDraft(_ id: String) -> SubmissionDraft {
        SubmissionDraft(id: id, bankId: "sim", debtorAccountId: "acme-eur", messageId: "MSG-\(id)",
                        paymentInfoId: "PMT-\(id)", messageKind: "pain.001.001.09", requestedExecutionDate: "2026-11-23")
    }

    @discardableResult
    func accept(_ n: Int, key: String? = nil, fingerprint: String = "f") async throws -> AcceptOutcome {
        try await store.accept([draft(n, submission: "s\(n)")], submissions: [submissionDraft("s\(n)")],
                               claim: IdempotencyClaim(client: "treasury", key: key ?? "k\(n)", fingerprint: fingerprint), at: t0)
    }

    func testAcceptIsDurableAndAudited() async throws {
        guard case .created(let payments) = try await accept(1) else { return XCTFail("not created") }
        XCTAssertEqual(payments.map(\.status), [.queued])
        XCTAssertEqual(payments.first?.messageId, "MSG-s1")
        let history = try await store.history(paymentId: "pay_1")
        XCTAssertEqual(history.map(\.to), [.received, .queued])
        XCTAssertEqual(history.last?.from, .received)
        let events = try await store.events(after: 0, limit: 10)
        XCTAssertEqual(events.map(\.type), ["payment.accepted"])
        XCTAssertTrue(events[0].payloadJSON.contains("\"amount\":\"1.00\""))

        // A second store on the same file sees everything: it was committed.
        let path = directory.appendingPathComponent("store.sqlite").path
        store.close()
        store = try PaymentStore(path: path)
        let reopened = try await store.payment(id: "pay_1")
        XCTAssertEqual(reopened?.amount, Money(minorUnits: 100, currency: eur))
        XCTAssertEqual(reopened?.creditor.bankCode, "WESTGB2L")
    }

    func testIdempotencyReplayAndConflict() async throws {
        try await accept(1, key: "same", fingerprint: "body-a")
        guard case .replayed(let again) = try await store.accept(
            [draft(2, submission: "s2")], submissions: [submissionDraft("s2")],
            claim: IdempotencyClaim(client: "treasury", key: "same", fingerprint: "body-a"), at: t0) else {
            return XCTFail("expected a replay")
        }
        XCTAssertEqual(again.map(\.id), ["pay_1"])
        let conflict = try await store.accept([draft(3, submission: "s3")], submissions: [submissionDraft("s3")],
                                              claim: IdempotencyClaim(client: "treasury", key: "same", fingerprint: "body-b"), at: t0)
        XCTAssertEqual(conflict, .idempotencyConflict)
        // Neither the replay nor the conflict stored anything.
        let nothing2 = try await store.payment(id: "pay_2")
        let nothing3 = try await store.payment(id: "pay_3")
        XCTAssertNil(nothing2)
        XCTAssertNil(nothing3)
        // Keys are per client.
        let other = try await store.accept([draft(4, submission: "s4")], submissions: [submissionDraft("s4")],
                                           claim: IdempotencyClaim(client: "payroll", key: "same", fingerprint: "body-b"), at: t0)
        guard case .created = other else { return XCTFail("another client's key must not collide") }
    }

    func testEndToEndIdIsUniquePerDebtorAccount() async throws {
        try await accept(1)
        let outcome = try await store.accept([draft(2, submission: "s2", e2e: "E2E-1")], submissions: [submissionDraft("s2")],
                                             claim: IdempotencyClaim(client: "treasury", key: "k2", fingerprint: "f"), at: t0)
        XCTAssertEqual(outcome, .duplicateEndToEndId("E2E-1"))
    }

    func testConcurrentAcceptsAreAllCommitted() async throws {
        let store = self.store!
        try await withThrowingTaskGroup(of: Void.self) { group in
            for n in 1...300 {
                let payment = draft(n, submission: "s\(n)")
                let submission = submissionDraft("s\(n)")
                group.addTask {
                    _ = try await store.accept([payment], submissions: [submission],
                                               claim: IdempotencyClaim(client: "t", key: "k\(n)", fingerprint: "f"), at: Timestamp(milliseconds: 0))
                }
            }
            try await group.waitForAll()
        }
        var seen: Set<String> = []
        var cursor: String?
        repeat {
            let page = try await store.payments(PaymentFilter(limit: 64, cursor: cursor))
            for payment in page.payments { XCTAssertTrue(seen.insert(payment.id).inserted, "page overlap") }
            cursor = page.nextCursor
        } while cursor != nil
        XCTAssertEqual(seen.count, 300)
        let events = try await store.events(after: 0, limit: 1000)
        XCTAssertEqual(events.count, 300)
        XCTAssertEqual(events.map(\.sequence), events.map(\.sequence).sorted())
    }

    func testSendWithReportCompletesAndArchives() async throws {
        try await accept(1)
        let attempt = try await store.beginSend(submissionId: "s1", paymentIds: ["pay_1"],
                                                message: MessageToArchive(direction: .outbound, kind: "pain.001.001.09", bytes: [1, 2, 3]), at: t0)
        XCTAssertEqual(attempt, 1)
        let sending = try await store.payment(id: "pay_1")
        XCTAssertEqual(sending?.status, .sending)
        let report = StatusReport(reportId: "R1", originalMessageId: "MSG-s1", groupStatus: "ACSC",
                                  groupOutcome: TransactionOutcome(endToEndId: nil, instructionId: nil, bankStatus: "ACSC", status: .completed),
                                  transactions: [])
        try await store.recordSend(submissionId: "s1", answer: MessageToArchive(direction: .inbound, kind: "pain.002", httpStatus: 200, bytes: [4, 5]),
                                   resolution: .report(report), at: t0.adding(milliseconds: 10))
        let done = try await store.payment(id: "pay_1")
        XCTAssertEqual(done?.status, .completed)
        XCTAssertEqual(done?.bankStatus, "ACSC")
        let messages = try await store.messages(paymentId: "pay_1")
        XCTAssertEqual(messages.map(\.direction), [.outbound, .inbound])
        XCTAssertEqual(messages.map(\.bytes), [[1, 2, 3], [4, 5]])
        XCTAssertEqual(messages.last?.httpStatus, 200)
        let due = try await store.dueSubmissions(bankId: "sim", states: [.queued, .unknown, .awaiting], now: t0.adding(milliseconds: 100_000), limit: 10)
        XCTAssertTrue(due.isEmpty, "a finished submission is not due again")
        let types = try await store.events(after: 0, limit: 10).map(\.type)
        XCTAssertEqual(types, ["payment.accepted", "payment.completed"])
    }

    func testRejectedTransferKeepsTheBankReason() async throws {
        try await accept(1)
        _ = try await store.beginSend(submissionId: "s1", paymentIds: ["pay_1"], message: MessageToArchive(direction: .outbound, kind: "x", bytes: []), at: t0)
        let report = StatusReport(reportId: "R", originalMessageId: "MSG-s1", groupStatus: "RJCT", groupOutcome: nil, transactions: [
            TransactionOutcome(endToEndId: "E2E-1", instructionId: "I-1", bankStatus: "RJCT", status: .rejected, reasonCode: "AM04", reasonText: "insufficient funds"),
        ])
        try await store.recordSend(submissionId: "s1", answer: nil, resolution: .report(report), at: t0)
        let payment = try await store.payment(id: "pay_1")
        XCTAssertEqual(payment?.status, .rejected)
        XCTAssertEqual(payment?.reasonCode, "AM04")
        XCTAssertEqual(payment?.reasonText, "insufficient funds")
    }

    func testEventPayloadsAreValidJSONWhateverTheBankWrote() async throws {
        try await accept(1)
        _ = try await store.beginSend(submissionId: "s1", paymentIds: ["pay_1"], message: MessageToArchive(direction: .outbound, kind: "x", bytes: []), at: t0)
        let text = "account \"closed\"\nsee\tC:\\notes \u{1} 余额不足"
        let report = StatusReport(reportId: "R", originalMessageId: "MSG-s1", groupStatus: "RJCT", groupOutcome: nil, transactions: [
            TransactionOutcome(endToEndId: "E2E-1", instructionId: "I-1", bankStatus: "RJCT", status: .rejected, reasonCode: "AC04", reasonText: text),
        ])
        try await store.recordSend(submissionId: "s1", answer: nil, resolution: .report(report), at: t0)
        let events = try await store.events(after: 0, limit: 10)
        let rejected = try XCTUnwrap(events.last)
        XCTAssertEqual(rejected.type, "payment.rejected")
        let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(rejected.payloadJSON.utf8)) as? [String: Any])
        XCTAssertEqual(json["reason_text"] as? String, text)
        XCTAssertEqual(json["reason_code"] as? String, "AC04")
        XCTAssertEqual(json["previous_status"] as? String, "sending")
    }

    func testUnknownThenNotReceivedRequeuesWithTheSameIdentifiers() async throws {
        try await accept(1)
        _ = try await store.beginSend(submissionId: "s1", paymentIds: ["pay_1"], message: MessageToArchive(direction: .outbound, kind: "x", bytes: []), at: t0)
        try await store.recordSend(submissionId: "s1", answer: nil, resolution: .unknown(error: "timeout", nextQueryAt: t0), at: t0)
        let unknown = try await store.payment(id: "pay_1")
        XCTAssertEqual(unknown?.status, .unknown)
        // Unknown submissions are not offered for sending, only for a status query.
        let queued = try await store.dueSubmissions(bankId: "sim", states: [.queued], now: t0.adding(milliseconds: 1), limit: 10)
        XCTAssertTrue(queued.isEmpty)
        let value1 = try await store.dueSubmissions(bankId: "sim", states: [.unknown], now: t0.adding(milliseconds: 1), limit: 10).map(\.id)
        XCTAssertEqual(value1, ["s1"])

        try await store.recordQuery(submissionId: "s1", answer: nil, resolution: .notReceived, at: t0.adding(milliseconds: 5))
        let requeued = try await store.payment(id: "pay_1")
        XCTAssertEqual(requeued?.status, .queued)
        XCTAssertEqual(requeued?.messageId, "MSG-s1")
        XCTAssertEqual(requeued?.instructionId, "I-1")
        let second = try await store.beginSend(submissionId: "s1", paymentIds: ["pay_1"], message: MessageToArchive(direction: .outbound, kind: "x", bytes: []), at: t0)
        XCTAssertEqual(second, 2)
        let history = try await store.history(paymentId: "pay_1").map(\.to)
        XCTAssertEqual(history, [.received, .queued, .sending, .unknown, .queued, .sending])
    }

    func testNotReceivedPastTheWindowHoldsForAnOperator() async throws {
        try await accept(1)
        _ = try await store.beginSend(submissionId: "s1", paymentIds: ["pay_1"], message: MessageToArchive(direction: .outbound, kind: "x", bytes: []), at: t0)
        try await store.recordSend(submissionId: "s1", answer: nil, resolution: .unknown(error: "timeout", nextQueryAt: t0), at: t0)
        try await store.recordQuery(submissionId: "s1", answer: nil, resolution: .notReceivedHold(reason: "window passed"), at: t0)
        let held = try await store.payment(id: "pay_1")
        XCTAssertEqual(held?.status, .held)
        await XCTAssertThrowsAsync(try await self.store.cancel(paymentId: "pay_1", cause: .api, actor: "api", at: self.t0))
        let retried = try await store.retry(paymentId: "pay_1", actor: "ops", at: t0)
        XCTAssertEqual(retried.status, .queued)
    }

    func testRecoveryTurnsInterruptedSendsIntoUnknown() async throws {
        try await accept(1)
        try await accept(2)
        _ = try await store.beginSend(submissionId: "s1", paymentIds: ["pay_1"], message: MessageToArchive(direction: .outbound, kind: "x", bytes: []), at: t0)
        let value2 = try await store.recoverInterruptedSends(at: t0)
        XCTAssertEqual(value2.map(\.submission.id), ["s1"])
        XCTAssertEqual(value2.map(\.paymentIds), [["pay_1"]], "only the payment that was sending")
        let one = try await store.payment(id: "pay_1")
        let two = try await store.payment(id: "pay_2")
        XCTAssertEqual(one?.status, .unknown)
        XCTAssertEqual(two?.status, .queued)
        let value3 = try await store.history(paymentId: "pay_1").last?.cause
        XCTAssertEqual(value3, .recovery)
    }

    func testRetryableFailureBacksOffThenFails() async throws {
        try await accept(1)
        _ = try await store.beginSend(submissionId: "s1", paymentIds: ["pay_1"], message: MessageToArchive(direction: .outbound, kind: "x", bytes: []), at: t0)
        try await store.recordSend(submissionId: "s1", answer: nil, resolution: .retry(error: "refused", nextAttemptAt: t0.adding(milliseconds: 1000)), at: t0)
        let value4 = try await store.payment(id: "pay_1")?.status
        XCTAssertEqual(value4, .queued)
        let value5 = try await store.dueSubmissions(bankId: "sim", states: [.queued], now: t0.adding(milliseconds: 999), limit: 5).isEmpty
        XCTAssertTrue(value5)
        let value6 = try await store.dueSubmissions(bankId: "sim", states: [.queued], now: t0.adding(milliseconds: 1000), limit: 5).count
        XCTAssertEqual(value6, 1)
        _ = try await store.beginSend(submissionId: "s1", paymentIds: ["pay_1"], message: MessageToArchive(direction: .outbound, kind: "x", bytes: []), at: t0)
        try await store.recordSend(submissionId: "s1", answer: nil, resolution: .retry(error: "refused again", nextAttemptAt: nil), at: t0)
        let failed = try await store.payment(id: "pay_1")
        XCTAssertEqual(failed?.status, .failed)
        XCTAssertEqual(failed?.lastError, "refused again")
        XCTAssertEqual(failed?.attempts, 2)
    }

    func testCancelOnlyBeforeSending() async throws {
        try await accept(1)
        try await accept(2)
        let cancelled = try await store.cancel(paymentId: "pay_1", cause: .api, actor: "treasury", at: t0)
        XCTAssertEqual(cancelled.status, .cancelled)
        _ = try await store.beginSend(submissionId: "s2", paymentIds: ["pay_2"], message: MessageToArchive(direction: .outbound, kind: "x", bytes: []), at: t0)
        await XCTAssertThrowsAsync(try await self.store.cancel(paymentId: "pay_2", cause: .api, actor: "treasury", at: self.t0))
        await XCTAssertThrowsAsync(try await self.store.cancel(paymentId: "nope", cause: .api, actor: "treasury", at: self.t0))
        // The cancelled payment's message is never offered for sending.
        let due = try await store.dueSubmissions(bankId: "sim", states: [.queued], now: t0.adding(milliseconds: 1), limit: 5)
        XCTAssertEqual(due.map(\.id), [])
    }

    func testBeginSendRefusesAStaleView() async throws {
        _ = try await store.accept([draft(1, submission: "b"), draft(2, submission: "b")], submissions: [submissionDraft("b")],
                               claim: IdempotencyClaim(client: "t", key: "k", fingerprint: "f"), at: t0)
        _ = try await store.cancel(paymentId: "pay_2", cause: .api, actor: "t", at: t0)
        let stale = try await store.beginSend(submissionId: "b", paymentIds: ["pay_1", "pay_2"], message: MessageToArchive(direction: .outbound, kind: "x", bytes: []), at: t0)
        XCTAssertNil(stale, "the message was encoded with a payment cancelled since")
        let fresh = try await store.beginSend(submissionId: "b", paymentIds: ["pay_1"], message: MessageToArchive(direction: .outbound, kind: "x", bytes: []), at: t0)
        XCTAssertEqual(fresh, 1)
    }
}

func XCTAssertThrowsAsync<T>(_ expression: @autoclosure () async throws -> T, file: StaticString = #filePath, line: UInt = #line) async {
    do {
        _ = try await expression()
        XCTFail("expected an error", file: file, line: line)
    } catch {}
}
