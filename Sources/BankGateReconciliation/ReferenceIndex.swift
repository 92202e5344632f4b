/// Reference text folded for searching: lower-cased, all whitespace removed, as UTF-8 bytes.
enum ReferenceText {
    /// The folded bytes of `text`; empty for `nil`.
    static func folded(_ text: String?) -> [UInt8] {
        guard let text else { return [] }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        if text.utf8.allSatisfy({ $0 < 0x80 }) {
            for byte in text.utf8 {
                switch byte {
                case 0x41...0x5A: bytes.append(byte | 0x20)
                case 0x09...0x0D, 0x20: continue
                default: bytes.append(byte)
                }
            }
        } else {
            for character in text.lowercased() where !character.isWhitespace {
                bytes.append(contentsOf: character.utf8)
            }
        }
        return bytes
    }

    /// Whether `needle` occurs in `haystack` (both folded). Only used on a handful of candidate pairs.
    static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard !needle.isEmpty, needle.count <= haystack.count else { return false }
        for start in 0...(haystack.count - needle.count)
        where haystack[start] == needle[0] && haystack[start..<(start + needle.count)].elementsEqual(needle) {
            return true
        }
        return false
    }
}

/// Finds which of many folded references occur in a text, without comparing the text to each of
/// them: a Rabin–Karp rolling hash per distinct reference length, screened by a bit filter before
/// the dictionary lookup. Cost per text is O(text length × distinct reference lengths), independent
/// of the number of references; every hash hit is confirmed byte by byte.
struct ReferenceIndex {
    /// Hash tables for the references of one length.
    private struct LengthClass {
        var length: Int
        /// `base` raised to `length - 1`, to drop the leaving byte while rolling.
        var leadingPower: UInt64
        var positions: [UInt64: [Int32]]
    }

    private static let base: UInt64 = 0x0000_0100_0000_01B3
    private static let filterBits = 20

    private let patterns: [[UInt8]]
    private var classes: [LengthClass] = []
    private var filter: [UInt64]

    /// Indexes `patterns[i]` for every `i` whose pattern is at least `minimumLength` bytes long.
    init(patterns: [[UInt8]], minimumLength: Int) {
        self.patterns = patterns
        filter = Array(repeating: 0, count: (1 << ReferenceIndex.filterBits) / 64)
        var byLength: [Int: Int] = [:]
        for (index, pattern) in patterns.enumerated() where pattern.count >= minimumLength {
            let hash = ReferenceIndex.hash(pattern[...])
            let slot: Int
            if let existing = byLength[pattern.count] {
                slot = existing
            } else {
                slot = classes.count
                byLength[pattern.count] = slot
                classes.append(LengthClass(length: pattern.count, leadingPower: ReferenceIndex.power(pattern.count - 1),
                                           positions: [:]))
            }
            classes[slot].positions[hash, default: []].append(Int32(index))
            let bit = ReferenceIndex.filterSlot(hash)
            filter[bit >> 6] |= 1 << UInt64(bit & 63)
        }
    }

    /// Whether no reference was indexed.
    var isEmpty: Bool { classes.isEmpty }

    /// Appends to `hits` the index of every reference occurring in `text` (possibly repeated).
    func search(_ text: [UInt8], into hits: inout [Int]) {
        for lengthClass in classes where lengthClass.length <= text.count {
            let length = lengthClass.length
            var hash = ReferenceIndex.hash(text[0..<length])
            var start = 0
            while true {
                let bit = ReferenceIndex.filterSlot(hash)
                if filter[bit >> 6] & (1 << UInt64(bit & 63)) != 0, let found = lengthClass.positions[hash] {
                    for index in found where patterns[Int(index)].elementsEqual(text[start..<(start + length)]) {
                        hits.append(Int(index))
                    }
                }
                let end = start + length
                guard end < text.count else { break }
                hash = (hash &- UInt64(text[start]) &* lengthClass.leadingPower) &* ReferenceIndex.base &+ UInt64(text[end])
                start += 1
            }
        }
    }

    private static func hash(_ bytes: ArraySlice<UInt8>) -> UInt64 {
        var hash: UInt64 = 0
        for byte in bytes { hash = hash &* base &+ UInt64(byte) }
        return hash
    }

    private static func power(_ exponent: Int) -> UInt64 {
        var result: UInt64 = 1
        for _ in 0..<max(0, exponent) { result = result &* base }
        return result
    }

    private static func filterSlot(_ hash: UInt64) -> Int {
        Int(truncatingIfNeeded: (hash &* 0x9E37_79B9_7F4A_7C15) >> UInt64(64 - filterBits))
    }
}
