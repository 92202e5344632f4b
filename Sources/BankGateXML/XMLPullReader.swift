internal import CLibXML2
#if canImport(Glibc)
internal import Glibc
#elseif canImport(Darwin)
internal import Darwin
#endif

/// A hardened, streaming pull reader over libxml2's SAX2 push parser, fed by ``XMLInputFeed``: the
/// camt statement reader's way through documents of any size.
///
/// The parser gets the document in chunks of ``chunkSize`` bytes; its callbacks fill an
/// ``XMLEventQueue``, which ``next()`` empties before the next chunk is parsed. No tree is built,
/// which is what makes this about twice as fast as libxml2's `xmlTextReader` on the same input.
///
/// Hardening, in the order it acts:
/// - The bytes go through ``XMLInputFeed``, which watches the prolog and stops the input at
///   `<!DOCTYPE` (or any other `<!` declaration) before libxml2 has seen it, so no DTD, entity
///   declaration or external subset is ever parsed. A DOCTYPE or entity reference that would still
///   reach the parser is refused as well, and entities other than the five predefined ones are
///   never looked up.
/// - Options and the DTD- and entity-refusing callbacks are ``XMLHardening``'s, shared with
///   ``HardenedXML``: ``XMLHardening/pullParserOptions`` (`NONET`, `NOCDATA`, `BIG_LINES`; never
///   `NOENT`, `DTDLOAD`, `DTDATTR` or `HUGE`, so libxml2's own size limits stay on).
/// - Element depth, the length of one text and the number of distinct element names are capped
///   (``Limits``).
/// - libxml2's errors are collected, never printed.
///
/// Every failure is an ``XMLError`` (`dtdRefused`, `limitExceeded`, `notWellFormed`, `truncated`,
/// `unsupportedEncoding`, `io`), with the line when one is known.
///
/// Memory stays flat: one chunk of input and its events are held at a time.
@usableFromInline
package final class XMLPullReader {
    /// Caps that bound the work and memory spent on one document.
    package struct Limits {
        /// Element nesting depth (camt needs about 12).
        package var maxDepth = 64
        /// Bytes of text in one element.
        package var maxTextBytes = 64 << 10
        /// Distinct element names in one document (the camt schemas have a few hundred).
        package var maxNames = 4096

        /// Limits with the given caps.
        package init(maxDepth: Int = 64, maxTextBytes: Int = 64 << 10, maxNames: Int = 4096) {
            self.maxDepth = maxDepth
            self.maxTextBytes = maxTextBytes
            self.maxNames = maxNames
        }
    }

    /// One step through the document.
    @usableFromInline
    package enum Event {
        /// An element starts (for `<a/>` an ``end`` follows at once); ``currentLine`` gives its line.
        case start(XMLName)
        /// Character data inside the current element (may come in several pieces), as UTF-8 bytes
        /// that stay valid only until the next call to ``next()``.
        case text(UnsafeBufferPointer<UInt8>)
        /// The current element ends.
        case end
    }

    /// Bytes handed to the parser at a time: small enough that a malformed spot preempts only the
    /// events just before it (see ``parseChunk()``), large enough that the calls cost little.
    static let chunkSize = 4 << 10

    private let parser: xmlParserCtxtPtr
    private let feed: XMLInputFeed
    private let names: XMLNameTable
    @usableFromInline let queue: XMLEventQueue
    private let chunk: UnsafeMutablePointer<CChar>
    /// The parser has had the whole input.
    private var finished = false

    /// The options the parser runs with (``XMLHardening/pullParserOptions``).
    package static var options: Int32 { XMLHardening.pullParserOptions }

    /// Opens a reader over `feed`; `knownNames[i]` will be reported as `XMLName(rawValue: i)`.
    package init(feed: XMLInputFeed, limits: Limits = Limits(), knownNames: [String] = []) throws(XMLError) {
        XMLHardening.ensureInitialized()
        let names = XMLNameTable(known: knownNames, maxNames: limits.maxNames)
        let queue = XMLEventQueue(limits: limits, names: names)
        var handler = Self.handler()
        // No user data: the callbacks get the parser context, and reach the queue through its
        // `_private` (an unretained pointer: the reader owns both), as ``XMLHardening``'s do.
        guard let parser = xmlCreatePushParserCtxt(&handler, nil, nil, 0, nil) else {
            throw XMLError("libxml2 could not create a parser", code: .io)
        }
        parser.pointee._private = Unmanaged.passUnretained(queue).toOpaque()
        xmlCtxtUseOptions(parser, Self.options)
        queue.context = parser
        self.parser = parser
        self.feed = feed
        self.names = names
        self.queue = queue
        chunk = .allocate(capacity: Self.chunkSize)
    }

    deinit {
        xmlFreeParserCtxt(parser)
        chunk.deallocate()
    }

    /// The text of an element name.
    package func text(of name: XMLName) -> String {
        names.text(name)
    }

    /// The namespace URI of the root element.
    package var namespaceURI: String? { queue.rootNamespaceURI }

    /// An unprefixed attribute of the element just started.
    package func attribute(_ name: String) -> String? {
        queue.attribute(name)
    }

    /// The line the parser has reached (for errors without a node).
    package var parserLine: Int { queue.parserLine }

    /// The line of the element just started.
    @inlinable
    package var currentLine: Int { queue.lastStart.line }

    /// The namespace of the element just started when it is not the root's (`""`: no namespace).
    @inlinable
    package var currentForeignNamespace: String? {
        let index = queue.lastStart.foreign
        return index >= 0 ? queue.foreignNamespaces[Int(index)] : nil
    }

    /// What the feed accepted before the document (a byte order mark, leading whitespace, a declared
    /// 8-bit encoding): known once the first event has been read.
    package var prologNotes: [XMLPrologNote] { feed.prologNotes }

    /// The next event, or nil at the end of the document.
    ///
    /// Inlinable: an event already queued is taken in the caller's loop, without a call into this
    /// module (the statement reader calls this for every tag and text).
    @inlinable
    package func next() throws(XMLError) -> Event? {
        if let event = try queue.next() { return event }
        return try nextAfterParsing()
    }

    /// The next event once the queue is empty: parses chunks until one yields an event or the input ends.
    @usableFromInline
    func nextAfterParsing() throws(XMLError) -> Event? {
        while true {
            if finished { return nil }
            try parseChunk()
            if let event = try queue.next() { return event }
        }
    }

    /// Parses the next chunk of input into the queue. A libxml2 error drops the chunk's events: a
    /// document that is not well-formed is reported as such rather than by what its broken part seems
    /// to say (a tag cut off at the end, a mismatched end tag), much as `xmlTextReader`'s read-ahead did.
    private func parseChunk() throws(XMLError) {
        queue.clear()
        let count = feed.read(into: chunk, Int32(Self.chunkSize))
        guard count >= 0 else { throw failure() }
        queue.lineOffset = feed.lineOffset
        let status = xmlParseChunk(parser, chunk, count, count == 0 ? 1 : 0)
        if count == 0 {
            finished = true
            queue.finish()
        }
        if status != 0 || parser.pointee.wellFormed == 0 || queue.firstError != nil {
            queue.clear()
            throw failure()
        }
    }

    /// The SAX2 callbacks: events go to the queue; the DTD and entity callbacks are
    /// ``XMLHardening``'s refusals, and so is an entity reference.
    private static func handler() -> xmlSAXHandler {
        var handler = xmlSAXHandler()
        handler.initialized = UInt32(truncatingIfNeeded: XML_SAX2_MAGIC)
        withUnsafeMutablePointer(to: &handler) { XMLHardening.installRefusals($0) }
        handler.startElementNs = { context, localName, _, namespaceURI, _, _, attributeCount, _, attributes in
            guard let localName else { return }
            XMLPullReader.withQueue(context) {
                $0.startElement(localName, namespaceURI: namespaceURI, attributeCount: Int(attributeCount),
                                attributes: attributes)
            }
        }
        handler.endElementNs = { context, _, _, _ in XMLPullReader.withQueue(context) { $0.endElement() } }
        handler.characters = { context, bytes, count in
            guard let bytes else { return }
            XMLPullReader.withQueue(context) { $0.characters(bytes, count: Int(count)) }
        }
        handler.ignorableWhitespace = handler.characters
        handler.comment = { context, _ in XMLPullReader.withQueue(context) { $0.separator() } }
        handler.processingInstruction = { context, _, _ in XMLPullReader.withQueue(context) { $0.separator() } }
        handler.getEntity = { _, _ in nil }
        handler.reference = { context, _ in XMLHardening.refuseDeclaration(context) }
        handler.serror = { context, error in
            guard let error, error.pointee.level.rawValue >= XML_ERR_ERROR.rawValue else { return }
            XMLPullReader.withQueue(context) { queue in
                guard queue.firstError == nil else { return }
                var message = error.pointee.message.map { String(cString: $0) } ?? "XML error \(error.pointee.code)"
                while message.last == "\n" || message.last == " " { message.removeLast() }
                queue.parseError(message: message, line: Int(error.pointee.line), code: Int(error.pointee.code))
            }
        }
        return handler
    }

    /// Runs `body` on the queue behind a callback's context (the parser, whose `_private` it is),
    /// which the reader keeps alive.
    @inline(__always)
    private static func withQueue(_ context: UnsafeMutableRawPointer?, _ body: (XMLEventQueue) -> Void) {
        guard let opaque = context?.assumingMemoryBound(to: xmlParserCtxt.self).pointee._private else { return }
        Unmanaged<XMLEventQueue>.fromOpaque(opaque)._withUnsafeGuaranteedRef(body)
    }

    static let cutOff = "the document is cut off: "
    static let notWellFormed = "not well-formed XML: "

    /// The error behind a failed read: the feed's own refusal first, then libxml2's first error.
    private func failure() -> XMLError {
        if let refusal = feed.refusal { return refusal }
        if let (message, line, _) = queue.firstError {
            // An error on the last line of an input read to its end: the document was cut off.
            // A document that still has its root's end tag near the end is complete but malformed.
            let rootEnd = Array(((queue.rootName ?? "") + ">").utf8)
            let truncated = feed.reachedEnd && line >= feed.lastLine
                && (queue.rootName == nil || !feed.tailContains(rootEnd))
            return XMLError((truncated ? Self.cutOff : Self.notWellFormed) + message, line: line > 0 ? line : nil,
                            code: truncated ? .truncated : .notWellFormed)
        }
        return XMLError("not well-formed XML", line: parserLine)
    }
}
