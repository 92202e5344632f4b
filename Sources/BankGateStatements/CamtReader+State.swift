import BankGateCore
import BankGateXML

/// The camt reader's position in the document and the one statement header and entry it holds.
///
/// Each open element keeps its node in the message's ``CamtPathTree``, so a start tag finds its role
/// with one lookup, and only the text of fields the reader keeps is ever copied.
struct CamtReadState {
    /// An open element.
    private struct Frame {
        var name: XMLName
        /// Its node in ``CamtPathTree``, or ``CamtPathTree/outside``.
        var node: CamtPathTree.Node
        /// It is a field: its text is collected.
        var isField: Bool
        /// The line it started on, for the elements the reader acts on (0 for the others).
        var line: Int
        /// It is in a namespace other than the document's: ignored with all it holds.
        var isForeign = false
        /// It is `SplmtryData` or inside it, where other namespaces are expected: ignored.
        var isSupplementary = false
    }

    /// Open elements, root first.
    private var stack: [Frame] = []

    /// The XML Signature namespace: an enveloped `<ds:Signature>` may follow the message element.
    static let xmlSignatureNamespace = "http://www.w3.org/2000/09/xmldsig#"
    /// Text of the innermost open element, when it is a field.
    private var text = ""
    private var tree = CamtPathTree.statement
    private(set) var message: CamtMessage?
    private(set) var sawRoot = false
    private(set) var statementCount = 0
    private let maxRemittanceBytes: Int

    private var groupMessageId: String?
    private var groupCreatedAt: String?
    private var header = CamtHeaderFields()
    private var emitted: StatementHeader?
    private var balance = CamtBalanceFields()
    private var entry = CamtEntryFields()
    private var entryCount = 0
    /// `Document/BkToCstmrStmt/Stmt[n]/Ntry[`, the start of the current statement's entry paths.
    private var entryPathPrefix = ""
    private var transactionDetails = 0
    private var tally = StatementTally()
    /// The `Ccy` attribute of the last `Amt` started.
    private var amountCurrency: String?
    /// Deviations met outside any statement (the prolog, the group header): every statement gets them.
    private var documentWarnings = StatementWarningList()
    /// Deviations met in the current statement.
    private var statementWarnings = StatementWarningList()
    private var inStatement = false

    init(maxRemittanceBytes: Int) {
        self.maxRemittanceBytes = maxRemittanceBytes
    }

    /// The innermost open element, if any.
    var openElement: XMLName? { stack.last?.name }

    private var statementElement: String { message?.statementElement ?? "Stmt" }

    // MARK: - Events

    mutating func start(_ name: XMLName, reader: XMLPullReader, visitor: inout some StatementVisitor) throws {
        if !text.isEmpty { text = "" }
        var frame = Frame(name: name, node: CamtPathTree.outside, isField: false, line: 0)
        switch stack.count {
        case 0:
            frame.line = reader.currentLine
            try startDocument(reader.text(of: name), line: frame.line, reader: reader)
            for note in reader.prologNotes { documentWarnings.add(StatementWarning(note)) }
        case 1:
            frame.line = reader.currentLine
            let text = reader.text(of: name)
            if let namespace = reader.currentForeignNamespace {
                // The bank's enveloped XML signature beside the message (checked, where configured, by
                // the adapter that pulled the file) is skipped; anything else foreign is refused.
                guard namespace == Self.xmlSignatureNamespace, text == "Signature" else {
                    throw StatementError(.unsupportedFormat,
                                         "<\(text)> is in namespace \"\(namespace)\", not the document's camt namespace",
                                         line: frame.line, location: "Document/\(text)")
                }
                frame.isForeign = true
            } else {
                guard let message, text == message.rootElement else {
                    throw StatementError(.unsupportedFormat,
                                         "<\(text)> is not the message element of \(message?.version ?? "camt") "
                                             + "(expected <\(message?.rootElement ?? "")>)",
                                         line: frame.line, location: "Document/\(text)")
                }
                frame.node = CamtPathTree.message
            }
        default:
            let parent = stack[stack.count - 1]
            frame.isSupplementary = parent.isSupplementary || name == CamtPathTree.supplementaryData
            if let namespace = reader.currentForeignNamespace {
                // A bank's own elements are never read, even when their names are camt names.
                frame.isForeign = true
                if !parent.isForeign && !parent.isSupplementary {
                    let shown = namespace.isEmpty ? "no namespace" : "namespace \"\(namespace)\""
                    warn(.foreignElement, "elements in \(shown) are ignored, never read", line: reader.currentLine)
                }
            } else {
                frame.node = tree.child(parent.node, name)
                if let role = tree.role(frame.node) {
                    try start(role, frame: &frame, reader: reader, visitor: &visitor)
                } else if name == CamtPathTree.supplementaryData && !parent.isSupplementary {
                    warn(.supplementaryData, "SplmtryData (supplementary data) is ignored, never read",
                         line: reader.currentLine)
                }
            }
        }
        if name == CamtPathTree.amount { amountCurrency = reader.attribute("Ccy") }
        stack.append(frame)
    }

    /// Checks the root element and reads the message version from its namespace.
    private mutating func startDocument(_ name: String, line: Int, reader: XMLPullReader) throws(StatementError) {
        guard name == "Document" else {
            throw StatementError(.unsupportedFormat, "the root element is <\(name)>, not a camt <Document>",
                                 line: line, location: name)
        }
        let detected = try CamtMessage.detect(namespace: reader.namespaceURI, line: line)
        message = detected
        tree = CamtPathTree.tree(for: detected)
        sawRoot = true
    }

    /// An element on a known path starts.
    private mutating func start(_ role: CamtRole, frame: inout Frame, reader: XMLPullReader,
                                visitor: inout some StatementVisitor) throws {
        switch role {
        case .inner:
            return
        case .statement:
            frame.line = reader.currentLine
            statementCount += 1
            header = CamtHeaderFields()
            header.line = frame.line
            emitted = nil
            statementWarnings = StatementWarningList()
            inStatement = true
            entryCount = 0
            entryPathPrefix = "Document/\(message?.rootElement ?? "")/\(statementElement)[\(statementCount)]/Ntry["
            tally = StatementTally()
        case .entry:
            frame.line = reader.currentLine
            if emitted == nil { try emitHeader(visitor: &visitor) }
            entryCount += 1
            entry = CamtEntryFields()
            entry.line = frame.line
            transactionDetails = 0
        case .balance:
            frame.line = reader.currentLine
            balance = CamtBalanceFields()
            balance.line = frame.line
        case .transactionDetails:
            transactionDetails += 1
        case .field:
            frame.line = reader.currentLine
            frame.isField = true
        }
    }

    /// Character data of the innermost element.
    mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let top = stack.last, top.isField else { return }
        if text.isEmpty {
            text = String(decoding: bytes, as: UTF8.self)
        } else {
            text += String(decoding: bytes, as: UTF8.self)
        }
    }

    mutating func end(visitor: inout some StatementVisitor) throws {
        guard let frame = stack.popLast() else { return }
        if frame.isField {
            let value = Self.trimmed(text)
            text = ""
            if !value.isEmpty { try leaf(value, frame: frame) }
        }
        switch tree.role(frame.node) {
        case .statement?:
            try endStatement(line: frame.line, visitor: &visitor)
        case .entry?:
            let transaction = try entry.build(header: emitted!, sequence: entryCount,
                                              path: entryPathPrefix + String(entryCount) + "]")
            tally.add(transaction)
            try visitor.transaction(transaction)
        case .balance?:
            header.balances.append(try balance.build(location: "\(statementElement)/Bal"))
        default:
            break
        }
    }

    // MARK: - Statements

    private mutating func emitHeader(visitor: inout some StatementVisitor) throws {
        guard let message else { return }
        guard let messageId = groupMessageId else {
            throw StatementError(.missingField, "the group header has no message id", line: header.line,
                                 location: "GrpHdr/MsgId")
        }
        var built = try header.build(message: message, messageId: messageId, groupCreatedAt: groupCreatedAt)
        built.warnings = warnings
        emitted = built
        try visitor.beginStatement(built)
    }

    private mutating func endStatement(line: Int, visitor: inout some StatementVisitor) throws {
        if emitted == nil { try emitHeader(visitor: &visitor) }
        inStatement = false
        guard var emitted else { return }
        emitted.warnings = warnings
        try visitor.endStatement(emitted, summary: tally.summary(for: emitted))
    }

    /// The document's and the current statement's warnings.
    private var warnings: [StatementWarning] {
        var all = documentWarnings
        all.add(contentsOf: statementWarnings)
        return all.warnings
    }

    /// Notes a deviation on the current statement, or on every statement when outside one.
    private mutating func warn(_ code: StatementWarning.Code, _ message: String, line: Int) {
        if inStatement {
            statementWarnings.add(code, message, line: line)
        } else {
            documentWarnings.add(code, message, line: line)
        }
    }

    // MARK: - Leaves

    private mutating func leaf(_ value: String, frame: Frame) throws(StatementError) {
        guard case .field(let field)? = tree.role(frame.node) else { return }
        do throws(StatementError) {
            switch field {
            case .groupMessageId: groupMessageId = value
            case .groupCreatedAt: groupCreatedAt = value
            case .header(let field): try header.set(field, value)
            case .balance(let field):
                try balance.set(field, value, currency: amountCurrency)
                if field == .amount { noteExcessZeros(value, line: frame.line) }
            case .entry(let field):
                try entry.set(field, value, currency: amountCurrency)
                if case .amount = field { noteExcessZeros(value, line: frame.line) }
            case .detail(let field):
                guard transactionDetails == 1 else { return }
                try entry.set(field, value, maxRemittance: maxRemittanceBytes)
            }
        } catch {
            throw located(error, line: frame.line, tree.locations[Int(frame.node)])
        }
    }

    /// An amount that was accepted with more decimals than its currency has (they were zeros).
    private mutating func noteExcessZeros(_ value: String, line: Int) {
        guard let point = value.utf8.firstIndex(of: UInt8(ascii: ".")),
              let currency = amountCurrency.flatMap(Currency.init(code:)),
              value.utf8.distance(from: point, to: value.utf8.endIndex) - 1 > currency.exponent else { return }
        warn(.excessZeroDecimals, "\(currency.code) amounts with zero decimals beyond the currency's "
                 + "\(currency.exponent) are read at \(currency.exponent) decimals", line: line)
    }

    private func located(_ error: StatementError, line: Int, _ location: String) -> StatementError {
        var error = error
        if error.line == nil { error.line = line }
        if error.location == nil { error.location = location }
        return error
    }

    /// `text` without leading and trailing XML whitespace.
    static func trimmed(_ text: String) -> String {
        var text = text
        return text.withUTF8 { bytes in
            let isSpace: (UInt8) -> Bool = { $0 == 0x20 || $0 == 0x0A || $0 == 0x09 || $0 == 0x0D }
            var start = 0
            var end = bytes.count
            while start < end, isSpace(bytes[start]) { start += 1 }
            while end > start, isSpace(bytes[end - 1]) { end -= 1 }
            if start == 0 && end == bytes.count { return nil }
            return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
        } ?? text
    }
}
