import BankGateEngine
import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import Synchronization
import XCTest

/// A ledger's webhook receiver over real HTTP: deliveries are signed, a refused delivery is retried.
final class WebhookDeliveryTests: XCTestCase {
    var harness: GatewayHarness!
    var receiverTask: Task<Void, any Error>?
    var receiverGroup: ServiceGroup?

    override func setUp() async throws { harness = try GatewayHarness() }

    override func tearDown() async throws {
        await harness.stop()
        await receiverGroup?.triggerGracefulShutdown()
        _ = try? await receiverTask?.value
    }

    struct Delivery: Sendable {
        var headers: [String: String]
        var body: [UInt8]
    }

    func testDeliveriesAreSignedAndARefusedOneIsRetried() async throws {
        let received = Mutex<[Delivery]>([])
        let router = Router()
        router.post("/hook") { request, _ -> Response in
            let body = try await request.body.collect(upTo: 1 << 20)
            var headers: [String: String] = [:]
            for field in request.headers { headers[field.name.canonicalName] = field.value }
            let count = received.withLock { list in
                list.append(Delivery(headers: headers, body: Array(buffer: body)))
                return list.count
            }
            return Response(status: count == 1 ? .internalServerError : .noContent)
        }
        let ports = AsyncStream<Int>.makeStream()
        let receiver = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                                   onServerRunning: { channel in ports.continuation.yield(channel.localAddress?.port ?? 0) },
                                   logger: GatewayHarness.logger)
        let group = ServiceGroup(services: [receiver], logger: GatewayHarness.logger)
        receiverGroup = group
        receiverTask = Task { try await group.run() }
        var iterator = ports.stream.makeAsyncIterator()
        let announced = await iterator.next()
        let port = try XCTUnwrap(announced)

        try await harness.start()
        let subscription = try await harness.call("POST", "/v1/webhooks", body: [
            "url": "http://127.0.0.1:\(port)/hook", "event_types": ["expected_payment.*"],
        ])
        XCTAssertEqual(subscription.status, 201)
        let secret = try XCTUnwrap(subscription.json["secret"] as? String)
        let webhookId = try XCTUnwrap(subscription.json["id"] as? String)
        let expected = try await harness.call("POST", "/v1/expected-payments", body: [
            "account": "acme-eur", "currency": "EUR", "amount": "10.00",
            "from": GatewayHarness.today, "to": GatewayHarness.clock.date(addingDays: 29),
        ])
        XCTAssertEqual(expected.status, 201)

        // Wait for the exact end state: the second delivery in, and the cursor moved past the event
        // (nothing is due after that). Then allow the sender a grace of two polls for a third one.
        let deadline = Date().addingTimeInterval(30)
        var state: [String: Any] = [:]
        while Date() < deadline {
            let listed = try await harness.call("GET", "/v1/webhooks")
            state = (listed.json["webhooks"] as? [[String: Any]])?.first ?? [:]
            if received.withLock({ $0.count }) >= 2, (state["delivered_through_sequence"] as? Int ?? 0) > 0 { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        try await Task.sleep(for: .milliseconds(2 * WebhookPolicy().pollIntervalMilliseconds + 200))
        let deliveries = received.withLock { $0 }
        XCTAssertEqual(deliveries.count, 2, "one refused (500), then delivered again, and nothing more")
        let eventIds = deliveries.compactMap { $0.headers["bankgate-event-id"] }
        XCTAssertEqual(eventIds.count, 2)
        XCTAssertTrue(eventIds.allSatisfy { $0.hasPrefix("evt_") }, "\(eventIds)")
        XCTAssertEqual(Set(eventIds).count, 1, "the same event again, with the same id")
        let last = try XCTUnwrap(deliveries.last)
        XCTAssertEqual(last.headers["bankgate-event-type"], "expected_payment.created")
        XCTAssertEqual(last.headers["bankgate-webhook-id"], webhookId)
        let signature = try XCTUnwrap(last.headers["bankgate-signature"])
        // Signed with the gateway's clock: verified as of that clock's now.
        let now = GatewayHarness.clock.now().milliseconds / 1000
        XCTAssertTrue(WebhookSignature.verify(header: signature, secret: secret, body: last.body, nowUnixSeconds: now))
        XCTAssertFalse(WebhookSignature.verify(header: signature, secret: secret + "x", body: last.body, nowUnixSeconds: now))
        let event = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(last.body)) as? [String: Any])
        XCTAssertEqual((event["data"] as? [String: Any])?["expected_payment_id"] as? String, expected.json["id"] as? String)

        // The cursor moved past the delivered event; the failure count was reset.
        XCTAssertEqual(state["delivered_through_sequence"] as? Int, event["sequence"] as? Int)
        XCTAssertEqual(state["consecutive_failures"] as? Int, 0)
    }
}
