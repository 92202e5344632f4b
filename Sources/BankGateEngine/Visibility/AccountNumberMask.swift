/// Account numbers as log lines may show them (issue 12: never a full account number): all but
/// the last four characters replaced by `*`, so `DE89370400440532013000` becomes `******************3000`.
public enum AccountNumberMask {
    /// How many trailing characters stay readable.
    public static let visibleSuffix = 4

    /// `number` with all but its last four characters masked; short numbers are masked whole.
    public static func mask(_ number: String) -> String {
        let characters = Array(number)
        guard characters.count > visibleSuffix * 2 else { return String(repeating: "*", count: characters.count) }
        return String(repeating: "*", count: characters.count - visibleSuffix) + String(characters.suffix(visibleSuffix))
    }

    /// `text` with every run that looks like an account number masked: 9 or more digits in a row,
    /// or an IBAN (two letters, two digits, then 11 to 30 letters and digits). The safety net of the
    /// log handler, behind the masking the call sites do.
    public static func maskAccountNumbers(in text: String) -> String {
        let characters = Array(text)
        var output = ""
        output.reserveCapacity(characters.count)
        var index = 0
        while index < characters.count {
            let length = accountLikeRun(characters, at: index)
            if length > 0 {
                output += mask(String(characters[index..<index + length]))
                index += length
            } else {
                output.append(characters[index])
                index += 1
            }
        }
        return output
    }

    /// The length of an account-like run starting at `start` (0: none). Only at a word start.
    private static func accountLikeRun(_ characters: [Character], at start: Int) -> Int {
        if start > 0, characters[start - 1].isASCIIAlphanumeric { return 0 }
        var end = start
        while end < characters.count, characters[end].isASCIIAlphanumeric { end += 1 }
        let word = characters[start..<end]
        if word.allSatisfy(\.isASCIIDigit) { return word.count >= 9 ? word.count : 0 }
        // An IBAN: CC99 then 11…30 alphanumerics, with at least 8 digits in all.
        guard word.count >= 15, word.count <= 34 else { return 0 }
        let letters = Array(word.prefix(2)), check = Array(word.dropFirst(2).prefix(2))
        guard letters.allSatisfy({ $0.isASCIIUppercase }), check.allSatisfy(\.isASCIIDigit),
              word.dropFirst(4).allSatisfy({ $0.isASCIIDigit || $0.isASCIIUppercase }),
              word.filter(\.isASCIIDigit).count >= 8 else { return 0 }
        return word.count
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
    fileprivate var isASCIIUppercase: Bool { isASCII && isUppercase }
    fileprivate var isASCIIAlphanumeric: Bool { isASCII && (isLetter || isNumber) }
}
