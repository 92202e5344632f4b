/// One row of a bank's code table as text: a row of a `codes.tsv` or an override of the
/// configuration, before the adapter turns its kind and category into its own types.
public struct CodeTableRow: Hashable, Sendable {
    /// The kind of code (`REQSTS`, `RetCode` …): which field of the bank's answer it is read from.
    public var kind: String
    /// The code as the bank writes it.
    public var code: String
    /// What bankgate makes of it (`processing`, `retry_later` …).
    public var category: String
    /// What the code means, for operators.
    public var meaning: String

    public init(kind: String, code: String, category: String, meaning: String) {
        self.kind = kind
        self.code = code
        self.category = category
        self.meaning = meaning
    }
}

/// One code of `code_overrides`, with where it was written (`bankgate.toml:14`).
public struct CodeOverride: Hashable, Sendable {
    public var row: CodeTableRow
    /// `file:line` of the override, shown with the code by `bankgate messages codes`.
    public var source: String

    public init(row: CodeTableRow, source: String) {
        self.row = row
        self.source = source
    }
}

/// The code table a `[[banks]]` entry asks for: the adapter's built-in table or `codes_file`,
/// with `code_overrides` merged over it.
public struct CodeTableConfig: Hashable, Sendable {
    /// `codes_file`, absolute; `nil` keeps the built-in table.
    public var file: String?
    /// The rows of ``file``, read when the configuration is loaded (empty without a file).
    public var fileRows: [CodeTableRow]
    /// `code_overrides`, in the order written; each replaces the code of its kind in the base
    /// table, or adds it.
    public var overrides: [CodeOverride]

    public init(file: String? = nil, fileRows: [CodeTableRow] = [], overrides: [CodeOverride] = []) {
        self.file = file
        self.fileRows = fileRows
        self.overrides = overrides
    }

    /// Neither a file nor an override: the adapter's built-in table as it is.
    public var isBuiltIn: Bool { file == nil && overrides.isEmpty }

    /// Where the table comes from, for the start-up log.
    public var origin: CodeTableOrigin { CodeTableOrigin(file: file, overrides: overrides.count) }
}

/// Where a bank's effective code table comes from: built in or a file, and how many codes the
/// configuration overrides.
public struct CodeTableOrigin: Hashable, Sendable, CustomStringConvertible {
    /// `codes_file`; `nil` for the built-in table.
    public var file: String?
    /// The number of `code_overrides`.
    public var overrides: Int

    public init(file: String? = nil, overrides: Int = 0) {
        self.file = file
        self.overrides = overrides
    }

    /// The built-in table, nothing overridden.
    public static let builtIn = CodeTableOrigin()

    /// `built-in`, `file /etc/bankgate/cmb-codes.tsv`, `built-in + 2 overrides`.
    public var description: String {
        let base = file.map { "file \($0)" } ?? "built-in"
        switch overrides {
        case 0: return base
        case 1: return base + " + 1 override"
        default: return base + " + \(overrides) overrides"
        }
    }
}

/// The kinds and categories one adapter's code table knows, so that the configuration can check
/// a `codes_file` and `code_overrides` without knowing the adapter.
public struct CodeTableVocabulary: Hashable, Sendable {
    /// The kinds of code, as written in the first column (`RETCOD`, `REQSTS` …).
    public var kinds: [String]
    /// The categories the adapter reads (`accepted`, `final` …).
    public var categories: [String]

    public init(kinds: [String], categories: [String]) {
        self.kinds = kinds
        self.categories = categories
    }

    /// Why `row` does not fit this table, or `nil` when it does.
    public func problem(with row: CodeTableRow) -> String? {
        if !kinds.contains(row.kind) {
            return "unknown kind \"\(row.kind)\" (one of: \(kinds.joined(separator: ", ")))"
        }
        if row.code.isEmpty { return "empty code" }
        if !categories.contains(row.category) {
            return "unknown category \"\(row.category)\" (one of: \(categories.joined(separator: ", ")))"
        }
        return nil
    }
}
