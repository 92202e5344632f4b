/// A parsed JSON document (RFC 8259), as ``JSONValue/parse(_:)-(UnsafeRawBufferPointer)`` reads it:
/// strings decoded, numbers kept as the text they were written with (so nothing is lost to a
/// `Double`), objects as their members in document order (duplicates kept, for the reader to refuse).
public enum JSONValue: Hashable, Sendable {
    case string(String)
    /// A number's text as written, such as `-12.50e3`; syntax-checked, not converted.
    case number(String)
    case bool(Bool)
    case null
    case object([JSONMember])
    case array([JSONValue])
}

/// One `"key": value` of a JSON object, in document order.
public struct JSONMember: Hashable, Sendable {
    public var key: String
    public var value: JSONValue

    public init(key: String, value: JSONValue) {
        self.key = key
        self.value = value
    }
}

/// Thrown for text that is not JSON: invalid syntax or UTF-8, lone surrogates, control characters
/// in strings, leading zeros, trailing text, or nesting deeper than ``JSONValue/maxDepth``.
public struct JSONSyntaxError: Error, Hashable, Sendable, CustomStringConvertible {
    public init() {}

    public var description: String { "not valid JSON" }
}

extension JSONValue {
    /// The deepest nesting of objects and arrays accepted.
    public static let maxDepth = JSONScanner.maxDepth

    /// Parses one JSON document, surrounded by optional whitespace.
    public static func parse(_ bytes: UnsafeRawBufferPointer) throws(JSONSyntaxError) -> JSONValue {
        try JSONScanner.parse(bytes)
    }

    /// Parses one JSON document, surrounded by optional whitespace.
    public static func parse(_ bytes: [UInt8]) throws(JSONSyntaxError) -> JSONValue {
        try bytes.withUnsafeBytes { buffer in
            Result { () throws(JSONSyntaxError) in try JSONScanner.parse(buffer) }
        }.get()
    }

    /// The text of a string; `nil` for any other value.
    public var stringValue: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    /// The elements of an array; `nil` for any other value.
    public var arrayValue: [JSONValue]? {
        if case .array(let elements) = self { return elements }
        return nil
    }

    /// The members of an object; `nil` for any other value.
    public var objectMembers: [JSONMember]? {
        if case .object(let members) = self { return members }
        return nil
    }

    /// The value of the first member named `key` of an object; `nil` when absent or not an object.
    public subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        return members.first(where: { $0.key == key })?.value
    }
}

extension JSONWriter {
    /// Writes `value` as it was read: members in their order, numbers with their text.
    public mutating func value(_ value: JSONValue) {
        switch value {
        case .string(let text): string(text)
        case .number(let text): raw(text)
        case .bool(let flag): bool(flag)
        case .null: null()
        case .object(let members):
            beginObject()
            for member in members {
                key(member.key)
                self.value(member.value)
            }
            endObject()
        case .array(let elements):
            beginArray()
            for element in elements { self.value(element) }
            endArray()
        }
    }
}
