public import BankGateCore
import BankGateConfig

/// The body of `POST /v1/schedules` — a JSON object with the keys of a `[[schedules]]` entry
/// (strings, arrays of strings, `grace_minutes` a whole number) — written as that entry's TOML
/// lines, the form a plan made through the API is checked and kept in.
public enum ScheduleDefinition {
    /// - Throws: `malformed_json`, `unknown_field`, `invalid_type` naming the key at fault.
    public static func toml(json bytes: UnsafeRawBufferPointer) throws(GatewayError) -> String {
        let object = try IntakeJSONObject(try IntakeJSONObject.document(bytes), path: "", knownKeys: ScheduleConfig.keys)
        var lines: [String] = []
        for key in ScheduleConfig.keys {
            guard let value = object.member(key) else { continue }
            switch value {
            case .string where key == "grace_minutes":
                throw IntakeJSONObject.wrongType(key, "a whole number of minutes")
            case .string(let text):
                lines.append("\(key) = \(quoted(text))")
            case .array(let elements):
                var items: [String] = []
                for (index, element) in elements.enumerated() {
                    guard case .string(let text) = element else { throw IntakeJSONObject.wrongType("\(key)[\(index)]", "a string") }
                    items.append(quoted(text))
                }
                lines.append("\(key) = [\(items.joined(separator: ", "))]")
            case .number(let digits) where key == "grace_minutes" && !digits.isEmpty && digits.allSatisfy(\.isNumber) && digits.count <= 6:
                lines.append("\(key) = \(digits)")
            default:
                throw IntakeJSONObject.wrongType(key, key == "grace_minutes" ? "a whole number of minutes" : "a string or an array of strings")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// A TOML basic string: quotes, backslashes and control characters escaped.
    static func quoted(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\t": result += "\\t"
            case "\r": result += "\\r"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    result += "\\u" + String(repeating: "0", count: 4 - String(scalar.value, radix: 16).count) + String(scalar.value, radix: 16)
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result + "\""
    }
}
