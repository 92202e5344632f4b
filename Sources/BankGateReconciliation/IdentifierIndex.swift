/// How identifiers are compared: surrounding whitespace removed, ASCII case ignored (banks upper-case
/// references in MT940), and the placeholders `NOTPROVIDED` (ISO 20022) and `NONREF` (MT940) treated
/// as no identifier at all.
enum IdentifierKey {
    /// The comparable form of `text`, or `nil` when it carries no identifier.
    static func normalized(_ text: String?) -> String? {
        guard let text else { return nil }
        var clean = true
        for byte in text.utf8 where byte <= 0x20 || byte >= 0x7F || (byte >= 0x61 && byte <= 0x7A) {
            clean = false
            break
        }
        let key: String
        if clean {
            key = text
        } else {
            var trimmed = Substring(text)
            while let first = trimmed.first, first.isWhitespace { trimmed = trimmed.dropFirst() }
            while let last = trimmed.last, last.isWhitespace { trimmed = trimmed.dropLast() }
            key = trimmed.uppercased()
        }
        let length = key.utf8.count
        if length == 0 { return nil }
        if (length == 11 && key == "NOTPROVIDED") || (length == 6 && key == "NONREF") { return nil }
        return key
    }
}

/// A multi-map from identifier to element positions, built in one pass: one dictionary entry per
/// distinct identifier plus a `next` chain for the (rare) duplicates, so no array per key.
struct IdentifierIndex {
    private var heads: [String: Int32] = [:]
    private var next: [Int32]

    /// Indexes elements `0..<count` under `key(i)`, skipping those without one.
    init(count: Int, key: (Int) -> String?) {
        next = Array(repeating: -1, count: count)
        heads.reserveCapacity(count)
        for index in 0..<count {
            guard let key = key(index) else { continue }
            if let previous = heads.updateValue(Int32(index), forKey: key) { next[index] = previous }
        }
    }

    /// Calls `body` with every element indexed under `key`.
    func forEach(matching key: String, _ body: (Int) -> Void) {
        var cursor = heads[key] ?? -1
        while cursor >= 0 {
            body(Int(cursor))
            cursor = next[Int(cursor)]
        }
    }
}
