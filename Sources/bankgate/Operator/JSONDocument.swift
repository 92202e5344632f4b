import BankGateCore

/// A loosely typed view of an API answer, for the text renderings of the account-side commands:
/// read with BankGateCore's ``JSONObjectReader`` (unknown members ignored), any value's absence or
/// wrong type giving `nil` or an empty list rather than an error.
struct JSONDocument {
    let object: JSONObjectReader

    init(_ body: [UInt8]) throws(OperatorFailure) {
        do {
            object = try JSONObjectReader(try JSONObjectReader.document(body), path: "")
        } catch {
            throw OperatorFailure(message: "the daemon's answer is not a JSON object", exitCode: OperatorFailure.apiError)
        }
    }

    init(object: JSONObjectReader) { self.object = object }

    /// A string, or a number as written (`42`, `-1.5`); `nil` for anything else.
    func string(_ key: String) -> String? {
        switch object.member(key) {
        case .string(let text)?: text
        case .number(let text)?: text
        case .bool(let flag)?: flag ? "true" : "false"
        default: nil
        }
    }

    /// The strings of the array at `key`; `nil` when there is none or an element is not a string.
    func strings(_ key: String) -> [String]? {
        guard case .array(let elements)? = object.member(key) else { return nil }
        var strings: [String] = []
        for element in elements {
            guard case .string(let text) = element else { return nil }
            strings.append(text)
        }
        return strings
    }

    /// The boolean at `key`; `nil` for anything else.
    func bool(_ key: String) -> Bool? {
        guard case .bool(let flag)? = object.member(key) else { return nil }
        return flag
    }

    /// The members of the object at `key` as `(name, text)` sorted by name, the text as ``string(_:)``
    /// gives it (or the value's JSON); empty when there is no object.
    func fields(_ key: String) -> [(name: String, text: String)] {
        guard let child = child(key) else { return [] }
        return child.object.members.map { member in
            var writer = JSONWriter(capacity: 32)
            writer.value(member.value)
            return (member.key, child.string(member.key) ?? writer.text)
        }.sorted { $0.name < $1.name }
    }

    /// The objects of the array at `key`, skipping anything else; empty when there is none.
    func list(_ key: String) -> [JSONDocument] {
        guard case .array(let elements)? = object.member(key) else { return [] }
        return elements.compactMap { element in
            (try? JSONObjectReader(element, path: "")).map(JSONDocument.init(object:))
        }
    }

    /// The object at `key`; `nil` when absent or not an object.
    func child(_ key: String) -> JSONDocument? {
        (try? object.object(key)).flatMap { $0 }.map(JSONDocument.init(object:))
    }
}
