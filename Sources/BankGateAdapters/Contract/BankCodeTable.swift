/// A bank's return and status codes, each mapped to what it means for a payment: the one lookup
/// every bank's code table (`CMBCodes`, `ICBCCodes` …) is built on. A code the table does not list
/// has no category, which callers read as unknown — never as success.
public struct BankCodeTable<Kind: RawRepresentable & Hashable & Sendable, Category: RawRepresentable & Hashable & Sendable>: Sendable
where Kind.RawValue == String, Category.RawValue == String {
    /// One row: a code of one kind (an envelope return code, a per-transfer result …) and its category.
    public struct Entry: Hashable, Sendable {
        public var kind: Kind
        public var code: String
        public var category: Category

        public init(kind: Kind, code: String, category: Category) {
            self.kind = kind
            self.code = code
            self.category = category
        }
    }

    /// The rows, in the order of the bank's `codes.tsv`.
    public let entries: [Entry]
    private let index: [Kind: [String: Category]]

    public init(_ entries: [Entry]) {
        self.entries = entries
        var index: [Kind: [String: Category]] = [:]
        for entry in entries { index[entry.kind, default: [:]][entry.code] = entry.category }
        self.index = index
    }

    /// The category of `code`, or `nil` when the table does not know it.
    public func category(_ kind: Kind, _ code: String) -> Category? {
        index[kind]?[code]
    }

    /// A problem in a `codes.tsv` text.
    public struct FormatError: Error, Hashable, Sendable, CustomStringConvertible {
        public var line: Int
        public var message: String
        public var description: String { "line \(line): \(message)" }
    }

    /// The rows of a `codes.tsv` text: `kind <TAB> code <TAB> category <TAB> meaning`, `#` comments
    /// and blank lines skipped.
    public static func rows(fromTSV text: String) throws(FormatError) -> [Entry] {
        var rows: [Entry] = []
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
        where !line.hasPrefix("#") && !line.isEmpty {
            let columns = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard columns.count == 4 else { throw FormatError(line: number + 1, message: "\(columns.count) columns, not 4") }
            guard let kind = Kind(rawValue: columns[0]) else { throw FormatError(line: number + 1, message: "unknown kind \(columns[0])") }
            guard let category = Category(rawValue: columns[2]) else {
                throw FormatError(line: number + 1, message: "unknown category \(columns[2])")
            }
            rows.append(Entry(kind: kind, code: columns[1], category: category))
        }
        return rows
    }
}
