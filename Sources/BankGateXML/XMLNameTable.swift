internal import CLibXML2

/// An element name as a small integer, so that readers compare and index names instead of strings.
///
/// Names handed to ``XMLNameTable/init(known:)`` keep their position as their value, so a reader can
/// build its tables over them once; names first seen in a document get the next free values.
@usableFromInline
package struct XMLName: Hashable {
    /// The name's number: its index in the known names, or the next free one.
    @usableFromInline
    package var rawValue: Int32

    /// The name numbered `rawValue`.
    @usableFromInline
    package init(rawValue: Int32) {
        self.rawValue = rawValue
    }
}

/// Interns the element names of one document.
///
/// libxml2 keeps every name of a document once in the parser's dictionary, so the same name comes
/// back as the same pointer: a direct-mapped cache from pointer to ``XMLName`` answers most lookups
/// without reading the bytes. A pointer is cached only when the dictionary owns it (so it lives as
/// long as the reader and is never reused for another name); any other name is looked up by its text.
///
/// The number of distinct names is capped: camt schemas use a few hundred, and the cap keeps a
/// document of made-up names from growing the table without bound.
final class XMLNameTable {
    /// One entry of the pointer cache.
    private struct Slot {
        var pointer: UnsafeRawPointer?
        var name: XMLName
    }

    private(set) var names: [String]
    private var tokens: [String: XMLName]
    /// The direct-mapped cache, in memory of its own so that a lookup is a plain load.
    private let cache: UnsafeMutableBufferPointer<Slot>
    private let maxNames: Int

    private static let cacheBits = 10

    /// A table where `known[i]` is `XMLName(rawValue: i)`.
    init(known: [String], maxNames: Int) {
        names = known
        tokens = Dictionary(uniqueKeysWithValues: known.enumerated().map { ($1, XMLName(rawValue: Int32($0))) })
        cache = .allocate(capacity: 1 << Self.cacheBits)
        cache.initialize(repeating: Slot(pointer: nil, name: XMLName(rawValue: -1)))
        self.maxNames = max(maxNames, known.count)
    }

    deinit {
        cache.deallocate()
    }

    /// The text of `name`.
    func text(_ name: XMLName) -> String {
        names[Int(name.rawValue)]
    }

    /// The name at `pointer`, a NUL-terminated name of the document whose dictionary is `dictionary`.
    @inline(__always)
    func name(at pointer: UnsafePointer<xmlChar>, dictionary: xmlDictPtr?) throws(XMLError) -> XMLName {
        let raw = UnsafeRawPointer(pointer)
        // Dictionary strings are packed byte by byte: a multiplicative hash spreads neighbours.
        let hash = UInt(bitPattern: raw) &* UInt(truncatingIfNeeded: 0x9E37_79B9_7F4A_7C15 as UInt64)
        let slot = Int(truncatingIfNeeded: hash >> (UInt.bitWidth - Self.cacheBits))
        if cache[slot].pointer == raw { return cache[slot].name }
        let name = try intern(String(cString: pointer))
        if let dictionary, xmlDictOwns(dictionary, pointer) == 1 {
            cache[slot] = Slot(pointer: raw, name: name)
        }
        return name
    }

    /// The name with the text `text`.
    func name(text: String) throws(XMLError) -> XMLName {
        try intern(text)
    }

    private func intern(_ text: String) throws(XMLError) -> XMLName {
        if let name = tokens[text] { return name }
        guard names.count < maxNames else {
            throw XMLError("the document uses more than \(maxNames) distinct element names", code: .limitExceeded)
        }
        let name = XMLName(rawValue: Int32(names.count))
        names.append(text)
        tokens[text] = name
        return name
    }
}
