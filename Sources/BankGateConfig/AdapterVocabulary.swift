/// What each adapter reads from the configuration beyond the common keys of `[[banks]]` and
/// `[[accounts]]` (CMB's `login_name` and `branch_code` …).
///
/// The adapter registry (BankGateAdapters) provides it, so the configuration module knows no
/// adapter by name: a new bank adds its keys in its own folder.
public struct AdapterVocabulary: Sendable {
    /// One key an adapter reads: always a string.
    public struct Key: Sendable, Hashable {
        public var name: String
        public var required: Bool
        /// A file path, resolved against the configuration file's directory when relative
        /// (CMB cloud's `bank_public_key`).
        public var isPath: Bool

        public init(_ name: String, required: Bool, isPath: Bool = false) {
            self.name = name
            self.required = required
            self.isPath = isPath
        }
    }

    /// The keys one adapter reads.
    public struct Entry: Sendable {
        /// Keys of the bank's `[[banks]]` entry.
        public var bankKeys: [Key]
        /// Keys of each `[[accounts]]` entry at that bank.
        public var accountKeys: [Key]

        public init(bankKeys: [Key] = [], accountKeys: [Key] = []) {
            self.bankKeys = bankKeys
            self.accountKeys = accountKeys
        }
    }

    /// By adapter name (`adapter = "…"`).
    public var entries: [String: Entry]

    public init(_ entries: [String: Entry]) {
        self.entries = entries
    }

    /// The adapter names, sorted.
    public var names: [String] { entries.keys.sorted() }
}
