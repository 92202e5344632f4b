import BankGateCore
import BankGateTestSupport
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import XCTest
@testable import BankGateAPI

/// Headers outside checks asked for: `/v1` answers (errors too) are never cached or sniffed; over
/// TLS every answer, the console's too, says to use HTTPS only.
final class ResponseHeadersTests: XCTestCase {
    private func run(tls: Bool, _ test: @escaping @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        let router = APIServer.makeRouter(gateway: FakeGateway(), tokens: TestTokens.all, maxBodyBytes: 1_048_576,
                                          clock: FixedClock(instant: APIHarness.today), strictTransportSecurity: tls)
        try await Application(router: router).test(.router) { client in try await test(client) }
    }

    func testAPIAnswersAreNotCachedAndHTTPSIsRequiredOverTLS() async throws {
        try await run(tls: true) { client in
            let queue = try await client.call(.get, "/v1/queue", token: TestTokens.reader)
            let refused = try await client.call(.get, "/v1/queue")
            let console = try await client.execute(uri: "/console", method: .get)
            for answer in [queue, refused] {
                XCTAssertEqual(answer.headers[.cacheControl], "no-store")
                XCTAssertEqual(answer.headers[.xContentTypeOptions], "nosniff")
            }
            XCTAssertEqual(refused.status, .unauthorized)
            for headers in [queue.headers, refused.headers, console.headers] {
                XCTAssertEqual(headers[.strictTransportSecurity], "max-age=31536000")
            }
            XCTAssertNotEqual(console.headers[.cacheControl], "no-store", "the console's files keep their own caching")
        }
        try await run(tls: false) { client in
            let queue = try await client.call(.get, "/v1/queue", token: TestTokens.reader)
            XCTAssertNil(queue.headers[.strictTransportSecurity], "no HSTS over plain HTTP")
            XCTAssertEqual(queue.headers[.cacheControl], "no-store")
        }
    }
}
