internal import CLibXML2

/// Parsing of untrusted XML (bank answers, inbox files) with libxml2, hardened against the usual attacks.
///
/// - A document with a DTD (internal or external subset) is refused as soon as `<!DOCTYPE` is seen, so
///   no entity is ever declared, let alone expanded: this stops XXE and "billion laughs" alike.
/// - The options and refusing callbacks are ``XMLHardening``'s, shared with ``XMLPullReader``: no network
///   access, no entity substitution, no DTD loading or default attributes, libxml2's own depth and
///   text-length limits on.
/// - The size is checked before parsing.
/// - Errors are collected into an ``XMLError``; nothing is printed to stderr.
public enum HardenedXML {
    /// Parses a whole document and returns its root element.
    ///
    /// - Parameters:
    ///   - bytes: the document, in UTF-8 or in the encoding its declaration names.
    ///   - maxBytes: documents larger than this are refused before parsing.
    /// - Throws: ``XMLError`` with code `tooLarge`, `dtdRefused` or `notWellFormed` (with the line).
    public static func parse(_ bytes: [UInt8], maxBytes: Int = 32 << 20) throws(XMLError) -> XMLNode {
        let root: XMLNode? = try withDocument(bytes, maxBytes: maxBytes) { doc in
            guard let element = xmlDocGetRootElement(doc) else { return nil }
            return makeNode(element)
        }
        guard let root else { throw XMLError("the document has no root element") }
        return root
    }

    /// The options the parser runs with (``XMLHardening/parserOptions``).
    package static var options: Int32 { XMLHardening.parserOptions }

    /// Parses `bytes` into a libxml2 document under the hardening rules, runs `body` on it and frees it.
    static func withDocument<T>(_ bytes: [UInt8], maxBytes: Int, _ body: (xmlDocPtr) -> T) throws(XMLError) -> T {
        XMLHardening.ensureInitialized()
        guard bytes.count <= maxBytes, bytes.count < Int(Int32.max) else {
            throw XMLError("document of \(bytes.count) bytes is over the limit of \(maxBytes) bytes", code: .tooLarge)
        }
        guard !bytes.isEmpty else { throw XMLError("empty document") }
        let parsed: (doc: xmlDocPtr?, collector: XMLErrorCollector)? = bytes.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { chars in
                guard let ctxt = xmlNewParserCtxt() else { return nil }
                defer { xmlFreeParserCtxt(ctxt) }
                let collector = XMLErrorCollector()
                let unmanaged = Unmanaged.passRetained(collector)
                defer { unmanaged.release() }
                ctxt.pointee._private = unmanaged.toOpaque()
                ctxt.pointee.linenumbers = 1
                installHardening(ctxt)
                let doc = xmlCtxtReadMemory(ctxt, chars.baseAddress, Int32(chars.count), nil, nil, options)
                if ctxt.pointee.wellFormed == 0 && !collector.dtdRefused && collector.first == nil {
                    collector.record(XMLError("not well-formed"))
                }
                if ctxt.pointee.wellFormed == 0 || collector.dtdRefused || collector.first != nil {
                    if let doc { xmlFreeDoc(doc) }
                    return (nil, collector)
                }
                return (doc, collector)
            }
        }
        guard let parsed else { throw XMLError("libxml2 could not allocate a parser") }
        if parsed.collector.dtdRefused {
            throw XMLError("document type declarations (DTD) and entity declarations are refused",
                           line: parsed.collector.dtdLine, code: .dtdRefused)
        }
        guard let doc = parsed.doc else { throw parsed.collector.first ?? XMLError("not well-formed") }
        defer { xmlFreeDoc(doc) }
        // Belt and braces: the SAX hooks stop the parser at `<!DOCTYPE`, so a subset can never be here.
        if doc.pointee.intSubset != nil || doc.pointee.extSubset != nil {
            throw XMLError("document type declarations (DTD) are refused", code: .dtdRefused)
        }
        return body(doc)
    }

    /// Routes errors to the collector instead of stderr and installs the shared refusal of DTDs and
    /// entity declarations (``XMLHardening/installRefusals(_:)``).
    private static func installHardening(_ ctxt: xmlParserCtxtPtr) {
        guard let sax = ctxt.pointee.sax else { return }
        sax.pointee.serror = { userData, error in
            guard let error, let collector = XMLErrorCollector.collector(parserContext: userData) else { return }
            collector.record(error)
        }
        XMLHardening.installRefusals(sax)
    }

    /// Converts a libxml2 element (and its subtree) into an ``XMLNode``.
    private static func makeNode(_ node: xmlNodePtr) -> XMLNode {
        let name = node.pointee.name.map { String(cString: $0) } ?? ""
        let namespaceURI = node.pointee.ns.flatMap { $0.pointee.href }.map { String(cString: $0) }
        var attributes: [String: String] = [:]
        var attribute = node.pointee.properties
        while let current = attribute {
            if let attributeName = current.pointee.name {
                attributes[String(cString: attributeName)] = textOf(current.pointee.children)
            }
            attribute = current.pointee.next
        }
        var children: [XMLNode] = []
        var text = ""
        var child = node.pointee.children
        while let current = child {
            switch current.pointee.type {
            case XML_ELEMENT_NODE:
                children.append(makeNode(current))
            case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
                if let content = current.pointee.content { text += String(cString: content) }
            default:
                break
            }
            child = current.pointee.next
        }
        return XMLNode(name: name, namespaceURI: namespaceURI, attributes: attributes, children: children,
                       text: text, line: Int(xmlGetLineNo(node)))
    }

    /// The concatenated text of a list of text nodes (an attribute's value).
    private static func textOf(_ first: xmlNodePtr?) -> String {
        var text = ""
        var node = first
        while let current = node {
            if let content = current.pointee.content { text += String(cString: content) }
            node = current.pointee.next
        }
        return text
    }
}
