/// One field of a CSV file (RFC 4180) that finance opens in a spreadsheet: quoted when it holds a
/// comma, a quote or a line end (quotes doubled), and — unless it is an amount — a text starting
/// with `=`, `+`, `-`, `@`, a tab or a carriage return prefixed with `'`, so that a counterparty's
/// name cannot become a formula (CSV injection).
public enum CSVField {
    public static func escape(_ field: String, neutralizingFormulas: Bool = true) -> String {
        var value = field
        if neutralizingFormulas, let first = value.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first) {
            value = "'" + value
        }
        guard value.contains(where: { $0 == "," || $0 == "\"" || $0.isNewline }) else { return value }
        var quoted = "\""
        for character in value {
            if character == "\"" { quoted.append("\"") }
            quoted.append(character)
        }
        return quoted + "\""
    }
}
