/// What an MT940 `:86:` field says about its entry, in any of the three common layouts.
///
/// - **`?` subfields** (German DK/DATEV layout): `GVC?00posting text?10primanota?20…?29 purpose?30
///   bank code?31 account?32?33 name?34 text key?60…?63 more purpose`. Subfields may be split across
///   physical lines, so the lines are joined without separator first. The purpose lines are joined
///   and read for SEPA keywords (`EREF+`, `KREF+`, `MREF+`, `CRED+`, `SVWZ+`, …); without keywords
///   they are the remittance text, joined with spaces.
/// - **Slash codes** (`/EREF/…/REMI/…/ORDP/…/BENM/…/CNTP/account/bic/name/city/`): a value runs to
///   the next known code, so a `/` inside a value (`INV 2024/17`) is kept.
/// - **Free text**: the remittance information. Physical lines are joined with a space, except after a
///   full 65-character line, which is taken to be wrapped mid-word and joined directly.
struct MT940Narrative {
    var endToEndId: String?
    var remittance: String?
    var counterparty = Counterparty()
    /// The `?` layout's business transaction code (GVC), e.g. `166`.
    var gvc: String?
    var uetr: String?
    /// The first party named by a slash code, kept per side: the reader picks by the entry's direction.
    var orderingParty: String?
    var beneficiary: String?

    /// Reads the `:86:` lines of one entry.
    init(lines: [String], creditDebit: CreditDebit) {
        let joined = lines.joined()
        if Self.isSubfieldLayout(joined) {
            parseSubfields(joined)
        } else if Self.isSlashLayout(joined) {
            parseSlashCodes(joined, creditDebit: creditDebit)
        } else {
            remittance = Self.joinFreeText(lines).nilIfEmpty
        }
    }

    // MARK: - `?` subfields

    static func isSubfieldLayout(_ text: String) -> Bool {
        let bytes = Array(text.utf8.prefix(6))
        if bytes.count >= 6, bytes[0..<3].allSatisfy(MT940Fields.isDigit), bytes[3] == UInt8(ascii: "?"),
           bytes[4...5].allSatisfy(MT940Fields.isDigit) { return true }
        return bytes.count >= 3 && bytes[0] == UInt8(ascii: "?") && bytes[1...2].allSatisfy(MT940Fields.isDigit)
    }

    private mutating func parseSubfields(_ text: String) {
        var purpose: [String] = []
        var name = ""
        let bytes = Array(text.utf8)
        var index = 0
        if bytes.count >= 3, bytes[0..<3].allSatisfy(MT940Fields.isDigit) {
            gvc = String(decoding: bytes[0..<3], as: UTF8.self)
            index = 3
        }
        let isMarker: (Int) -> Bool = { position in
            position + 2 < bytes.count && bytes[position] == UInt8(ascii: "?")
                && MT940Fields.isDigit(bytes[position + 1]) && MT940Fields.isDigit(bytes[position + 2])
        }
        while index < bytes.count {
            guard isMarker(index) else { index += 1; continue }
            let code = String(decoding: bytes[(index + 1)...(index + 2)], as: UTF8.self)
            var end = index + 3
            while end < bytes.count && !isMarker(end) { end += 1 }
            let value = String(decoding: bytes[(index + 3)..<end], as: UTF8.self)
            switch code {
            case "20"..."29", "60"..."63": purpose.append(value)
            case "30": counterparty.bankCode = value.trimmingSpaces.nilIfEmpty
            case "31": counterparty.account = value.trimmingSpaces.nilIfEmpty
            case "32", "33": name += value
            default: break
            }
            index = end
        }
        counterparty.name = name.trimmingSpaces.nilIfEmpty
        readPurpose(purpose)
    }

    /// The SEPA keywords that may open a purpose segment.
    private static let keywords: Set<String> = ["EREF", "KREF", "MREF", "CRED", "DEBT", "COAM", "OAMT", "SVWZ", "ABWA",
                                                "ABWE", "IBAN", "BIC"]

    private mutating func readPurpose(_ lines: [String]) {
        let joined = lines.joined()
        let segments = Self.keywordSegments(joined)
        guard !segments.isEmpty else {
            remittance = lines.map(\.trimmingSpaces).filter { !$0.isEmpty }.joined(separator: " ").nilIfEmpty
            return
        }
        var free: String?
        for (keyword, value) in segments {
            let value = value.trimmingSpaces
            switch keyword {
            case "": free = value.nilIfEmpty
            case "EREF": endToEndId = value.nilIfEmpty
            case "SVWZ": remittance = value.nilIfEmpty
            case "IBAN": if counterparty.account == nil { counterparty.account = value.nilIfEmpty }
            case "BIC": if counterparty.bankCode == nil { counterparty.bankCode = value.nilIfEmpty }
            default: break
            }
        }
        if remittance == nil { remittance = free }
    }

    /// Splits `EREF+abcSVWZ+text` into `[("EREF", "abc"), ("SVWZ", "text")]`; text before the first
    /// keyword comes with the keyword `""`. Empty when there is no keyword.
    static func keywordSegments(_ text: String) -> [(String, String)] {
        let bytes = Array(text.utf8)
        var starts: [(offset: Int, keyword: String)] = []
        for index in bytes.indices where bytes[index] == UInt8(ascii: "+") {
            for length in [4, 3] where index >= length {
                let candidate = String(decoding: bytes[(index - length)..<index], as: UTF8.self)
                let afterPrevious = starts.last.map { $0.offset + $0.keyword.utf8.count < index - length } ?? true
                if keywords.contains(candidate), afterPrevious {
                    starts.append((index - length, candidate))
                    break
                }
            }
        }
        return segments(bytes, starts.map { ($0.offset, $0.keyword, $0.keyword.utf8.count + 1) })
    }

    /// The values between markers: each start is (offset, name, marker length); text before the first
    /// marker comes with the name `""`.
    private static func segments(_ bytes: [UInt8], _ starts: [(Int, String, Int)]) -> [(String, String)] {
        guard let first = starts.first else { return [] }
        var segments: [(String, String)] = []
        if first.0 > 0 { segments.append(("", String(decoding: bytes[0..<first.0], as: UTF8.self))) }
        for (position, (offset, name, length)) in starts.enumerated() {
            let valueEnd = position + 1 < starts.count ? starts[position + 1].0 : bytes.count
            let valueStart = min(offset + length, valueEnd)
            segments.append((name, String(decoding: bytes[valueStart..<valueEnd], as: UTF8.self)))
        }
        return segments
    }

    // MARK: - Slash codes

    private static let slashCodes: Set<String> = [
        "EREF", "REMI", "ORDP", "BENM", "CNTP", "IBAN", "BIC", "NAME", "PURP", "RTRN", "MARF", "CSID", "UETR", "ACCW",
        "IREF", "TRCD", "ULTB", "ULTD", "CREF", "RREF", "OCMT", "CHGS", "EXCH", "ORDB", "BENB", "ADDR", "SVWZ",
    ]

    static func isSlashLayout(_ text: String) -> Bool {
        guard text.hasPrefix("/") else { return false }
        return slashSegments(text).first.map { !$0.0.isEmpty } ?? false
    }

    /// Splits `/EREF/x/REMI/y` into `[("EREF", "x"), ("REMI", "y")]`; text before the first code
    /// comes with the code `""`.
    static func slashSegments(_ text: String) -> [(String, String)] {
        let bytes = Array(text.utf8)
        var starts: [(Int, String, Int)] = []
        var index = 0
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "/") {
                for length in [5, 4] where index + length < bytes.count && bytes[index + length] == UInt8(ascii: "/") {
                    let candidate = String(decoding: bytes[(index + 1)..<(index + length)], as: UTF8.self)
                    if slashCodes.contains(candidate) {
                        starts.append((index, candidate, length + 1))
                        index += length
                        break
                    }
                }
            }
            index += 1
        }
        return segments(bytes, starts)
    }

    private mutating func parseSlashCodes(_ text: String, creditDebit: CreditDebit) {
        var contraName: String?
        for (code, raw) in Self.slashSegments(text) {
            var value = raw
            while value.hasSuffix("/") { value.removeLast() }
            value = value.trimmingSpaces
            switch code {
            case "EREF": endToEndId = value.nilIfEmpty
            case "REMI":
                for prefix in ["USTD//", "USTD/", "STRD/CUR/"] where value.hasPrefix(prefix) {
                    value.removeFirst(prefix.count)
                    break
                }
                remittance = value.trimmingSpaces.nilIfEmpty
            case "ORDP": orderingParty = Self.partyName(value)
            case "BENM": beneficiary = Self.partyName(value)
            case "CNTP":
                let parts = value.split(separator: "/", omittingEmptySubsequences: false)
                    .map { String($0).trimmingSpaces }
                if parts.count > 0, counterparty.account == nil { counterparty.account = parts[0].nilIfEmpty }
                if parts.count > 1, counterparty.bankCode == nil { counterparty.bankCode = parts[1].nilIfEmpty }
                if parts.count > 2 { contraName = parts[2].nilIfEmpty }
            case "IBAN": if counterparty.account == nil { counterparty.account = value.nilIfEmpty }
            case "BIC": if counterparty.bankCode == nil { counterparty.bankCode = value.nilIfEmpty }
            case "UETR": uetr = value.nilIfEmpty
            default: break
            }
        }
        counterparty.name = creditDebit == .debit ? beneficiary ?? contraName ?? orderingParty
            : orderingParty ?? contraName ?? beneficiary
    }

    /// A party value, without the `/NAME/` or leading slashes some banks add.
    private static func partyName(_ value: String) -> String? {
        var name = Substring(value)
        while name.hasPrefix("/") { name = name.dropFirst() }
        if name.hasPrefix("NAME/") { name = name.dropFirst(5) }
        return String(name).trimmingSpaces.nilIfEmpty
    }

    // MARK: - Free text

    static func joinFreeText(_ lines: [String]) -> String {
        var text = ""
        var previousFull = false
        for line in lines {
            if text.isEmpty || previousFull {
                text += line
            } else {
                text += " " + line.trimmingSpaces
            }
            previousFull = line.count >= 65
        }
        return text.trimmingSpaces
    }
}
