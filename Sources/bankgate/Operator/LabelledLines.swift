/// `Label: value` lines with the values aligned in one column; a `nil` value leaves its line out.
func labelledLines(_ fields: [(String, String?)]) -> String {
    let width = fields.filter { $0.1 != nil }.map(\.0.count).max() ?? 0
    return fields.compactMap { label, value in
        value.map { label + ":" + String(repeating: " ", count: width - label.count + 1) + $0 }
    }.joined(separator: "\n")
}
