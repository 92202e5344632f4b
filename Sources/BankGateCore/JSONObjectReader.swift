/// Why a JSON document could not be read, and the path of the field at fault (`creditor.account`,
/// `payments[3].amount`; empty for the document itself).
///
/// A struct over a private code, so that reasons can be added without breaking callers; compare
/// ``code`` with the static codes.
public struct JSONReadError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What went wrong.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: Hashable, Sendable { case malformed, wrongType, unknownField, duplicateField, missingField }
        private let value: Value

        /// The text is not JSON.
        public static let malformed = Code(value: .malformed)
        /// A value has another JSON type than the one expected (``JSONReadError/expected``).
        public static let wrongType = Code(value: .wrongType)
        /// An object has a member it may not have.
        public static let unknownField = Code(value: .unknownField)
        /// An object has the same member more than once.
        public static let duplicateField = Code(value: .duplicateField)
        /// An object lacks a member it must have.
        public static let missingField = Code(value: .missingField)

        public var description: String {
            switch value {
            case .malformed: "malformed"
            case .wrongType: "wrong type"
            case .unknownField: "unknown field"
            case .duplicateField: "duplicate field"
            case .missingField: "missing field"
            }
        }
    }

    /// What went wrong.
    public let code: Code
    /// The field at fault, `""` for the document itself.
    public let path: String
    /// For ``Code/wrongType``, what the value must be: `a string`, `an object`, `an array of strings`.
    public let expected: String?

    private init(_ code: Code, path: String, expected: String? = nil) {
        self.code = code
        self.path = path
        self.expected = expected
    }

    /// The text is not JSON.
    public static let malformed = JSONReadError(.malformed, path: "")

    /// The value at `path` is not `expected` (`a string`, `an object`).
    public static func wrongType(_ path: String, _ expected: String) -> JSONReadError {
        JSONReadError(.wrongType, path: path, expected: expected)
    }

    /// `path` names a member its object may not have.
    public static func unknownField(_ path: String) -> JSONReadError { JSONReadError(.unknownField, path: path) }

    /// `path` names a member given more than once.
    public static func duplicateField(_ path: String) -> JSONReadError { JSONReadError(.duplicateField, path: path) }

    /// `path` names a member that must be there (and not `null`).
    public static func missingField(_ path: String) -> JSONReadError { JSONReadError(.missingField, path: path) }

    /// The sentence the API and the CLI show: `creditor must be an object`, `the body is not valid JSON`.
    public var description: String {
        let subject = path.isEmpty ? "the body" : path
        switch code {
        case .wrongType: return "\(subject) must be \(expected ?? "another type")"
        case .unknownField: return "\(subject) is not a known field"
        case .duplicateField: return "\(subject) is given more than once"
        case .missingField: return "\(subject) is required"
        default: return "\(subject) is not valid JSON"
        }
    }
}

/// The members of one JSON object, checked against the keys it may have: the one way request
/// bodies, API answers and configuration-like files are read.
public struct JSONObjectReader: Sendable {
    /// The object's members, in document order.
    public let members: [JSONMember]
    /// The object's own path (`""` for the document).
    public let path: String

    /// Parses a whole document, which must be JSON.
    public static func document(_ bytes: UnsafeRawBufferPointer) throws(JSONReadError) -> JSONValue {
        do {
            return try JSONScanner.parse(bytes)
        } catch {
            throw .malformed
        }
    }

    /// Parses a whole document, which must be JSON.
    public static func document(_ bytes: [UInt8]) throws(JSONReadError) -> JSONValue {
        try bytes.withUnsafeBytes { buffer in
            Result { () throws(JSONReadError) in try document(buffer) }
        }.get()
    }

    /// An object whose keys are not checked: for documents where unknown members are ignored.
    /// - Throws: ``JSONReadError/Code/wrongType`` when `value` is not an object.
    public init(_ value: JSONValue, path: String) throws(JSONReadError) {
        guard case .object(let members) = value else { throw .wrongType(path, "an object") }
        self.members = members
        self.path = path
    }

    /// - Throws: ``JSONReadError/Code/wrongType`` when `value` is not an object,
    ///   ``JSONReadError/Code/unknownField`` naming the first unknown key (in sorted order),
    ///   ``JSONReadError/Code/duplicateField`` for a known key given twice.
    public init(_ value: JSONValue, path: String, knownKeys: [String]) throws(JSONReadError) {
        guard case .object(let members) = value else { throw .wrongType(path, "an object") }
        var unknown: String?
        for member in members where !knownKeys.contains(member.key) {
            if unknown == nil || member.key < unknown! { unknown = member.key }
        }
        if let unknown { throw .unknownField(Self.join(path, unknown)) }
        // All keys are known here, so a duplicate shows up within the first knownKeys.count + 1:
        // the pairwise check stays small however many members there are.
        let checked = min(members.count, knownKeys.count + 1)
        for later in 1..<max(checked, 1) {
            let key = members[later].key
            if members[..<later].contains(where: { $0.key == key }) { throw .duplicateField(Self.join(path, key)) }
        }
        self.members = members
        self.path = path
    }

    /// The value of `key`; `nil` when absent or `null`.
    public func member(_ key: String) -> JSONValue? {
        guard let value = members.first(where: { $0.key == key })?.value else { return nil }
        if case .null = value { return nil }
        return value
    }

    /// The string at `key`; `nil` when absent or `null`.
    /// - Throws: ``JSONReadError/Code/wrongType`` for another type.
    public func string(_ key: String) throws(JSONReadError) -> String? {
        guard let value = member(key) else { return nil }
        guard case .string(let text) = value else { throw .wrongType(Self.join(path, key), "a string") }
        return text
    }

    /// The boolean at `key`; `nil` when absent or `null`.
    /// - Throws: ``JSONReadError/Code/wrongType`` for another type.
    public func bool(_ key: String) throws(JSONReadError) -> Bool? {
        guard let value = member(key) else { return nil }
        guard case .bool(let flag) = value else { throw .wrongType(Self.join(path, key), "true or false") }
        return flag
    }

    /// The object at `key`, its keys unchecked; `nil` when absent or `null`.
    /// - Throws: ``JSONReadError/Code/wrongType`` for another type.
    public func object(_ key: String) throws(JSONReadError) -> JSONObjectReader? {
        guard let value = member(key) else { return nil }
        return try JSONObjectReader(value, path: Self.join(path, key))
    }

    /// The array at `key`; `nil` when absent or `null`.
    /// - Throws: ``JSONReadError/Code/wrongType`` for another type.
    public func array(_ key: String) throws(JSONReadError) -> [JSONValue]? {
        guard let value = member(key) else { return nil }
        guard case .array(let elements) = value else { throw .wrongType(Self.join(path, key), "an array") }
        return elements
    }

    /// The integer at `key` (a JSON number without fraction or exponent that fits `T`); `nil` when
    /// absent or `null`.
    /// - Throws: ``JSONReadError/Code/wrongType`` for anything else.
    public func integer<T: FixedWidthInteger>(_ key: String, as type: T.Type = Int.self) throws(JSONReadError) -> T? {
        guard let value = member(key) else { return nil }
        guard case .number(let text) = value, let number = T(text) else { throw .wrongType(Self.join(path, key), "an integer") }
        return number
    }

    /// The objects of the array at `key`, each with its path (`key[2]`), keys unchecked; `nil`
    /// when absent or `null`.
    /// - Throws: ``JSONReadError/Code/wrongType`` when it is not an array of objects.
    public func objects(_ key: String) throws(JSONReadError) -> [JSONObjectReader]? {
        guard let elements = try array(key) else { return nil }
        var objects: [JSONObjectReader] = []
        objects.reserveCapacity(elements.count)
        for (index, element) in elements.enumerated() {
            objects.append(try JSONObjectReader(element, path: Self.join(Self.join(path, key), index: index)))
        }
        return objects
    }

    /// `value`, or ``JSONReadError/Code/missingField`` for `key` when it is `nil`:
    /// `try object.required(object.string("id"), "id")`.
    public func required<T>(_ value: T?, _ key: String) throws(JSONReadError) -> T {
        guard let value else { throw .missingField(Self.join(path, key)) }
        return value
    }

    /// `prefix.name`, or `name` without a prefix.
    public static func join(_ prefix: String, _ name: String) -> String {
        prefix.isEmpty ? name : prefix + "." + name
    }

    /// `prefix[index]`.
    public static func join(_ prefix: String, index: Int) -> String {
        "\(prefix)[\(index)]"
    }
}
