import BankGateAPI
import BankGateConfig
import BankGateCore
import BankGateEngine
import BankGateStore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import XCTest
import BankGateTestSupport
import BankGateRuntime

/// Idempotent intake through the real gateway: the API over ``GatewayEngine`` and a SQLite store in
/// a temporary directory (no service runs, so accepted payments stay queued).
final class IntakeIdempotencyTests: XCTestCase {
    var directory: URL!
    var runtime: GatewayRuntime!

    override func setUp() async throws {
        let made = try StoreBackedRuntime.make(named: "intake")
        (directory, runtime) = (made.directory, made.runtime)
    }

    override func tearDown() async throws {
        runtime.close()
        try? FileManager.default.removeItem(at: directory)
    }

    /// Runs `test` against the router over the real engine.
    func run(_ test: @escaping @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        try await StoreBackedRuntime.run(runtime, test)
    }

    /// Every payment the store holds, by id.
    func storedPaymentIds() async throws -> [String] {
        let page = try await runtime.engine.payments(PaymentFilter(limit: 100))
        return page.payments.map(\.id).sorted()
    }

    /// Issue 8.5: with the data folder full, intake answers 503 `store_unavailable` and so does
    /// `/readyz`; once space is back, `/readyz` answers 200 again without anything else writing.
    func testReadyzAnswers503WhileTheStoreCannotWrite() async throws {
        let dispatcher = runtime.dispatcher
        let running = Task { try await dispatcher.run() }
        defer { running.cancel() }
        let deadline = ContinuousClock.now.advanced(by: .seconds(5))
        while !dispatcher.isRunning && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(2)) }
        XCTAssertTrue(dispatcher.isRunning, "the dispatcher did not start within 5 s")
        let store: PaymentStore = runtime.store
        try await run { client in
            let ready = try await client.call(.get, "/readyz")
            XCTAssertEqual(ready.status, .ok)
            store.injectWriteFailure(.diskFull)
            let refused = try await client.call(.post, "/v1/payments", token: TestTokens.writer, key: "full",
                                                body: Bodies.text(Bodies.payment()))
            XCTAssertEqual(refused.status, .serviceUnavailable)
            XCTAssertEqual(refused.errorCode, "store_unavailable")
            let full = try await client.call(.get, "/readyz")
            XCTAssertEqual(full.status, .serviceUnavailable, "not ready while the store cannot write")
            store.injectWriteFailure(nil)
            let back = try await client.call(.get, "/readyz")
            XCTAssertEqual(back.status, .ok, "ready again once a write succeeds")
        }
        dispatcher.stop()
        _ = try? await running.value
    }

    func testTheSameBodyAgainIsReplayedAndStoresNothingNew() async throws {
        try await run { client in
            let body = Bodies.text(Bodies.payment())
            let first = try await client.call(.post, "/v1/payments", token: TestTokens.writer, key: "same", body: body)
            XCTAssertEqual(first.status, .created)
            XCTAssertNil(first.headers[HTTPField.Name("Idempotent-Replayed")!])
            let again = try await client.call(.post, "/v1/payments", token: TestTokens.writer, key: "same", body: body)
            XCTAssertEqual(again.status, .created, "a replay is the first answer again")
            XCTAssertEqual(again.headers[HTTPField.Name("Idempotent-Replayed")!], "true")
            XCTAssertEqual(again.json["id"] as? String, first.json["id"] as? String)
            XCTAssertEqual(again.json["message_id"] as? String, first.json["message_id"] as? String)
        }
        let stored = try await storedPaymentIds()
        XCTAssertEqual(stored.count, 1)
    }

    func testAnotherBodyUnderTheSameKeyIsAConflictAndStoresNothing() async throws {
        try await run { client in
            let first = try await client.call(.post, "/v1/payments", token: TestTokens.writer, key: "same",
                                              body: Bodies.text(Bodies.payment()))
            XCTAssertEqual(first.status, .created)
            let other = Bodies.text(Bodies.payment(["amount": "99.00", "end_to_end_id": "E2E-0002"]))
            let conflict = try await client.call(.post, "/v1/payments", token: TestTokens.writer, key: "same", body: other)
            XCTAssertEqual(conflict.status, .conflict)
            XCTAssertEqual(conflict.errorCode, "idempotency_conflict")
            // The same other body under a fresh key is a new payment.
            let fresh = try await client.call(.post, "/v1/payments", token: TestTokens.writer, key: "fresh", body: other)
            XCTAssertEqual(fresh.status, .created)
            XCTAssertNotEqual(fresh.json["id"] as? String, first.json["id"] as? String)
        }
        let stored = try await storedPaymentIds()
        XCTAssertEqual(stored.count, 2)
    }

    func testTheFingerprintIgnoresKeyOrderAndWhitespace() async throws {
        let ordered = """
            {"debtor_account":"acc-eur","amount":"1250.00","currency":"EUR",\
            "creditor":{"name":"Müller GmbH","account":"DE89370400440532013000","bank_code":"COBADEFFXXX"},\
            "remittance_info":"Invoice 4711","end_to_end_id":"E2E-0001","requested_execution_date":"2026-11-21"}
            """
        let reordered = """
            {
              "requested_execution_date": "2026-11-21",
              "creditor": {"bank_code": "COBADEFFXXX", "account": "DE89370400440532013000", "name": "Müller GmbH"},
              "end_to_end_id": "E2E-0001", "remittance_info": "Invoice 4711",
              "currency": "EUR", "amount": "1250.00", "debtor_account": "acc-eur"
            }
            """
        let changedNested = reordered.replacingOccurrences(of: "Müller GmbH", with: "Mueller GmbH")
        try await run { client in
            let first = try await client.call(.post, "/v1/payments", token: TestTokens.writer, key: "k", body: ordered)
            XCTAssertEqual(first.status, .created)
            let replay = try await client.call(.post, "/v1/payments", token: TestTokens.writer, key: "k", body: reordered)
            XCTAssertEqual(replay.status, .created, "the same fields in another order are the same request")
            XCTAssertEqual(replay.headers[HTTPField.Name("Idempotent-Replayed")!], "true")
            XCTAssertEqual(replay.json["id"] as? String, first.json["id"] as? String)
            let conflict = try await client.call(.post, "/v1/payments", token: TestTokens.writer, key: "k", body: changedNested)
            XCTAssertEqual(conflict.status, .conflict, "a nested value changed is another request")
            XCTAssertEqual(conflict.errorCode, "idempotency_conflict")
        }
        let stored = try await storedPaymentIds()
        XCTAssertEqual(stored.count, 1)
    }
}
