import BankGateCore

/// The camt reader's position in the document and the one statement header and entry it holds.
struct CamtReadState {
    /// Open elements, root first, with the line each started on.
    private(set) var stack: [String] = []
    private var lines: [Int] = []
    /// Text of the innermost open element.
    var text = ""
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
    private var transactionDetails = 0
    private var tally = StatementTally()
    /// The `Ccy` attribute of the last `Amt` started.
    private var amountCurrency: String?

    init(maxRemittanceBytes: Int) {
        self.maxRemittanceBytes = maxRemittanceBytes
    }

    private var statementElement: String { message?.statementElement ?? "Stmt" }

    private var inStatement: Bool { stack.count >= 3 && stack[2] == statementElement }

    private var inEntry: Bool { inStatement && stack.count >= 4 && stack[3] == "Ntry" }

    // MARK: - Events

    mutating func start(_ name: String, line: Int, reader: XMLPullReader,
                        visitor: inout some StatementVisitor) throws {
        text = ""
        switch stack.count {
        case 0:
            guard name == "Document" else {
                throw StatementError(.unsupportedFormat, "the root element is <\(name)>, not a camt <Document>",
                                     line: line, location: name)
            }
            message = try CamtMessage.detect(namespace: reader.namespaceURI, line: line)
            sawRoot = true
        case 1:
            guard let message, name == message.rootElement else {
                throw StatementError(.unsupportedFormat,
                                     "<\(name)> is not the message element of \(message?.version ?? "camt") "
                                         + "(expected <\(message?.rootElement ?? "")>)",
                                     line: line, location: "Document/\(name)")
            }
        case 2 where name == statementElement:
            statementCount += 1
            header = CamtHeaderFields()
            header.line = line
            emitted = nil
            entryCount = 0
            tally = StatementTally()
        case 3 where inStatement && name == "Ntry":
            if emitted == nil { try emitHeader(visitor: &visitor) }
            entryCount += 1
            entry = CamtEntryFields()
            entry.line = line
            transactionDetails = 0
        case 3 where inStatement && name == "Bal":
            balance = CamtBalanceFields()
            balance.line = line
        case 5 where inEntry && name == "TxDtls" && stack[4] == "NtryDtls":
            transactionDetails += 1
        default:
            break
        }
        if name == "Amt" { amountCurrency = reader.attribute("Ccy") }
        stack.append(name)
        lines.append(line)
    }

    mutating func end(visitor: inout some StatementVisitor) throws {
        guard let name = stack.last, let line = lines.last else { return }
        let value = Self.trimmed(text)
        text = ""
        if !value.isEmpty { try leaf(value, line: line) }
        stack.removeLast()
        lines.removeLast()
        switch stack.count {
        case 2 where name == statementElement:
            try endStatement(line: line, visitor: &visitor)
        case 3 where inStatement && name == "Ntry":
            let transaction = try entry.build(header: emitted!, sequence: entryCount, path: entryPath)
            tally.add(transaction)
            try visitor.transaction(transaction)
        case 3 where inStatement && name == "Bal":
            header.balances.append(try balance.build(location: "\(statementElement)/Bal"))
        default:
            break
        }
    }

    // MARK: - Statements

    private var entryPath: String {
        "Document/\(message?.rootElement ?? "")/\(statementElement)[\(statementCount)]/Ntry[\(entryCount)]"
    }

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

    private mutating func leaf(_ value: String, line: Int) throws(StatementError) {
        if stack.count >= 4, stack[2] == "GrpHdr" {
            switch stack[3] {
            case "MsgId": groupMessageId = value
            case "CreDtTm": groupCreatedAt = value
            default: break
            }
            return
        }
        guard inStatement, stack.count >= 4 else { return }
        if stack[3] == "Ntry" {
            guard stack.count >= 5 else { return }
            if stack.count >= 7, stack[4] == "NtryDtls", stack[5] == "TxDtls" {
                guard transactionDetails == 1 else { return }
                let path = stack[6...].joined(separator: "/")
                do {
                    try entry.setTransactionDetail(path, value, currency: amountCurrency,
                                                   maxRemittance: maxRemittanceBytes)
                } catch {
                    throw located(error, line: line, "Ntry/NtryDtls/TxDtls/\(path)")
                }
            } else {
                let path = stack[4...].joined(separator: "/")
                do {
                    try entry.setEntryField(path, value, currency: amountCurrency)
                } catch {
                    throw located(error, line: line, "Ntry/\(path)")
                }
            }
        } else if stack[3] == "Bal" {
            let path = stack[4...].joined(separator: "/")
            do {
                try balance.set(path, value, currency: amountCurrency)
            } catch {
                throw located(error, line: line, "\(statementElement)/Bal/\(path)")
            }
        } else {
            let path = stack[3...].joined(separator: "/")
            do {
                try header.set(path, value)
            } catch {
                throw located(error, line: line, "\(statementElement)/\(path)")
            }
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
        let utf8 = text.utf8
        let isSpace: (UInt8) -> Bool = { $0 == 0x20 || $0 == 0x0A || $0 == 0x09 || $0 == 0x0D }
        guard let first = utf8.firstIndex(where: { !isSpace($0) }) else { return "" }
        let last = utf8.lastIndex(where: { !isSpace($0) })!
        if first == utf8.startIndex && utf8.index(after: last) == utf8.endIndex { return text }
        return String(text[first...last])
    }
}
