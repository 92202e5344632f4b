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

    /// A narrative that says nothing.
    init() {}

    /// Reads the `:86:` lines of one entry.
    init(lines: [String], creditDebit: CreditDebit) {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(lines.reduce(0) { $0 + $1.utf8.count })
        for line in lines { bytes.append(contentsOf: line.utf8) }
        if Self.isSubfieldLayout(bytes) {
            parseSubfields(bytes)
            return
        }
        let joined = lines.joined()
        if Self.isSlashLayout(joined) {
            parseSlashCodes(joined, creditDebit: creditDebit)
        } else {
            remittance = Self.joinFreeText(lines).nilIfEmpty
        }
    }

    // MARK: - `?` subfields

    /// `GVC?NN` or `?NN` at the start.
    static func isSubfieldLayout(_ bytes: [UInt8]) -> Bool {
        let digit = { (index: Int) in index < bytes.count && MT940Fields.isDigit(bytes[index]) }
        if digit(0), digit(1), digit(2), bytes.count > 3, bytes[3] == UInt8(ascii: "?"), digit(4), digit(5) {
            return true
        }
        return bytes.first == UInt8(ascii: "?") && digit(1) && digit(2)
    }

    private mutating func parseSubfields(_ bytes: [UInt8]) {
        var purpose = PurposeText()
        var name = ""
        var start = 0
        if bytes.count >= 3, bytes[0..<3].allSatisfy(MT940Fields.isDigit) {
            gvc = String(decoding: bytes[0..<3], as: UTF8.self)
            start = 3
        }
        bytes.withUnsafeBufferPointer { buffer in
            Self.forEachSubfield(in: buffer, from: start) { code, value in
                switch code {
                case 20...29, 60...63: purpose.append(value)
                case 30: counterparty.bankCode = String(decoding: value, as: UTF8.self).trimmingSpaces.nilIfEmpty
                case 31: counterparty.account = String(decoding: value, as: UTF8.self).trimmingSpaces.nilIfEmpty
                case 32, 33: name += String(decoding: value, as: UTF8.self)
                default: break
                }
            }
        }
        counterparty.name = name.trimmingSpaces.nilIfEmpty
        readPurpose(purpose)
    }

    /// Calls `body` with the number and the value of each `?NN` subfield from `start` on; a value runs
    /// to the next marker. Text before the first marker is skipped.
    private static func forEachSubfield(in bytes: UnsafeBufferPointer<UInt8>, from start: Int,
                                        _ body: (Int, UnsafeBufferPointer<UInt8>) -> Void) {
        let isMarker = { (position: Int) in
            position + 2 < bytes.count && bytes[position] == UInt8(ascii: "?")
                && MT940Fields.isDigit(bytes[position + 1]) && MT940Fields.isDigit(bytes[position + 2])
        }
        var index = start
        while index < bytes.count {
            guard isMarker(index) else { index += 1; continue }
            let code = Int(bytes[index + 1] - UInt8(ascii: "0")) * 10 + Int(bytes[index + 2] - UInt8(ascii: "0"))
            var end = index + 3
            while end < bytes.count && !isMarker(end) { end += 1 }
            body(code, UnsafeBufferPointer(rebasing: bytes[(index + 3)..<end]))
            index = end
        }
    }

    /// The purpose subfields (`?20`–`?29`, `?60`–`?63`): their bytes joined, and where each one is.
    private struct PurposeText {
        var bytes: [UInt8] = []
        var parts: [Range<Int>] = []

        mutating func append(_ value: UnsafeBufferPointer<UInt8>) {
            parts.append(bytes.count..<(bytes.count + value.count))
            bytes.append(contentsOf: value)
        }
    }

    /// The SEPA keywords that may open a purpose segment, each with its bytes packed for comparing.
    private static let keywords = ["EREF", "KREF", "MREF", "CRED", "DEBT", "COAM", "OAMT", "SVWZ", "ABWA", "ABWE",
                                   "IBAN", "BIC"].map { (name: $0, packed: packed($0.utf8)) }

    /// Up to four ASCII bytes as one number, so that a keyword is found with integer comparisons.
    private static func packed(_ bytes: some Sequence<UInt8>) -> UInt32 {
        bytes.reduce(0) { $0 << 8 | UInt32($1) }
    }

    private mutating func readPurpose(_ purpose: PurposeText) {
        let segments = Self.keywordSegments(purpose.bytes)
        guard !segments.isEmpty else {
            remittance = purpose.parts.map { String(decoding: purpose.bytes[$0], as: UTF8.self).trimmingSpaces }
                .filter { !$0.isEmpty }.joined(separator: " ").nilIfEmpty
            return
        }
        var free: String?
        for segment in segments {
            let value = { String(decoding: purpose.bytes[segment.value], as: UTF8.self).trimmingSpaces }
            switch segment.name {
            case "": free = value().nilIfEmpty
            case "EREF": endToEndId = value().nilIfEmpty
            case "SVWZ": remittance = value().nilIfEmpty
            case "IBAN": if counterparty.account == nil { counterparty.account = value().nilIfEmpty }
            case "BIC": if counterparty.bankCode == nil { counterparty.bankCode = value().nilIfEmpty }
            default: break
            }
        }
        if remittance == nil { remittance = free }
    }

    /// Splits `EREF+abcSVWZ+text` into `[("EREF", range of "abc"), ("SVWZ", range of "text")]`; text
    /// before the first keyword comes with the keyword `""`. Empty when there is no keyword.
    static func keywordSegments(_ bytes: [UInt8]) -> [Segment] {
        var markers: [Marker] = []
        bytes.withUnsafeBufferPointer { bytes in
            for index in bytes.indices where bytes[index] == UInt8(ascii: "+") {
                for length in stride(from: 4, through: 3, by: -1) where index >= length {
                    let afterPrevious = markers.last.map { $0.offset + $0.length - 1 < index - length } ?? true
                    let candidate = packed(bytes[(index - length)..<index])
                    if afterPrevious, let keyword = keywords.first(where: {
                        $0.packed == candidate && $0.name.utf8.count == length
                    }) {
                        markers.append(Marker(offset: index - length, name: keyword.name, length: length + 1))
                        break
                    }
                }
            }
        }
        return segments(count: bytes.count, markers)
    }

    /// A keyword or code found in the text: where it starts, and its length with its delimiters.
    struct Marker {
        var offset: Int
        var name: String
        var length: Int
    }

    /// A marker's name and the range of its value.
    struct Segment {
        var name: String
        var value: Range<Int>
    }

    /// The value ranges between markers; text before the first marker comes with the name `""`.
    private static func segments(count: Int, _ markers: [Marker]) -> [Segment] {
        guard let first = markers.first else { return [] }
        var segments: [Segment] = []
        segments.reserveCapacity(markers.count + 1)
        if first.offset > 0 { segments.append(Segment(name: "", value: 0..<first.offset)) }
        for (position, marker) in markers.enumerated() {
            let valueEnd = position + 1 < markers.count ? markers[position + 1].offset : count
            let valueStart = min(marker.offset + marker.length, valueEnd)
            segments.append(Segment(name: marker.name, value: valueStart..<valueEnd))
        }
        return segments
    }

    // MARK: - Slash codes

    private static let slashCodes: Set<String> = [
        "EREF", "REMI", "ORDP", "BENM", "CNTP", "IBAN", "BIC", "NAME", "PURP", "RTRN", "MARF", "CSID", "UETR", "ACCW",
        "IREF", "TRCD", "ULTB", "ULTD", "CREF", "RREF", "OCMT", "CHGS", "EXCH", "ORDB", "BENB", "ADDR", "SVWZ",
        "TRTP",
    ]

    static func isSlashLayout(_ text: String) -> Bool {
        guard text.hasPrefix("/") else { return false }
        return slashSegments(text).first.map { !$0.0.isEmpty } ?? false
    }

    /// Splits `/EREF/x/REMI/y` into `[("EREF", "x"), ("REMI", "y")]`; text before the first code
    /// comes with the code `""`.
    static func slashSegments(_ text: String) -> [(String, String)] {
        let bytes = Array(text.utf8)
        var starts: [Marker] = []
        var index = 0
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "/") {
                for length in [5, 4] where index + length < bytes.count && bytes[index + length] == UInt8(ascii: "/") {
                    let candidate = String(decoding: bytes[(index + 1)..<(index + length)], as: UTF8.self)
                    if slashCodes.contains(candidate) {
                        starts.append(Marker(offset: index, name: candidate, length: length + 1))
                        index += length
                        break
                    }
                }
            }
            index += 1
        }
        return segments(count: bytes.count, starts).map { ($0.name, String(decoding: bytes[$0.value], as: UTF8.self)) }
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
            // Dutch banks name the other party with a bare `/NAME/` (ABN AMRO, Rabobank after `/BENM/`).
            case "NAME": if contraName == nil { contraName = value.nilIfEmpty }
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
        // Blank lines (SNS pads :86: with lines of blanks) separate nothing.
        for line in lines where !line.isEmpty {
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
