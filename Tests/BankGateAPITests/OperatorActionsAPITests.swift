import BankGateConfig
import BankGateCore
import BankGateEngine
import BankGateRuntime
import BankGateStore
import BankGateTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import XCTest
@testable import BankGateAPI

/// The exchange log, `GET /v1/accounts` and the bulk payment actions on the real engine and store,
/// with two tenants (TenantAPITests' configuration): each token sees and acts only within its own.
final class OperatorActionsAPITests: XCTestCase {
    func withGateway(_ test: @escaping @Sendable (any TestClientProtocol, GatewayRuntime) async throws -> Void) async throws {
        let (directory, runtime) = try TenantAPITests.makeRuntime()
        defer {
            runtime.close()
            try? FileManager.default.removeItem(at: directory)
        }
        try await runtime.assignTenants()
        let desk = OperatorDesk(store: runtime.store, gateway: runtime.engine, accounts: runtime.configuration.accounts,
                                bankIds: runtime.configuration.banks.map(\.id))
        let router = APIServer.makeRouter(gateway: runtime.engine, reports: runtime.reports, statementPulls: runtime.statementPulls,
                                          operatorDesk: desk, tokens: runtime.configuration.tokens,
                                          tenants: runtime.configuration.tenantDirectory,
                                          maxBodyBytes: 1_048_576, clock: FixedClock(instant: APIHarness.today))
        try await Application(router: router).test(.router) { client in try await test(client, runtime) }
    }

    /// A statement pull of `account` archived as the puller does: the request, then the answer naming it.
    static func archivePull(_ store: PaymentStore, account: String, at: Timestamp) async throws -> Int64 {
        let request = try await store.archive(bankId: "sim", message: MessageToArchive(
            direction: .outbound, kind: "camt.060.001.05", exchange: .statementRequest, accountId: account,
            bytes: Array("<request account=\"\(account)\"/>".utf8)), at: at)
        try await store.archive(bankId: "sim", message: MessageToArchive(
            direction: .inbound, kind: "camt.053.001.08", exchange: .statementAnswer, accountId: account, requestId: request,
            httpStatus: 200, bytes: [0xFF, 0x00, 0x41]), at: at.adding(milliseconds: 250))
        return request
    }

    func testTheExchangeLogShowsATokenOnlyItsTenantsExchanges() async throws {
        try await withGateway { client, runtime in
            let t0 = APIHarness.today
            let acmeRow = try await Self.archivePull(runtime.store, account: "acc-a", at: t0)
            let betaRow = try await Self.archivePull(runtime.store, account: "acc-b", at: t0.adding(milliseconds: 1_000))

            let acme = try await client.call(.get, "/v1/bank-exchanges", token: TenantAPITests.acme)
            XCTAssertEqual(acme.status, .ok, "\(acme.json)")
            let acmeList = try XCTUnwrap(acme.json["exchanges"] as? [[String: Any]])
            XCTAssertEqual(acmeList.compactMap { $0["id"] as? String }, ["bx_\(acmeRow)"])
            XCTAssertEqual(acmeList.first?["kind"] as? String, "statement")
            XCTAssertEqual(acmeList.first?["outcome"] as? String, "ok")
            XCTAssertEqual((acmeList.first?["answer"] as? [String: Any])?["kind"] as? String, "camt.053.001.08")
            XCTAssertEqual((acmeList.first?["answer"] as? [String: Any])?["size"] as? Int, 3)

            let beta = try await client.call(.get, "/v1/bank-exchanges", token: TenantAPITests.beta)
            XCTAssertEqual((beta.json["exchanges"] as? [[String: Any]])?.compactMap { $0["id"] as? String }, ["bx_\(betaRow)"])
            // Naming the other tenant's account is refused exactly as an account that does not exist;
            // a bank that is not configured is refused too (a typo must not list nothing in silence).
            let named = try await client.call(.get, "/v1/bank-exchanges?account=acc-a", token: TenantAPITests.beta)
            let unknown = try await client.call(.get, "/v1/bank-exchanges?account=acc-zz", token: TenantAPITests.beta)
            for answer in [named, unknown] {
                XCTAssertEqual(answer.status, .badRequest, "\(answer.json)")
                XCTAssertEqual((answer.json["error"] as? [String: Any])?["code"] as? String, "unknown_account")
                XCTAssertEqual((answer.json["error"] as? [String: Any])?["field"] as? String, "account")
            }
            XCTAssertEqual((named.json["error"] as? [String: Any])?["message"] as? String,
                           "account acc-a is not a configured account")
            let noBank = try await client.call(.get, "/v1/bank-exchanges?bank=nope", token: TenantAPITests.acme)
            XCTAssertEqual(noBank.status, .badRequest)
            XCTAssertEqual((noBank.json["error"] as? [String: Any])?["code"] as? String, "unknown_bank")
            XCTAssertEqual((noBank.json["error"] as? [String: Any])?["field"] as? String, "bank")
            let ownBank = try await client.call(.get, "/v1/bank-exchanges?bank=sim", token: TenantAPITests.acme)
            XCTAssertEqual((ownBank.json["exchanges"] as? [[String: Any]])?.count, 1)

            // Another tenant's exchange answers exactly as a missing one.
            try await TenantAPITests.assertAnswersAsMissing(client, .get, "/v1/bank-exchanges/ID", foreign: "bx_\(acmeRow)",
                                                            missing: "bx_999999", token: TenantAPITests.beta)
            // Its own, with the archived bytes both ways: text when UTF-8, base64 always.
            let shown = try await client.call(.get, "/v1/bank-exchanges/bx_\(acmeRow)", token: TenantAPITests.acme)
            XCTAssertEqual(shown.status, .ok)
            let messages = try XCTUnwrap(shown.json["messages"] as? [[String: Any]])
            XCTAssertEqual(messages.compactMap { $0["direction"] as? String }, ["outbound", "inbound"])
            XCTAssertEqual(messages[0]["body"] as? String, "<request account=\"acc-a\"/>")
            XCTAssertTrue(messages[1]["body"] is NSNull, "\(messages[1])")
            XCTAssertEqual(messages[1]["body_base64"] as? String, "/wBB")
            // The answer opens no exchange of its own.
            let answerAsExchange = try await client.call(.get, "/v1/bank-exchanges/bx_\(acmeRow + 1)", token: TenantAPITests.acme)
            XCTAssertEqual(answerAsExchange.status, .notFound)

            let badKind = try await client.call(.get, "/v1/bank-exchanges?kind=fax", token: TenantAPITests.acme)
            XCTAssertEqual(badKind.status, .badRequest)
            XCTAssertEqual((badKind.json["error"] as? [String: Any])?["field"] as? String, "kind")
            // Answers with account data, errors too, may not be cached or sniffed (an outside check saw neither header).
            for answer in [acme, shown, badKind] {
                XCTAssertEqual(answer.headers[.cacheControl], "no-store")
                XCTAssertEqual(answer.headers[HTTPField.Name("X-Content-Type-Options")!], "nosniff")
            }
            let badFrom = try await client.call(.get, "/v1/bank-exchanges?from=yesterday", token: TenantAPITests.acme)
            XCTAssertEqual((badFrom.json["error"] as? [String: Any])?["field"] as? String, "from")
        }
    }

    func testTheAccountListIsTheTokensAccountsWithTheirStatus() async throws {
        try await withGateway { client, runtime in
            _ = try await runtime.engine.setAccountStatus(accountId: "acc-a2", to: .frozen, reason: "KYC review", by: "test")
            let acme = try await client.call(.get, "/v1/accounts", token: TenantAPITests.acme)
            XCTAssertEqual(acme.status, .ok, "\(acme.json)")
            let accounts = try XCTUnwrap(acme.json["accounts"] as? [[String: Any]])
            XCTAssertEqual(accounts.compactMap { $0["id"] as? String }, ["acc-a", "acc-a2"])
            XCTAssertEqual(accounts.compactMap { $0["status"] as? String }, ["active", "frozen"])
            XCTAssertEqual(accounts[1]["status_reason"] as? String, "KYC review")
            XCTAssertEqual(accounts[0]["bank"] as? String, "sim")
            XCTAssertEqual(accounts[0]["currency"] as? String, "EUR")
            XCTAssertEqual(accounts[0]["tenant"] as? String, "acme")
            XCTAssertTrue(accounts[0]["last_statement"] is NSNull)
            XCTAssertTrue(accounts[0]["last_balance"] is NSNull)

            let beta = try await client.call(.get, "/v1/accounts", token: TenantAPITests.beta)
            XCTAssertEqual((beta.json["accounts"] as? [[String: Any]])?.compactMap { $0["id"] as? String }, ["acc-b"])
            // A token restricted to one account (read_accounts) sees only it.
            let clerk = try await client.call(.get, "/v1/accounts", token: TenantAPITests.clerk)
            XCTAssertEqual((clerk.json["accounts"] as? [[String: Any]])?.compactMap { $0["id"] as? String }, ["acc-a"])
        }
    }

    /// Bulk cancel goes through the single action: one audit record per payment changed, the
    /// refused ones skipped with the single action's code, another tenant's payments untouched.
    func testBulkCancelActsWithinTheTenantAndAuditsEachPayment() async throws {
        try await withGateway { client, runtime in
            // No dispatcher runs here: the payments stay queued.
            let first = try await TenantAPITests.pay(client, TenantAPITests.acme, from: "acc-a", key: "bulk-1")
            let second = try await TenantAPITests.pay(client, TenantAPITests.acme, from: "acc-a2", key: "bulk-2")
            let foreign = try await TenantAPITests.pay(client, TenantAPITests.beta, from: "acc-b", key: "bulk-3")

            let dryRun = try await client.call(.post, "/v1/payments/cancel", token: TenantAPITests.acme,
                                               body: #"{"status": "queued", "dry_run": true}"#)
            XCTAssertEqual(dryRun.status, .ok, "\(dryRun.json)")
            XCTAssertEqual(dryRun.json["dry_run"] as? Bool, true)
            XCTAssertEqual((dryRun.json["changed"] as? [[String: Any]])?.compactMap { $0["id"] as? String }, [first, second])
            let stillQueued = try await runtime.store.payment(id: first)
            XCTAssertEqual(stillQueued?.status, .queued, "a dry run changes nothing")

            let cancelled = try await client.call(.post, "/v1/payments/cancel", token: TenantAPITests.acme,
                                                  body: #"{"status": "queued", "account": "acc-a", "limit": 10}"#)
            XCTAssertEqual((cancelled.json["changed"] as? [[String: Any]])?.compactMap { $0["id"] as? String }, [first])
            XCTAssertEqual((cancelled.json["changed"] as? [[String: Any]])?.first?["status"] as? String, "cancelled")
            let audit = try await ReconciliationStore(sharing: runtime.store).auditEntries(subjectKind: "payment", subjectId: first)
            let cancelRecords = audit.filter { $0.action == "payment.cancelled" }
            XCTAssertEqual(cancelRecords.count, 1)
            XCTAssertTrue(cancelRecords.first?.details?.contains("cancelled by acme-erp") ?? false, "\(audit)")
            // And the event the single cancel emits, once.
            let events = try await runtime.store.events(after: 0, limit: 1_000)
            XCTAssertEqual(events.filter { $0.type == "payment.cancelled" }.map(\.paymentId), [first])

            // Beta's bulk cancel may not name acme's account (refused as an unknown one, nothing
            // done); acme's sees none of beta's payments. A bank that is not configured is refused.
            let betaAnswer = try await client.call(.post, "/v1/payments/cancel", token: TenantAPITests.beta,
                                                   body: #"{"status": "queued", "account": "acc-a"}"#)
            XCTAssertEqual(betaAnswer.status, .unprocessableContent, "\(betaAnswer.json)")
            XCTAssertEqual((betaAnswer.json["error"] as? [String: Any])?["code"] as? String, "unknown_account")
            XCTAssertEqual((betaAnswer.json["error"] as? [String: Any])?["field"] as? String, "account")
            let noBank = try await client.call(.post, "/v1/payments/cancel", token: TenantAPITests.acme,
                                               body: #"{"status": "queued", "bank": "nope"}"#)
            XCTAssertEqual(noBank.status, .unprocessableContent)
            XCTAssertEqual((noBank.json["error"] as? [String: Any])?["code"] as? String, "unknown_bank")
            XCTAssertEqual((noBank.json["error"] as? [String: Any])?["field"] as? String, "bank")
            let secondStill = try await runtime.store.payment(id: second)
            XCTAssertEqual(secondStill?.status, .queued)
            let foreignStill = try await runtime.store.payment(id: foreign)
            XCTAssertEqual(foreignStill?.status, .queued)

            // A payment the single action refuses (cancelled already) is skipped with its code.
            let again = try await client.call(.post, "/v1/payments/cancel", token: TenantAPITests.acme,
                                              body: #"{"status": "cancelled"}"#)
            XCTAssertEqual((again.json["changed"] as? [Any])?.count, 0)
            let skipped = try XCTUnwrap(again.json["skipped"] as? [[String: Any]])
            XCTAssertEqual(skipped.compactMap { $0["id"] as? String }, [first])
            XCTAssertEqual(skipped.first?["code"] as? String, "invalid_state")
            let stillOneRecord = try await ReconciliationStore(sharing: runtime.store).auditEntries(subjectKind: "payment", subjectId: first)
            XCTAssertEqual(stillOneRecord.filter { $0.action == "payment.cancelled" }.count, 1)

            let badBody = try await client.call(.post, "/v1/payments/retry", token: TenantAPITests.acme, body: #"{"hold_kind": "maybe"}"#)
            XCTAssertEqual(badBody.status, .badRequest, "\(badBody.json)")
            XCTAssertEqual((badBody.json["error"] as? [String: Any])?["field"] as? String, "hold_kind")
            let tooMany = try await client.call(.post, "/v1/payments/retry", token: TenantAPITests.acme, body: #"{"limit": 1001}"#)
            XCTAssertEqual(tooMany.status, .badRequest)
        }
    }

    /// A suspected duplicate, held at intake, released in bulk by its hold kind: the single
    /// release's transition and audit record; the payment it resembles is not held and not touched.
    func testBulkReleaseByHoldKind() async throws {
        try await withGateway { client, runtime in
            let original = try await TenantAPITests.pay(client, TenantAPITests.acme, from: "acc-a", key: "dup-1")
            let again = try await client.call(.post, "/v1/payments", token: TenantAPITests.acme, key: "dup-2",
                                              body: Bodies.text(Bodies.payment(["debtor_account": "acc-a", "end_to_end_id": "E2E-dup-2"])))
            let duplicate = try XCTUnwrap(again.json["id"] as? String, "\(again.json)")
            XCTAssertEqual(again.json["status"] as? String, "held", "\(again.json)")

            let preview = try await client.call(.post, "/v1/payments/release", token: TenantAPITests.acme,
                                                body: #"{"hold_kind": "duplicate", "dry_run": true}"#)
            XCTAssertEqual((preview.json["changed"] as? [[String: Any]])?.compactMap { $0["id"] as? String }, [duplicate])
            let stillHeld = try await runtime.store.payment(id: duplicate)
            XCTAssertEqual(stillHeld?.status, .held)
            let unsettled = try await client.call(.post, "/v1/payments/release", token: TenantAPITests.acme,
                                                  body: #"{"hold_kind": "unsettled"}"#)
            XCTAssertEqual((unsettled.json["changed"] as? [Any])?.count, 0, "a duplicate is not an unsettled hold")

            let released = try await client.call(.post, "/v1/payments/release", token: TenantAPITests.acme,
                                                 body: #"{"hold_kind": "duplicate"}"#)
            XCTAssertEqual((released.json["changed"] as? [[String: Any]])?.compactMap { $0["id"] as? String }, [duplicate])
            XCTAssertEqual((released.json["changed"] as? [[String: Any]])?.first?["status"] as? String, "queued")
            let audit = try await ReconciliationStore(sharing: runtime.store).auditEntries(subjectKind: "payment", subjectId: duplicate)
            XCTAssertTrue(audit.contains { $0.action == "payment.queued" && ($0.details ?? "").contains("released by acme-erp") }, "\(audit)")
            let untouched = try await ReconciliationStore(sharing: runtime.store).auditEntries(subjectKind: "payment", subjectId: original)
            XCTAssertFalse(untouched.contains { ($0.details ?? "").contains("released by") }, "\(untouched)")
        }
    }
}
