public import BankGateConfig

/// An adapter that reads the bank's codes through a ``BankCodeTable`` it carries, so that the
/// configuration (`codes_file`, `code_overrides`) can replace or amend the built-in table.
public protocol CodeTableAdapter: ConfiguredAdapter {
    /// The kinds of code the bank's answers carry.
    associatedtype CodeKind: BankCodeKind
    /// The table compiled in: the rows of `adapters/<bank>/codes.tsv`.
    static var builtInCodes: BankCodeTable<CodeKind> { get }
    /// The table this adapter reads codes with; ``builtInCodes`` unless configured otherwise.
    var codes: BankCodeTable<CodeKind> { get set }
}

extension CodeTableAdapter {
    /// The kinds and categories of the built-in table, against which the configuration is checked.
    public static var codeVocabulary: CodeTableVocabulary { builtInCodes.vocabulary }

    /// The built-in table amended by `configuration`.
    public static func effectiveCodes(_ configuration: CodeTableConfig) throws(AdapterSetupError) -> BankCodeTable<CodeKind> {
        try builtInCodes.configured(by: configuration)
    }

    /// The effective table of a bank configured with `configuration`, as text rows.
    public static func effectiveCodeRows(_ configuration: CodeTableConfig) throws(AdapterSetupError) -> [CodeTableRow] {
        try effectiveCodes(configuration).rows
    }

    /// This adapter reading codes with the built-in table amended by `configuration`.
    public func configuringCodes(_ configuration: CodeTableConfig) throws(AdapterSetupError) -> Self {
        var adapter = self
        adapter.codes = try Self.effectiveCodes(configuration)
        return adapter
    }

    /// Where the table this adapter reads codes with comes from.
    public var codeTableOrigin: CodeTableOrigin { codes.origin }
}
