import BankGateCore
import BankGateCrypto
@testable import BankGateEngine
import BankGateStore
import Foundation
import Logging
import Synchronization
import XCTest
import BankGateTestSupport

/// A receiver that records deliveries and answers with scripted statuses.
final class RecordingPoster: WebhookPoster {
    struct Delivery: Sendable {
        var url: String
        var headers: [String: String]
        var body: [UInt8]
    }

    private let state = Mutex<(deliveries: [Delivery], statuses: [Int])>(([], []))

    /// Statuses to answer, in order; 204 once they run out.
    func script(_ statuses: [Int]) { state.withLock { $0.statuses = statuses } }

    var deliveries: [Delivery] { state.withLock { $0.deliveries } }

    func post(url: String, headers: [(String, String)], body: [UInt8]) async throws -> Int {
        state.withLock { state in
            state.deliveries.append(Delivery(url: url, headers: Dictionary(headers, uniquingKeysWith: { $1 }), body: body))
            return state.statuses.isEmpty ? 204 : state.statuses.removeFirst()
        }
    }
}

final class WebhookSenderTests: XCTestCase {
    var directory: URL!
    var payments: PaymentStore!
    var webhooks: WebhookStore!
    var reconciliation: ReconciliationStore!
    let clock = ManualClock(start: Timestamp(milliseconds: 1_795_000_000_000))
    let poster = RecordingPoster()

    override func setUp() async throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("bankgate-webhooks-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        payments = try PaymentStore(path: directory.appendingPathComponent("store.sqlite").path)
        webhooks = WebhookStore(sharing: payments, secrets: try SecretBox(key: SecureRandom.bytes(32)))
        reconciliation = ReconciliationStore(sharing: payments)
    }

    override func tearDown() async throws {
        payments.close()
        try? FileManager.default.removeItem(at: directory)
    }

    func sender(disableAfter: Int = 3) -> WebhookSender {
        WebhookSender(store: webhooks, poster: poster, clock: clock,
                      policy: WebhookPolicy(backoffBaseMilliseconds: 1_000, backoffMaxMilliseconds: 60_000, disableAfterFailures: disableAfter),
                      logger: Logger(label: "test"))
    }

    /// Creates an expected payment, which writes an `expected_payment.created` event.
    func makeEvent(_ n: Int) async throws {
        let eur = Currency(code: "EUR")!
        _ = try await reconciliation.createExpectedPayment(
            ExpectedPaymentRecord(id: "exp_\(n)", accountId: "acme-eur", currency: eur, amountMin: 100, amountMax: 100,
                                  counterpartyName: nil, counterpartyAccount: nil, reference: "R\(n)", windowFrom: "2026-11-20",
                                  windowTo: "2026-11-25", status: .open, client: "treasury", createdAt: clock.now(), updatedAt: clock.now()),
            at: clock.now())
    }

    func testDeliveriesAreSignedInOrderWithStableIds() async throws {
        _ = try await webhooks.create(id: "whk_1", url: "http://ledger.example/hook", eventTypes: ["expected_payment.*"],
                                      secret: "topsecret", fromSequence: nil, actor: "ops", at: clock.now())
        try await makeEvent(1)
        try await makeEvent(2)
        let delivered = try await sender().deliverDue()
        XCTAssertEqual(delivered, 2)
        let deliveries = poster.deliveries
        XCTAssertEqual(deliveries.map { $0.headers["BankGate-Event-Id"] }, ["evt_1", "evt_2"])
        for delivery in deliveries {
            let header = try XCTUnwrap(delivery.headers[WebhookSignature.headerName])
            XCTAssertTrue(WebhookSignature.verify(header: header, secret: "topsecret", body: delivery.body,
                                                  nowUnixSeconds: clock.now().milliseconds / 1000))
            XCTAssertFalse(WebhookSignature.verify(header: header, secret: "other", body: delivery.body,
                                                   nowUnixSeconds: clock.now().milliseconds / 1000))
            XCTAssertFalse(WebhookSignature.verify(header: header, secret: "topsecret", body: delivery.body + [0x20],
                                                   nowUnixSeconds: clock.now().milliseconds / 1000))
            XCTAssertFalse(WebhookSignature.verify(header: header, secret: "topsecret", body: delivery.body,
                                                   nowUnixSeconds: clock.now().milliseconds / 1000 + 3600))
            let json = try JSONSerialization.jsonObject(with: Data(delivery.body)) as? [String: Any]
            XCTAssertEqual(json?["type"] as? String, "expected_payment.created")
        }
        // Nothing new: nothing sent again.
        let value1 = try await sender().deliverDue()
        XCTAssertEqual(value1, 0)
        XCTAssertEqual(poster.deliveries.count, 2)
    }

    func testFailuresBackOffThenDisableAndRedeliveryResends() async throws {
        _ = try await webhooks.create(id: "whk_1", url: "http://ledger.example/hook", eventTypes: ["expected_payment.*"], secret: "k",
                                      fromSequence: nil, actor: "ops", at: clock.now())
        try await makeEvent(1)
        poster.script([500, 503, 500])
        let sender = sender(disableAfter: 3)
        let value2 = try await sender.deliverDue()
        XCTAssertEqual(value2, 0)
        // Backing off: not due until a second has passed.
        let value3 = try await sender.deliverDue()
        XCTAssertEqual(value3, 0)
        XCTAssertEqual(poster.deliveries.count, 1)
        clock.advance(milliseconds: 1_000)
        let value4 = try await sender.deliverDue()
        XCTAssertEqual(value4, 0)
        XCTAssertEqual(poster.deliveries.count, 2)
        clock.advance(milliseconds: 1_999)
        let value5 = try await sender.deliverDue()
        XCTAssertEqual(value5, 0)
        XCTAssertEqual(poster.deliveries.count, 2, "second backoff is 2 s")
        clock.advance(milliseconds: 1)
        let value6 = try await sender.deliverDue()
        XCTAssertEqual(value6, 0)
        let disabled = try await webhooks.subscription(id: "whk_1")
        XCTAssertEqual(disabled?.state, "disabled")
        XCTAssertEqual(disabled?.consecutiveFailures, 3)
        clock.advance(milliseconds: 3_600_000)
        let value7 = try await sender.deliverDue()
        XCTAssertEqual(value7, 0)
        XCTAssertEqual(poster.deliveries.count, 3, "a disabled subscription gets nothing")

        _ = try await webhooks.setEnabled(id: "whk_1", true, actor: "ops", at: clock.now())
        let value8 = try await sender.deliverDue()
        XCTAssertEqual(value8, 1, "the same event, delivered at last")
        XCTAssertEqual(Set(poster.deliveries.map { $0.headers["BankGate-Event-Id"] }), ["evt_1"])

        _ = try await webhooks.redeliver(from: 1, subscriptionId: "whk_1", actor: "ops", at: clock.now())
        let value9 = try await sender.deliverDue()
        XCTAssertEqual(value9, 1)
        XCTAssertEqual(poster.deliveries.count, 5)
    }

    func testUnwantedEventsMoveTheCursorWithoutDelivery() async throws {
        _ = try await webhooks.create(id: "whk_1", url: "http://ledger.example/hook", eventTypes: ["payment.completed"],
                                      secret: "k", fromSequence: nil, actor: "ops", at: clock.now())
        try await makeEvent(1)
        let value10 = try await sender().deliverDue()
        XCTAssertEqual(value10, 0)
        XCTAssertTrue(poster.deliveries.isEmpty)
        let cursor = try await webhooks.subscription(id: "whk_1")?.cursor
        XCTAssertEqual(cursor, 1)
    }

    func testBackoffDoublesAndIsCapped() {
        let policy = WebhookPolicy(backoffBaseMilliseconds: 1_000, backoffMaxMilliseconds: 10_000)
        XCTAssertEqual((1...6).map { policy.backoff(afterFailures: $0) }, [1_000, 2_000, 4_000, 8_000, 10_000, 10_000])
        XCTAssertEqual(policy.backoff(afterFailures: 500), 10_000)
    }
}
