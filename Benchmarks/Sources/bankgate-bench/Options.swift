/// `--name value` command-line options, parsed by hand (the bench has no argument-parser dependency).
struct Options {
    /// A usage problem, printed before exiting with status 2.
    struct UsageError: Error, CustomStringConvertible {
        var description: String
    }

    private var values: [String: String] = [:]

    init(_ arguments: ArraySlice<String>) throws(UsageError) {
        var rest = arguments
        while let name = rest.popFirst() {
            guard name.hasPrefix("--"), let value = rest.popFirst() else {
                throw UsageError(description: "expected --name value pairs, got \(name)")
            }
            values[String(name.dropFirst(2))] = value
        }
    }

    func string(_ name: String) throws(UsageError) -> String {
        guard let value = values[name] else { throw UsageError(description: "--\(name) is required") }
        return value
    }

    func string(_ name: String, default value: String) -> String { values[name] ?? value }

    func int(_ name: String, default value: Int) throws(UsageError) -> Int {
        guard let text = values[name] else { return value }
        guard let number = Int(text), number > 0 else { throw UsageError(description: "--\(name) must be a positive integer") }
        return number
    }
}
