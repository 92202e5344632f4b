internal import CLibXML2

/// The hardening every use of libxml2 in bankgate goes through: the parser options and the SAX
/// callbacks that refuse a DTD or an entity declaration. ``HardenedXML`` (whole documents, as a tree)
/// and ``XMLPullReader`` (streamed statements) both take them from here.
///
/// Both parsers keep their Swift state, an ``XMLParseState``, in the parser context's `_private`,
/// and get the context as the `ctx` of every SAX callback, so the refusing callbacks find it the
/// same way whichever parser calls them.
package enum XMLHardening {
    /// The options of every parse: no network, CDATA as text. Deliberately without `NOENT` (entity
    /// substitution), `DTDLOAD`, `DTDATTR` and `HUGE` (libxml2's own size limits stay on).
    package static let parserOptions = Int32(XML_PARSE_NONET.rawValue | XML_PARSE_NOCDATA.rawValue)

    /// ``parserOptions`` with `BIG_LINES`, so that the pull reader's line numbers go past 65535.
    package static let pullParserOptions = parserOptions | Int32(XML_PARSE_BIG_LINES.rawValue)

    /// The options no parse may ever set: entity substitution, DTD loading, default attributes from
    /// a DTD, and lifting libxml2's size limits.
    package static let forbiddenOptions = Int32(XML_PARSE_NOENT.rawValue | XML_PARSE_DTDLOAD.rawValue
                                                | XML_PARSE_DTDATTR.rawValue | XML_PARSE_HUGE.rawValue)

    /// libxml2's one-time global initialisation.
    private static let initialized: Bool = {
        xmlInitParser()
        return true
    }()

    /// Makes sure `xmlInitParser` has run; call before creating a parser.
    static func ensureInitialized() {
        _ = initialized
    }

    /// Points the callbacks through which a DTD, an entity declaration or an external entity could
    /// act at ``XMLParseState/refuseDeclaration(_:)``.
    static func installRefusals(_ sax: UnsafeMutablePointer<xmlSAXHandler>) {
        sax.pointee.internalSubset = { ctx, _, _, _ in XMLHardening.refuseDeclaration(ctx) }
        sax.pointee.externalSubset = { ctx, _, _, _ in XMLHardening.refuseDeclaration(ctx) }
        sax.pointee.entityDecl = { ctx, _, _, _, _, _ in XMLHardening.refuseDeclaration(ctx) }
        sax.pointee.unparsedEntityDecl = { ctx, _, _, _, _ in XMLHardening.refuseDeclaration(ctx) }
        sax.pointee.resolveEntity = { ctx, _, _ in
            XMLHardening.refuseDeclaration(ctx)
            return nil
        }
    }

    /// A declaration was met: the parse's state records the refusal, and the parser stops on the
    /// spot when the state asks for it.
    static func refuseDeclaration(_ ctx: UnsafeMutableRawPointer?) {
        guard let ctx, let state = XMLParseState.from(parserContext: ctx) else { return }
        let parser = ctx.assumingMemoryBound(to: xmlParserCtxt.self)
        if state.refuseDeclaration(parser) { xmlStopParser(parser) }
    }
}

/// The Swift state of one hardened parse, kept in the parser context's `_private`.
///
/// Subclasses say what a refused declaration means for them: ``XMLErrorCollector`` records it
/// for ``HardenedXML``, ``XMLEventQueue`` queues the failure in place of the next event.
@usableFromInline
class XMLParseState {
    /// A DTD, an entity declaration or an entity reference was met; returns whether the parser
    /// should stop at once.
    func refuseDeclaration(_ parser: xmlParserCtxtPtr) -> Bool {
        true
    }

    /// The state stored in a parser context's `_private` (the `ctx` libxml2 passes to SAX callbacks).
    static func from(parserContext ctx: UnsafeMutableRawPointer?) -> XMLParseState? {
        guard let ctx, let opaque = ctx.assumingMemoryBound(to: xmlParserCtxt.self).pointee._private else {
            return nil
        }
        return Unmanaged<XMLParseState>.fromOpaque(opaque).takeUnretainedValue()
    }
}
