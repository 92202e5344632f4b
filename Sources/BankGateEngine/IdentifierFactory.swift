public import BankGateCore
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Identifiers for payments and bank messages: a prefix, then base-32 characters that every bank
/// accepts in a Max35Text identifier (upper-case letters and digits).
public enum IdentifierFactory {
    private static let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ".utf8)

    /// `prefix`, the current time in milliseconds as 9 characters, then `length - 9` random characters
    /// (55 random bits at the default length 20). Time first makes identifiers created together sort
    /// together, so the store's unique indexes grow at their end instead of at random pages.
    public static func make(_ prefix: String, length: Int = 20, now: Timestamp = SystemClock().now()) -> String {
        var bytes = Array(prefix.utf8)
        bytes.reserveCapacity(bytes.count + length)
        let timeCharacters = min(9, length)
        let millis = UInt64(max(0, now.milliseconds))
        for index in 0..<timeCharacters {
            bytes.append(alphabet[Int((millis >> UInt64(5 * (timeCharacters - 1 - index))) & 31)])
        }
        var word: UInt64 = 0
        for index in 0..<(length - timeCharacters) {
            if index % 12 == 0 { word = randomWords.withLock { $0.take() } }
            bytes.append(alphabet[Int(word & 31)])
            word >>= 5
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Random words for identifiers, from the system's generator, drawn 64 at a time: one system call
    /// per 64 identifiers instead of one per identifier (six per payment). A word is cleared once taken.
    private struct RandomWords {
        private var words = [UInt64](repeating: 0, count: 64)
        private var next = 64

        mutating func take() -> UInt64 {
            if next == words.count {
                refill()
                next = 0
            }
            defer {
                words[next] = 0
                next += 1
            }
            return words[next]
        }

        private mutating func refill() {
            #if canImport(Glibc) || canImport(Darwin)
            // The kernel's generator (glibc: one `getrandom` call for the whole buffer).
            words.withUnsafeMutableBytes { arc4random_buf($0.baseAddress!, $0.count) }
            #else
            var generator = SystemRandomNumberGenerator()
            for index in words.indices { words[index] = generator.next() }
            #endif
        }
    }

    private static let randomWords = Mutex(RandomWords())

    /// The last numeric reference issued by this process.
    private static let lastNumeric = Mutex<UInt64>(0)

    /// A 16-digit reference for banks whose client reference is digits only (CCB `REQUEST_SN`):
    /// the time in milliseconds times 1000, raised past the last one issued, so references from
    /// this process never repeat and keep growing across restarts (at under 1000 per millisecond).
    public static func makeDigits(now: Timestamp = SystemClock().now()) -> String {
        let floor = UInt64(max(0, now.milliseconds)) * 1000
        let value = lastNumeric.withLock { last -> UInt64 in
            last = max(last + 1, floor)
            return last
        }
        return String(value)
    }

    /// A request id (`BGQ…` status query, `BGR…` report request) in the form the bank's request
    /// number takes (CCB: 16 digits).
    public static func makeRequestId(_ prefix: String, _ format: ClientReferenceFormat, now: Timestamp = SystemClock().now()) -> String {
        switch format {
        case .standard: make(prefix, now: now)
        case .digits: makeDigits(now: now)
        }
    }

    /// An instruction id in the form the bank's client-reference field takes.
    public static func makeInstructionId(_ format: ClientReferenceFormat, now: Timestamp = SystemClock().now()) -> String {
        switch format {
        case .standard: make("BGI", now: now)
        case .digits: makeDigits(now: now)
        }
    }
}
