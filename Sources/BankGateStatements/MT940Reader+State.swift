import BankGateCore

/// The MT940 reader's position: the SWIFT envelope, the field being assembled from its lines, the
/// open statement and the `:61:` entry waiting for its `:86:`.
struct MT940ReadState {
    private struct Field {
        var tag: String
        /// The text after the tag on the first line.
        var content: String
        /// The lines after the first (most fields have none, so no array is allocated for them).
        var continuation: [String] = []
        var line: Int

        var lines: [String] { [content] + continuation }
    }

    /// The statement being read; a class, so that the per-entry path reaches into it without copying it.
    private final class OpenStatement {
        let line: Int
        let reference: String
        let messageNumber: Int
        var account: String?
        var bic: String?
        var sequenceText: String?
        var statementNumber: Int64?
        var page: Int?
        var balances: [StatementBalance] = []
        var floorCurrency: Currency?
        var createdAt: String?
        var header: StatementHeader?
        /// What the entries take from the header, once it has been sent to the visitor.
        var shared: SharedByEntries?
        var tally = StatementTally()

        init(line: Int, reference: String, messageNumber: Int) {
            self.line = line
            self.reference = reference
            self.messageNumber = messageNumber
        }
    }

    /// What each entry of a statement takes from its header.
    private struct SharedByEntries {
        var account: StatementAccount
        var statementId: String
        var status: EntryStatus
        /// The currency of the account, for the amounts.
        var currency: Currency?
    }

    private struct PendingEntry {
        var line: Int
        var statementLine: MT940Fields.StatementLine
        var supplementary: String?
        var narrative: [String]?
    }

    private let maxNarrativeLines: Int
    /// Inside block 4 of an enveloped message.
    private var inEnvelope = false
    /// The message type from block 2 (`940`, `942`), for the message being read.
    private var envelopeType: String?
    private var field: Field?
    private var statement: OpenStatement?
    private var pending: PendingEntry?
    private var lastTag: String?
    private var messages = 0

    init(maxNarrativeLines: Int) {
        self.maxNarrativeLines = maxNarrativeLines
    }

    // MARK: - Lines

    mutating func line(_ text: String, number: Int, visitor: inout some StatementVisitor) throws {
        let first = text.utf8.first
        if first == nil {
            try flushField(visitor: &visitor)
        } else if first == UInt8(ascii: "-") && text == "-" {
            try flushField(visitor: &visitor)
            try endStatement(line: number, visitor: &visitor)
            inEnvelope = false
        } else if first == UInt8(ascii: "-") && text.hasPrefix("-}") {
            try flushField(visitor: &visitor)
            try endStatement(line: number, visitor: &visitor)
            inEnvelope = false
            envelopeType = nil
            let rest = String(text.dropFirst(2))
            if let start = rest.firstRange(of: "{1:") ?? rest.firstRange(of: "{2:") ?? rest.firstRange(of: "{4:") {
                try envelope(String(rest[start.lowerBound...]), number: number, visitor: &visitor)
            }
        } else if first == UInt8(ascii: "{") && Self.isBlockStart(text) {
            try flushField(visitor: &visitor)
            try envelope(text, number: number, visitor: &visitor)
        } else if first == UInt8(ascii: ":"), let (tag, content) = Self.tag(text) {
            try flushField(visitor: &visitor)
            field = Field(tag: tag, content: content, line: number)
        } else if field != nil {
            guard 1 + field!.continuation.count < maxNarrativeLines else {
                throw StatementError(.limitExceeded, "the field has more than \(maxNarrativeLines) lines", line: number,
                                     location: ":\(field!.tag):")
            }
            field!.continuation.append(text)
        } else {
            throw StatementError(.malformed,
                                 "\(StatementText.quoted(text)) is outside any field (expected a tag such as :20:)",
                                 line: number)
        }
    }

    /// A line of SWIFT blocks: `{1:…}{2:O940…}{3:…}{4:` possibly followed by a first field.
    private mutating func envelope(_ text: String, number: Int, visitor: inout some StatementVisitor) throws {
        if text.hasPrefix("{1:") || text.hasPrefix("{2:") {
            try endStatement(line: number, visitor: &visitor)
            inEnvelope = false
            envelopeType = nil
        }
        if let block2 = text.firstRange(of: "{2:") {
            let type = text[block2.upperBound...].dropFirst().prefix(3)
            envelopeType = String(type)
            guard type == "940" || type == "942" else {
                throw StatementError(.unsupportedFormat, "the SWIFT message is an MT\(type), not an MT940 or MT942",
                                     line: number, location: "{2:}")
            }
        }
        if let block4 = text.firstRange(of: "{4:") {
            inEnvelope = true
            let rest = String(text[block4.upperBound...])
            if !rest.isEmpty { try line(rest, number: number, visitor: &visitor) }
        }
    }

    /// Whether the line starts a SWIFT block `{1:` … `{5:`.
    private static func isBlockStart(_ text: String) -> Bool {
        var bytes = text.utf8.makeIterator()
        return bytes.next() == UInt8(ascii: "{")
            && (UInt8(ascii: "1")...UInt8(ascii: "5")).contains(bytes.next() ?? 0) && bytes.next() == UInt8(ascii: ":")
    }

    /// `(tag, content)` for a line starting with `:NN:` or `:NNa:`.
    private static func tag(_ text: String) -> (String, String)? {
        let utf8 = text.utf8
        // Native strings are contiguous; a bridged one is copied (its first bytes are all that matter).
        let end = utf8.withContiguousStorageIfAvailable(tagEnd) ?? Array(utf8.prefix(5)).withUnsafeBufferPointer(tagEnd)
        guard let close = end else { return nil }
        // Both ends are next to an ASCII `:`, so the slices are whole scalars: copied, not re-decoded.
        let tagEnd = utf8.index(utf8.startIndex, offsetBy: close)
        return (String(text[utf8.index(after: utf8.startIndex)..<tagEnd]), String(text[utf8.index(after: tagEnd)...]))
    }

    /// The offset of the `:` that closes a leading `:NN:` or `:NNa:`.
    private static func tagEnd(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        guard bytes.count >= 4, bytes[0] == UInt8(ascii: ":"), MT940Fields.isDigit(bytes[1]),
              MT940Fields.isDigit(bytes[2]) else { return nil }
        if bytes[3] == UInt8(ascii: ":") { return 3 }
        guard bytes.count >= 5, bytes[3] >= UInt8(ascii: "A"), bytes[3] <= UInt8(ascii: "Z"),
              bytes[4] == UInt8(ascii: ":") else { return nil }
        return 4
    }

    mutating func finish(line: Int, visitor: inout some StatementVisitor) throws {
        try flushField(visitor: &visitor)
        if statement != nil && inEnvelope {
            throw StatementError(.truncated, "the file ends inside a SWIFT message (no closing -})", line: line)
        }
        try endStatement(line: line, visitor: &visitor)
        guard messages > 0 else {
            throw StatementError(.unsupportedFormat, "no MT940 or MT942 statement found (no :20: field)", line: line)
        }
    }

    // MARK: - Fields

    private mutating func flushField(visitor: inout some StatementVisitor) throws {
        guard let field else { return }
        self.field = nil
        do {
            try process(field, visitor: &visitor)
        } catch var error as StatementError {
            if error.line == nil { error.line = field.line }
            if error.location == nil { error.location = ":\(field.tag):" }
            throw error
        }
        lastTag = field.tag
    }

    private mutating func process(_ field: Field, visitor: inout some StatementVisitor) throws {
        let content = field.content
        if field.tag == "20" {
            try endStatement(line: field.line, visitor: &visitor)
            messages += 1
            statement = OpenStatement(line: field.line, reference: content.trimmingSpaces, messageNumber: messages)
            return
        }
        guard statement != nil else {
            throw StatementError(.malformed, "field :\(field.tag): before the statement's :20:")
        }
        switch field.tag {
        case "25":
            let (account, bic) = MT940Fields.account(content.trimmingSpaces)
            statement!.account = account
            statement!.bic = bic
        case "28C", "28":
            try readSequence(content.trimmingSpaces)
        case "60F", "60M":
            statement!.balances.append(try MT940Fields.balance(content, type: "OPBD", intermediate: field.tag == "60M"))
        case "34F":
            let currency = try MT940Fields.floorLimit(content)
            if statement!.floorCurrency == nil { statement!.floorCurrency = currency }
        case "13D", "13":
            statement!.createdAt = try MT940Fields.dateTime(content)
        case "61":
            try flushPending(visitor: &visitor)
            try begin(visitor: &visitor)
            guard let currency = statement!.shared?.currency else {
                throw StatementError(.missingField, "no currency for the entry: the statement has no :60F: or :34F:")
            }
            let parsed = try MT940Fields.statementLine(content, currency: currency)
            let supplementary = field.continuation.map(\.trimmingSpaces).joined(separator: " ")
            pending = PendingEntry(line: field.line, statementLine: parsed, supplementary: supplementary.nilIfEmpty)
        case "86":
            if lastTag == "61", pending != nil { pending!.narrative = field.lines }
        case "62F", "62M":
            try flushPending(visitor: &visitor)
            statement!.balances.append(try MT940Fields.balance(content, type: "CLBD", intermediate: field.tag == "62M"))
        case "64":
            try flushPending(visitor: &visitor)
            statement!.balances.append(try MT940Fields.balance(content, type: "CLAV", intermediate: false))
        case "65":
            try flushPending(visitor: &visitor)
            statement!.balances.append(try MT940Fields.balance(content, type: "FWAV", intermediate: false))
        case "90D", "90C":
            try flushPending(visitor: &visitor)
            _ = try MT940Fields.entrySum(content)
        default:
            try flushPending(visitor: &visitor)
        }
    }

    /// `:28C:` `5n[/5n]`: statement number and page.
    private mutating func readSequence(_ text: String) throws(StatementError) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count <= 2, let number = Int64(parts[0]), number >= 0,
              parts.count == 1 || Int(parts[1]).map({ $0 >= 0 }) == true else {
            throw StatementError(.malformed, "\(StatementText.quoted(text)) is not a statement number[/page]")
        }
        statement!.sequenceText = text
        statement!.statementNumber = number
        statement!.page = parts.count == 2 ? Int(parts[1]) : nil
    }

    // MARK: - Statements and entries

    /// Sends the header to the visitor once, at the first entry or at the statement's end.
    private mutating func begin(visitor: inout some StatementVisitor) throws {
        guard let open = statement, open.shared == nil else { return }
        let hasOpening = open.balances.contains { $0.type == "OPBD" }
        let format: StatementFormat
        switch envelopeType {
        case "940": format = .mt940
        case "942": format = .mt942
        default:
            if hasOpening {
                format = .mt940
            } else if open.floorCurrency != nil || open.createdAt != nil {
                format = .mt942
            } else {
                throw StatementError(.missingField,
                                     "the statement has no opening balance (:60F:) nor MT942 floor limit (:34F:)",
                                     line: open.line, location: ":20:")
            }
        }
        guard let account = open.account else {
            throw StatementError(.missingField, "the statement has no account (:25:)", line: open.line,
                                 location: ":20:")
        }
        if format == .mt940 && !hasOpening {
            throw StatementError(.missingField, "the MT940 statement has no opening balance (:60F: or :60M:)",
                                 line: open.line, location: ":20:")
        }
        let currency = open.balances.first { $0.type == "OPBD" }?.amount.currency.code ?? open.floorCurrency?.code
        let statementId = open.sequenceText.map { "\(open.reference)/\($0)" } ?? open.reference
        let header = StatementHeader(format: format, messageId: open.reference, statementId: statementId,
                                     electronicSequence: open.statementNumber, page: open.page,
                                     account: StatementAccount(identifier: account, currency: currency,
                                                               servicerBIC: open.bic),
                                     createdAt: open.createdAt, balances: open.balances,
                                     formatVersion: format == .mt940 ? "MT940" : "MT942")
        open.header = header
        open.shared = SharedByEntries(account: header.account, statementId: statementId,
                                      status: format == .mt942 ? .pending : .booked,
                                      currency: currency.flatMap(Currency.init(code:)))
        try visitor.beginStatement(header)
    }

    private mutating func flushPending(visitor: inout some StatementVisitor) throws {
        guard let open = statement, let shared = open.shared, let entry = pending.take() else { return }
        let line = entry.statementLine
        // Without a `:86:` every narrative value is absent, as in an empty narrative.
        let narrative = entry.narrative.map { MT940Narrative(lines: $0, creditDebit: line.creditDebit) }
            ?? MT940Narrative()
        let code = narrative.gvc.map { line.typeCode + "+" + $0 } ?? line.typeCode
        let sequence = open.tally.entries + 1
        let transaction = StatementTransaction(
            account: shared.account, statementId: shared.statementId, sequence: sequence,
            bookingDate: line.entryDate, valueDate: line.valueDate, amount: line.amount, creditDebit: line.creditDebit,
            isReversal: line.isReversal, status: shared.status, bankReference: line.bankReference,
            endToEndId: narrative.endToEndId, instructionId: line.customerReference, uetr: narrative.uetr,
            counterparty: narrative.counterparty, remittanceInformation: narrative.remittance,
            transactionCode: BankTransactionCode(proprietary: code),
            additionalInformation: entry.narrative?.joined(separator: "\n"), supplementaryDetails: entry.supplementary,
            source: SourcePosition(line: entry.line, path: "message \(open.messageNumber) :61: #\(sequence)"))
        open.tally.add(transaction)
        try visitor.transaction(transaction)
    }

    private mutating func endStatement(line: Int, visitor: inout some StatementVisitor) throws {
        guard statement != nil else { return }
        try flushPending(visitor: &visitor)
        try begin(visitor: &visitor)
        guard let open = statement, var header = open.header else { return }
        statement = nil
        header.balances = open.balances
        if header.format == .mt940 && !open.balances.contains(where: { $0.type == "CLBD" }) {
            throw StatementError(.missingField, "statement \(header.statementId) ends without a closing balance "
                                     + "(:62F: or :62M:)", line: line, location: ":62F:")
        }
        try visitor.endStatement(header, summary: open.tally.summary(for: header))
    }
}
