public import BankGateConfig

/// The kinds of code one bank's answers carry (CMB `RETCOD`, `REQSTS` …): the first column of its
/// `codes.tsv`.
public protocol BankCodeKind: RawRepresentable, Hashable, Sendable, CaseIterable where RawValue == String {}

/// A bank's return and status codes, each mapped to what it means (``BankCodeCategory``): the one
/// lookup every bank's codec reads codes with. Each adapter carries its own table — the built-in
/// one (`CMBCodes.builtIn` …, the rows of `adapters/<bank>/codes.tsv`) unless the configuration
/// gives a `codes_file` or `code_overrides`. A code the table does not list has no category,
/// which callers read as unknown — never as success.
public struct BankCodeTable<Kind: BankCodeKind>: Sendable {
    /// One row: a code of one kind (an envelope return code, a per-transfer result …), its
    /// category and what it means.
    public struct Entry: Hashable, Sendable {
        public var kind: Kind
        public var code: String
        public var category: BankCodeCategory
        /// What the code means, for operators (the fourth column of `codes.tsv`).
        public var meaning: String

        public init(kind: Kind, code: String, category: BankCodeCategory, meaning: String = "") {
            self.kind = kind
            self.code = code
            self.category = category
            self.meaning = meaning
        }
    }

    /// The rows, in the order of the bank's `codes.tsv` (overrides of new codes at the end).
    public let entries: [Entry]
    /// The categories the bank's codec reads; a row with another one is refused when configured.
    public let categories: [BankCodeCategory]
    /// Built in or a file, and how many codes the configuration overrides.
    public let origin: CodeTableOrigin
    private let index: [Kind: [String: BankCodeCategory]]

    /// A table of `entries` for a codec that reads `categories`. A code listed twice for one kind
    /// takes its last row.
    public init(_ entries: [Entry], categories: [BankCodeCategory], origin: CodeTableOrigin = .builtIn) {
        self.entries = entries
        self.categories = categories
        self.origin = origin
        var index: [Kind: [String: BankCodeCategory]] = [:]
        for entry in entries { index[entry.kind, default: [:]][entry.code] = entry.category }
        self.index = index
    }

    /// The category of `code`, or `nil` when the table does not know it (callers treat that as unknown).
    public func category(_ kind: Kind, _ code: String) -> BankCodeCategory? {
        index[kind]?[code]
    }

    /// The kinds and categories of this table, for checking a configuration.
    public var vocabulary: CodeTableVocabulary {
        CodeTableVocabulary(kinds: Kind.allCases.map(\.rawValue), categories: categories.map(\.rawValue))
    }

    /// The rows as text, in order: what `bankgate messages codes` prints.
    public var rows: [CodeTableRow] {
        entries.map { CodeTableRow(kind: $0.kind.rawValue, code: $0.code, category: $0.category.rawValue, meaning: $0.meaning) }
    }

    /// A problem in a `codes.tsv` text: its line and what is wrong.
    public typealias FormatError = CodeTableText.LineError

    /// The rows of a `codes.tsv` text (`kind <TAB> code <TAB> category <TAB> meaning`, `#` comments
    /// and blank lines skipped), any category allowed.
    public static func rows(fromTSV text: String) throws(FormatError) -> [Entry] {
        let vocabulary = CodeTableVocabulary(kinds: Kind.allCases.map(\.rawValue),
                                             categories: BankCodeCategory.allCases.map(\.rawValue))
        var entries: [Entry] = []
        for row in try CodeTableText.rows(text, vocabulary: vocabulary) {
            // The vocabulary has just checked both names.
            guard let kind = Kind(rawValue: row.kind), let category = BankCodeCategory(rawValue: row.category) else { continue }
            entries.append(Entry(kind: kind, code: row.code, category: category, meaning: row.meaning))
        }
        return entries
    }

    /// This table as `configuration` amends it: the rows of its file instead of this table's when
    /// it names one, then each override replacing the row of its kind and code (its meaning
    /// noting the override) or added at the end.
    /// - Throws: ``AdapterSetupError`` for a row whose kind or category this table does not read
    ///   (the configuration checks them when it is loaded; this guards a hand-built one).
    public func configured(by configuration: CodeTableConfig) throws(AdapterSetupError) -> BankCodeTable {
        guard !configuration.isBuiltIn else { return self }
        var entries = self.entries
        if let file = configuration.file {
            entries = []
            for row in configuration.fileRows { entries.append(try entry(row, source: file)) }
        }
        for override in configuration.overrides {
            var entry = try entry(override.row, source: override.source)
            if let position = entries.firstIndex(where: { $0.kind == entry.kind && $0.code == entry.code }) {
                let replaced = entries[position]
                entry.meaning = replaced.meaning + " [\(replaced.category.rawValue) overridden in \(override.source)]"
                entries[position] = entry
            } else {
                entry.meaning = "[added in \(override.source)]"
                entries.append(entry)
            }
        }
        return BankCodeTable(entries, categories: categories, origin: configuration.origin)
    }

    private func entry(_ row: CodeTableRow, source: String) throws(AdapterSetupError) -> Entry {
        if let problem = vocabulary.problem(with: row) { throw AdapterSetupError("\(source): \(problem)") }
        guard let kind = Kind(rawValue: row.kind), let category = BankCodeCategory(rawValue: row.category) else {
            throw AdapterSetupError("\(source): \(row.kind) \(row.code) \(row.category) is not a row of this table")
        }
        return Entry(kind: kind, code: row.code, category: category, meaning: row.meaning)
    }
}
