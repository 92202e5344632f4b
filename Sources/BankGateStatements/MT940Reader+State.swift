import BankGateCore

/// The MT940 reader's position: the SWIFT envelope, the field being assembled from its lines, the
/// open statement and the `:61:` entry waiting for its `:86:`.
struct MT940ReadState {
    private struct Field {
        var tag: String
        var lines: [String]
        var line: Int
    }

    private struct OpenStatement {
        var line: Int
        var reference: String
        var messageNumber: Int
        var account: String?
        var bic: String?
        var sequenceText: String?
        var statementNumber: Int64?
        var page: Int?
        var balances: [StatementBalance] = []
        var floorCurrency: Currency?
        var createdAt: String?
        var header: StatementHeader?
        var tally = StatementTally()
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
        if text.isEmpty {
            try flushField(visitor: &visitor)
        } else if text == "-" {
            try flushField(visitor: &visitor)
            try endStatement(line: number, visitor: &visitor)
            inEnvelope = false
        } else if text.hasPrefix("-}") {
            try flushField(visitor: &visitor)
            try endStatement(line: number, visitor: &visitor)
            inEnvelope = false
            envelopeType = nil
            let rest = String(text.dropFirst(2))
            if let start = rest.firstRange(of: "{1:") ?? rest.firstRange(of: "{2:") ?? rest.firstRange(of: "{4:") {
                try envelope(String(rest[start.lowerBound...]), number: number, visitor: &visitor)
            }
        } else if Self.isBlockStart(text) {
            try flushField(visitor: &visitor)
            try envelope(text, number: number, visitor: &visitor)
        } else if let (tag, content) = Self.tag(text) {
            try flushField(visitor: &visitor)
            field = Field(tag: tag, lines: [content], line: number)
        } else if field != nil {
            guard field!.lines.count < maxNarrativeLines else {
                throw StatementError(.limitExceeded, "the field has more than \(maxNarrativeLines) lines", line: number,
                                     location: ":\(field!.tag):")
            }
            field!.lines.append(text)
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
        let bytes = Array(text.utf8.prefix(3))
        return bytes.count == 3 && bytes[0] == UInt8(ascii: "{")
            && (UInt8(ascii: "1")...UInt8(ascii: "5")).contains(bytes[1]) && bytes[2] == UInt8(ascii: ":")
    }

    /// `(tag, content)` for a line starting with `:NN:` or `:NNa:`.
    private static func tag(_ text: String) -> (String, String)? {
        let bytes = text.utf8
        guard bytes.count >= 4, bytes.first == UInt8(ascii: ":") else { return nil }
        let body = bytes.dropFirst()
        guard let close = body.firstIndex(of: UInt8(ascii: ":")) else { return nil }
        let tag = body[body.startIndex..<close]
        guard tag.count == 2 || tag.count == 3, tag.prefix(2).allSatisfy(MT940Fields.isDigit),
              tag.count == 2 || (tag.last! >= UInt8(ascii: "A") && tag.last! <= UInt8(ascii: "Z")) else { return nil }
        let content = String(decoding: body[body.index(after: close)...], as: UTF8.self)
        return (String(decoding: tag, as: UTF8.self), content)
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
        let content = field.lines[0]
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
            guard let currency = statementCurrency else {
                throw StatementError(.missingField, "no currency for the entry: the statement has no :60F: or :34F:")
            }
            let parsed = try MT940Fields.statementLine(content, currency: currency)
            let supplementary = field.lines.dropFirst().map(\.trimmingSpaces).joined(separator: " ")
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

    private var statementCurrency: Currency? {
        statement?.header?.account.currency.flatMap(Currency.init(code:))
    }

    // MARK: - Statements and entries

    /// Sends the header to the visitor once, at the first entry or at the statement's end.
    private mutating func begin(visitor: inout some StatementVisitor) throws {
        guard var open = statement, open.header == nil else { return }
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
        statement = open
        try visitor.beginStatement(header)
    }

    private mutating func flushPending(visitor: inout some StatementVisitor) throws {
        guard let entry = pending, var open = statement, let header = open.header else { return }
        pending = nil
        let line = entry.statementLine
        let narrative = entry.narrative.map { MT940Narrative(lines: $0, creditDebit: line.creditDebit) }
        let code = narrative?.gvc.map { "\(line.typeCode)+\($0)" } ?? line.typeCode
        let sequence = open.tally.entries + 1
        let transaction = StatementTransaction(
            account: header.account, statementId: header.statementId, sequence: sequence, bookingDate: line.entryDate,
            valueDate: line.valueDate, amount: line.amount, creditDebit: line.creditDebit, isReversal: line.isReversal,
            status: header.format == .mt942 ? .pending : .booked, bankReference: line.bankReference,
            endToEndId: narrative?.endToEndId, instructionId: line.customerReference, uetr: narrative?.uetr,
            counterparty: narrative?.counterparty ?? Counterparty(), remittanceInformation: narrative?.remittance,
            transactionCode: BankTransactionCode(proprietary: code),
            additionalInformation: entry.narrative?.joined(separator: "\n"), supplementaryDetails: entry.supplementary,
            source: SourcePosition(line: entry.line, path: "message \(open.messageNumber) :61: #\(sequence)"))
        open.tally.add(transaction)
        statement = open
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
