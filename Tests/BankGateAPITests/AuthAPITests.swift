import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import XCTest

final class AuthAPITests: XCTestCase {
    func testMissingOrWrongTokenIs401WithChallenge() async throws {
        try await APIHarness().run { client in
            let none = try await client.call(.get, "/v1/payments")
            XCTAssertEqual(none.status, .unauthorized)
            XCTAssertEqual(none.errorCode, "unauthorized")
            XCTAssertEqual(none.headers[.wwwAuthenticate], "Bearer")

            let wrong = try await client.call(.get, "/v1/payments", token: "not-a-configured-token")
            XCTAssertEqual(wrong.status, .unauthorized)

            // The digest of a hashed token is not itself a token.
            let digest = try await client.call(.get, "/v1/payments", token: TestTokens.hashedDigest)
            XCTAssertEqual(digest.status, .unauthorized)

            let basic = try await client.call(.get, "/v1/payments",
                                              headers: [.authorization: "Basic \(TestTokens.reader)"])
            XCTAssertEqual(basic.status, .unauthorized)

            let post = try await client.call(.post, "/v1/payments", key: "k", body: Bodies.text(Bodies.payment()))
            XCTAssertEqual(post.status, .unauthorized)
        }
    }

    func testSchemeIsCaseInsensitive() async throws {
        try await APIHarness().run { client in
            let answer = try await client.call(.get, "/v1/payments",
                                               headers: [.authorization: "bearer \(TestTokens.reader)"])
            XCTAssertEqual(answer.status, .ok)
        }
    }

    func testTokenWithoutScopeIs403NamingTheScope() async throws {
        try await APIHarness().run { client in
            let write = try await client.call(.post, "/v1/payments", token: TestTokens.reader, key: "k",
                                              body: Bodies.text(Bodies.payment()))
            XCTAssertEqual(write.status, .forbidden)
            XCTAssertEqual(write.errorCode, "forbidden")
            XCTAssertTrue(write.errorMessage?.contains("payments:write") ?? false)

            let retry = try await client.call(.post, "/v1/payments/pay_1/retry", token: TestTokens.writer)
            XCTAssertEqual(retry.status, .forbidden)
            XCTAssertTrue(retry.errorMessage?.contains("operate") ?? false)

            let read = try await client.call(.get, "/v1/payments", token: TestTokens.operatorToken)
            XCTAssertEqual(read.status, .forbidden)

            let events = try await client.call(.get, "/v1/events", token: TestTokens.operatorToken)
            XCTAssertEqual(events.status, .forbidden)

            // Alternatives: the queue for operate or payments:read, the feed for events:read or payments:read.
            let queueByOps = try await client.call(.get, "/v1/queue", token: TestTokens.operatorToken)
            XCTAssertEqual(queueByOps.status, .ok)
            let queueByReader = try await client.call(.get, "/v1/queue", token: TestTokens.reader)
            XCTAssertEqual(queueByReader.status, .ok)
            let feed = try await client.call(.get, "/v1/events", token: TestTokens.feed)
            XCTAssertEqual(feed.status, .ok)
            let feedByReader = try await client.call(.get, "/v1/events", token: TestTokens.reader)
            XCTAssertEqual(feedByReader.status, .ok)
        }
    }

    func testSHA256ConfiguredTokenWorks() async throws {
        let harness = APIHarness()
        try await harness.run { client in
            let answer = try await client.call(.post, "/v1/payments", token: TestTokens.hashed, key: "h-1",
                                               body: Bodies.text(Bodies.payment()))
            XCTAssertEqual(answer.status, .created)
        }
        XCTAssertEqual(harness.gateway.state.withLock { $0.submissions.first?.client }, "hashed")
    }

    func testHealthReadinessAndUnknownRoutes() async throws {
        let harness = APIHarness()
        try await harness.run { client in
            let health = try await client.call(.get, "/healthz")
            XCTAssertEqual(health.status, .ok)
            XCTAssertEqual(health.json["status"] as? String, "ok")

            let ready = try await client.call(.get, "/readyz")
            XCTAssertEqual(ready.status, .ok)
            harness.gateway.state.withLock { $0.ready = false }
            let notReady = try await client.call(.get, "/readyz")
            XCTAssertEqual(notReady.status, .serviceUnavailable)

            let unknown = try await client.call(.get, "/v2/nothing", token: TestTokens.reader)
            XCTAssertEqual(unknown.status, .notFound)
            XCTAssertEqual(unknown.errorCode, "not_found")

            let wrongMethod = try await client.call(.delete, "/v1/payments", token: TestTokens.writer)
            XCTAssertEqual(wrongMethod.status, .notFound)
            XCTAssertEqual(wrongMethod.errorCode, "not_found")
        }
    }
}
