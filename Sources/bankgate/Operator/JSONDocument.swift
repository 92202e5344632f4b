import Foundation

/// A loosely typed view of an API answer, for the text renderings of the account-side commands.
struct JSONDocument {
    let object: [String: Any]

    init(_ body: [UInt8]) throws(OperatorFailure) {
        guard let object = (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] else {
            throw OperatorFailure(message: "the daemon's answer is not a JSON object", exitCode: OperatorFailure.apiError)
        }
        self.object = object
    }

    init(object: [String: Any]) { self.object = object }

    func string(_ key: String) -> String? {
        switch object[key] {
        case let text as String: text
        case let number as NSNumber: number.stringValue
        default: nil
        }
    }

    func list(_ key: String) -> [JSONDocument] {
        ((object[key] as? [Any]) ?? []).compactMap { ($0 as? [String: Any]).map(JSONDocument.init(object:)) }
    }

    func child(_ key: String) -> JSONDocument? {
        (object[key] as? [String: Any]).map(JSONDocument.init(object:))
    }
}
