internal import CLibXML2

/// Exclusive XML Canonicalization 1.0 without comments (`http://www.w3.org/2001/10/xml-exc-c14n#`,
/// libxml2's `XML_C14N_EXCLUSIVE_1_0`): the form whose bytes an XML signature digests and signs.
///
/// Documents are parsed under ``HardenedXML``'s rules first (no DTD, no entities, bounded size).
public enum XMLCanonicalization {
    /// The exclusive canonical form of the whole document in `bytes`.
    /// - Throws: ``XMLError`` when the document is refused or cannot be canonicalized.
    public static func exclusive(_ bytes: [UInt8], maxBytes: Int = 64 << 20) throws(XMLError) -> [UInt8] {
        try HardenedXML.withDocument(bytes, maxBytes: maxBytes) { doc in canonicalize(doc, subtree: nil) }.get()
    }

    /// The exclusive canonical form of `doc`: all of it, or with `subtree` only that element and its
    /// descendants (the node set of an element, as for a signature's `SignedInfo`).
    static func canonicalize(_ doc: xmlDocPtr, subtree: xmlNodePtr?) -> Result<[UInt8], XMLError> {
        guard let buffer = xmlAllocOutputBuffer(nil) else {
            return .failure(XMLError("libxml2 could not allocate an output buffer"))
        }
        defer { xmlOutputBufferClose(buffer) }
        let withinSubtree: xmlC14NIsVisibleCallback = { data, node, parent in
            guard let data else { return 1 }
            return XMLCanonicalization.isWithin(data.assumingMemoryBound(to: xmlNode.self), node: node, parent: parent) ? 1 : 0
        }
        let callback: xmlC14NIsVisibleCallback? = subtree == nil ? nil : withinSubtree
        let written = xmlC14NExecute(doc, callback, subtree.map { UnsafeMutableRawPointer($0) },
                                     Int32(XML_C14N_EXCLUSIVE_1_0.rawValue), nil, 0, buffer)
        guard written >= 0, let content = xmlOutputBufferGetContent(buffer) else {
            return .failure(XMLError("the document could not be canonicalized (exclusive C14N 1.0)"))
        }
        return .success(Array(UnsafeBufferPointer(start: content, count: Int(xmlOutputBufferGetSize(buffer)))))
    }

    /// Whether the node libxml2's canonicalizer asks about lies in `apex`'s subtree. For a namespace
    /// or attribute node (whose structs share only the first fields with an element's) the element
    /// it belongs to, `parent`, decides.
    static func isWithin(_ apex: xmlNodePtr, node: xmlNodePtr?, parent: xmlNodePtr?) -> Bool {
        guard let node else { return false }
        let typeOffset = MemoryLayout<xmlNode>.offset(of: \xmlNode.type) ?? 8
        let type = UnsafeRawPointer(node).load(fromByteOffset: typeOffset, as: xmlElementType.self)
        var current: xmlNodePtr? = (type == XML_NAMESPACE_DECL || type == XML_ATTRIBUTE_NODE) ? parent : node
        while let element = current {
            if element == apex { return true }
            current = element.pointee.parent
        }
        return false
    }
}
