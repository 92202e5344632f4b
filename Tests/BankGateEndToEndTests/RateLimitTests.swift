import Foundation
import XCTest

/// A token's rate limit (`rate_limit_per_second`, `rate_limit_burst`): the burst passes, the next
/// request is answered 429 `rate_limited` with `Retry-After`, other tokens are not affected.
final class RateLimitTests: XCTestCase {
    func testATokenOverItsBurstIsAnswered429WithRetryAfter() async throws {
        let harness = try GatewayHarness()
        try await harness.start(extraConfig: """
            [[tokens]]
            name = "limited"
            token = "limited-token-0123456789"
            scopes = ["payments:read"]
            rate_limit_per_second = 1
            rate_limit_burst = 2
            """)
        var statuses: [Int] = []
        var last: GatewayHarness.Answer?
        for _ in 0..<3 {
            let answer = try await harness.call("GET", "/v1/payments", token: "limited-token-0123456789")
            statuses.append(answer.status)
            last = answer
        }
        let others = try await harness.call("GET", "/v1/payments")
        await harness.stop()
        XCTAssertEqual(statuses, [200, 200, 429])
        let refused = try XCTUnwrap(last)
        XCTAssertEqual((refused.json["error"] as? [String: Any])?["code"] as? String, "rate_limited")
        XCTAssertEqual(refused.headers.headers.first { $0.name.lowercased() == "retry-after" }?.value, "1")
        XCTAssertEqual(others.status, 200, "another token has its own bucket")
    }
}
