/// The two ways a code table is written: a `codes.tsv` file (`adapters/<bank>/codes.tsv`, or a
/// bank's `codes_file`) and one override of `code_overrides` (`REQSTS:NTE=processing`).
public enum CodeTableText {
    /// A line of a `codes.tsv` that cannot be read, or an override that cannot.
    public struct LineError: Error, Hashable, Sendable, CustomStringConvertible {
        /// 1-based line in the file.
        public var line: Int
        public var message: String

        public init(line: Int, message: String) {
            self.line = line
            self.message = message
        }

        /// `line 7: unknown category "paid" (one of: …)`.
        public var description: String { "line \(line): \(message)" }
    }

    /// The rows of a `codes.tsv` text: `kind <TAB> code <TAB> category <TAB> meaning`, one a line;
    /// lines starting with `#` and empty lines are skipped; lines end with `\n` or `\r\n`.
    /// A row whose kind or category `vocabulary` does not know, or a code listed twice for one
    /// kind, is refused with its line.
    public static func rows(_ text: String, vocabulary: CodeTableVocabulary) throws(LineError) -> [CodeTableRow] {
        var rows: [CodeTableRow] = []
        var firstLine: [String: Int] = [:]
        // `\r\n` is one Character in Swift: split on it as well as on `\n`.
        let lines = text.split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\r\n" }
        for (index, line) in lines.enumerated() {
            if line.isEmpty || line.hasPrefix("#") { continue }
            let number = index + 1
            let columns = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard columns.count == 4 else {
                throw LineError(line: number, message: "\(columns.count) columns, not 4 (kind, code, category, meaning, separated by tabs)")
            }
            let row = CodeTableRow(kind: columns[0], code: columns[1], category: columns[2], meaning: columns[3])
            if let problem = vocabulary.problem(with: row) { throw LineError(line: number, message: problem) }
            let key = row.kind + "\t" + row.code
            if let first = firstLine[key] {
                throw LineError(line: number, message: "\(row.kind) \(row.code) is already listed on line \(first)")
            }
            firstLine[key] = number
            rows.append(row)
        }
        return rows
    }

    /// One override, `KIND:CODE=category` (`REQSTS:NTE=processing`, `6W0600/DEAL_RESULT:7=rejected`):
    /// the kind ends at the first `:`, the category starts after the last `=`. Returns why it
    /// cannot be read when it cannot.
    public static func override(_ text: String, vocabulary: CodeTableVocabulary) -> Result<CodeTableRow, OverrideError> {
        guard let colon = text.firstIndex(of: ":"), let equals = text.lastIndex(of: "="), colon < equals else {
            return .failure(OverrideError(message: "must be KIND:CODE=category (such as \"REQSTS:NTE=processing\"), not \"\(text)\""))
        }
        let row = CodeTableRow(kind: String(text[..<colon]), code: String(text[text.index(after: colon)..<equals]),
                               category: String(text[text.index(after: equals)...]), meaning: "")
        if let problem = vocabulary.problem(with: row) { return .failure(OverrideError(message: problem)) }
        return .success(row)
    }

    /// Why an override cannot be read.
    public struct OverrideError: Error, Hashable, Sendable {
        public var message: String
    }
}
