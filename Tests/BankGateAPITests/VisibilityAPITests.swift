import BankGateAPI
import BankGateConfig
import BankGateCore
import BankGateEngine
import BankGateStore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import XCTest
import BankGateTestSupport
import BankGateRuntime

/// Issue 12 at the API: `X-Request-Id`, `/readyz` naming the failed check, `/metrics` behind
/// `operate` or public with `[server] metrics_public`.
final class VisibilityAPITests: XCTestCase {
    func testRequestIdIsEchoedOrGenerated() async throws {
        try await APIHarness().run { client in
            var given = HTTPFields()
            given[HTTPField.Name("X-Request-Id")!] = "abc-123.x:y_z"
            let echoed = try await client.call(.get, "/healthz", headers: given)
            XCTAssertEqual(echoed.headers[HTTPField.Name("X-Request-Id")!], "abc-123.x:y_z")
            let generated = try await client.call(.get, "/healthz")
            XCTAssertTrue(generated.headers[HTTPField.Name("X-Request-Id")!]?.hasPrefix("req_") ?? false)
            // Errors carry it too; an id with a space is not taken.
            var odd = HTTPFields()
            odd[HTTPField.Name("X-Request-Id")!] = "two words"
            let refused = try await client.call(.get, "/v1/queue", headers: odd)
            XCTAssertEqual(refused.status, .unauthorized)
            XCTAssertTrue(refused.headers[HTTPField.Name("X-Request-Id")!]?.hasPrefix("req_") ?? false)
        }
    }

    /// `/metrics` needs `operate` by default; with `metrics_public` it answers without a token.
    func testMetricsScopeAndPublicSwitch() async throws {
        for isPublic in [false, true] {
            let visibility = APIVisibility(metrics: GatewayMetrics(), metricsPublic: isPublic,
                                           exposition: { Array("bankgate_test_metric 7\n".utf8) })
            let router = APIServer.makeRouter(gateway: FakeGateway(), visibility: visibility, tokens: TestTokens.all,
                                              maxBodyBytes: 65_536, clock: FixedClock(instant: APIHarness.today))
            try await Application(router: router).test(.router) { client in
                let anonymous = try await client.execute(uri: "/metrics", method: .get)
                XCTAssertEqual(anonymous.status, isPublic ? .ok : .unauthorized)
                var reader = HTTPFields()
                reader[.authorization] = "Bearer \(TestTokens.reader)"
                let read = try await client.execute(uri: "/metrics", method: .get, headers: reader)
                XCTAssertEqual(read.status, isPublic ? .ok : .forbidden)
                var ops = HTTPFields()
                ops[.authorization] = "Bearer \(TestTokens.operatorToken)"
                let scraped = try await client.execute(uri: "/metrics", method: .get, headers: ops)
                XCTAssertEqual(scraped.status, .ok)
                XCTAssertEqual(String(buffer: scraped.body), "bankgate_test_metric 7\n")
                XCTAssertTrue(scraped.headers[.contentType]?.hasPrefix("text/plain; version=0.0.4") ?? false)
            }
        }
    }

    /// With the data folder full, `/readyz` answers 503 and names the store as the failed check;
    /// the configuration check passes. Once writes succeed again, 200 with every check passing.
    func testReadyzNamesTheFailedCheck() async throws {
        let made = try StoreBackedRuntime.make(named: "readyz")
        let runtime = made.runtime
        defer {
            runtime.close()
            try? FileManager.default.removeItem(at: made.directory)
        }
        let dispatcher = runtime.dispatcher
        let running = Task { try await dispatcher.run() }
        defer { running.cancel() }
        let deadline = ContinuousClock.now.advanced(by: .seconds(5))
        while !dispatcher.isRunning && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(2)) }
        XCTAssertTrue(dispatcher.isRunning)
        let store: PaymentStore = runtime.store
        try await StoreBackedRuntime.run(runtime) { client in
            let ready = try await client.call(.get, "/readyz")
            XCTAssertEqual(ready.status, .ok)
            XCTAssertEqual(ready.json["status"] as? String, "ready")
            XCTAssertTrue(ready.json["failed"] is NSNull)
            store.injectWriteFailure(.diskFull)
            let refused = try await client.call(.post, "/v1/payments", token: TestTokens.writer, key: "full",
                                                body: Bodies.text(Bodies.payment()))
            XCTAssertEqual(refused.status, .serviceUnavailable)
            let full = try await client.call(.get, "/readyz")
            XCTAssertEqual(full.status, .serviceUnavailable)
            XCTAssertEqual(full.json["failed"] as? String, "store")
            let checks = try XCTUnwrap(full.json["checks"] as? [String: [String: Any]])
            XCTAssertEqual(checks["store"]?["ok"] as? Bool, false)
            XCTAssertEqual(checks["configuration"]?["ok"] as? Bool, true)
            XCTAssertEqual(checks["dispatcher"]?["ok"] as? Bool, true)
            store.injectWriteFailure(nil)
            let back = try await client.call(.get, "/readyz")
            XCTAssertEqual(back.status, .ok)
        }
        dispatcher.stop()
        _ = try? await running.value
    }
}
