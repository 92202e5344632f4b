import BankGateCore
import BankGateXML

/// Reads ISO 20022 camt.052 (account report), camt.053 (statement) and camt.054 (debit/credit
/// notification), versions .001.02 to .001.08, as a stream.
///
/// The version is recognised by the root `Document` element's namespace
/// (`urn:iso:std:iso:20022:tech:xsd:camt.05x.001.NN`), and the message element under it must match
/// (`BkToCstmrAcctRpt`, `BkToCstmrStmt`, `BkToCstmrDbtCdtNtfctn`). Element names that changed between
/// versions are read in both spellings: `Sts` as a plain code (.02) or `Sts/Cd`|`Sts/Prtry` (.08),
/// `Dbtr/Nm` (.02) or `Dbtr/Pty/Nm` (.08), `BIC` (.02) or `BICFI` (.04 on).
///
/// Memory holds one statement header and one entry: the visitor gets the header at the first
/// `Ntry` (every balance precedes the entries in all versions), each entry at its `</Ntry>`, and the
/// end with the integrity check at the statement's end tag.
///
/// **Batch entries.** An `Ntry` may carry several `NtryDtls/TxDtls` (a batch booked as one sum).
/// The entry stays one ``StatementTransaction`` with the entry's amount; references, parties,
/// remittance information and additional transaction information come from the *first* `TxDtls` only,
/// the others are skipped without being held in memory.
///
/// **XML.** The document is read by BankGateXML's `XMLPullReader`, under the hardening every
/// libxml2 parse in bankgate shares (no DTD, no entities, no network; see `XMLHardening`); its
/// `XMLError`s become ``StatementError``s with the same message and line.
public struct CamtReader: Sendable {
    /// Caps on untrusted input.
    public struct Limits: Sendable {
        /// Element nesting depth.
        public var maxDepth: Int
        /// Bytes of text in one element.
        public var maxTextBytes: Int
        /// Bytes of joined remittance lines in one entry.
        public var maxRemittanceBytes: Int

        public init(maxDepth: Int = 64, maxTextBytes: Int = 64 << 10, maxRemittanceBytes: Int = 64 << 10) {
            self.maxDepth = maxDepth
            self.maxTextBytes = maxTextBytes
            self.maxRemittanceBytes = maxRemittanceBytes
        }
    }

    public var limits: Limits

    public init(limits: Limits = Limits()) {
        self.limits = limits
    }

    /// Reads the camt document at `path`, calling `visitor` per statement and entry.
    /// - Throws: ``StatementError`` for the file, or whatever the visitor throws.
    public func read(file path: String, visitor: inout some StatementVisitor) throws {
        let feed: XMLInputFeed
        do {
            feed = try XMLInputFeed(path: path, encodingRequirement: Self.encodingRequirement)
        } catch {
            throw StatementError(error)
        }
        try read(feed: feed, visitor: &visitor)
    }

    /// Reads a camt document held in memory.
    public func read(bytes: [UInt8], visitor: inout some StatementVisitor) throws {
        try read(feed: XMLInputFeed(bytes: bytes, encodingRequirement: Self.encodingRequirement), visitor: &visitor)
    }

    /// What a refused encoding's message says instead.
    private static let encodingRequirement = "camt files are UTF-8"

    /// Reads the document through BankGateXML's pull reader, whose ``XMLError``s become
    /// ``StatementError``s with the same message and line.
    private func read(feed: XMLInputFeed, visitor: inout some StatementVisitor) throws {
        let reader: XMLPullReader
        do {
            reader = try XMLPullReader(feed: feed, limits: XMLPullReader.Limits(maxDepth: limits.maxDepth,
                                                                                maxTextBytes: limits.maxTextBytes),
                                       knownNames: CamtPathTree.names)
        } catch {
            throw StatementError(error)
        }
        var state = CamtReadState(maxRemittanceBytes: limits.maxRemittanceBytes)
        while let event = try Self.next(reader) {
            switch event {
            case .start(let name):
                try state.start(name, reader: reader, visitor: &visitor)
            case .text(let bytes):
                state.append(bytes)
            case .end:
                try state.end(visitor: &visitor)
            }
        }
        guard state.sawRoot else {
            throw StatementError(.unsupportedFormat, "the document has no root element")
        }
        if let open = state.openElement {
            throw StatementError(.truncated, "the document ends inside <\(reader.text(of: open))>",
                                 line: reader.parserLine)
        }
        guard state.statementCount > 0 else {
            throw StatementError(.missingField, "the document has no \(state.message?.statementElement ?? "statement")",
                                 line: reader.parserLine)
        }
    }

    /// The reader's next event, its failure as a ``StatementError``.
    @inline(__always)
    private static func next(_ reader: XMLPullReader) throws(StatementError) -> XMLPullReader.Event? {
        do {
            return try reader.next()
        } catch {
            throw StatementError(error)
        }
    }
}

/// The message a camt namespace and root announce.
struct CamtMessage {
    var format: StatementFormat
    /// `camt.053.001.08`.
    var version: String
    /// `BkToCstmrStmt`.
    var rootElement: String
    /// `Stmt`, `Rpt` or `Ntfctn`.
    var statementElement: String

    private static let prefix = "urn:iso:std:iso:20022:tech:xsd:"

    /// The message for a namespace, or an error naming what was found instead.
    static func detect(namespace: String?, line: Int) throws(StatementError) -> CamtMessage {
        guard let namespace, namespace.hasPrefix(prefix) else {
            let found = namespace.map { "\"\($0)\"" } ?? "none"
            throw StatementError(.unsupportedFormat,
                                 "the root element has namespace \(found), not a camt.052/053/054 namespace",
                                 line: line, location: "Document")
        }
        let name = String(namespace.dropFirst(prefix.count))
        let parts = name.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0] == "camt", parts[2] == "001", let variant = Int(parts[3]), parts[3].count == 2,
              (2...8).contains(variant) else {
            throw StatementError(.unsupportedFormat,
                                 "\"\(name)\" is not supported: bankgate reads camt.052, camt.053 and camt.054 "
                                     + "versions .001.02 to .001.08", line: line, location: "Document")
        }
        switch parts[1] {
        case "052":
            return CamtMessage(format: .camt052, version: name, rootElement: "BkToCstmrAcctRpt", statementElement: "Rpt")
        case "053":
            return CamtMessage(format: .camt053, version: name, rootElement: "BkToCstmrStmt", statementElement: "Stmt")
        case "054":
            return CamtMessage(format: .camt054, version: name, rootElement: "BkToCstmrDbtCdtNtfctn",
                               statementElement: "Ntfctn")
        default:
            throw StatementError(.unsupportedFormat, "\"\(name)\" is not a camt.052, camt.053 or camt.054 document",
                                 line: line, location: "Document")
        }
    }
}
