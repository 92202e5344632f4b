internal import CLibXML2
#if canImport(Glibc)
internal import Glibc
#elseif canImport(Darwin)
internal import Darwin
#endif

/// Validates documents against an XML Schema (XSD) with libxml2.
///
/// The schema is loaded once; each ``validate(_:)`` parses the document with the same hardening as
/// ``HardenedXML`` (no DTD, no network) and returns every validation error.
public struct XMLSchemaValidator {
    private let schema: SchemaHandle

    /// Loads and compiles the schema at `xsdPath`.
    /// - Throws: ``XMLError`` with code `schema` when the file cannot be read or is not a valid schema.
    public init(xsdPath: String) throws(XMLError) {
        XMLHardening.ensureInitialized()
        // Checked here so that libxml2 does not print an I/O warning to stderr for a missing file.
        guard access(xsdPath, R_OK) == 0 else {
            throw XMLError("cannot read schema \(xsdPath)", code: .schema)
        }
        guard let parserContext = xmlSchemaNewParserCtxt(xsdPath) else {
            throw XMLError("cannot create a schema parser for \(xsdPath)", code: .schema)
        }
        defer { xmlSchemaFreeParserCtxt(parserContext) }
        let collector = XMLErrorCollector()
        let compiled: xmlSchemaPtr? = withExtendedLifetime(collector) {
            xmlSchemaSetParserStructuredErrors(parserContext, { context, error in
                guard let error else { return }
                XMLErrorCollector.from(opaque: context)?.record(error)
            }, Unmanaged.passUnretained(collector).toOpaque())
            return xmlSchemaParse(parserContext)
        }
        guard let compiled else {
            let reason = collector.first?.description ?? "unreadable schema"
            throw XMLError("cannot load schema \(xsdPath): \(reason)", code: .schema)
        }
        schema = SchemaHandle(compiled)
    }

    /// Validates a document.
    /// - Returns: an empty array when the document is valid, otherwise the errors as `message (line N)`.
    public func validate(_ bytes: [UInt8]) -> [String] {
        do {
            return try HardenedXML.withDocument(bytes, maxBytes: Int(Int32.max) - 1) { doc in
                guard let validContext = xmlSchemaNewValidCtxt(schema.pointer) else {
                    return ["cannot create a schema validation context"]
                }
                defer { xmlSchemaFreeValidCtxt(validContext) }
                let collector = XMLErrorCollector()
                let result: Int32 = withExtendedLifetime(collector) {
                    xmlSchemaSetValidStructuredErrors(validContext, { context, error in
                        guard let error else { return }
                        XMLErrorCollector.from(opaque: context)?.record(error)
                    }, Unmanaged.passUnretained(collector).toOpaque())
                    return xmlSchemaValidateDoc(validContext, doc)
                }
                if result != 0 && collector.messages.isEmpty {
                    return ["schema validation failed (libxml2 code \(result))"]
                }
                return collector.messages
            }
        } catch {
            return [error.description]
        }
    }
}

/// Owns a compiled libxml2 schema and frees it.
private final class SchemaHandle {
    let pointer: xmlSchemaPtr

    init(_ pointer: xmlSchemaPtr) { self.pointer = pointer }

    deinit { xmlSchemaFree(pointer) }
}
