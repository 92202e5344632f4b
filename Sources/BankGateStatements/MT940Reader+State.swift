import BankGateCore

/// The MT940 reader's position: the SWIFT envelope, the field being assembled from its lines, the
/// open statement and the `:61:` entry waiting for its `:86:`.
///
/// A statement's end is given to the visitor when the next statement starts or the file ends, so that
/// what comes between messages (a trailer, a bank's header lines) can still be noted on a statement.
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
        /// MT942 `:90D:`/`:90C:`, and the line of the first of them.
        var totals: EntryTotals?
        var totalsLine = 0
        var warnings: StatementWarningList

        init(line: Int, reference: String, messageNumber: Int, warnings: StatementWarningList) {
            self.line = line
            self.reference = reference
            self.messageNumber = messageNumber
            self.warnings = warnings
        }

        /// Whether the statement has what ends it: a closing balance, or MT942 totals.
        var isComplete: Bool { totals != nil || balances.contains { $0.type == "CLBD" } }

        func note(_ warnings: [StatementWarning], line: Int) {
            for var warning in warnings {
                if warning.line == nil { warning.line = line }
                self.warnings.add(warning)
            }
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
    /// Blank lines met while `field` is open: part of the field if text follows, separators otherwise.
    private var blankLines = 0
    private var firstBlankLine = 0
    private var statement: OpenStatement?
    /// A statement that has ended, not yet given to the visitor.
    private var ended: (header: StatementHeader, summary: StatementSummary)?
    /// Warnings met between messages, for the next statement (or the last one at the end of the file).
    private var framing = StatementWarningList()
    private var pending: PendingEntry?
    private var lastTag: String?
    private var messages = 0

    init(maxNarrativeLines: Int) {
        self.maxNarrativeLines = maxNarrativeLines
    }

    /// Notes a warning about the framing of the file (a byte order mark): for the next statement.
    mutating func noteFraming(_ code: StatementWarning.Code, _ message: String, line: Int) {
        framing.add(code, message, line: line)
    }

    // MARK: - Lines

    mutating func line(_ text: String, number: Int, visitor: inout some StatementVisitor) throws {
        guard let first = text.utf8.first else {
            if field != nil {
                if blankLines == 0 { firstBlankLine = number }
                blankLines += 1
            }
            return
        }
        if first == UInt8(ascii: ":"), let (tag, content) = MT940LineShape.tag(text), MT940LineShape.isDefined(tag) {
            try flushField(visitor: &visitor)
            field = Field(tag: tag, content: content, line: number)
        } else if MT940LineShape.isFramingControl(first) {
            try controlFraming(text, number: number, visitor: &visitor)
        } else if first == UInt8(ascii: "-"), try messageEnd(text, number: number, visitor: &visitor) {
            return
        } else if first == UInt8(ascii: "{") && MT940LineShape.isBlockStart(text) {
            try flushField(visitor: &visitor)
            try envelope(text, number: number, visitor: &visitor)
        } else {
            try continuation(text, number: number, visitor: &visitor)
        }
    }

    /// A line that is not a field's first line: more of the open field, a bank's header line between
    /// messages, or an error.
    private mutating func continuation(_ text: String, number: Int, visitor: inout some StatementVisitor) throws {
        if MT940LineShape.isBankHeader(text), isBetweenMessages {
            try flushField(visitor: &visitor)
            framing.add(.bankHeaderSkipped, "the bank's header line \(StatementText.quoted(text)) is skipped",
                        line: number)
        } else if let open = field, MT940LineShape.takesContinuation(open.tag) {
            guard 1 + open.continuation.count + blankLines < maxNarrativeLines else {
                throw StatementError(.limitExceeded, "the field has more than \(maxNarrativeLines) lines", line: number,
                                     location: ":\(open.tag):")
            }
            if text.utf8.first == UInt8(ascii: ":"), let (tag, _) = MT940LineShape.tag(text) {
                warn(.undefinedTagInField, ":\(tag): is not an MT940 field: the line is text of :\(open.tag):",
                     line: number)
            }
            if blankLines > 0 {
                warn(.blankLineInField, "a blank line inside :\(open.tag): is kept as part of the field",
                     line: firstBlankLine)
                field!.continuation.append(contentsOf: repeatElement("", count: blankLines))
                blankLines = 0
            }
            field!.continuation.append(text)
        } else if text.utf8.first == UInt8(ascii: ":"), let (tag, _) = MT940LineShape.tag(text) {
            throw StatementError(.malformed, ":\(tag): is not an MT940 or MT942 field", line: number,
                                 location: ":\(tag):")
        } else if let open = field {
            throw StatementError(.malformed, "\(StatementText.quoted(text)) continues :\(open.tag):, which is one line "
                                     + "(a value split across lines?)", line: number, location: ":\(open.tag):")
        } else {
            throw StatementError(.malformed,
                                 "\(StatementText.quoted(text)) is outside any field (expected a tag such as :20:)",
                                 line: number)
        }
    }

    /// Whether a line here can only be framing between messages: no field is open, or the statement has
    /// what ends it and the line does not continue a field (the open field is one line, or a blank line
    /// came first). Inside a statement's entries a line of capitals is narrative, never a header.
    private var isBetweenMessages: Bool {
        guard let open = field else { return true }
        if MT940LineShape.closesStatement(open.tag) { return true }
        return (statement?.isComplete ?? true) && (blankLines > 0 || !MT940LineShape.takesContinuation(open.tag))
    }

    /// A line starting with `-`: the end of a message (`-`, `-}`, `-` ETX, a trailer such as `-XXX`).
    /// false when it is text (a narrative line that starts with a dash).
    private mutating func messageEnd(_ text: String, number: Int,
                                     visitor: inout some StatementVisitor) throws -> Bool {
        if text == "-" {
            try endMessage(line: number, visitor: &visitor)
            return true
        }
        let second = text.utf8.dropFirst().first ?? 0
        if second == UInt8(ascii: "}") {
            try endMessage(line: number, visitor: &visitor)
            envelopeType = nil
            let rest = String(text.dropFirst(2))
            if let start = rest.firstRange(of: "{1:") ?? rest.firstRange(of: "{2:") ?? rest.firstRange(of: "{4:") {
                try envelope(String(rest[start.lowerBound...]), number: number, visitor: &visitor)
            }
            return true
        }
        if second == 0x03 {
            try controlFraming(String(text.dropFirst()), number: number, visitor: &visitor)
            return true
        }
        guard MT940LineShape.isTrailer(text), field.map({ !MT940LineShape.takesContinuation($0.tag) }) ?? true
                || statement?.isComplete == true else { return false }
        try flushField(visitor: &visitor)
        warn(.messageTrailer, "the trailer \(StatementText.quoted(text)) is read as the end of the message",
             line: number)
        try endMessage(line: number, visitor: &visitor)
        return true
    }

    private mutating func endMessage(line: Int, visitor: inout some StatementVisitor) throws {
        try flushField(visitor: &visitor)
        try endStatement(line: line, visitor: &visitor)
        inEnvelope = false
    }

    /// SWIFT DOS-PCC framing: SOH (0x01) opens a message, ETX (0x03) closes it; a file may end with
    /// SUB (0x1A) and pad with blanks. The control characters are dropped, the rest of the line read.
    private mutating func controlFraming(_ text: String, number: Int, visitor: inout some StatementVisitor) throws {
        var rest = Substring(text)
        var endsMessage = false
        while let byte = rest.utf8.first, MT940LineShape.isFramingControl(byte) || byte == 0x20 {
            if byte == 0x03 { endsMessage = true }
            rest = rest.dropFirst()
        }
        if endsMessage {
            warn(.controlFraming, "the SWIFT DOS-PCC framing (SOH before, ETX after the message) is dropped",
                 line: number)
            try endMessage(line: number, visitor: &visitor)
        } else {
            framing.add(.controlFraming, "the SWIFT DOS-PCC framing (SOH before, ETX after the message) is dropped",
                        line: number)
        }
        if !rest.isEmpty { try line(String(rest), number: number, visitor: &visitor) }
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

    /// Notes a warning on the open statement, or for the next one between messages.
    private mutating func warn(_ code: StatementWarning.Code, _ message: String, line: Int) {
        if let statement {
            statement.warnings.add(code, message, line: line)
        } else {
            framing.add(code, message, line: line)
        }
    }

    mutating func finish(line: Int, visitor: inout some StatementVisitor) throws {
        try flushField(visitor: &visitor)
        if let open = statement, inEnvelope {
            guard open.isComplete else {
                throw StatementError(.truncated, "the file ends inside a SWIFT message (no closing -})", line: line)
            }
            open.warnings.add(.missingMessageEnd, "the file ends without the message's closing -}", line: line)
        }
        try endStatement(line: line, visitor: &visitor)
        if ended != nil {
            // What follows the last message (a trailer, padding) is noted on it.
            ended!.header.warnings = Self.merged(ended!.header.warnings, framing)
            framing = StatementWarningList()
        }
        try flushEnded(visitor: &visitor)
        guard messages > 0 else {
            throw StatementError(.unsupportedFormat, "no MT940 or MT942 statement found (no :20: field)", line: line)
        }
    }

    private static func merged(_ warnings: [StatementWarning], _ more: StatementWarningList) -> [StatementWarning] {
        var list = StatementWarningList()
        for warning in warnings { list.add(warning) }
        list.add(contentsOf: more)
        return list.warnings
    }

    // MARK: - Fields

    private mutating func flushField(visitor: inout some StatementVisitor) throws {
        blankLines = 0
        guard let field else { return }
        self.field = nil
        do {
            try process(field, visitor: &visitor)
        } catch var error as StatementError {
            if error.line == nil { error.line = field.line }
            if error.location == nil { error.location = ":\(field.tag):" }
            throw error
        }
        // A non-SWIFT block between an entry and its narrative does not separate them.
        if field.tag != "NS" { lastTag = field.tag }
    }

    private mutating func process(_ field: Field, visitor: inout some StatementVisitor) throws {
        let content = field.content
        if field.tag == "20" {
            try endStatement(line: field.line, visitor: &visitor)
            try flushEnded(visitor: &visitor)
            messages += 1
            statement = OpenStatement(line: field.line, reference: content.trimmingSpaces, messageNumber: messages,
                                      warnings: framing)
            framing = StatementWarningList()
            return
        }
        if field.tag == "NS" {
            warn(.nonSwiftBlock, "a non-SWIFT :NS: block (the bank's own codes) is skipped", line: field.line)
            return
        }
        guard let open = statement else {
            throw StatementError(.malformed, "field :\(field.tag): before the statement's :20:")
        }
        var warnings: [StatementWarning] = []
        defer { if !warnings.isEmpty { open.note(warnings, line: field.line) } }
        switch field.tag {
        case "25":
            let (account, bic) = MT940Fields.account(content.trimmingSpaces)
            open.account = account
            open.bic = bic
        case "28C", "28":
            if field.tag == "28" {
                warnings.append(StatementWarning(.obsoleteTag, "the older :28: is read as :28C:"))
            }
            try readSequence(content.trimmingSpaces, into: open)
        case "60F", "60M":
            open.balances.append(try MT940Fields.balance(content, type: "OPBD", intermediate: field.tag == "60M",
                                                         warnings: &warnings))
        case "34F":
            let currency = try MT940Fields.floorLimit(content)
            if open.floorCurrency == nil { open.floorCurrency = currency }
        case "13D", "13":
            if field.tag == "13" {
                warnings.append(StatementWarning(.obsoleteTag, "the older :13: is read as :13D:"))
            }
            open.createdAt = try MT940Fields.dateTime(content)
        case "61":
            try flushPending(visitor: &visitor)
            try begin(visitor: &visitor)
            guard let currency = open.shared?.currency else {
                throw StatementError(.missingField, "no currency for the entry: the statement has no :60F: or :34F:")
            }
            let parsed = try MT940Fields.statementLine(content, currency: currency)
            warnings = parsed.warnings
            let supplementary = field.continuation.map(\.trimmingSpaces).filter { !$0.isEmpty }.joined(separator: " ")
            pending = PendingEntry(line: field.line, statementLine: parsed, supplementary: supplementary.nilIfEmpty)
        case "86":
            if lastTag == "61", pending != nil {
                pending!.narrative = field.lines
            } else if lastTag == "86", pending?.narrative != nil {
                // Rabobank writes one :86: per kind of information (name, remittance, end-to-end id …).
                warnings.append(StatementWarning(.repeatedNarrative, "several :86: fields of one entry are joined"))
                pending!.narrative!.append(contentsOf: field.lines)
            }
        case "62F", "62M":
            try flushPending(visitor: &visitor)
            open.balances.append(try MT940Fields.balance(content, type: "CLBD", intermediate: field.tag == "62M",
                                                         warnings: &warnings))
        case "64":
            try flushPending(visitor: &visitor)
            open.balances.append(try MT940Fields.balance(content, type: "CLAV", intermediate: false,
                                                         warnings: &warnings))
        case "65":
            try flushPending(visitor: &visitor)
            open.balances.append(try MT940Fields.balance(content, type: "FWAV", intermediate: false,
                                                         warnings: &warnings))
        case "90D", "90C":
            try flushPending(visitor: &visitor)
            let sum = try MT940Fields.entrySum(content, warnings: &warnings)
            if open.totals == nil {
                open.totals = EntryTotals()
                open.totalsLine = field.line
            }
            if field.tag == "90D" { open.totals!.debits = sum } else { open.totals!.credits = sum }
        default:
            try flushPending(visitor: &visitor)
        }
    }

    /// `:28C:` `5n[/5n]`: statement number and page.
    private func readSequence(_ text: String, into open: OpenStatement) throws(StatementError) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count <= 2, let number = Int64(parts[0]), number >= 0,
              parts.count == 1 || Int(parts[1]).map({ $0 >= 0 }) == true else {
            throw StatementError(.malformed, "\(StatementText.quoted(text)) is not a statement number[/page]")
        }
        open.sequenceText = text
        open.statementNumber = number
        open.page = parts.count == 2 ? Int(parts[1]) : nil
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
        let currency = open.balances.first { $0.type == "OPBD" }?.amount.currency ?? open.floorCurrency
        let statementId = open.sequenceText.map { "\(open.reference)/\($0)" } ?? open.reference
        let header = StatementHeader(format: format, messageId: open.reference, statementId: statementId,
                                     electronicSequence: open.statementNumber, page: open.page,
                                     account: StatementAccount(identifier: account, currency: currency?.code,
                                                               servicerBIC: open.bic),
                                     createdAt: open.createdAt, balances: open.balances,
                                     formatVersion: format == .mt940 ? "MT940" : "MT942",
                                     warnings: open.warnings.warnings)
        open.header = header
        open.shared = SharedByEntries(account: header.account, statementId: statementId,
                                      status: format == .mt942 ? .pending : .booked, currency: currency)
        try visitor.beginStatement(header)
    }

    private mutating func flushPending(visitor: inout some StatementVisitor) throws {
        guard let open = statement, let shared = open.shared, let entry = pending.take() else { return }
        let line = entry.statementLine
        // Without a `:86:` every narrative value is absent, as in an empty narrative.
        let narrative = entry.narrative.map { MT940Narrative(lines: $0, creditDebit: line.creditDebit) }
            ?? MT940Narrative()
        let code = narrative.gvc.map { line.typeCode + "+" + $0 } ?? line.typeCode
        var counterparty = narrative.counterparty
        if counterparty.account == nil, let supplementary = entry.supplementary,
           let (iban, name) = MT940Fields.accountAndName(supplementary) {
            // Rabobank names the other party on the :61: line's second line when the :86: does not.
            counterparty.account = iban
            if counterparty.name == nil { counterparty.name = name }
        }
        let sequence = open.tally.entries + 1
        let transaction = StatementTransaction(
            account: shared.account, statementId: shared.statementId, sequence: sequence,
            bookingDate: line.entryDate, valueDate: line.valueDate, amount: line.amount, creditDebit: line.creditDebit,
            isReversal: line.isReversal, status: shared.status, bankReference: line.bankReference,
            endToEndId: narrative.endToEndId, instructionId: line.customerReference, uetr: narrative.uetr,
            counterparty: counterparty, remittanceInformation: narrative.remittance,
            transactionCode: BankTransactionCode(proprietary: code),
            additionalInformation: entry.narrative?.joined(separator: "\n"), supplementaryDetails: entry.supplementary,
            source: SourcePosition(line: entry.line, path: "message \(open.messageNumber) :61: #\(sequence)"))
        open.tally.add(transaction)
        try visitor.transaction(transaction)
    }

    /// Closes the open statement: its end waits in ``ended`` for the next statement or the file's end.
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
        if let totals = open.totals {
            for mismatch in open.tally.check(totals).mismatches {
                open.warnings.add(.totalsMismatch, mismatch, line: open.totalsLine)
            }
        }
        header.warnings = open.warnings.warnings
        try flushEnded(visitor: &visitor)
        ended = (header, open.tally.summary(for: header, totals: open.totals))
    }

    /// Gives the ended statement to the visitor.
    private mutating func flushEnded(visitor: inout some StatementVisitor) throws {
        guard let (header, summary) = ended.take() else { return }
        try visitor.endStatement(header, summary: summary)
    }
}
