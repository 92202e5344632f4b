/// A value taken from the configuration together with the line it was written on.
struct Located<Value> {
    var value: Value
    var line: Int
}

extension Located: Sendable where Value: Sendable {}

/// Reads the keys of one configuration table, checking types and ranges and recording every
/// problem under its full key path (such as `banks[0].max_in_flight`).
///
/// Readers never throw: a missing or malformed value is recorded in the ``ProblemList`` and the
/// reader returns `nil` (or the default), so that one pass finds every problem in the file.
struct TableReader {
    let table: TOMLTable
    /// Path of the table itself: `server`, `banks[0]`.
    let path: String
    let problems: ProblemList

    /// Checks that `table` has only `allowedKeys`; any other key is reported as unknown, with
    /// the closest allowed key suggested when it looks like a typo.
    init(_ table: TOMLTable, path: String, allowedKeys: [String], problems: ProblemList) {
        self.table = table
        self.path = path
        self.problems = problems
        for key in table.keys where !allowedKeys.contains(key) {
            let line = table[key]?.line ?? table.line
            problems.add(line: line, key: keyPath(key), "unknown key" + Suggestion.didYouMean(key, among: allowedKeys))
        }
    }

    /// `path.key`, or `key` for the root table.
    func keyPath(_ key: String) -> String {
        path.isEmpty ? key : "\(path).\(key)"
    }

    /// The values of an adapter's own keys that are present; a missing required one is reported.
    func adapterOptions(_ keys: [AdapterVocabulary.Key], baseDirectory: String? = nil) -> [String: String] {
        var options: [String: String] = [:]
        for key in keys {
            if let value = string(key.name, required: key.required) {
                if value.value.isEmpty { report(key.name, "must not be empty", line: value.line) }
                if key.isPath, let baseDirectory, !value.value.isEmpty {
                    options[key.name] = ConfigPath.resolve(value.value, against: baseDirectory)
                } else {
                    options[key.name] = value.value
                }
            }
        }
        return options
    }

    /// Whether `key` is present (whatever its type).
    func has(_ key: String) -> Bool { table[key] != nil }

    /// Records a problem with `key`, at the key's line when present, else at the table header.
    func report(_ key: String, _ problem: String, line: Int? = nil) {
        problems.add(line: line ?? table[key]?.line ?? table.line, key: keyPath(key), problem)
    }

    /// A string; `nil` (with a problem recorded when `required`) if absent or not a string.
    func string(_ key: String, required: Bool) -> Located<String>? {
        guard let value = table[key] else {
            if required { report(key, "is required") }
            return nil
        }
        guard case .string(let text) = value.kind else {
            report(key, "must be a string, not \(value.typeDescription)")
            return nil
        }
        return Located(value: text, line: value.line)
    }

    /// An integer in `range`, or `defaultValue` when absent. On a problem, records it and
    /// returns `defaultValue` (the caller's result is discarded anyway).
    func integer(_ key: String, default defaultValue: Int, range: ClosedRange<Int>) -> Int {
        optionalInteger(key, range: range) ?? defaultValue
    }

    /// An integer in `range`, or `nil` when absent or malformed.
    func optionalInteger(_ key: String, range: ClosedRange<Int>) -> Int? {
        guard let value = table[key] else { return nil }
        guard case .integer(let number) = value.kind else {
            report(key, "must be an integer, not \(value.typeDescription)")
            return nil
        }
        guard range.contains(number) else {
            report(key, "must be between \(range.lowerBound) and \(range.upperBound), not \(number)")
            return nil
        }
        return number
    }

    /// A boolean, or `defaultValue` when absent or malformed.
    func bool(_ key: String, default defaultValue: Bool) -> Bool {
        guard let value = table[key] else { return defaultValue }
        guard case .boolean(let flag) = value.kind else {
            report(key, "must be true or false, not \(value.typeDescription)")
            return defaultValue
        }
        return flag
    }

    /// An array of strings; `nil` (with a problem recorded when `required`) if absent or malformed.
    func stringArray(_ key: String, required: Bool) -> [Located<String>]? {
        guard let value = table[key] else {
            if required { report(key, "is required") }
            return nil
        }
        guard case .array(let elements) = value.kind else {
            report(key, "must be an array of strings, not \(value.typeDescription)")
            return nil
        }
        var strings: [Located<String>] = []
        for (index, element) in elements.enumerated() {
            guard case .string(let text) = element.kind else {
                problems.add(line: element.line, key: "\(keyPath(key))[\(index)]", "must be a string, not \(element.typeDescription)")
                return nil
            }
            strings.append(Located(value: text, line: element.line))
        }
        return strings
    }
}

/// "Did you mean …?" hints for misspelt keys.
enum Suggestion {
    /// ` (did you mean max_in_flight?)` when a candidate is within two edits of `word`, else "".
    static func didYouMean(_ word: String, among candidates: [String]) -> String {
        let scored = candidates.map { ($0, distance(word, $0)) }.filter { $0.1 <= 2 }
        guard let best = scored.min(by: { $0.1 < $1.1 }) else { return "" }
        return " (did you mean \(best.0)?)"
    }

    /// Levenshtein distance between two strings, by Unicode scalars.
    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a.unicodeScalars), b = Array(b.unicodeScalars)
        if a.isEmpty || b.isEmpty { return max(a.count, b.count) }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }
}
