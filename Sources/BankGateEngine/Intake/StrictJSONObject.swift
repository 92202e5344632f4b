/// A JSON object key of any name, so that the keys a client sent can be listed and checked.
struct JSONKey: CodingKey {
    var stringValue: String
    var intValue: Int?

    init(_ name: String) {
        self.stringValue = name
        self.intValue = nil
    }

    init?(stringValue: String) {
        self.init(stringValue)
    }

    init?(intValue: Int) {
        self.stringValue = String(intValue)
        self.intValue = intValue
    }
}

/// A JSON object decoded strictly: any key outside `knownKeys` is refused with `unknown_field`
/// naming it; values are read as optional so the validator reports what is missing.
struct StrictJSONObject {
    let container: KeyedDecodingContainer<JSONKey>

    init(_ decoder: any Decoder, knownKeys: [String]) throws {
        container = try decoder.container(keyedBy: JSONKey.self)
        // Report the first unknown key in a stable order when there are several.
        let unknown = container.allKeys.map(\.stringValue).filter { !knownKeys.contains($0) }
        if let first = unknown.min() {
            let path = IntakeFieldPath.render(decoder.codingPath + [JSONKey(first)])
            throw GatewayError(.badRequest, code: .unknownField, message: "\(path) is not a known field", field: path)
        }
    }

    /// The string at `key`, `nil` when absent or `null`; another JSON type throws `typeMismatch`.
    func string(_ key: String) throws -> String? {
        try container.decodeIfPresent(String.self, forKey: JSONKey(key))
    }

    /// The boolean at `key`, `nil` when absent or `null`; another JSON type throws `typeMismatch`.
    func bool(_ key: String) throws -> Bool? {
        try container.decodeIfPresent(Bool.self, forKey: JSONKey(key))
    }

    /// The value at `key`, `nil` when absent or `null`.
    func value<T: Decodable>(_ type: T.Type, _ key: String) throws -> T? {
        try container.decodeIfPresent(type, forKey: JSONKey(key))
    }
}

/// Field paths as the API reports them: `creditor.account`, `payments[3].amount`.
public enum IntakeFieldPath {
    /// Renders a decoding path: names joined by dots, array indexes in brackets.
    public static func render(_ codingPath: [any CodingKey]) -> String {
        var path = ""
        for key in codingPath {
            if let index = key.intValue {
                path += "[\(index)]"
            } else {
                if !path.isEmpty { path += "." }
                path += key.stringValue
            }
        }
        return path
    }

    /// `prefix.name`, or `name` without a prefix.
    static func join(_ prefix: String, _ name: String) -> String {
        prefix.isEmpty ? name : prefix + "." + name
    }
}

extension GatewayError {
    /// The 400 answer for a request body the JSON decoder refused: `malformed_json` when it is not
    /// JSON at all, `invalid_type` naming the field when a value has the wrong JSON type.
    public static func badRequest(decoding error: DecodingError) -> GatewayError {
        switch error {
        case .typeMismatch(let type, let context), .valueNotFound(let type, let context):
            let path = IntakeFieldPath.render(context.codingPath)
            let expected = if type == String.self {
                "a string"
            } else if type == Bool.self {
                "true or false"
            } else if ObjectIdentifier(type) != ObjectIdentifier([String: Any].self), type is any Collection.Type {
                "an array"
            } else {
                "an object"
            }
            if path.isEmpty {
                return GatewayError(.badRequest, code: .invalidType, message: "the body must be \(expected)")
            }
            return GatewayError(.badRequest, code: .invalidType, message: "\(path) must be \(expected)", field: path)
        case .keyNotFound(let key, let context):
            let path = IntakeFieldPath.render(context.codingPath + [key])
            return GatewayError(.badRequest, code: .missingField, message: "\(path) is required", field: path)
        case .dataCorrupted:
            return GatewayError(.badRequest, code: .malformedJson, message: "the body is not valid JSON")
        @unknown default:
            return GatewayError(.badRequest, code: .malformedJson, message: "the body could not be decoded")
        }
    }
}
