internal import CLibXML2
#if canImport(Glibc)
internal import Glibc
#elseif canImport(Darwin)
internal import Darwin
#endif

/// A hardened, streaming pull reader over libxml2's `xmlTextReader`, fed by our own I/O callback.
///
/// Hardening, in the order it acts:
/// - The bytes go through ``XMLInputFeed``, which watches the prolog and stops the input at
///   `<!DOCTYPE` (or any other `<!` declaration) before libxml2 has seen it, so no DTD, entity
///   declaration or external subset is ever parsed. A DOCTYPE or entity-reference node that would
///   still reach the reader is refused as well.
/// - Options: `XML_PARSE_NONET` only with `XML_PARSE_NOCDATA` and `XML_PARSE_BIG_LINES`; never
///   `NOENT`, `DTDLOAD`, `DTDATTR` or `HUGE` (libxml2's own size limits stay on).
/// - Element depth and the length of one element's text are capped (``Limits``).
/// - libxml2's errors are collected, never printed.
///
/// Memory stays flat: the reader frees each subtree once passed, and the feed reads 64 KiB at a time.
final class XMLPullReader {
    /// Caps that bound the work and memory spent on one document.
    struct Limits {
        /// Element nesting depth (camt needs about 12).
        var maxDepth = 64
        /// Bytes of text in one element.
        var maxTextBytes = 64 << 10
    }

    /// One step through the document.
    enum Event {
        /// An element starts (for `<a/>` an ``end`` follows at once).
        case start(name: String, line: Int)
        /// Character data inside the current element (may come in several pieces).
        case text(String)
        /// The current element ends.
        case end
    }

    private let reader: OpaquePointer
    private let feed: XMLInputFeed
    private let errors: XMLReaderErrors
    private let limits: Limits
    /// An empty element's start was returned; its end is due next.
    private var pendingEnd = false
    private var depth = 0

    private static let options = Int32(XML_PARSE_NONET.rawValue | XML_PARSE_NOCDATA.rawValue
                                       | XML_PARSE_BIG_LINES.rawValue)

    private static let initialized: Bool = {
        xmlInitParser()
        return true
    }()

    /// Opens a reader over `feed`.
    init(feed: XMLInputFeed, limits: Limits = Limits()) throws(StatementError) {
        _ = Self.initialized
        let errors = XMLReaderErrors()
        let opaque = Unmanaged.passUnretained(feed).toOpaque()
        guard let reader = xmlReaderForIO({ context, buffer, length in
            guard let context, let buffer else { return -1 }
            return Unmanaged<XMLInputFeed>.fromOpaque(context).takeUnretainedValue().read(into: buffer, length)
        }, nil, opaque, nil, nil, Self.options) else {
            throw StatementError(.io, "libxml2 could not create a reader")
        }
        self.reader = reader
        self.feed = feed
        self.errors = errors
        self.limits = limits
        xmlTextReaderSetStructuredErrorHandler(reader, { context, error in
            guard let context, let error else { return }
            let collector = Unmanaged<XMLReaderErrors>.fromOpaque(context).takeUnretainedValue()
            guard collector.first == nil, error.pointee.level.rawValue >= XML_ERR_ERROR.rawValue else { return }
            var message = error.pointee.message.map { String(cString: $0) } ?? "XML error \(error.pointee.code)"
            while message.last == "\n" || message.last == " " { message.removeLast() }
            collector.first = (message, Int(error.pointee.line), Int(error.pointee.code))
        }, Unmanaged.passUnretained(errors).toOpaque())
    }

    deinit {
        xmlFreeTextReader(reader)
    }

    /// The namespace URI of the element just started.
    var namespaceURI: String? {
        xmlTextReaderConstNamespaceUri(reader).map { String(cString: $0) }
    }

    /// An attribute of the element just started.
    func attribute(_ name: String) -> String? {
        guard xmlTextReaderMoveToAttribute(reader, name) == 1 else { return nil }
        defer { _ = xmlTextReaderMoveToElement(reader) }
        return xmlTextReaderConstValue(reader).map { String(cString: $0) }
    }

    /// The line the parser has reached (for errors without a node).
    var parserLine: Int { Int(xmlTextReaderGetParserLineNumber(reader)) }

    /// The next event, or nil at the end of the document.
    func next() throws(StatementError) -> Event? {
        if pendingEnd {
            pendingEnd = false
            depth -= 1
            return .end
        }
        while true {
            let status = xmlTextReaderRead(reader)
            if status == 0 { return nil }
            guard status == 1 else { throw failure() }
            switch xmlTextReaderNodeType(reader) {
            case Int32(XML_READER_TYPE_ELEMENT.rawValue):
                let node = xmlTextReaderCurrentNode(reader)
                let line = node.map { Int(xmlGetLineNo($0)) } ?? parserLine
                depth += 1
                guard depth <= limits.maxDepth else {
                    throw StatementError(.limitExceeded, "elements are nested deeper than \(limits.maxDepth)",
                                         line: line)
                }
                let name = xmlTextReaderConstLocalName(reader).map { String(cString: $0) } ?? ""
                if xmlTextReaderIsEmptyElement(reader) == 1 { pendingEnd = true }
                return .start(name: name, line: line)
            case Int32(XML_READER_TYPE_END_ELEMENT.rawValue):
                depth -= 1
                return .end
            case Int32(XML_READER_TYPE_TEXT.rawValue), Int32(XML_READER_TYPE_CDATA.rawValue):
                guard let value = xmlTextReaderConstValue(reader) else { continue }
                let length = strlen(value)
                guard length <= limits.maxTextBytes else {
                    throw StatementError(.limitExceeded, "a text of \(length) bytes is over the limit of "
                                             + "\(limits.maxTextBytes) bytes", line: parserLine)
                }
                return .text(String(cString: value))
            case Int32(XML_READER_TYPE_DOCUMENT_TYPE.rawValue), Int32(XML_READER_TYPE_ENTITY_REFERENCE.rawValue),
                 Int32(XML_READER_TYPE_ENTITY.rawValue):
                throw StatementError(.dtdRefused, "document type declarations (DTD) and entities are refused",
                                     line: parserLine)
            default:
                continue // comments, processing instructions, whitespace
            }
        }
    }

    static let cutOff = "the document is cut off: "
    static let notWellFormed = "not well-formed XML: "

    /// The error behind a failed read: the feed's own refusal first, then libxml2's first error.
    private func failure() -> StatementError {
        if let refusal = feed.refusal { return refusal }
        if let (message, line, _) = errors.first {
            // An error on the last line of an input read to its end: the document was cut off.
            // A document that still has its root's end tag near the end is complete but malformed.
            let truncated = feed.reachedEnd && line >= feed.lastLine && !feed.tailContains(Array("Document>".utf8))
            return StatementError(truncated ? .truncated : .malformed,
                                  (truncated ? Self.cutOff : Self.notWellFormed) + message, line: line > 0 ? line : nil)
        }
        return StatementError(.malformed, "not well-formed XML", line: parserLine)
    }
}

/// libxml2's first error during one read, reached from the C callback.
private final class XMLReaderErrors {
    var first: (message: String, line: Int, code: Int)?
}

/// The bytes of one XML document, handed to libxml2 in chunks, with the prolog watched for a DTD.
final class XMLInputFeed {
    private enum Source {
        case file(Int32)
        case bytes([UInt8], offset: Int)
    }

    /// Where the prolog scan is; ``done`` once the root element has started.
    private enum Prolog {
        case text, lessThan, bang, bangDash, comment(dashes: Int), instruction(question: Bool), done
    }

    private var source: Source
    private var prolog = Prolog.text
    private var line = 1
    private var seen = 0
    /// Line breaks in all bytes handed over, for telling a cut-off document from a malformed one.
    private var newlines = 0
    /// The source has no more bytes.
    private(set) var reachedEnd = false

    /// The last bytes read.
    private var tail: [UInt8] = []
    private static let tailLength = 256

    /// Whether the last bytes read contain `needle`.
    func tailContains(_ needle: [UInt8]) -> Bool {
        guard tail.count >= needle.count else { return false }
        return (0...(tail.count - needle.count)).contains { tail[$0..<($0 + needle.count)].elementsEqual(needle) }
    }

    /// The number of the last line read so far.
    var lastLine: Int { newlines + 1 }
    /// Why the feed stopped the input (a DTD, an unsupported encoding, a read error).
    private(set) var refusal: StatementError?

    /// Reads the file at `path`.
    init(path: String) throws(StatementError) {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else {
            throw StatementError(.io, "cannot open \(path): \(String(cString: strerror(errno)))")
        }
        source = .file(fd)
    }

    /// Reads `bytes`.
    init(bytes: [UInt8]) {
        source = .bytes(bytes, offset: 0)
    }

    deinit {
        if case .file(let fd) = source { close(fd) }
    }

    /// Fills `buffer` with up to `length` bytes; 0 at the end, -1 to stop the parser.
    fileprivate func read(into buffer: UnsafeMutablePointer<CChar>, _ length: Int32) -> Int32 {
        guard refusal == nil else { return -1 }
        var count: Int
        switch source {
        case .file(let fd):
            repeat { count = systemRead(fd, buffer, Int(length)) } while count < 0 && errno == EINTR
            if count < 0 {
                refusal = StatementError(.io, "read error: \(String(cString: strerror(errno)))")
                return -1
            }
        case .bytes(let bytes, let offset):
            count = min(Int(length), bytes.count - offset)
            bytes.withUnsafeBufferPointer { all in
                UnsafeMutableRawPointer(buffer).copyMemory(from: all.baseAddress! + offset, byteCount: count)
            }
            source = .bytes(bytes, offset: offset + count)
        }
        let raw = UnsafeRawBufferPointer(start: buffer, count: count)
        if case .done = prolog {} else {
            if !scanProlog(raw) { return -1 }
        }
        if count == 0 { reachedEnd = true }
        for byte in raw where byte == 0x0A { newlines += 1 }
        tail.append(contentsOf: raw.suffix(Self.tailLength))
        if tail.count > Self.tailLength { tail.removeFirst(tail.count - Self.tailLength) }
        seen += count
        return Int32(count)
    }

    /// Follows the prolog up to the root element; false (with ``refusal`` set) at a `<!` declaration.
    private func scanProlog(_ chunk: UnsafeRawBufferPointer) -> Bool {
        if seen == 0, chunk.count >= 2,
           (chunk[0] == 0xFE && chunk[1] == 0xFF) || (chunk[0] == 0xFF && chunk[1] == 0xFE) {
            refusal = StatementError(.unsupportedFormat, "UTF-16 documents are not supported: camt files are UTF-8",
                                     line: 1)
            return false
        }
        for byte in chunk {
            if byte == 0x0A { line += 1 }
            switch prolog {
            case .text:
                if byte == UInt8(ascii: "<") { prolog = .lessThan }
            case .lessThan:
                switch byte {
                case UInt8(ascii: "?"): prolog = .instruction(question: false)
                case UInt8(ascii: "!"): prolog = .bang
                default: prolog = .done; return true
                }
            case .bang:
                guard byte == UInt8(ascii: "-") else { return refuseDeclaration() }
                prolog = .bangDash
            case .bangDash:
                guard byte == UInt8(ascii: "-") else { return refuseDeclaration() }
                prolog = .comment(dashes: 0)
            case .comment(let dashes):
                if byte == UInt8(ascii: "-") {
                    prolog = .comment(dashes: dashes + 1)
                } else if byte == UInt8(ascii: ">") && dashes >= 2 {
                    prolog = .text
                } else {
                    prolog = .comment(dashes: 0)
                }
            case .instruction(let question):
                if byte == UInt8(ascii: ">") && question { prolog = .text } else {
                    prolog = .instruction(question: byte == UInt8(ascii: "?"))
                }
            case .done:
                return true
            }
        }
        return true
    }

    private func refuseDeclaration() -> Bool {
        refusal = StatementError(.dtdRefused, "document type declarations (DTD) and entities are refused", line: line)
        return false
    }
}

/// `read(2)`, under a name that does not clash with ``XMLInputFeed``'s own method.
func systemRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int {
    read(fd, buffer, count)
}
