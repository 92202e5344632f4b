import BankGateCore

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
    }

    /// Open elements, root first.
    private var stack: [Frame] = []
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
        case 1:
            frame.line = reader.currentLine
            let text = reader.text(of: name)
            guard let message, text == message.rootElement else {
                throw StatementError(.unsupportedFormat,
                                     "<\(text)> is not the message element of \(message?.version ?? "camt") "
                                         + "(expected <\(message?.rootElement ?? "")>)",
                                     line: frame.line, location: "Document/\(text)")
            }
            frame.node = CamtPathTree.message
        default:
            frame.node = tree.child(stack[stack.count - 1].node, name)
            if let role = tree.role(frame.node) {
                try start(role, frame: &frame, reader: reader, visitor: &visitor)
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
        let built = try header.build(message: message, messageId: messageId, groupCreatedAt: groupCreatedAt)
        emitted = built
        try visitor.beginStatement(built)
    }

    private mutating func endStatement(line: Int, visitor: inout some StatementVisitor) throws {
        if emitted == nil { try emitHeader(visitor: &visitor) }
        guard let emitted else { return }
        try visitor.endStatement(emitted, summary: tally.summary(for: emitted))
    }

    // MARK: - Leaves

    private mutating func leaf(_ value: String, frame: Frame) throws(StatementError) {
        guard case .field(let field)? = tree.role(frame.node) else { return }
        do throws(StatementError) {
            switch field {
            case .groupMessageId: groupMessageId = value
            case .groupCreatedAt: groupCreatedAt = value
            case .header(let field): try header.set(field, value)
            case .balance(let field): try balance.set(field, value, currency: amountCurrency)
            case .entry(let field): try entry.set(field, value, currency: amountCurrency)
            case .detail(let field):
                guard transactionDetails == 1 else { return }
                try entry.set(field, value, maxRemittance: maxRemittanceBytes)
            }
        } catch {
            throw located(error, line: frame.line, tree.locations[Int(frame.node)])
        }
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
