public import BankGateCore

/// Identifiers for payments and bank messages: a prefix, then base-32 characters that every bank
/// accepts in a Max35Text identifier (upper-case letters and digits).
public enum IdentifierFactory {
    private static let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ".utf8)

    /// `prefix`, the current time in milliseconds as 9 characters, then `length - 9` random characters
    /// (55 random bits at the default length 20). Time first makes identifiers created together sort
    /// together, so the store's unique indexes grow at their end instead of at random pages.
    public static func make(_ prefix: String, length: Int = 20, now: Timestamp = SystemClock().now()) -> String {
        var generator = SystemRandomNumberGenerator()
        var bytes = Array(prefix.utf8)
        bytes.reserveCapacity(bytes.count + length)
        let timeCharacters = min(9, length)
        let millis = UInt64(max(0, now.milliseconds))
        for index in 0..<timeCharacters {
            bytes.append(alphabet[Int((millis >> UInt64(5 * (timeCharacters - 1 - index))) & 31)])
        }
        var word: UInt64 = 0
        for index in 0..<(length - timeCharacters) {
            if index % 12 == 0 { word = generator.next() }
            bytes.append(alphabet[Int(word & 31)])
            word >>= 5
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
