import BankGateAPI
import BankGateConfig
import BankGateCore
import BankGateRuntime
import BankGateStore
import BankGateTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import XCTest

/// Two tenants on one gateway (the real engine and store): each token sees and acts only within
/// its tenant, another tenant's object answers exactly as a missing one, and `pay_from` /
/// `read_accounts` narrow a token further.
final class TenantAPITests: XCTestCase {
    static let acme = "acme-token-0123456789"
    static let beta = "beta-token-0123456789"
    static let clerk = "clerk-token-0123456789"
    static let acmeOperator = "acme-ops-token-0123456789"
    static let allScopes = #"["payments:write", "payments:read", "operate", "events:read", "accounts:read", "accounts:write", "receipts:read", "admin", "payments:approve"]"#

    /// `acme` holds `acc-a` and `acc-a2`, `beta` holds `acc-b`; `acme-clerk` may pay from and read `acc-a` only.
    static func makeRuntime() throws -> (URL, GatewayRuntime) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("bankgate-tenants-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let toml = """
            [server]
            listen = "127.0.0.1:0"
            data_dir = "\(directory.appendingPathComponent("data").path)"

            [[tenants]]
            id = "acme"
            name = "ACME Trading"

            [[tenants]]
            id = "beta"
            name = "Beta Logistics"

            [[tokens]]
            name = "acme-erp"
            token = "\(acme)"
            scopes = \(allScopes)
            tenant = "acme"

            [[tokens]]
            name = "beta-erp"
            token = "\(beta)"
            scopes = \(allScopes)
            tenant = "beta"

            [[tokens]]
            name = "acme-ops"
            token = "\(acmeOperator)"
            scopes = ["operate", "payments:read"]
            tenant = "acme"

            [[tokens]]
            name = "acme-clerk"
            token = "\(clerk)"
            scopes = ["payments:write", "payments:read"]
            tenant = "acme"
            pay_from = ["acc-a"]
            read_accounts = ["acc-a"]

            [[banks]]
            id = "sim"
            adapter = "iso20022"
            transport = "http"
            url = "http://127.0.0.1:9"

            [[accounts]]
            id = "acc-a"
            bank = "sim"
            number = "DE89370400440532013000"
            bank_code = "COBADEFFXXX"
            name = "ACME Trading GmbH"
            currency = "EUR"
            tenant = "acme"

            [[accounts]]
            id = "acc-a2"
            bank = "sim"
            number = "FR1420041010050500013M02606"
            bank_code = "COBADEFFXXX"
            name = "ACME Trading SARL"
            currency = "EUR"
            tenant = "acme"

            [[accounts]]
            id = "acc-b"
            bank = "sim"
            number = "DE02120300000000202051"
            bank_code = "COBADEFFXXX"
            name = "Beta Logistics GmbH"
            currency = "EUR"
            tenant = "beta"

            [[alerts]]
            name = "any-payment"
            payment_amount_above = "1.00"
            currency = "EUR"
            event = true
            """
        let configuration = try BankGateConfiguration.parse(toml, fileName: "tenants.toml", baseDirectory: directory.path)
        var logger = Logger(label: "tenant-tests")
        logger.logLevel = .critical
        let runtime = try GatewayRuntime(configuration: configuration, clock: FixedClock(instant: APIHarness.today), logger: logger)
        return (directory, runtime)
    }

    func withGateway(_ test: @escaping @Sendable (any TestClientProtocol, GatewayRuntime) async throws -> Void) async throws {
        let (directory, runtime) = try Self.makeRuntime()
        defer {
            runtime.close()
            try? FileManager.default.removeItem(at: directory)
        }
        try await runtime.assignTenants()
        let router = APIServer.makeRouter(gateway: runtime.engine, reports: runtime.reports, statementPulls: runtime.statementPulls,
                                          receipts: runtime.receipts, receiptExports: runtime.receiptExports, alerts: runtime.alerts,
                                          tokens: runtime.configuration.tokens, tenants: runtime.configuration.tenantDirectory,
                                          maxBodyBytes: 1_048_576, clock: FixedClock(instant: APIHarness.today))
        try await Application(router: router).test(.router) { client in try await test(client, runtime) }
    }

    /// `GET /v1/queue` for a tenant's token counts that tenant's payments only (an outside check
    /// saw a `payments:read` token of one tenant read the whole installation's queue).
    func testTheQueueOfATenantsTokenCountsItsOwnPaymentsOnly() async throws {
        try await withGateway { client, _ in
            _ = try await Self.pay(client, Self.acme, from: "acc-a", key: "q-1")
            _ = try await Self.pay(client, Self.acme, from: "acc-a2", key: "q-2")
            _ = try await Self.pay(client, Self.beta, from: "acc-b", key: "q-3")
            func queued(_ token: String) async throws -> Int? {
                let answer = try await client.call(.get, "/v1/queue", token: token)
                XCTAssertEqual(answer.status, .ok, "\(answer.json)")
                return (answer.json["counts"] as? [String: Int])?["queued"]
            }
            let acmeQueued = try await queued(Self.acme)
            let betaQueued = try await queued(Self.beta)
            let clerkQueued = try await queued(Self.clerk)
            XCTAssertEqual(acmeQueued, 2)
            XCTAssertEqual(betaQueued, 1)
            XCTAssertEqual(clerkQueued, 1, "the clerk reads acc-a only")
            let beta = try await client.call(.get, "/v1/queue", token: Self.beta)
            let bank = try XCTUnwrap((beta.json["banks"] as? [[String: Any]])?.first)
            XCTAssertEqual(bank["bank_id"] as? String, "sim", "the bank of its account")
            XCTAssertEqual(bank["archived_messages"] as? Int, 0, "not the installation's archive totals")
        }
    }

    func testPaymentsOfAnotherTenantAnswerExactlyAsMissingOnes() async throws {
        try await withGateway { client, _ in
            let paymentA = try await Self.pay(client, Self.acme, from: "acc-a", key: "a-1")
            // Reading and acting on it as beta: the same answer as for an id that does not exist.
            for (method, path) in [(HTTPRequest.Method.get, "/v1/payments/ID"), (.post, "/v1/payments/ID/cancel"), (.post, "/v1/payments/ID/retry"),
                                   (.post, "/v1/payments/ID/release"), (.get, "/v1/payments/ID/messages"), (.get, "/v1/payments/ID/trace")] {
                try await Self.assertAnswersAsMissing(client, method, path, foreign: paymentA, missing: "pay_0000000000000000000000000", token: Self.beta)
            }
            let own = try await client.call(.get, "/v1/payments/\(paymentA)", token: Self.acme)
            XCTAssertEqual(own.status, .ok)
            // Approving or rejecting it (approvals' routes) likewise.
            try await Self.assertAnswersAsMissing(client, .post, "/v1/payments/ID/approve", foreign: paymentA, missing: "pay_0000000000000000000000000", token: Self.beta)
            try await Self.assertAnswersAsMissing(client, .post, "/v1/payments/ID/reject", foreign: paymentA, missing: "pay_0000000000000000000000000", token: Self.beta)

            // Lists show only the tenant's own payments.
            let listA = try await client.call(.get, "/v1/payments", token: Self.acme)
            XCTAssertEqual((listA.json["payments"] as? [[String: Any]])?.compactMap { $0["id"] as? String }, [paymentA])
            let listB = try await client.call(.get, "/v1/payments", token: Self.beta)
            XCTAssertEqual((listB.json["payments"] as? [[String: Any]])?.count, 0)
            let listBAccount = try await client.call(.get, "/v1/payments?account=acc-a", token: Self.beta)
            XCTAssertEqual((listBAccount.json["payments"] as? [[String: Any]])?.count, 0)

            // Paying from another tenant's account: the answer for an account that does not exist.
            let foreign = try await Self.raw(client, .post, "/v1/payments", token: Self.beta, key: "b-x",
                                             body: Bodies.text(Bodies.payment(["debtor_account": "acc-a"])))
            let unknown = try await Self.raw(client, .post, "/v1/payments", token: Self.beta, key: "b-y",
                                             body: Bodies.text(Bodies.payment(["debtor_account": "acc-nope"])))
            XCTAssertEqual(foreign.status, .unprocessableContent)
            XCTAssertEqual(foreign.status, unknown.status)
            XCTAssertEqual(foreign.body, unknown.body)
            XCTAssertTrue(foreign.body.contains("unknown_account"), foreign.body)

            // A batch of acme's: beta gets the answer of a missing batch.
            let batch = try await client.call(.post, "/v1/payment-batches", token: Self.acme, key: "a-batch",
                                              body: Bodies.text(["payments": [Bodies.payment(["debtor_account": "acc-a2", "end_to_end_id": "E2E-B1"])]]))
            XCTAssertEqual(batch.status, .created)
            let batchId = try XCTUnwrap(batch.json["batch_id"] as? String)
            try await Self.assertAnswersAsMissing(client, .get, "/v1/payment-batches/ID", foreign: batchId, missing: "bat_missing", token: Self.beta)
            try await Self.assertAnswersAsMissing(client, .post, "/v1/payment-batches/ID/approve", foreign: batchId, missing: "bat_missing", token: Self.beta)
            let ownBatch = try await client.call(.get, "/v1/payment-batches/\(batchId)", token: Self.acme)
            XCTAssertEqual(ownBatch.status, .ok)
        }
    }

    func testAlertFiringsStayWithinTheTenant() async throws {
        try await withGateway { client, runtime in
            let paymentA = try await Self.pay(client, Self.acme, from: "acc-a", key: "al-a")
            let paymentB = try await Self.pay(client, Self.beta, from: "acc-b", key: "al-b")
            let fired = await runtime.alerts.evaluate()
            XCTAssertEqual(Set(fired.compactMap(\.paymentId)), [paymentA, paymentB])
            func listed(_ token: String) async throws -> [String] {
                let answer = try await client.call(.get, "/v1/alerts", token: token)
                XCTAssertEqual(answer.status, .ok)
                return (answer.json["alerts"] as? [[String: Any]])?.compactMap { $0["payment_id"] as? String } ?? []
            }
            let seenByAcme = try await listed(Self.acme)
            let seenByBeta = try await listed(Self.beta)
            XCTAssertEqual(seenByAcme, [paymentA])
            XCTAssertEqual(seenByBeta, [paymentB])
        }
    }

    func testAccountRoutesOfAnotherTenantAnswerExactlyAsUnknownAccounts() async throws {
        try await withGateway { client, _ in
            for (method, path) in [(HTTPRequest.Method.get, "/v1/accounts/ID/status"), (.get, "/v1/accounts/ID/balances"),
                                   (.get, "/v1/accounts/ID/transactions"), (.get, "/v1/accounts/ID/statements"),
                                   (.get, "/v1/accounts/ID/reconciliation?date=2026-11-19"),
                                   (.get, "/v1/accounts/ID/receipt-report?date=2026-11-19")] {
                try await Self.assertAnswersAsMissing(client, method, path, foreign: "acc-a", missing: "acc-nope", token: Self.beta)
            }
            let freeze = #"{"status": "frozen", "reason": "fraud suspected"}"#
            try await Self.assertAnswersAsMissing(client, .post, "/v1/accounts/ID/status", foreign: "acc-a", missing: "acc-nope",
                                                  token: Self.beta, body: freeze)
            let own = try await client.call(.get, "/v1/accounts/acc-a/status", token: Self.acme)
            XCTAssertEqual(own.status, .ok)
            // `admin` alone may change an account's status within its tenant.
            let frozen = try await client.call(.post, "/v1/accounts/acc-a2/status", token: Self.acme, body: freeze)
            XCTAssertEqual(frozen.status, .ok)
            XCTAssertEqual(frozen.json["status"] as? String, "frozen")
        }
    }

    func testEventsAndWebhooksStayWithinTheTenant() async throws {
        try await withGateway { client, runtime in
            let hook = try await client.call(.post, "/v1/webhooks?from_seq=1", token: Self.beta,
                                             body: #"{"url": "https://beta.example/hook", "event_types": ["*"]}"#)
            XCTAssertEqual(hook.status, .created)
            let hookId = try XCTUnwrap(hook.json["id"] as? String)
            let paymentA = try await Self.pay(client, Self.acme, from: "acc-a", key: "a-1")
            let paymentB = try await Self.pay(client, Self.beta, from: "acc-b", key: "b-1")

            let feedA = try await client.call(.get, "/v1/events", token: Self.acme)
            let idsA = Set((feedA.json["events"] as? [[String: Any]] ?? []).compactMap { $0["payment_id"] as? String })
            XCTAssertEqual(idsA, [paymentA])
            let feedB = try await client.call(.get, "/v1/events", token: Self.beta)
            let idsB = Set((feedB.json["events"] as? [[String: Any]] ?? []).compactMap { $0["payment_id"] as? String })
            XCTAssertEqual(idsB, [paymentB])
            // The cursor moves past the other tenant's events too.
            XCTAssertEqual(feedA.json["next_after"] as? Int, feedB.json["next_after"] as? Int)

            // Beta's subscription is handed beta's events only.
            let stored = try await runtime.reports.webhooks.subscription(id: hookId)
            let subscription = try XCTUnwrap(stored)
            XCTAssertEqual(subscription.tenant, "beta")
            let (delivered, _) = try await runtime.reports.webhooks.nextEvents(for: subscription, limit: 100)
            XCTAssertFalse(delivered.isEmpty)
            XCTAssertEqual(Set(delivered.compactMap(\.paymentId)), [paymentB])
            XCTAssertTrue(delivered.allSatisfy { $0.tenant == "beta" })

            // Acme neither lists nor touches it: the answers of a missing subscription.
            let listA = try await client.call(.get, "/v1/webhooks", token: Self.acme)
            XCTAssertEqual((listA.json["webhooks"] as? [[String: Any]])?.count, 0)
            let listB = try await client.call(.get, "/v1/webhooks", token: Self.beta)
            XCTAssertEqual((listB.json["webhooks"] as? [[String: Any]])?.compactMap { $0["id"] as? String }, [hookId])
            try await Self.assertAnswersAsMissing(client, .post, "/v1/webhooks/ID/disable", foreign: hookId, missing: "whk_missing", token: Self.acme)
            try await Self.assertAnswersAsMissing(client, .delete, "/v1/webhooks/ID", foreign: hookId, missing: "whk_missing", token: Self.acme)
            let stillThere = try await runtime.reports.webhooks.subscription(id: hookId)
            XCTAssertEqual(stillThere?.state, "active")
        }
    }

    func testPayFromAndReadAccountsNarrowAToken() async throws {
        try await withGateway { client, _ in
            let other = try await Self.pay(client, Self.acme, from: "acc-a2", key: "a2-1")
            let refused = try await Self.raw(client, .post, "/v1/payments", token: Self.clerk, key: "c-1",
                                             body: Bodies.text(Bodies.payment(["debtor_account": "acc-a2"])))
            let unknown = try await Self.raw(client, .post, "/v1/payments", token: Self.clerk, key: "c-2",
                                             body: Bodies.text(Bodies.payment(["debtor_account": "acc-nope"])))
            XCTAssertEqual(refused.status, .unprocessableContent)
            XCTAssertEqual(refused.body, unknown.body)
            let own = try await Self.pay(client, Self.clerk, from: "acc-a", key: "c-3")
            try await Self.assertAnswersAsMissing(client, .get, "/v1/payments/ID", foreign: other, missing: "pay_missing", token: Self.clerk)
            let list = try await client.call(.get, "/v1/payments", token: Self.clerk)
            XCTAssertEqual((list.json["payments"] as? [[String: Any]])?.compactMap { $0["id"] as? String }, [own])
            // The tenant's other token sees both.
            let all = try await client.call(.get, "/v1/payments", token: Self.acme)
            XCTAssertEqual(Set((all.json["payments"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }), [own, other])
        }
    }

    func testTheTenantViewShowsTheTenantAndNoSecret() async throws {
        try await withGateway { client, _ in
            let view = try await Self.raw(client, .get, "/v1/tenant", token: Self.acme)
            XCTAssertEqual(view.status, .ok)
            XCTAssertFalse(view.body.contains(Self.acme) || view.body.contains(Self.clerk) || view.body.contains(Self.beta), view.body)
            let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(view.body.utf8)) as? [String: Any])
            XCTAssertEqual(json["id"] as? String, "acme")
            XCTAssertEqual(json["name"] as? String, "ACME Trading")
            XCTAssertEqual((json["accounts"] as? [[String: Any]])?.compactMap { $0["id"] as? String }, ["acc-a", "acc-a2"])
            let tokens = json["tokens"] as? [[String: Any]] ?? []
            XCTAssertEqual(tokens.compactMap { $0["name"] as? String }, ["acme-clerk", "acme-erp", "acme-ops"])
            XCTAssertEqual(tokens.first?["pay_from"] as? [String], ["acc-a"])
            let clerkView = try await client.call(.get, "/v1/tenant", token: Self.clerk)
            XCTAssertEqual(clerkView.status, .forbidden)
        }
    }

    func testReceiptExportsNameOnlyTheTenantsAccounts() async throws {
        try await withGateway { client, _ in
            let body = { (account: String) in #"{"accounts": ["\#(account)"], "from": "2026-11-19", "to": "2026-11-19"}"# }
            let foreign = try await Self.raw(client, .post, "/v1/receipt-exports", token: Self.beta, body: body("acc-a"))
            let unknown = try await Self.raw(client, .post, "/v1/receipt-exports", token: Self.beta, body: body("acc-nope"))
            XCTAssertEqual(foreign.status, .unprocessableContent)
            XCTAssertEqual(foreign.status, unknown.status)
            XCTAssertEqual(foreign.body.replacingOccurrences(of: "acc-a", with: "ID"), unknown.body.replacingOccurrences(of: "acc-nope", with: "ID"))
            let export = try await client.call(.post, "/v1/receipt-exports", token: Self.acme, body: body("acc-a"))
            XCTAssertEqual(export.status, .accepted)
            let exportId = try XCTUnwrap(export.json["id"] as? String)
            try await Self.assertAnswersAsMissing(client, .get, "/v1/receipt-exports/ID", foreign: exportId, missing: "rex_missing", token: Self.beta)
            let listB = try await client.call(.get, "/v1/receipt-exports", token: Self.beta)
            XCTAssertEqual((listB.json["exports"] as? [[String: Any]])?.count, 0)
            let listA = try await client.call(.get, "/v1/receipt-exports", token: Self.acme)
            XCTAssertEqual((listA.json["exports"] as? [[String: Any]])?.compactMap { $0["id"] as? String }, [exportId])
        }
    }

    func testExpectedPaymentsAndReconciliationStayWithinTheTenant() async throws {
        try await withGateway { client, _ in
            let body = { (account: String) in
                #"{"account": "\#(account)", "currency": "EUR", "amount": "250.00", "from": "2026-11-20", "to": "2026-11-20"}"#
            }
            let created = try await client.call(.post, "/v1/expected-payments", token: Self.acme, body: body("acc-a"))
            XCTAssertEqual(created.status, .created, "\(created.json)")
            let expectedId = try XCTUnwrap(created.json["id"] as? String)
            try await Self.assertAnswersAsMissing(client, .get, "/v1/expected-payments/ID", foreign: expectedId, missing: "exp_999999", token: Self.beta)
            try await Self.assertAnswersAsMissing(client, .post, "/v1/expected-payments/ID/cancel", foreign: expectedId, missing: "exp_999999",
                                                  token: Self.beta)
            let listB = try await client.call(.get, "/v1/expected-payments", token: Self.beta)
            XCTAssertEqual((listB.json["expected_payments"] as? [[String: Any]])?.count, 0)
            let listA = try await client.call(.get, "/v1/expected-payments", token: Self.acme)
            XCTAssertEqual((listA.json["expected_payments"] as? [[String: Any]])?.compactMap { $0["id"] as? String }, [expectedId])
            // Declaring one on another tenant's account: the answer for an unknown account.
            let foreign = try await Self.raw(client, .post, "/v1/expected-payments", token: Self.beta, body: body("acc-a"))
            let unknown = try await Self.raw(client, .post, "/v1/expected-payments", token: Self.beta, body: body("acc-nope"))
            XCTAssertNotEqual(foreign.status, .created)
            XCTAssertEqual(foreign.status, unknown.status)
            XCTAssertEqual(foreign.body, unknown.body)
            // The reconciliation run of a token that sees only its tenant names the account.
            let run = try await client.call(.post, "/v1/reconciliation/run", token: Self.beta)
            XCTAssertEqual(run.status, .badRequest)
            XCTAssertEqual(run.errorField, "account")
            let still = try await client.call(.get, "/v1/expected-payments/\(expectedId)", token: Self.acme)
            XCTAssertEqual(still.json["status"] as? String, "open")
        }
    }

    func testStatementsAndTransactionsOfAnotherTenantAnswerAsMissing() async throws {
        try await withGateway { client, _ in
            let camt = """
                <?xml version="1.0" encoding="UTF-8"?>
                <Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08">
                  <BkToCstmrStmt>
                    <GrpHdr><MsgId>MSG-T1</MsgId><CreDtTm>2026-11-19T18:00:00Z</CreDtTm></GrpHdr>
                    <Stmt>
                      <Id>STMT-T1</Id><ElctrncSeqNb>1</ElctrncSeqNb><CreDtTm>2026-11-19T18:00:00Z</CreDtTm>
                      <Acct><Id><IBAN>DE89370400440532013000</IBAN></Id><Ccy>EUR</Ccy></Acct>
                      <Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">1000.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2026-11-19</Dt></Dt></Bal>
                      <Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">1250.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2026-11-19</Dt></Dt></Bal>
                      <Ntry>
                        <Amt Ccy="EUR">250.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts>
                        <BookgDt><Dt>2026-11-19</Dt></BookgDt><ValDt><Dt>2026-11-19</Dt></ValDt><AcctSvcrRef>T1-A1</AcctSvcrRef>
                        <AddtlNtryInf>Customer payment</AddtlNtryInf>
                      </Ntry>
                    </Stmt>
                  </BkToCstmrStmt>
                </Document>
                """
            // Beta cannot bring a file in for acme's account; acme can.
            let refused = try await Self.raw(client, .post, "/v1/statements?account=acc-a", token: Self.beta, body: camt)
            let unknown = try await Self.raw(client, .post, "/v1/statements?account=acc-nope", token: Self.beta, body: camt)
            XCTAssertEqual(refused.status, .notFound)
            XCTAssertEqual(refused.body, unknown.body)
            let unnamed = try await client.call(.post, "/v1/statements", token: Self.beta, body: camt)
            XCTAssertEqual(unnamed.status, .badRequest)
            let upload = try await client.call(.post, "/v1/statements?account=acc-a", token: Self.acme, body: camt)
            XCTAssertEqual(upload.status, .created, "\(upload.json)")
            let statementId = try XCTUnwrap((upload.json["statements"] as? [[String: Any]])?.first?["id"] as? String)
            let transactions = try await client.call(.get, "/v1/accounts/acc-a/transactions", token: Self.acme)
            let transactionId = try XCTUnwrap((transactions.json["transactions"] as? [[String: Any]])?.first?["id"] as? String)

            try await Self.assertAnswersAsMissing(client, .get, "/v1/statements/ID/messages", foreign: statementId, missing: "stm_999999", token: Self.beta)
            try await Self.assertAnswersAsMissing(client, .post, "/v1/statements/ID/accept", foreign: statementId, missing: "stm_999999", token: Self.beta)
            try await Self.assertAnswersAsMissing(client, .get, "/v1/transactions/ID", foreign: transactionId, missing: "btx_999999", token: Self.beta)
            let own = try await client.call(.get, "/v1/transactions/\(transactionId)", token: Self.acme)
            XCTAssertEqual(own.status, .ok)
            let exceptions = try await client.call(.get, "/v1/reconciliation/exceptions", token: Self.beta)
            XCTAssertEqual((exceptions.json["unmatched_transactions"] as? [[String: Any]])?.count, 0)
            let ownExceptions = try await client.call(.get, "/v1/reconciliation/exceptions", token: Self.acme)
            XCTAssertEqual((ownExceptions.json["unmatched_transactions"] as? [[String: Any]])?.count, 1)
        }
    }

    func testReceiptsOfAnotherTenantAnswerAsMissing() async throws {
        try await withGateway { client, runtime in
            let eur = try XCTUnwrap(Currency(code: "EUR"))
            let draft = ReceiptDraft(bankId: "sim", accountId: "acc-a", bookingDate: "2026-11-19", amount: Money(minorUnits: 100, currency: eur),
                                     direction: "debit", clientReference: "I-1", contentType: "application/pdf",
                                     sha256: String(repeating: "a", count: 64), size: 1, origin: .rendered)
            let stored = try await ReceiptStore(sharing: runtime.store).insert(draft, links: [], at: APIHarness.today)
            let receiptId = stored.receipt.id
            try await Self.assertAnswersAsMissing(client, .get, "/v1/receipts/ID", foreign: receiptId, missing: "rcp_999999", token: Self.beta)
            try await Self.assertAnswersAsMissing(client, .get, "/v1/receipts/ID/file", foreign: receiptId, missing: "rcp_999999", token: Self.beta)
            let own = try await client.call(.get, "/v1/receipts/\(receiptId)", token: Self.acme)
            XCTAssertEqual(own.status, .ok)
            let listB = try await client.call(.get, "/v1/receipts", token: Self.beta)
            XCTAssertEqual((listB.json["receipts"] as? [[String: Any]])?.count, 0)
            let listA = try await client.call(.get, "/v1/receipts", token: Self.acme)
            XCTAssertEqual((listA.json["receipts"] as? [[String: Any]])?.compactMap { $0["id"] as? String }, [receiptId])
            // Its event (`receipt.available`) is acme's.
            let feedB = try await client.call(.get, "/v1/events", token: Self.beta)
            XCTAssertEqual((feedB.json["events"] as? [[String: Any]])?.count, 0)
            let feedA = try await client.call(.get, "/v1/events", token: Self.acme)
            XCTAssertEqual((feedA.json["events"] as? [[String: Any]])?.compactMap { $0["type"] as? String }, ["receipt.available"])
        }
    }

    func testTheStoreKeepsTheConfiguredTenantsOnceAndMarksEventsWithThem() async throws {
        try await withGateway { client, runtime in
            // withGateway assigned them already: the same map again changes nothing.
            let directory = runtime.configuration.tenantDirectory
            let changed = try await runtime.store.assignTenants(directory.tenantOfAccount, at: APIHarness.today)
            XCTAssertFalse(changed)
            XCTAssertEqual(directory.tenantOfAccount, ["acc-a": "acme", "acc-a2": "acme", "acc-b": "beta"])
            let paymentB = try await Self.pay(client, Self.beta, from: "acc-b", key: "b-1")
            let events = try await runtime.store.events(after: 0, limit: 100)
            XCTAssertEqual(events.filter { $0.paymentId == paymentB }.map(\.tenant), ["beta"])
            // Without tenants the store keeps none, and events carry none.
            let cleared = try await runtime.store.assignTenants([:], at: APIHarness.today)
            XCTAssertTrue(cleared)
            let paymentA = try await Self.pay(client, Self.acme, from: "acc-a", key: "a-1")
            let later = try await runtime.store.events(after: 0, limit: 100)
            XCTAssertEqual(later.filter { $0.paymentId == paymentA }.map(\.tenant), [nil])
        }
    }

    // MARK: - Helpers

    /// Submits one payment and returns its id.
    static func pay(_ client: any TestClientProtocol, _ token: String, from account: String, key: String,
                    file: StaticString = #filePath, line: UInt = #line) async throws -> String {
        let answer = try await client.call(.post, "/v1/payments", token: token, key: key,
                                           body: Bodies.text(Bodies.payment(["debtor_account": account, "end_to_end_id": "E2E-\(key)",
                                                                            // Today on the test clock: sent at once, not `scheduled`.
                                                                            "requested_execution_date": "2026-11-20"])))
        XCTAssertEqual(answer.status, .created, "\(answer.json)", file: file, line: line)
        return try XCTUnwrap(answer.json["id"] as? String, file: file, line: line)
    }

    /// The status and body text of an answer.
    static func raw(_ client: any TestClientProtocol, _ method: HTTPRequest.Method, _ uri: String, token: String,
                    key: String? = nil, body: String? = nil) async throws -> (status: HTTPResponse.Status, body: String) {
        var headers = HTTPFields()
        headers[.authorization] = "Bearer \(token)"
        if let key { headers[HTTPField.Name("Idempotency-Key")!] = key }
        if body != nil { headers[.contentType] = "application/json" }
        let response = try await client.execute(uri: uri, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) })
        return (response.status, String(decoding: response.body.readableBytesView, as: UTF8.self))
    }

    /// `path` with `ID` as the foreign object answers 404 with the same body as with `ID` as a
    /// missing one, apart from the id itself.
    static func assertAnswersAsMissing(_ client: any TestClientProtocol, _ method: HTTPRequest.Method, _ path: String,
                                       foreign: String, missing: String, token: String, body: String? = nil,
                                       file: StaticString = #filePath, line: UInt = #line) async throws {
        let refused = try await raw(client, method, path.replacingOccurrences(of: "ID", with: foreign), token: token, body: body)
        let absent = try await raw(client, method, path.replacingOccurrences(of: "ID", with: missing), token: token, body: body)
        XCTAssertEqual(refused.status, .notFound, "\(method) \(path): \(refused.body)", file: file, line: line)
        XCTAssertEqual(refused.status, absent.status, "\(method) \(path)", file: file, line: line)
        XCTAssertEqual(refused.body.replacingOccurrences(of: foreign, with: "ID"), absent.body.replacingOccurrences(of: missing, with: "ID"),
                       "\(method) \(path)", file: file, line: line)
    }
}
