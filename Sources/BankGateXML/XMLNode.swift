/// An element of a parsed document: a small immutable tree with namespaces resolved to local names.
///
/// Built by ``HardenedXML/parse(_:maxBytes:)``. Comments and processing instructions are dropped;
/// CDATA sections count as text.
public struct XMLNode: Sendable, Hashable {
    /// The element's local name, without prefix (`Document`, `MsgId`).
    public let name: String
    /// The namespace the element is in, if any.
    public let namespaceURI: String?
    /// Attributes by local name (namespace declarations are not attributes).
    public let attributes: [String: String]
    /// Child elements in document order.
    public let children: [XMLNode]
    /// The element's direct text content concatenated (text of descendants is not included).
    public let text: String
    /// The line the element starts on, 1-based.
    public let line: Int

    public init(name: String, namespaceURI: String? = nil, attributes: [String: String] = [:],
                children: [XMLNode] = [], text: String = "", line: Int = 0) {
        self.name = name
        self.namespaceURI = namespaceURI
        self.attributes = attributes
        self.children = children
        self.text = text
        self.line = line
    }
}

extension XMLNode {
    /// The first child element with local name `name`.
    public func child(_ name: String) -> XMLNode? {
        children.first { $0.name == name }
    }

    /// All child elements with local name `name`, in document order.
    public func children(_ name: String) -> [XMLNode] {
        children.filter { $0.name == name }
    }

    /// Follows a path of child names: `descendant("GrpHdr", "MsgId")` is `child("GrpHdr")?.child("MsgId")`.
    public func descendant(_ path: String...) -> XMLNode? {
        descendant(path: path)
    }

    /// Follows a path of child names given as an array.
    public func descendant(path: [String]) -> XMLNode? {
        var node: XMLNode? = self
        for name in path {
            node = node?.child(name)
        }
        return node
    }

    /// The direct text with leading and trailing whitespace (space, tab, CR, LF) removed.
    public var trimmedText: String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "\r" || $0 == "\r\n" }
        guard let first = text.firstIndex(where: { !isSpace($0) }),
              let last = text.lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(text[first...last])
    }
}
