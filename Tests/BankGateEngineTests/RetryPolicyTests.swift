import BankGateCore
import BankGateEngine
import XCTest

/// `RetryPolicy` and `CircuitBreaker` as pure values, with an injected random source and explicit times.
final class RetryPolicyTests: XCTestCase {
    let now = Timestamp(milliseconds: 1_000_000)

    /// The ranges the policy drew from, and the delay it returned, for attempts 1…n.
    func draws(_ policy: RetryPolicy, attempts: ClosedRange<Int>, pick: @escaping (ClosedRange<Int64>) -> Int64)
        -> [(range: ClosedRange<Int64>, delay: Int64?)] {
        attempts.map { attempt in
            var range: ClosedRange<Int64>?
            let next = policy.nextAttempt(after: attempt, now: now) { drawn in
                range = drawn
                return pick(drawn)
            }
            return (range ?? 0...0, next.map { $0.milliseconds - now.milliseconds })
        }
    }

    func testDelayDoublesPerAttemptUpToTheCap() {
        let policy = RetryPolicy(baseMilliseconds: 100, maxMilliseconds: 1000, maxAttempts: 8)
        let upper = draws(policy, attempts: 1...7) { $0.upperBound }
        XCTAssertEqual(upper.map(\.delay), [100, 200, 400, 800, 1000, 1000, 1000])
        XCTAssertEqual(upper.map(\.range), [50...100, 100...200, 200...400, 400...800, 500...1000, 500...1000, 500...1000])
    }

    func testJitterIsTheUpperHalfOfTheDelay() {
        let policy = RetryPolicy(baseMilliseconds: 100, maxMilliseconds: 1000, maxAttempts: 8)
        let lower = draws(policy, attempts: 1...5) { $0.lowerBound }
        XCTAssertEqual(lower.map(\.delay), [50, 100, 200, 400, 500])
        // With the real random source every delay lies in [d/2, d].
        for _ in 0..<200 {
            for (attempt, full) in [(1, Int64(100)), (3, 400), (6, 1000)] {
                let next = policy.nextAttempt(after: attempt, now: now)
                let delay = (next?.milliseconds ?? -1) - now.milliseconds
                XCTAssertTrue((full / 2...full).contains(delay), "attempt \(attempt): \(delay) ms")
            }
        }
    }

    func testGivesUpAtTheAttemptLimit() {
        let policy = RetryPolicy(baseMilliseconds: 500, maxMilliseconds: 60_000, maxAttempts: 3)
        XCTAssertNotNil(policy.nextAttempt(after: 1, now: now))
        XCTAssertNotNil(policy.nextAttempt(after: 2, now: now))
        var drew = false
        XCTAssertNil(policy.nextAttempt(after: 3, now: now) { _ in drew = true; return 0 })
        XCTAssertNil(policy.nextAttempt(after: 4, now: now))
        XCTAssertFalse(drew, "no random draw once the limit is reached")
        XCTAssertNil(RetryPolicy(baseMilliseconds: 500, maxMilliseconds: 500, maxAttempts: 1).nextAttempt(after: 1, now: now))
    }

    func testLargeAttemptNumbersStayAtTheCap() {
        let policy = RetryPolicy(baseMilliseconds: 1, maxMilliseconds: 86_400_000, maxAttempts: 1000)
        let delays = draws(policy, attempts: 998...999) { $0.upperBound }
        XCTAssertEqual(delays.map(\.delay), [86_400_000, 86_400_000])
    }

    // MARK: - Circuit breaker

    func testCircuitOpensAtTheThresholdAndWaitsForTheCooldown() {
        var breaker = CircuitBreaker(threshold: 2, cooldownMilliseconds: 1000)
        XCTAssertEqual(breaker.state, .closed)
        XCTAssertTrue(breaker.allowsRequest(now: now))
        breaker.recordFailure(now: now)
        XCTAssertEqual(breaker.state, .closed)
        XCTAssertTrue(breaker.allowsRequest(now: now))
        breaker.recordFailure(now: now)
        XCTAssertEqual(breaker.state, .open)
        XCTAssertEqual(breaker.consecutiveFailures, 2)
        XCTAssertFalse(breaker.allowsRequest(now: now))
        XCTAssertFalse(breaker.allowsRequest(now: now.adding(milliseconds: 999)))
        XCTAssertEqual(breaker.state, .open)

        XCTAssertTrue(breaker.allowsRequest(now: now.adding(milliseconds: 1000)), "the probe")
        XCTAssertEqual(breaker.state, .halfOpen)
        XCTAssertFalse(breaker.allowsRequest(now: now.adding(milliseconds: 1000)), "only one probe")
        XCTAssertFalse(breaker.allowsRequest(now: now.adding(milliseconds: 50_000)), "only one probe, however late")

        breaker.recordSuccess()
        XCTAssertEqual(breaker.state, .closed)
        XCTAssertEqual(breaker.consecutiveFailures, 0)
        XCTAssertTrue(breaker.allowsRequest(now: now.adding(milliseconds: 1000)))
        XCTAssertTrue(breaker.allowsRequest(now: now.adding(milliseconds: 1000)))
    }

    /// What the lane asks before it reads due work: the same answer as `allowsRequest`, without
    /// taking the probe.
    func testWouldAllowRequestAnswersAsAllowsRequestWithoutTakingTheProbe() {
        var breaker = CircuitBreaker(threshold: 1, cooldownMilliseconds: 1000)
        XCTAssertTrue(breaker.wouldAllowRequest(now: now))
        breaker.recordFailure(now: now)
        XCTAssertFalse(breaker.wouldAllowRequest(now: now.adding(milliseconds: 999)))
        XCTAssertTrue(breaker.wouldAllowRequest(now: now.adding(milliseconds: 1000)))
        XCTAssertTrue(breaker.wouldAllowRequest(now: now.adding(milliseconds: 1000)), "asking twice takes nothing")
        XCTAssertEqual(breaker.state, .open)
        XCTAssertTrue(breaker.allowsRequest(now: now.adding(milliseconds: 1000)), "the probe is still there to take")
        XCTAssertEqual(breaker.state, .halfOpen)
        XCTAssertFalse(breaker.wouldAllowRequest(now: now.adding(milliseconds: 5000)), "the probe is in flight")
        breaker.releaseProbe()
        XCTAssertTrue(breaker.wouldAllowRequest(now: now.adding(milliseconds: 5000)))
    }

    func testFailedProbeOpensAgainForAFullCooldown() {
        var breaker = CircuitBreaker(threshold: 3, cooldownMilliseconds: 1000)
        for _ in 0..<3 { breaker.recordFailure(now: now) }
        XCTAssertEqual(breaker.state, .open)
        let probeAt = now.adding(milliseconds: 1500)
        XCTAssertTrue(breaker.allowsRequest(now: probeAt))
        breaker.recordFailure(now: probeAt)
        XCTAssertEqual(breaker.state, .open, "one failed probe reopens, whatever the threshold")
        XCTAssertFalse(breaker.allowsRequest(now: probeAt.adding(milliseconds: 999)))
        XCTAssertTrue(breaker.allowsRequest(now: probeAt.adding(milliseconds: 1000)))
        XCTAssertEqual(breaker.state, .halfOpen)
        breaker.recordSuccess()
        XCTAssertEqual(breaker.state, .closed)
    }

    func testSuccessResetsTheCountOfConsecutiveFailures() {
        var breaker = CircuitBreaker(threshold: 2, cooldownMilliseconds: 1000)
        breaker.recordFailure(now: now)
        breaker.recordSuccess()
        breaker.recordFailure(now: now)
        XCTAssertEqual(breaker.state, .closed)
        XCTAssertEqual(breaker.consecutiveFailures, 1)
        breaker.recordFailure(now: now)
        XCTAssertEqual(breaker.state, .open)
    }

    func testThresholdBelowOneMeansOne() {
        var breaker = CircuitBreaker(threshold: 0, cooldownMilliseconds: 100)
        breaker.recordFailure(now: now)
        XCTAssertEqual(breaker.state, .open)
        XCTAssertEqual(CircuitBreaker.State.halfOpen.rawValue, "half_open")
    }
}
