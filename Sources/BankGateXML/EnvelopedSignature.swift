internal import CLibXML2

/// The enveloped XML signature of a document (W3C XML Signature, `<ds:Signature>` a child of the root
/// element), read out with what a verifier checks: the algorithms named, the digest and signature
/// values as written, and the two canonical forms the checks run over.
///
/// Reading applies no policy on algorithms (the caller does); it refuses only what would make "the
/// signature" ambiguous: more than one `Signature` element, one that is not a child of the root,
/// not exactly one `Reference`, or a `ds:Object` (content that would not be the document's).
public struct EnvelopedSignature: Sendable, Hashable {
    /// The XML Signature namespace.
    public static let namespace = "http://www.w3.org/2000/09/xmldsig#"

    /// `SignedInfo/CanonicalizationMethod/@Algorithm`.
    public var canonicalizationMethod: String
    /// `SignedInfo/SignatureMethod/@Algorithm`.
    public var signatureMethod: String
    /// `Reference/@URI`; `nil` when absent.
    public var referenceURI: String?
    /// `Reference/Transforms/Transform/@Algorithm`, in order.
    public var transforms: [String]
    /// `Reference/DigestMethod/@Algorithm`.
    public var digestMethod: String
    /// `Reference/DigestValue` as written (Base64).
    public var digestValue: String
    /// `SignatureValue` as written (Base64).
    public var signatureValue: String
    /// `KeyInfo/X509Data/X509Certificate` as written (Base64 DER), when present.
    public var certificate: String?
    /// `SignedInfo` in exclusive canonical form: the bytes the signature value signs.
    public var canonicalSignedInfo: [UInt8]
    /// The document without the `Signature` element (the enveloped-signature transform) in exclusive
    /// canonical form: the bytes a `Reference URI=""` with that transform and exclusive C14N digests.
    public var canonicalDocument: [UInt8]

    /// The signature of the document in `bytes`, or `nil` when it has none.
    /// - Throws: ``XMLError`` when the document is refused (see ``HardenedXML``) or its signature is
    ///   ambiguous or incomplete.
    public static func read(_ bytes: [UInt8], maxBytes: Int = 64 << 20) throws(XMLError) -> EnvelopedSignature? {
        try HardenedXML.withDocument(bytes, maxBytes: maxBytes) { doc in read(doc) }.get()
    }

    private static func read(_ doc: xmlDocPtr) -> Result<EnvelopedSignature?, XMLError> {
        guard let root = xmlDocGetRootElement(doc) else { return .failure(XMLError("the document has no root element")) }
        var found: [xmlNodePtr] = []
        collectSignatures(root, into: &found)
        guard let signature = found.first else { return .success(nil) }
        guard found.count == 1 else { return .failure(XMLError("the document has \(found.count) XML signatures, not one")) }
        guard signature.pointee.parent == root else {
            return .failure(XMLError("the XML signature is not a child of the root element (not enveloped)"))
        }
        let parts = children(signature)
        if let other = parts.first(where: { !["SignedInfo", "SignatureValue", "KeyInfo"].contains(name($0)) }) {
            return .failure(XMLError("ds:\(name(other)) is not accepted in an enveloped signature"))
        }
        guard let signedInfo = parts.first(where: { name($0) == "SignedInfo" }),
              let signatureValue = parts.first(where: { name($0) == "SignatureValue" }) else {
            return .failure(XMLError("the XML signature has no SignedInfo or no SignatureValue"))
        }
        let info = children(signedInfo)
        let references = info.filter { name($0) == "Reference" }
        guard references.count == 1, let reference = references.first else {
            return .failure(XMLError("the XML signature has \(references.count) references, not one"))
        }
        let referenceParts = children(reference)
        guard let canonicalization = info.first(where: { name($0) == "CanonicalizationMethod" }).flatMap({ attribute($0, "Algorithm") }),
              let method = info.first(where: { name($0) == "SignatureMethod" }).flatMap({ attribute($0, "Algorithm") }),
              let digestMethod = referenceParts.first(where: { name($0) == "DigestMethod" }).flatMap({ attribute($0, "Algorithm") }),
              let digestValue = referenceParts.first(where: { name($0) == "DigestValue" }) else {
            return .failure(XMLError("the XML signature lacks a canonicalization, signature or digest method, or the digest"))
        }
        let transforms = referenceParts.first(where: { name($0) == "Transforms" }).map { children($0) } ?? []
        let certificate = parts.first(where: { name($0) == "KeyInfo" }).flatMap { keyInfo in
            children(keyInfo).first(where: { name($0) == "X509Data" }).flatMap { data in
                children(data).first(where: { name($0) == "X509Certificate" })
            }
        }
        let canonicalSignedInfo: [UInt8]
        switch XMLCanonicalization.canonicalize(doc, subtree: signedInfo) {
        case .success(let bytes): canonicalSignedInfo = bytes
        case .failure(let error): return .failure(error)
        }
        // The enveloped-signature transform: the document as it was before the signature went in.
        xmlUnlinkNode(signature)
        defer { xmlFreeNode(signature) }
        let canonicalDocument: [UInt8]
        switch XMLCanonicalization.canonicalize(doc, subtree: nil) {
        case .success(let bytes): canonicalDocument = bytes
        case .failure(let error): return .failure(error)
        }
        return .success(EnvelopedSignature(
            canonicalizationMethod: canonicalization, signatureMethod: method, referenceURI: attribute(reference, "URI"),
            transforms: transforms.compactMap { attribute($0, "Algorithm") }, digestMethod: digestMethod,
            digestValue: text(digestValue), signatureValue: text(signatureValue), certificate: certificate.map(text),
            canonicalSignedInfo: canonicalSignedInfo, canonicalDocument: canonicalDocument))
    }

    /// Every `ds:Signature` element at or below `node`.
    private static func collectSignatures(_ node: xmlNodePtr, into found: inout [xmlNodePtr]) {
        if isSignatureElement(node, "Signature") { found.append(node) }
        var child = node.pointee.children
        while let current = child {
            if current.pointee.type == XML_ELEMENT_NODE { collectSignatures(current, into: &found) }
            child = current.pointee.next
        }
    }

    /// Whether `node` is the XML Signature element `localName`.
    private static func isSignatureElement(_ node: xmlNodePtr, _ localName: String) -> Bool {
        guard let href = node.pointee.ns?.pointee.href, String(cString: href) == namespace else { return false }
        return name(node) == localName
    }

    /// The child elements of `node` in the XML Signature namespace, in order.
    private static func children(_ node: xmlNodePtr) -> [xmlNodePtr] {
        var result: [xmlNodePtr] = []
        var child = node.pointee.children
        while let current = child {
            if current.pointee.type == XML_ELEMENT_NODE, let href = current.pointee.ns?.pointee.href,
               String(cString: href) == namespace {
                result.append(current)
            }
            child = current.pointee.next
        }
        return result
    }

    private static func name(_ node: xmlNodePtr) -> String {
        node.pointee.name.map { String(cString: $0) } ?? ""
    }

    /// The value of the attribute `attributeName` (without namespace) of `node`.
    private static func attribute(_ node: xmlNodePtr, _ attributeName: String) -> String? {
        var attribute = node.pointee.properties
        while let current = attribute {
            if current.pointee.ns == nil, let attrName = current.pointee.name, String(cString: attrName) == attributeName {
                return textOf(current.pointee.children)
            }
            attribute = current.pointee.next
        }
        return nil
    }

    /// The text directly inside `node`.
    private static func text(_ node: xmlNodePtr) -> String {
        textOf(node.pointee.children)
    }

    private static func textOf(_ first: xmlNodePtr?) -> String {
        var text = ""
        var node = first
        while let current = node {
            if current.pointee.type == XML_TEXT_NODE || current.pointee.type == XML_CDATA_SECTION_NODE,
               let content = current.pointee.content {
                text += String(cString: content)
            }
            node = current.pointee.next
        }
        return text
    }
}
