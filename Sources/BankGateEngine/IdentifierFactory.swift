import BankGateCore

/// Random identifiers for payments and bank messages: a prefix and base-32 characters that every
/// bank accepts in a Max35Text identifier (upper-case letters and digits).
public enum IdentifierFactory {
    private static let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ".utf8)

    /// `prefix` followed by `length` random characters (100 bits of randomness at length 20).
    public static func make(_ prefix: String, length: Int = 20) -> String {
        var generator = SystemRandomNumberGenerator()
        var bytes = Array(prefix.utf8)
        bytes.reserveCapacity(bytes.count + length)
        for _ in 0..<length { bytes.append(alphabet[Int(generator.next() % 32)]) }
        return String(decoding: bytes, as: UTF8.self)
    }
}
