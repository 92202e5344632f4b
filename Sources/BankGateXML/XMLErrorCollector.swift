internal import CLibXML2

/// Collects libxml2's structured errors during one parse or validation (instead of printing them).
///
/// Reached from C callbacks through an opaque pointer; lives only for the duration of one call and
/// is never shared between threads.
final class XMLErrorCollector: XMLParseState {
    /// The first error, which is the one that explains a failure.
    var first: XMLError?
    /// Every error as `line N: message`.
    var messages: [String] = []
    /// Set when the parser met a DTD or an entity declaration.
    var dtdRefused = false
    /// The line of the refused DTD.
    var dtdLine: Int?

    /// Records the first refused declaration and its line; the parser stops.
    override func refuseDeclaration(_ parser: xmlParserCtxtPtr) -> Bool {
        if !dtdRefused {
            dtdRefused = true
            dtdLine = parser.pointee.input.map { Int($0.pointee.line) }
        }
        return true
    }

    /// Records an error reported by libxml2; warnings are ignored.
    func record(_ error: UnsafeMutablePointer<xmlError>) {
        guard error.pointee.level.rawValue >= XML_ERR_ERROR.rawValue else { return }
        var message = error.pointee.message.map { String(cString: $0) } ?? "XML error \(error.pointee.code)"
        while message.last == "\n" || message.last == " " { message.removeLast() }
        let line = error.pointee.line > 0 ? Int(error.pointee.line) : nil
        record(XMLError(message, line: line))
    }

    /// Records an error.
    func record(_ error: XMLError) {
        if first == nil { first = error }
        messages.append(error.description)
    }

    /// The collector stored in a parser context's `_private` (the `ctx` libxml2 passes to SAX callbacks).
    static func collector(parserContext ctx: UnsafeMutableRawPointer?) -> XMLErrorCollector? {
        XMLParseState.from(parserContext: ctx) as? XMLErrorCollector
    }

    /// The collector passed directly as a callback's context pointer.
    static func from(opaque: UnsafeMutableRawPointer?) -> XMLErrorCollector? {
        opaque.map { Unmanaged<XMLErrorCollector>.fromOpaque($0).takeUnretainedValue() }
    }
}
