public import BankGateCore

/// The JSON text CMB's cloud API signs: every object's keys in ascending byte order, at every depth,
/// and no whitespace between tokens (what the published clients produce by sorting the keys and
/// stripping spaces). Strings are written as ``JSONWriter`` writes them: UTF-8, with only `"`, `\`
/// and control characters escaped.
public enum CMBCloudJSON {
    /// `value` with the members of every object sorted by key (byte order of the UTF-8).
    public static func sorted(_ value: JSONValue) -> JSONValue {
        switch value {
        case .object(let members):
            let ordered = members.map { JSONMember(key: $0.key, value: sorted($0.value)) }
                .sorted { Array($0.key.utf8).lexicographicallyPrecedes(Array($1.key.utf8)) }
            return .object(ordered)
        case .array(let elements):
            return .array(elements.map(sorted))
        default:
            return value
        }
    }

    /// The canonical text of `value`: sorted, compact.
    public static func canonical(_ value: JSONValue) -> [UInt8] {
        var writer = JSONWriter(capacity: 1024)
        writer.value(sorted(value))
        return writer.bytes
    }

    /// An object of string-valued members, keys as given (the canonical writer sorts them).
    static func object(_ pairs: [(String, JSONValue)]) -> JSONValue {
        .object(pairs.map { JSONMember(key: $0.0, value: $0.1) })
    }

    /// `document` with `signature.sigdat` set to `sigdat` (added when absent); `nil` when the
    /// document is not an object or its `signature` is not one.
    public static func settingSignature(_ document: JSONValue, sigdat: String) -> JSONValue? {
        guard case .object(var members) = document else { return nil }
        let signature = members.firstIndex { $0.key == "signature" }
        var fields: [JSONMember] = []
        if let signature {
            guard case .object(let existing) = members[signature].value else { return nil }
            fields = existing.filter { $0.key != "sigdat" }
        }
        fields.append(JSONMember(key: "sigdat", value: .string(sigdat)))
        if let signature {
            members[signature].value = .object(fields)
        } else {
            members.append(JSONMember(key: "signature", value: .object(fields)))
        }
        return .object(members)
    }
}
