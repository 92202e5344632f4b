public import BankGateCore

/// Exponential backoff with jitter, and the attempt limit after which a payment is `failed`.
public struct RetryPolicy: Sendable, Hashable {
    public var baseMilliseconds: Int64
    public var maxMilliseconds: Int64
    public var maxAttempts: Int

    public init(baseMilliseconds: Int64, maxMilliseconds: Int64, maxAttempts: Int) {
        self.baseMilliseconds = baseMilliseconds
        self.maxMilliseconds = maxMilliseconds
        self.maxAttempts = maxAttempts
    }

    /// When to try again after `attempt` failed sends, or `nil` when the limit is reached.
    /// The delay is `base × 2^(attempt-1)`, capped, then drawn uniformly from its upper half
    /// (jitter), so that many payments failing together do not come back together.
    public func nextAttempt(after attempt: Int, now: Timestamp,
                            random: (ClosedRange<Int64>) -> Int64 = { Int64.random(in: $0) }) -> Timestamp? {
        guard attempt < maxAttempts else { return nil }
        let delay = Self.doubled(baseMilliseconds, times: attempt - 1, cappedAt: maxMilliseconds)
        return now.adding(milliseconds: random((delay / 2)...max(delay, delay / 2)))
    }

    /// `base × 2^times`, at most `cap` (and never overflowing): the one doubling every backoff uses.
    public static func doubled(_ base: Int64, times: Int, cappedAt cap: Int64) -> Int64 {
        var delay = base
        for _ in 0..<max(times, 0) where delay < cap { delay *= 2 }
        return min(delay, cap)
    }
}

/// A per-bank circuit breaker: after `threshold` consecutive failures to reach the bank it opens
/// for `cooldown`; then one probe is let through (half open), whose success closes it again.
public struct CircuitBreaker: Sendable, Hashable {
    public enum State: String, Sendable, Hashable {
        case closed
        case open
        case halfOpen = "half_open"
    }

    public private(set) var state: State = .closed
    public private(set) var consecutiveFailures = 0
    /// When the circuit opened, until it closes again (a failed probe does not restart it): one
    /// opening, for alert rules.
    public private(set) var openedAt: Timestamp?
    private var openUntil = Timestamp(milliseconds: 0)
    private var probeInFlight = false
    let threshold: Int
    let cooldownMilliseconds: Int64

    public init(threshold: Int, cooldownMilliseconds: Int64) {
        self.threshold = max(1, threshold)
        self.cooldownMilliseconds = cooldownMilliseconds
    }

    /// Whether a request may go to the bank now; in half-open state only one probe at a time.
    public mutating func allowsRequest(now: Timestamp) -> Bool {
        switch state {
        case .closed:
            return true
        case .open:
            guard now >= openUntil else { return false }
            state = .halfOpen
            probeInFlight = true
            return true
        case .halfOpen:
            guard !probeInFlight else { return false }
            probeInFlight = true
            return true
        }
    }

    /// Whether ``allowsRequest(now:)`` would let a request through now, without taking the probe:
    /// the lane asks this before it reads due work, so an open circuit costs no reads.
    public func wouldAllowRequest(now: Timestamp) -> Bool {
        switch state {
        case .closed: true
        case .open: now >= openUntil
        case .halfOpen: !probeInFlight
        }
    }

    /// The probe ended without reaching the bank either way (nothing to send after all, an encoding
    /// error): let the next piece of work be the probe. Without this the breaker would stay half open.
    public mutating func releaseProbe() {
        if state == .halfOpen { probeInFlight = false }
    }

    /// The bank answered (whatever it said).
    public mutating func recordSuccess() {
        state = .closed
        consecutiveFailures = 0
        probeInFlight = false
        openedAt = nil
    }

    /// The bank could not be reached or was unavailable.
    public mutating func recordFailure(now: Timestamp) {
        consecutiveFailures += 1
        probeInFlight = false
        if state == .halfOpen || consecutiveFailures >= threshold {
            if state == .closed { openedAt = now }
            state = .open
            openUntil = now.adding(milliseconds: cooldownMilliseconds)
        }
    }
}
