/// Reading a `[[banks]]` entry's `codes_file` and `code_overrides`.
extension BankConfig {
    /// The keys that replace or amend the adapter's code table.
    static let codeTableKeys = ["codes_file", "code_overrides"]

    /// `codes_file` (read now, relative to the configuration file's folder) and `code_overrides`,
    /// each row checked against the kinds and categories of the adapter's table. A bad line of the
    /// file is reported as `path:line: reason` under `codes_file`; a bad override under its own
    /// line. Nothing is reported for an unknown adapter (that is reported already).
    static func decodeCodeTable(_ reader: TableReader, adapter: Located<String>?, entry: AdapterVocabulary.Entry?,
                                baseDirectory: String) -> CodeTableConfig {
        let fileKey = reader.string("codes_file", required: false)
        let overrideValues = reader.stringArray("code_overrides", required: false)
        guard fileKey != nil || overrideValues != nil, let adapter, let entry else { return CodeTableConfig() }
        guard let vocabulary = entry.codeTable else {
            for key in codeTableKeys where reader.has(key) {
                reader.report(key, "adapter \"\(adapter.value)\" has no code table to replace or override")
            }
            return CodeTableConfig()
        }
        var table = CodeTableConfig()
        if let fileKey {
            let path = ConfigPath.resolve(fileKey.value, against: baseDirectory)
            table.file = path
            switch ConfigFile.read(path) {
            case .success(let text):
                do {
                    table.fileRows = try CodeTableText.rows(text, vocabulary: vocabulary)
                } catch {
                    reader.report("codes_file", "\(path):\(error.line): \(error.message)", line: fileKey.line)
                }
            case .failure(let failure):
                reader.report("codes_file", "\(path): \(failure.message)", line: fileKey.line)
            }
        }
        var firstLine: [String: Int] = [:]
        for (index, value) in (overrideValues ?? []).enumerated() {
            let key = reader.keyPath("code_overrides") + "[\(index)]"
            switch CodeTableText.override(value.value, vocabulary: vocabulary) {
            case .success(let row):
                let code = row.kind + ":" + row.code
                if let first = firstLine[code] {
                    reader.problems.add(line: value.line, key: key, "\(code) is already overridden on line \(first)")
                    continue
                }
                firstLine[code] = value.line
                table.overrides.append(CodeOverride(row: row, source: "\(reader.problems.file):\(value.line)"))
            case .failure(let failure):
                reader.problems.add(line: value.line, key: key, failure.message)
            }
        }
        return table
    }
}
