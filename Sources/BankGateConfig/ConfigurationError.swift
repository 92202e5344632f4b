/// Why a configuration file was refused: the file, the line where known, the key path (such as
/// `accounts[1].number`) and what is wrong.
///
/// When a file has several problems, the first one (in line order) is described by this value's
/// own fields and the rest are in ``otherErrors``; ``description`` lists them all, one per line.
/// Messages never repeat token secrets or account numbers.
public struct ConfigurationError: Error, Sendable, CustomStringConvertible {
    /// The file as named to ``BankGateConfiguration/load(path:baseDirectory:)`` or `parse`.
    public var file: String
    /// 1-based line of the problem, when it has one (a missing section has none).
    public var line: Int?
    /// Path of the key at fault, such as `banks[0].url`; `nil` for syntax errors.
    public var key: String?
    /// What is wrong, in words.
    public var problem: String
    /// Further problems found in the same file, in line order; empty when there was only one.
    public var otherErrors: [ConfigurationError]

    /// An error about `key` at `line` of `file`.
    public init(file: String, line: Int?, key: String?, problem: String, otherErrors: [ConfigurationError] = []) {
        self.file = file
        self.line = line
        self.key = key
        self.problem = problem
        self.otherErrors = otherErrors
    }

    /// This problem and every other one, each as `file:line: key: problem`.
    public var allErrors: [ConfigurationError] {
        var first = self
        first.otherErrors = []
        return [first] + otherErrors
    }

    /// `bankgate.toml:14: banks[0].url: is not an http(s) URL`, then one line per other problem.
    public var description: String {
        allErrors.map(\.singleLine).joined(separator: "\n")
    }

    private var singleLine: String {
        var text = file
        if let line { text += ":\(line)" }
        text += ": "
        if let key { text += "\(key): " }
        return text + problem
    }
}

/// Collects the problems found while reading a configuration, so that all are reported at once.
final class ProblemList {
    let file: String
    private(set) var errors: [ConfigurationError] = []

    init(file: String) {
        self.file = file
    }

    var isEmpty: Bool { errors.isEmpty }

    /// Records a problem with `key` (a full key path) at `line`.
    func add(line: Int?, key: String?, _ problem: String) {
        errors.append(ConfigurationError(file: file, line: line, key: key, problem: problem))
    }

    /// All problems as one error, the earliest line first (problems without a line last);
    /// `nil` when there were none.
    func combined() -> ConfigurationError? {
        let sorted = errors.enumerated().sorted { a, b in
            let la = a.element.line ?? Int.max, lb = b.element.line ?? Int.max
            return la != lb ? la < lb : a.offset < b.offset
        }.map(\.element)
        guard var first = sorted.first else { return nil }
        first.otherErrors = Array(sorted.dropFirst())
        return first
    }
}
