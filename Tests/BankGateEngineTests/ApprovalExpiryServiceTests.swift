import BankGateCore
import BankGateEngine
import BankGateStore
import BankGateTestSupport
import Logging
import XCTest

/// The approval expiry service on a test clock: nothing expires before its time, what is still
/// pending after it is rejected (`approval_expired`) and never sent, and the service stops when its
/// task is cancelled.
final class ApprovalExpiryServiceTests: XCTestCase {
    let policy = ApprovalPolicy(rules: [ApprovalRule(name: "every-new-creditor", newCreditor: true, approvals: 1)],
                                expireAfterMilliseconds: 60_000)

    func acceptPending(_ h: DispatcherHarness, _ id: String) async throws {
        let request = DispatcherHarness.request()
        let draft = PaymentDraft(id: id, batchId: nil, submissionId: "sub-\(id)", debtorAccountId: DispatcherHarness.accountId,
                                 bankId: DispatcherHarness.bankId, amount: request.amount, creditor: request.creditor,
                                 remittanceInfo: request.remittanceInfo, endToEndId: "E2E-\(id)", instructionId: "I-\(id)",
                                 requestedExecutionDate: h.clock.now().dateString)
        let submission = SubmissionDraft(id: "sub-\(id)", bankId: DispatcherHarness.bankId, debtorAccountId: DispatcherHarness.accountId,
                                         messageId: "MSG-\(id)", paymentInfoId: "PMT-\(id)", messageKind: "pain.001.001.09",
                                         requestedExecutionDate: h.clock.now().dateString)
        let outcome = try await h.store.accept([draft], submissions: [submission],
                                               claim: IdempotencyClaim(client: "erp", key: id, fingerprint: id),
                                               approvals: policy, kind: .single, at: h.clock.now())
        guard case .created(let payments) = outcome, payments.first?.status == .pendingApproval else {
            throw HarnessFailure("not pending approval: \(outcome)")
        }
    }

    func testWhatIsStillPendingAfterItsTimeIsRejectedAndNeverSent() async throws {
        try await withHarness { h in
            try await acceptPending(h, "p1")
            h.clock.advance(milliseconds: 30_000)
            try await acceptPending(h, "p2")
            let service = ApprovalExpiryService(store: h.store, clock: h.clock, logger: Logger(label: "approval-expiry-tests"))
            let early = await service.expireDue()
            XCTAssertEqual(early.map(\.id), [])
            h.clock.advance(milliseconds: 29_999)
            let stillEarly = await service.expireDue()
            XCTAssertEqual(stillEarly.map(\.id), [], "one millisecond before its expiry")
            h.clock.advance(milliseconds: 1)
            let expired = await service.expireDue()
            XCTAssertEqual(expired.map(\.id), ["p1"])
            XCTAssertEqual(expired.first?.reasonCode, "approval_expired")
            let p2 = try await h.payment("p2")
            XCTAssertEqual(p2.status, .pendingApproval)

            // Run as a service: it looks at once, then every interval, and stops when cancelled.
            h.clock.advance(milliseconds: 30_000)
            let running = Task { try await service.run() }
            try await h.waitUntil("p2 expires") { try await h.payment("p2").status == .rejected }
            running.cancel()
            try await running.value

            try await h.waitForLaneTurns(3)
            let sent = await h.transport.submitted
            XCTAssertTrue(sent.isEmpty, "an expired payment is never sent")
            let events = try await h.store.events(after: 0, limit: 100).map(\.type)
            XCTAssertEqual(events.filter { $0 == "payment.approval_expired" }.count, 2, "\(events)")
            let verification = try await h.store.verifyAuditTrail()
            XCTAssertTrue(verification.isIntact)
        }
    }
}
