/// Name comparison for counterparties, tolerant of the ways banks rewrite names: case, punctuation,
/// legal forms and the transliteration SEPA banks apply to non-Latin-1 letters.
///
/// A name becomes a set of tokens: lower-cased; German umlauts and ß spelled out (`ü` → `ue`, as
/// banks do when they convert to the SEPA character set, so "Müller" equals "MUELLER"), other Latin
/// diacritics dropped (`é` → `e`); `.` and apostrophes removed inside a word (`S.A.R.L.` → `sarl`);
/// every other non-letter, non-digit character separates words; legal forms (`gmbh`, `ltd`, `sarl`,
/// `bv`, `sl`, `有限公司`…) and the filler words `the`, `and`, `und`, `et` are dropped. Similarity is
/// the Dice coefficient of the two token sets, 2·|A ∩ B| / (|A| + |B|), so "ACME Trading GmbH" and
/// "Acme Trading" score 1 and "Müller GmbH" and "Schmidt GmbH" score 0.
public enum CounterpartyName {
    /// The normalised tokens of `name`.
    public static func tokens(of name: String) -> Set<String> {
        var tokens: Set<String> = []
        var current = String.UnicodeScalarView()
        var currentIsASCII = true
        func flush() {
            guard !current.isEmpty else { return }
            let word = String(current)
            let token = currentIsASCII ? word : strippingCJKLegalForm(word)
            if !token.isEmpty && !ignoredWords.contains(token) { tokens.insert(token) }
            current = String.UnicodeScalarView()
            currentIsASCII = true
        }
        for scalar in name.unicodeScalars {
            let value = scalar.value
            if value < 0x80 {
                // ASCII without Unicode property lookups: the common case for bank data.
                switch value {
                case 0x41...0x5A: current.append(Unicode.Scalar(UInt8(value + 0x20)))
                case 0x61...0x7A, 0x30...0x39: current.append(scalar)
                case 0x27, 0x2E: continue
                default: flush()
                }
                continue
            }
            if scalar == "\u{2019}" { continue }
            if scalar == "\u{0308}" {
                // A decomposed umlaut: spell it out like the precomposed one.
                if let last = current.last, last == "a" || last == "o" || last == "u" { current.append("e") }
                continue
            }
            let properties = scalar.properties
            switch properties.generalCategory {
            case .nonspacingMark, .spacingMark, .enclosingMark:
                continue
            default:
                break
            }
            guard properties.isAlphabetic || properties.numericType != nil else {
                flush()
                continue
            }
            for lower in properties.lowercaseMapping.unicodeScalars {
                if let replacement = transliterations[lower] {
                    current.append(contentsOf: replacement.unicodeScalars)
                } else {
                    current.append(lower)
                    if lower.value >= 0x80 { currentIsASCII = false }
                }
            }
        }
        flush()
        return tokens
    }

    /// The similarity of two names, 0 (nothing in common) to 1 (same tokens).
    public static func similarity(_ first: String, _ second: String) -> Double {
        similarity(tokens(of: first), tokens(of: second))
    }

    /// The Dice coefficient of two token sets; 0 when either is empty.
    static func similarity(_ first: Set<String>, _ second: Set<String>) -> Double {
        guard !first.isEmpty, !second.isEmpty else { return 0 }
        let (small, large) = first.count <= second.count ? (first, second) : (second, first)
        let shared = small.reduce(0) { $0 + (large.contains($1) ? 1 : 0) }
        return Double(2 * shared) / Double(first.count + second.count)
    }

    /// Legal forms and filler words that say nothing about who the party is.
    static let ignoredWords: Set<String> = [
        // German-speaking countries
        "gmbh", "mbh", "ag", "kg", "kgaa", "ohg", "gbr", "ug", "ek", "ev", "eg", "se", "co",
        // English-speaking countries
        "ltd", "limited", "llc", "llp", "lp", "inc", "incorporated", "corp", "corporation", "plc", "pty", "pte", "company",
        // French, Spanish, Italian, Portuguese
        "sa", "sas", "sasu", "sarl", "eurl", "snc", "sl", "slu", "srl", "spa", "sapa", "lda",
        // Benelux, Nordics, Central Europe, Asia
        "bv", "nv", "vof", "oy", "oyj", "ab", "as", "asa", "aps", "kft", "zrt", "sro", "bhd", "sdn", "株",
        // filler words
        "the", "and", "und", "et",
    ]

    /// Chinese and Japanese legal forms, written without a space before or after the name.
    static let cjkSuffixes = ["股份有限公司", "有限责任公司", "有限責任公司", "有限公司", "株式会社", "有限会社", "合同会社", "公司"]
    static let cjkPrefixes = ["株式会社", "有限会社", "合同会社"]

    /// `token` without one leading or trailing CJK legal form, unless nothing would remain.
    static func strippingCJKLegalForm(_ token: String) -> String {
        for suffix in cjkSuffixes where token.hasSuffix(suffix) && token.count > suffix.count {
            return String(token.dropLast(suffix.count))
        }
        for prefix in cjkPrefixes where token.hasPrefix(prefix) && token.count > prefix.count {
            return String(token.dropFirst(prefix.count))
        }
        return cjkSuffixes.contains(token) ? "" : token
    }

    /// Latin letters with diacritics and their plain spelling (input is already lower-cased).
    static let transliterations: [Unicode.Scalar: String] = {
        var table: [Unicode.Scalar: String] = [
            "ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "đ": "d", "ł": "l", "þ": "th",
        ]
        let plain: [(String, String)] = [
            ("àáâãåāăą", "a"), ("çćĉċč", "c"), ("ď", "d"), ("èéêëēĕėęě", "e"), ("ĝğġģ", "g"), ("ĥħ", "h"),
            ("ìíîïĩīĭįı", "i"), ("ĵ", "j"), ("ķ", "k"), ("ĺļľŀ", "l"), ("ñńņňŉ", "n"), ("òóôõōŏő", "o"),
            ("ŕŗř", "r"), ("śŝşšș", "s"), ("ţťŧț", "t"), ("ùúûũūŭůűų", "u"), ("ŵ", "w"), ("ýÿŷ", "y"), ("źżž", "z"),
        ]
        for (letters, replacement) in plain {
            for scalar in letters.unicodeScalars { table[scalar] = replacement }
        }
        return table
    }()
}

/// Account comparison: spaces and case ignored, so `DE89 3704 …` equals `de893704…`.
enum CounterpartyAccount {
    /// The comparable form of an account, or `nil` when empty.
    static func normalized(_ account: String?) -> String? {
        guard let account else { return nil }
        let key: String
        if account.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F && !($0 >= 0x61 && $0 <= 0x7A) }) {
            key = account
        } else {
            key = String(account.unicodeScalars.filter { !$0.properties.isWhitespace }).uppercased()
        }
        return key.isEmpty ? nil : key
    }
}
