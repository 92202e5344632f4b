import BankGateCore
import BankGateEngine
import BankGateStore
import BankGateTestSupport
import XCTest

/// A bank's rejection that says the debtor account is frozen or closed (`account_status_codes`)
/// sets the account's status as an operator would: audited with the bank as actor, announced, and
/// the account's other payments held rather than sent.
final class LearnedAccountStatusTests: XCTestCase {
    func testARejectionWithAFrozenCodeFreezesTheAccountAndHoldsItsOtherPayments() async throws {
        try await withHarness(start: false) { h in
            let account = DispatcherHarness.accountId
            h.store.learnAccountStatus(bankId: DispatcherHarness.bankId, fromReasonCodes: ["AC06": .frozen, "AC05": .closed])
            await h.transport.scriptSubmits(.groupRejection("AC06"))
            let first = try await h.submitOne()
            h.start()
            let rejected = try await h.waitForStatus(first.id, .rejected)
            XCTAssertEqual(rejected.reasonCode, "AC06")

            let status = try await h.engine.accountStatus(accountId: account)
            XCTAssertEqual(status.status, .frozen)
            XCTAssertEqual(status.changedBy, "bank:\(DispatcherHarness.bankId)")
            XCTAssertTrue(status.reason?.contains("rejected payment \(first.id) with AC06") == true, status.reason ?? "")

            // The account now takes no payment; one queued before the answer is held, not sent.
            do {
                _ = try await h.submitOne(DispatcherHarness.request(minorUnits: 500))
                XCTFail("a frozen account accepts no payment")
            } catch let error as GatewayError {
                XCTAssertEqual(error.code, .accountFrozen)
            }
            let audit = try await ReconciliationStore(sharing: h.store).auditEntries(subjectKind: "account", subjectId: account)
            XCTAssertEqual(audit.map(\.action), ["account.frozen"])
            XCTAssertEqual(audit.map(\.actor), ["bank:\(DispatcherHarness.bankId)"])
            let events = try await h.store.events(after: 0, limit: 500).map(\.type)
            XCTAssertEqual(events.filter { $0 == "account.status_changed" }.count, 1, "\(events)")
            let trail = try await h.store.verifyAuditTrail()
            XCTAssertNil(trail.firstBreak, "the chain holds")
        }
    }

    func testQueuedPaymentsOfTheAccountAreHeldOnceTheBankSaysItIsClosed() async throws {
        try await withHarness(bank: ["max_in_flight": 1], start: false) { h in
            h.store.learnAccountStatus(bankId: DispatcherHarness.bankId, fromReasonCodes: ["AC05": .closed])
            await h.transport.scriptSubmits(.groupRejection("AC05"))
            await h.transport.closeGate()
            let first = try await h.submitOne()
            h.start()
            try await h.waitUntil("the first payment is at the bank") { await h.transport.submitted.count == 1 }
            // Accepted while the first is at the bank: queued behind it.
            let second = try await h.submitOne(DispatcherHarness.request(minorUnits: 600))
            await h.transport.openGate()
            _ = try await h.waitForStatus(first.id, .rejected)
            try await h.waitUntil("the second payment is held") { try await h.payment(second.id).holdReason != nil }
            try await h.waitForLaneTurns(3)
            let held = try await h.payment(second.id)
            XCTAssertEqual(held.status, .queued)
            XCTAssertEqual(held.attempts, 0)
            let sent = await h.transport.submitted.count
            XCTAssertEqual(sent, 1, "nothing more is sent from a closed account")
            let status = try await h.engine.accountStatus(accountId: DispatcherHarness.accountId)
            XCTAssertEqual(status.status, .closed)
        }
    }

    func testCodesNotConfiguredChangeNothing() async throws {
        try await withHarness { h in
            h.store.learnAccountStatus(bankId: DispatcherHarness.bankId, fromReasonCodes: ["AC05": .closed])
            // AC04 (closed account, debtor's or creditor's: the code does not say) is not mapped.
            await h.transport.scriptSubmits(.groupRejection("AC04"))
            let payment = try await h.submitOne()
            _ = try await h.waitForStatus(payment.id, .rejected)
            let status = try await h.engine.accountStatus(accountId: DispatcherHarness.accountId)
            XCTAssertEqual(status.status, .active)
            // The next payment goes out.
            let next = try await h.submitOne(DispatcherHarness.request(minorUnits: 700))
            _ = try await h.waitForStatus(next.id, .completed)
        }
    }

    func testABankNeverReopensOrDowngradesAClosedAccount() async throws {
        try await withHarness { h in
            h.store.learnAccountStatus(bankId: DispatcherHarness.bankId, fromReasonCodes: ["AC06": .frozen])
            _ = try await h.engine.setAccountStatus(accountId: DispatcherHarness.accountId, to: .frozen, reason: "ops", by: "ops-anna")
            _ = try await h.engine.setAccountStatus(accountId: DispatcherHarness.accountId, to: .active, reason: "cleared", by: "ops-anna")
            await h.transport.scriptSubmits(.groupRejection("AC06"))
            let payment = try await h.submitOne()
            _ = try await h.waitForStatus(payment.id, .rejected)
            var status = try await h.engine.accountStatus(accountId: DispatcherHarness.accountId)
            XCTAssertEqual(status.status, .frozen)
            _ = try await h.engine.setAccountStatus(accountId: DispatcherHarness.accountId, to: .closed, reason: "closed", by: "ops-ben")
            status = try await h.engine.accountStatus(accountId: DispatcherHarness.accountId)
            XCTAssertEqual(status.status, .closed)
            XCTAssertEqual(status.changedBy, "ops-ben")
        }
    }
}
