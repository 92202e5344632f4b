public import BankGateCore

/// How a lane slows its status queries while a bank's answers are refused (unreadable, too
/// large, about another message): each refused answer doubles the pause before the bank is asked
/// anything again, up to a cap; the first answer that is read resets it. Without it, a hostile or
/// broken bank answering every query with megabytes of junk is asked again every few seconds for
/// every open payment — and each answer is archived.
public struct RefusedAnswerBackoff: Sendable, Hashable {
    /// Refused answers in a row.
    public private(set) var consecutiveRefusals = 0
    /// No status query goes to the bank before this instant; `nil` when answers are read.
    public private(set) var pausedUntil: Timestamp?
    /// The pause after the first refusal is twice this (the usual query interval).
    let intervalMilliseconds: Int64
    /// The longest pause.
    let maxMilliseconds: Int64

    /// What the archive keeps of a refused answer: at most this many bytes (its size and SHA-256
    /// are recorded for the whole answer).
    public static let archivedPrefixBytes = 64 * 1024

    /// A backoff from `intervalMilliseconds` (the bank's query interval) up to `maxMilliseconds`.
    public init(intervalMilliseconds: Int64, maxMilliseconds: Int64) {
        self.intervalMilliseconds = max(1, intervalMilliseconds)
        self.maxMilliseconds = max(self.intervalMilliseconds, maxMilliseconds)
    }

    /// Whether status queries may go to the bank at `now`.
    public func allowsQueries(now: Timestamp) -> Bool {
        pausedUntil.map { now >= $0 } ?? true
    }

    /// Records a refused answer received at `now`; returns when the bank may be asked again:
    /// `interval × 2^n` after `n` refusals in a row, at most the cap.
    @discardableResult
    public mutating func recordRefusal(now: Timestamp) -> Timestamp {
        consecutiveRefusals += 1
        let until = now.adding(milliseconds: RetryPolicy.doubled(intervalMilliseconds, times: consecutiveRefusals, cappedAt: maxMilliseconds))
        pausedUntil = max(pausedUntil ?? until, until)
        return until
    }

    /// Records an answer that was read: queries go at the usual pace again.
    public mutating func recordReadableAnswer() {
        consecutiveRefusals = 0
        pausedUntil = nil
    }
}
