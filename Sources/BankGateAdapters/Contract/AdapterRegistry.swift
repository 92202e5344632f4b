public import BankGateConfig
public import BankGateCore

/// An adapter that can be built from the configuration: its name, the keys it reads, and how.
public protocol ConfiguredAdapter: BankAdapter {
    /// The name written as `adapter = "…"`.
    static var adapterName: String { get }
    /// The keys of `[[banks]]` and `[[accounts]]` it reads beyond the common ones.
    static var configurationKeys: AdapterVocabulary.Entry { get }
    /// Builds the adapter for `bank`, whose accounts are `accounts`; secrets named by the
    /// configuration (`password_env`) are read from `environment`.
    static func make(bank: BankConfig, accounts: [AccountConfig], environment: [String: String]) throws(AdapterSetupError) -> Self
}

/// A configured bank whose adapter cannot be built.
public struct AdapterSetupError: Error, Hashable, Sendable, CustomStringConvertible {
    public var problem: String

    public init(_ problem: String) {
        self.problem = problem
    }

    public var description: String { problem }
}

/// Every adapter bankgate knows. Adding a bank touches its own folder and one line here.
public enum AdapterRegistry {
    static let adapters: [any ConfiguredAdapter.Type] = [
        ISO20022Adapter.self,
        CMBAdapter.self,
        CMBCloudAdapter.self,
        ICBCAdapter.self,
        CCBAdapter.self,
        BOCAdapter.self,
        ABCAdapter.self,
    ]

    /// The configuration keys of every adapter, and the kinds and categories of its code table,
    /// for reading the configuration file.
    public static let vocabulary = AdapterVocabulary(
        Dictionary(adapters.map { type in
            var entry = type.configurationKeys
            entry.codeTable = (type as? any CodeTableAdapter.Type)?.codeVocabulary
            return (type.adapterName, entry)
        }, uniquingKeysWith: { first, _ in first }))

    /// Builds the adapter `bank.adapter` names, reading codes with the table `bank.codeTable` asks for.
    public static func make(bank: BankConfig, accounts: [AccountConfig],
                            environment: [String: String] = [:]) throws(AdapterSetupError) -> any BankAdapter {
        let type = try adapterType(bank)
        let adapter = try type.make(bank: bank, accounts: accounts, environment: environment)
        guard let tabled = adapter as? any CodeTableAdapter else {
            guard bank.codeTable.isBuiltIn else { throw noCodeTable(bank) }
            return adapter
        }
        return try tabled.configuringCodes(bank.codeTable)
    }

    /// The code table `bank`'s adapter reads codes with, and where it comes from, without
    /// building the adapter (no secrets needed): what `bankgate messages codes` prints.
    public static func codeTable(bank: BankConfig) throws(AdapterSetupError) -> (rows: [CodeTableRow], origin: CodeTableOrigin) {
        guard let tabled = try adapterType(bank) as? any CodeTableAdapter.Type else { throw noCodeTable(bank) }
        return (try tabled.effectiveCodeRows(bank.codeTable), bank.codeTable.origin)
    }

    /// Where the code table of a built adapter comes from; `nil` for an adapter without one.
    public static func codeTableOrigin(of adapter: any BankAdapter) -> CodeTableOrigin? {
        (adapter as? any CodeTableAdapter)?.codeTableOrigin
    }

    private static func adapterType(_ bank: BankConfig) throws(AdapterSetupError) -> any ConfiguredAdapter.Type {
        guard let type = adapters.first(where: { $0.adapterName == bank.adapter }) else {
            throw AdapterSetupError("unknown adapter \(bank.adapter) (known: \(vocabulary.names.joined(separator: ", ")))")
        }
        return type
    }

    private static func noCodeTable(_ bank: BankConfig) -> AdapterSetupError {
        AdapterSetupError("adapter \(bank.adapter) has no code table to replace or override (its status codes are fixed)")
    }

    /// The secret in the environment variable that `bank`'s `key` names (`password_env`).
    public static func secret(_ key: String, of bank: BankConfig, in environment: [String: String]) throws(AdapterSetupError) -> String {
        guard let variable = bank.adapterOptions[key] else { throw AdapterSetupError("\(key) is required") }
        guard let value = environment[variable], !value.isEmpty else {
            throw AdapterSetupError("\(key) names \(variable), which is not set in the environment")
        }
        return value
    }
}

extension BankGateConfiguration {
    /// Reads and checks the file at `path` with the keys of every adapter bankgate knows.
    public static func load(path: String, baseDirectory: String? = nil) throws(ConfigurationError) -> BankGateConfiguration {
        try load(path: path, baseDirectory: baseDirectory, adapters: AdapterRegistry.vocabulary)
    }

    /// Checks `text` with the keys of every adapter bankgate knows.
    public static func parse(_ text: String, fileName: String, baseDirectory: String) throws(ConfigurationError) -> BankGateConfiguration {
        try parse(text, fileName: fileName, baseDirectory: baseDirectory, adapters: AdapterRegistry.vocabulary)
    }
}
