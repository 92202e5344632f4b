import BankGateCore

/// Random identifiers for payments and bank messages: a prefix and base-32 characters that every
/// bank accepts in a Max35Text identifier (upper-case letters and digits).
public enum IdentifierFactory {
    private static let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ".utf8)

    /// `prefix` followed by `length` random characters (100 bits of randomness at length 20), drawn
    /// from the system's random source one 64-bit word per 12 characters (not one call per character).
    public static func make(_ prefix: String, length: Int = 20) -> String {
        var generator = SystemRandomNumberGenerator()
        var bytes = Array(prefix.utf8)
        bytes.reserveCapacity(bytes.count + length)
        var word: UInt64 = 0
        for index in 0..<length {
            if index % 12 == 0 { word = generator.next() }
            bytes.append(alphabet[Int(word & 31)])
            word >>= 5
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
