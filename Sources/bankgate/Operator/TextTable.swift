/// A plain text table for terminals: a header row and left-aligned columns two spaces apart.
struct TextTable {
    var headers: [String]
    var rows: [[String]] = []

    init(_ headers: String...) {
        self.headers = headers
    }

    mutating func add(_ cells: String...) {
        rows.append(cells)
    }

    /// The table as lines; wide (East Asian) characters count as two columns.
    func render() -> String {
        var widths = headers.map(Self.width)
        for row in rows {
            for (index, cell) in row.enumerated() where index < widths.count {
                widths[index] = max(widths[index], Self.width(cell))
            }
        }
        func line(_ cells: [String]) -> String {
            var text = ""
            for (index, cell) in cells.enumerated() {
                let isLast = index == cells.count - 1
                text += cell
                if !isLast { text += String(repeating: " ", count: widths[index] - Self.width(cell) + 2) }
            }
            return text
        }
        return ([line(headers)] + rows.map(line)).joined(separator: "\n")
    }

    /// Display width of `text` in terminal columns.
    static func width(_ text: String) -> Int {
        text.unicodeScalars.reduce(0) { sum, scalar in
            let v = scalar.value
            let wide = (0x1100...0x115F).contains(v) || (0x2E80...0xA4CF).contains(v) || (0xAC00...0xD7A3).contains(v)
                || (0xF900...0xFAFF).contains(v) || (0xFE30...0xFE4F).contains(v) || (0xFF00...0xFF60).contains(v)
                || (0xFFE0...0xFFE6).contains(v) || (0x20000...0x3FFFD).contains(v)
            let zeroWidth = (0x0300...0x036F).contains(v) || v == 0x200B
            return sum + (zeroWidth ? 0 : wide ? 2 : 1)
        }
    }
}

/// `-` for an absent value in tables.
func orDash(_ value: String?) -> String {
    guard let value, !value.isEmpty else { return "-" }
    return value
}

/// A duration in seconds as `3h 05m`, `12m 30s` or `45s`.
func ageText(seconds: Int64) -> String {
    if seconds >= 3600 { return "\(seconds / 3600)h \(pad2(seconds % 3600 / 60))m" }
    if seconds >= 60 { return "\(seconds / 60)m \(pad2(seconds % 60))s" }
    return "\(seconds)s"
}

private func pad2(_ value: Int64) -> String {
    value < 10 ? "0\(value)" : "\(value)"
}
