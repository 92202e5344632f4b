import BankGateConfig
import BankGateCore
import Synchronization

/// Token buckets per API token (`rate_limit_per_second`, `rate_limit_burst`): each request takes
/// one; a bucket refills at the token's rate up to its burst. A request finding its bucket empty is
/// refused with how long until the next one may come.
final class TokenRateLimiter: Sendable {
    private struct Bucket {
        var available: Double
        var updatedAt: Int64
    }
    private let limits: [String: TokenConfig.RateLimit]
    private let buckets = Mutex<[String: Bucket]>([:])
    private let clock: any WallClock

    init(tokens: [TokenConfig], clock: any WallClock) {
        limits = Dictionary(tokens.compactMap { token in token.rateLimit.map { (token.name, $0) } }, uniquingKeysWith: { first, _ in first })
        self.clock = clock
    }

    /// Takes one request from `token`'s bucket; `nil` when it may go on, else the seconds (at
    /// least 1) until the bucket holds a request again.
    func take(_ token: String) -> Int? {
        guard let limit = limits[token] else { return nil }
        let now = clock.now().milliseconds
        return buckets.withLock { buckets in
            var bucket = buckets[token] ?? Bucket(available: Double(limit.burst), updatedAt: now)
            let elapsed = Double(max(0, now - bucket.updatedAt)) / 1_000
            bucket.available = min(Double(limit.burst), bucket.available + elapsed * Double(limit.perSecond))
            bucket.updatedAt = now
            defer { buckets[token] = bucket }
            if bucket.available >= 1 {
                bucket.available -= 1
                return nil
            }
            let wait = (1 - bucket.available) / Double(limit.perSecond)
            return max(1, Int(wait.rounded(.up)))
        }
    }
}
