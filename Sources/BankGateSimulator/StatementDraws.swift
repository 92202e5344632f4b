/// Pseudo-random numbers for statements, each a pure function of (seed, purpose, account, day, index).
///
/// Unlike the payment faults (one generator consumed in message order), a statement must come out the
/// same whichever requests came before it, so every draw hashes its own coordinates: FNV-1a over the
/// purpose, account and numbers, mixed with the seed, then one SplitMix64 step.
struct StatementDraws: Sendable {
    /// The largest `--incoming-credits-per-day` (two digits in the credit's reference).
    static let maxIncomingCreditsPerDay = 99

    let seed: UInt64

    /// A uniform number in [0, 1).
    func unit(_ purpose: String, account: String, day: Int64, index: Int = 0) -> Double {
        Double(bits(purpose, account: account, day: day, index: index) >> 11) * 0x1.0p-53
    }

    /// A uniform integer in `range`.
    func integer(_ purpose: String, account: String, day: Int64, index: Int = 0, in range: ClosedRange<Int64>) -> Int64 {
        let width = UInt64(range.upperBound - range.lowerBound) + 1
        return range.lowerBound + Int64(bits(purpose, account: account, day: day, index: index) % width)
    }

    /// Whether a fault of `rate` hits (account, day). A rate of 0 never hits, 1 always.
    func hits(_ purpose: String, rate: Double, account: String, day: Int64) -> Bool {
        rate > 0 && unit(purpose, account: account, day: day) < rate
    }

    /// 64 random bits for the coordinates.
    func bits(_ purpose: String, account: String, day: Int64, index: Int) -> UInt64 {
        var hash = Self.fnv1a(purpose + "\u{1F}" + account)
        for number in [UInt64(bitPattern: day), UInt64(bitPattern: Int64(index))] {
            for shift in stride(from: 0, to: 64, by: 8) {
                hash = (hash ^ ((number >> UInt64(shift)) & 0xFF)) &* 0x100_0000_01B3
            }
        }
        var generator = SplitMix64(seed: hash ^ seed)
        return generator.next()
    }

    /// FNV-1a, 64 bits, over the UTF-8 bytes of `text`.
    static func fnv1a(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in text.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01B3 }
        return hash
    }

    /// Four upper-case hex digits of the account number's hash, for compact references.
    static func accountTag(_ account: String) -> String {
        let value = fnv1a(account) & 0xFFFF
        let digits = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: 4 - digits.count) + digits
    }
}
