internal import CLibXML2

/// The events libxml2's SAX callbacks report for one chunk of a document, kept until
/// ``XMLPullReader`` hands them out.
///
/// Element names are interned (``XMLNameTable``), character data is copied into one buffer per chunk,
/// and the start line and unprefixed attributes of each element are kept with it. The depth and
/// text limits are checked here, as the events arrive: a breach becomes a failure event in its place,
/// after which the rest of the document is ignored. libxml2's first error is kept too, and also ends
/// the events.
///
/// Text runs (character data between two tags, comments or processing instructions) are reported
/// as they come, possibly in several pieces. A run over ``XMLPullReader/Limits/maxTextBytes`` stops
/// being copied and is refused when it ends, unless it was whitespace only (which the pull reader
/// never cared about).
///
/// The queue is touched only by its reader and the parser that reader drives, one call at a time, so
/// its hot properties go without the runtime's exclusivity checks.
@usableFromInline
final class XMLEventQueue: XMLParseState {
    /// One buffered event.
    @usableFromInline
    struct Entry {
        @usableFromInline
        enum Kind: UInt8 { case start, text, end, failure }

        @usableFromInline var kind: Kind
        @usableFromInline var name = XMLName(rawValue: -1)
        @usableFromInline var line = 0
        /// Text: the range in the text buffer. Start: the range in ``attributes``. Failure: the
        /// index in ``failures``.
        @usableFromInline var start = 0
        @usableFromInline var count = 0
        /// Start: the index in ``foreignNamespaces`` when the element's namespace is not the root's.
        @usableFromInline var foreign: Int16 = -1
    }

    private let limits: XMLPullReader.Limits
    private let names: XMLNameTable
    /// The parser, for its line number and name dictionary.
    var context: xmlParserCtxtPtr?

    @usableFromInline @exclusivity(unchecked) var entries: [Entry] = []
    @usableFromInline @exclusivity(unchecked) var head = 0
    @exclusivity(unchecked) private var attributes: [(name: String, value: String)] = []
    @usableFromInline var failures: [XMLError] = []
    /// The character data of the buffered text events, in memory of its own so that pointers into it
    /// stay valid until the next chunk.
    @usableFromInline @exclusivity(unchecked) var text: UnsafeMutablePointer<UInt8>
    @exclusivity(unchecked) private var textCapacity = 16 << 10
    @exclusivity(unchecked) private var textCount = 0

    @exclusivity(unchecked) private var depth = 0
    /// A failure was queued or libxml2 reported an error: later callbacks are ignored.
    @exclusivity(unchecked) private var stopped = false
    /// The current text run: its length so far, whether it has a non-blank byte, and the index of its
    /// text event in ``entries`` while the run is still in this chunk.
    @exclusivity(unchecked) private var runLength = 0
    @exclusivity(unchecked) private var runHasContent = false
    @exclusivity(unchecked) private var runEntry: Int?

    /// libxml2's first error.
    private(set) var firstError: (message: String, line: Int, code: Int)?
    /// The namespace URI of the root element.
    private(set) var rootNamespaceURI: String?
    /// The local name of the root element, once it has started.
    private(set) var rootName: String?
    /// libxml2's pointer to it (interned in the parser's dictionary, so usually the same pointer).
    @exclusivity(unchecked) private var rootNamespace: UnsafePointer<xmlChar>?
    /// Namespaces other than the root's met so far (`""` for none).
    @usableFromInline var foreignNamespaces: [String] = []
    /// Line breaks the feed dropped before the document: added to every line reported.
    var lineOffset = 0
    /// The start event handed out last.
    @usableFromInline @exclusivity(unchecked) var lastStart = Entry(kind: .start)

    init(limits: XMLPullReader.Limits, names: XMLNameTable) {
        self.limits = limits
        self.names = names
        text = .allocate(capacity: textCapacity)
        super.init()
    }

    deinit {
        text.deallocate()
    }

    /// The parser's current line.
    var parserLine: Int {
        guard let input = context?.pointee.input else { return 0 }
        return Int(input.pointee.line) + lineOffset
    }

    // MARK: - Handing out

    /// The next buffered event; nil when the chunk is used up. Throws a queued limit failure.
    /// Inlinable, with what it reads, so that the statement reader's loop takes events without a call.
    @inlinable
    func next() throws(XMLError) -> XMLPullReader.Event? {
        guard head < entries.count else { return nil }
        let entry = entries[head]
        head += 1
        switch entry.kind {
        case .start:
            lastStart = entry
            return .start(entry.name)
        case .text:
            return .text(UnsafeBufferPointer(start: text + entry.start, count: entry.count))
        case .end:
            return .end
        case .failure:
            throw failures[entry.start]
        }
    }

    /// Empties the queue for the next chunk (the text run goes on, in a new text event).
    func clear() {
        entries.removeAll(keepingCapacity: true)
        attributes.removeAll(keepingCapacity: true)
        head = 0
        textCount = 0
        runEntry = nil
    }

    /// The value of an unprefixed attribute of the last start event handed out.
    func attribute(_ name: String) -> String? {
        attributes[lastStart.start..<(lastStart.start + lastStart.count)].first { $0.name == name }?.value
    }

    // MARK: - SAX events

    func startElement(_ localName: UnsafePointer<xmlChar>, namespaceURI: UnsafePointer<xmlChar>?,
                      attributeCount: Int, attributes values: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?) {
        guard !stopped else { return }
        endTextRun()
        depth += 1
        let line = parserLine
        guard depth <= limits.maxDepth else {
            fail(XMLError("elements are nested deeper than \(limits.maxDepth)", line: line, code: .limitExceeded))
            return
        }
        let name: XMLName
        do {
            name = try names.name(at: localName, dictionary: context?.pointee.dict)
        } catch {
            fail(error)
            return
        }
        var foreign: Int16 = -1
        if depth == 1 {
            rootName = names.text(name)
            rootNamespaceURI = namespaceURI.map { String(cString: $0) }
            rootNamespace = namespaceURI
        } else if namespaceURI != rootNamespace {
            foreign = foreignIndex(namespaceURI)
        }
        let first = attributes.count
        if let values {
            for index in 0..<attributeCount {
                // Five pointers per attribute: local name, prefix, URI, value start, value end.
                let attribute = values + 5 * index
                guard attribute[1] == nil, let local = attribute[0], let start = attribute[3],
                      let end = attribute[4] else { continue }
                attributes.append((String(cString: local), Self.attributeValue(start, end)))
            }
        }
        entries.append(Entry(kind: .start, name: name, line: line, start: first, count: attributes.count - first,
                             foreign: foreign))
    }

    func endElement() {
        guard !stopped else { return }
        endTextRun()
        depth -= 1
        entries.append(Entry(kind: .end))
    }

    func characters(_ bytes: UnsafePointer<xmlChar>, count: Int) {
        guard !stopped, count > 0 else { return }
        runLength += count
        if !runHasContent {
            runHasContent = UnsafeBufferPointer(start: bytes, count: count).contains {
                $0 != 0x20 && $0 != 0x0A && $0 != 0x09 && $0 != 0x0D
            }
        }
        guard runLength <= limits.maxTextBytes else { return } // counted, no longer copied
        reserveText(count)
        (text + textCount).update(from: bytes, count: count)
        if let runEntry {
            entries[runEntry].count += count
        } else {
            runEntry = entries.count
            entries.append(Entry(kind: .text, start: textCount, count: count))
        }
        textCount += count
    }

    /// A comment or processing instruction: it ends the text run.
    func separator() {
        guard !stopped else { return }
        endTextRun()
    }

    /// A document type declaration or entity reference that got past the feed (through
    /// ``XMLHardening``'s callbacks): queued as a failure in place of the next event. The parser runs
    /// on, its further events ignored, so that the events before it are still handed out.
    override func refuseDeclaration(_ parser: xmlParserCtxtPtr) -> Bool {
        guard !stopped else { return false }
        fail(XMLError("document type declarations (DTD) and entities are refused", line: parserLine,
                      code: .dtdRefused))
        return false
    }

    /// libxml2 reports an error (`line` and `code` are libxml2's): the first one is kept, and no
    /// further events are taken.
    func parseError(message: String, line: Int, code: Int) {
        guard firstError == nil else { return }
        firstError = (message, line > 0 ? line + lineOffset : line, code)
        stopped = true
    }

    /// The end of the input: a text run still open ends here.
    func finish() {
        guard !stopped else { return }
        endTextRun()
    }

    // MARK: - Helpers

    /// -1 when `uri` is the root's namespace after all (another pointer to the same text), otherwise
    /// its index in ``foreignNamespaces``.
    private func foreignIndex(_ uri: UnsafePointer<xmlChar>?) -> Int16 {
        if let uri, let root = rootNamespace, xmlStrEqual(uri, root) != 0 { return -1 }
        let text = uri.map { String(cString: $0) } ?? ""
        if let index = foreignNamespaces.firstIndex(of: text) { return Int16(index) }
        guard foreignNamespaces.count < Int(Int16.max) else { return Int16(foreignNamespaces.count - 1) }
        foreignNamespaces.append(text)
        return Int16(foreignNamespaces.count - 1)
    }

    private func endTextRun() {
        defer {
            runLength = 0
            runHasContent = false
            runEntry = nil
        }
        if runLength > limits.maxTextBytes && runHasContent {
            fail(XMLError("a text of \(runLength) bytes is over the limit of \(limits.maxTextBytes) bytes",
                          line: parserLine, code: .limitExceeded))
        }
    }

    private func fail(_ error: XMLError) {
        failures.append(error)
        entries.append(Entry(kind: .failure, start: failures.count - 1))
        stopped = true
    }

    private func reserveText(_ count: Int) {
        guard textCount + count > textCapacity else { return }
        var capacity = textCapacity * 2
        while capacity < textCount + count { capacity *= 2 }
        let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
        grown.update(from: text, count: textCount)
        text.deallocate()
        text = grown
        textCapacity = capacity
    }

    /// An attribute value as SAX2 hands it over: libxml2 leaves an `&` from `&amp;` as `&#38;`.
    private static func attributeValue(_ start: UnsafePointer<xmlChar>, _ end: UnsafePointer<xmlChar>) -> String {
        let value = String(decoding: UnsafeBufferPointer(start: start, count: end - start), as: UTF8.self)
        guard value.utf8.contains(UInt8(ascii: "&")) else { return value }
        var decoded = ""
        var rest = Substring(value)
        while let range = rest.firstRange(of: "&#38;") {
            decoded += rest[..<range.lowerBound] + "&"
            rest = rest[range.upperBound...]
        }
        return decoded + rest
    }
}
