import BankGateCore
import BankGateEngine
import BankGateStore
import BankGateTestSupport
import XCTest

/// Frozen and closed accounts: refused at intake naming the status, queued payments held (not
/// sent, no attempt used) until the account is active again, every change audited and announced.
final class AccountStatusTests: XCTestCase {
    func testAFrozenAccountsQueuedPaymentsAreHeldUntilItIsActiveAgain() async throws {
        try await withHarness(start: false) { h in
            let account = DispatcherHarness.accountId
            let queued = try await h.submitOne()
            let frozen = try await h.engine.setAccountStatus(accountId: account, to: .frozen, reason: "suspected fraud, ticket 4711",
                                                             by: "ops-anna")
            XCTAssertEqual(frozen.status, .frozen)

            // Intake refuses it, naming the status and the reason.
            do {
                _ = try await h.submitOne(DispatcherHarness.request(minorUnits: 777))
                XCTFail("a frozen account accepts no payment")
            } catch let error as GatewayError {
                XCTAssertEqual(error.code, .accountFrozen)
                XCTAssertEqual(error.field, "debtor_account")
                XCTAssertTrue(error.message.contains("ticket 4711"), error.message)
            }

            h.start()
            try await h.waitUntil("the payment is held") { try await h.payment(queued.id).holdReason != nil }
            try await h.waitForLaneTurns(3)
            var record = try await h.payment(queued.id)
            XCTAssertEqual(record.status, .queued)
            XCTAssertEqual(record.attempts, 0)
            XCTAssertTrue(record.holdReason?.contains("is frozen: suspected fraud") == true, record.holdReason ?? "")
            let sentWhileFrozen = await h.transport.submitted
            XCTAssertTrue(sentWhileFrozen.isEmpty, "nothing is sent from a frozen account")

            _ = try await h.engine.setAccountStatus(accountId: account, to: .active, reason: "cleared", by: "ops-ben")
            record = try await h.waitForStatus(queued.id, .completed)
            XCTAssertNil(record.holdReason)
            XCTAssertEqual(record.attempts, 1)

            let events = try await h.store.events(after: 0, limit: 500).map(\.type)
            XCTAssertEqual(events.filter { $0 == "account.status_changed" }.count, 2, "\(events)")
            XCTAssertEqual(events.filter { $0 == "payment.account_held" }.count, 1, "\(events)")
            XCTAssertEqual(events.filter { $0 == "payment.account_released" }.count, 1, "\(events)")
            let audit = try await ReconciliationStore(sharing: h.store).auditEntries(subjectKind: "account", subjectId: account)
            XCTAssertEqual(audit.map(\.action), ["account.frozen", "account.activated"])
            XCTAssertEqual(audit.map(\.actor), ["ops-anna", "ops-ben"])
        }
    }

    func testAClosedAccountStaysClosedAndAReasonIsRequired() async throws {
        try await withHarness { h in
            let account = DispatcherHarness.accountId
            do {
                _ = try await h.engine.setAccountStatus(accountId: account, to: .frozen, reason: "  ", by: "ops")
                XCTFail("a reason is required")
            } catch let error as GatewayError {
                XCTAssertEqual(error.field, "reason")
            }
            _ = try await h.engine.setAccountStatus(accountId: account, to: .closed, reason: "account closed at the bank", by: "ops")
            do {
                _ = try await h.engine.setAccountStatus(accountId: account, to: .active, reason: nil, by: "ops")
                XCTFail("a closed account is not opened again")
            } catch let error as GatewayError {
                XCTAssertEqual(error.kind, .conflict)
            }
            do {
                _ = try await h.submitOne()
                XCTFail("a closed account accepts no payment")
            } catch let error as GatewayError {
                XCTAssertEqual(error.code, .accountClosed)
            }
            let status = try await h.engine.accountStatus(accountId: account)
            XCTAssertEqual(status.status, .closed)
            do {
                _ = try await h.engine.accountStatus(accountId: "nope")
                XCTFail("unknown account")
            } catch let error as GatewayError {
                XCTAssertEqual(error.kind, .notFound)
            }
        }
    }
}
