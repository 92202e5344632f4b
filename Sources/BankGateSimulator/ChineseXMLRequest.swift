import BankGateAdapters
import BankGateXML

/// Reads a request as a Chinese bank's front-end program receives it (CMB, ICBC, CCB, ABC): bounded
/// size, an XML declaration (when present, whole and naming one of `declarable`), the body decoded
/// strictly in the bank's encoding, then parsed by ``HardenedXML`` (no DTD). Each profile checks
/// the root itself.
enum ChineseXMLRequest {
    /// The parsed document.
    /// - Parameters:
    ///   - what: the request's name in errors (`request`, `document`).
    ///   - encoding: the strict decoder of the bank's encoding.
    ///   - declarable: the encodings a declaration may name (upper case).
    ///   - expected: the encoding named when a declaration names another.
    ///   - field: the decoder's name for the text in its errors.
    /// - Throws: ``BankCodecError`` saying what is wrong.
    static func parse(_ bytes: [UInt8], maxBytes: Int, what: String = "request", encoding: ChineseTextEncoding,
                      declarable: Set<String>, expected: String, field: String) throws(BankCodecError) -> XMLNode {
        guard bytes.count <= maxBytes else {
            throw BankCodecError("\(what) of \(bytes.count) bytes is over the limit of \(maxBytes) bytes")
        }
        let (declared, end) = ChineseXMLAnswer.declaration(bytes)
        let body = bytes[end...]
        // Without its `?>`, the declaration is not read: the body still starts with it.
        if body.starts(with: Array("<?xml".utf8)) { throw BankCodecError("unterminated XML declaration") }
        if let declared, !declarable.contains(declared) {
            throw BankCodecError("the \(what) is not declared in \(expected)")
        }
        let decoded: String
        do {
            decoded = try encoding.decode(Array(body), field: field)
        } catch {
            throw BankCodecError(error.description)
        }
        do {
            return try HardenedXML.parse(Array(decoded.utf8), maxBytes: 2 * maxBytes)
        } catch {
            throw BankCodecError(error.message)
        }
    }
}
