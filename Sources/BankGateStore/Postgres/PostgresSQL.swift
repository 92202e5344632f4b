import Foundation

/// Turns the store's SQL, written for SQLite, into PostgreSQL's.
///
/// The store writes portable SQL where the two agree. What differs is handled here, once per
/// statement text (the session caches the result):
/// - placeholders: `?` and `?N` (a bare `?` takes the number after the largest so far, as in
///   SQLite) become `$1`, `$2`… in order of first use; a placeholder tested with `IS NULL` / `IS NOT
///   NULL` becomes `TRUE` or `FALSE` for the argument at hand, so that PostgreSQL never has to guess
///   the type of a parameter seen only in such a test (every argument is sent untyped, as text, and
///   typed by the context it is used in);
/// - SQLite's two-argument scalar `MAX(a, b)` / `MIN(a, b)` become `GREATEST` / `LEAST`;
/// - `json_each(x)` (`SELECT value FROM json_each(?)`) becomes `json_array_elements_text(x)`, whose
///   column is also named `value`.
/// - SQLite's index hints (`INDEXED BY name`) go;
/// - SQLite's null-safe `x IS ?` / `x IS NOT ?` become `x IS NOT DISTINCT FROM $n` / `x IS DISTINCT FROM $n`.
/// Text inside single-quoted literals and double-quoted identifiers is never changed.
enum PostgresSQL {
    /// A statement in PostgreSQL's spelling, with its placeholders still to be numbered: see
    /// ``StatementTemplate/render(nulls:)``.
    static func template(_ sql: String) -> StatementTemplate {
        let characters = Array(sql.utf8)
        var parts: [StatementTemplate.Part] = []
        var text: [UInt8] = []
        var index = 0
        var highest = 0
        var quote: UInt8? = nil
        func flush() {
            if !text.isEmpty { parts.append(.text(String(decoding: text, as: UTF8.self))) }
            text.removeAll(keepingCapacity: true)
        }
        while index < characters.count {
            let byte = characters[index]
            if let open = quote {
                text.append(byte)
                if byte == open { quote = nil }
                index += 1
                continue
            }
            switch byte {
            case UInt8(ascii: "'"), UInt8(ascii: "\""):
                quote = byte
                text.append(byte)
                index += 1
            case UInt8(ascii: "?"):
                var end = index + 1
                var number = 0
                while end < characters.count, characters[end] >= UInt8(ascii: "0"), characters[end] <= UInt8(ascii: "9") {
                    number = number * 10 + Int(characters[end] - UInt8(ascii: "0"))
                    end += 1
                }
                if end == index + 1 { number = highest + 1 }
                highest = max(highest, number)
                nullSafeComparison(before: &text)
                flush()
                if matches(" IS NULL", at: end, in: characters) {
                    parts.append(.nullTest(number, isNull: true))
                    end += " IS NULL".utf8.count
                } else if matches(" IS NOT NULL", at: end, in: characters) {
                    parts.append(.nullTest(number, isNull: false))
                    end += " IS NOT NULL".utf8.count
                } else {
                    parts.append(.parameter(number))
                }
                index = end
            default:
                if let (word, replacement) = scalarFunction(at: index, in: characters) {
                    text.append(contentsOf: Array(replacement.utf8))
                    index += word.utf8.count
                } else {
                    text.append(byte)
                    index += 1
                }
            }
        }
        flush()
        return StatementTemplate(parts: parts, parameterCount: highest)
    }

    /// SQLite's null-safe comparison with a placeholder, `x IS ?` / `x IS NOT ?`, in the standard
    /// spelling PostgreSQL accepts (`IS NOT DISTINCT FROM` / `IS DISTINCT FROM`), `text` being the
    /// statement just before the placeholder.
    private static func nullSafeComparison(before text: inout [UInt8]) {
        for (spelling, standard) in [(" IS NOT ", " IS DISTINCT FROM "), (" IS ", " IS NOT DISTINCT FROM ")]
        where text.count >= spelling.utf8.count && Array(text.suffix(spelling.utf8.count)) == Array(spelling.utf8) {
            text.removeLast(spelling.utf8.count)
            text.append(contentsOf: Array(standard.utf8))
            return
        }
    }

    /// The statements of a script (`;`-separated, outside quotes), trimmed, empty ones left out.
    static func statements(_ script: String) -> [String] {
        var statements: [String] = []
        var current: [UInt8] = []
        var quote: UInt8? = nil
        func finish() {
            let text = String(decoding: current, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            if !text.isEmpty { statements.append(text) }
            current.removeAll(keepingCapacity: true)
        }
        for byte in script.utf8 {
            if let open = quote {
                current.append(byte)
                if byte == open { quote = nil }
            } else if byte == UInt8(ascii: ";") {
                finish()
            } else {
                if byte == UInt8(ascii: "'") || byte == UInt8(ascii: "\"") { quote = byte }
                current.append(byte)
            }
        }
        finish()
        return statements
    }

    /// A function name at `index` that PostgreSQL spells differently, with its replacement.
    private static func scalarFunction(at index: Int, in characters: [UInt8]) -> (String, String)? {
        // Only at the start of a word.
        if index > 0, isWordCharacter(characters[index - 1]) { return nil }
        for name in ["MAX(", "MIN(", "max(", "min("] where matches(name, at: index, in: characters) {
            // Two arguments at the top level: the scalar form.
            guard hasTopLevelComma(from: index + name.utf8.count, in: characters) else { return nil }
            return (name, name.uppercased() == "MAX(" ? "GREATEST(" : "LEAST(")
        }
        if matches("json_each(", at: index, in: characters) { return ("json_each(", "json_array_elements_text(") }
        if matches("INDEXED BY ", at: index, in: characters) {
            // SQLite's index hint: PostgreSQL's planner chooses for itself.
            var end = index + "INDEXED BY ".utf8.count
            while end < characters.count, isWordCharacter(characters[end]) { end += 1 }
            return (String(decoding: characters[index..<end], as: UTF8.self), "")
        }
        return nil
    }

    private static func matches(_ word: String, at index: Int, in characters: [UInt8]) -> Bool {
        let bytes = Array(word.utf8)
        guard index + bytes.count <= characters.count else { return false }
        return Array(characters[index..<index + bytes.count]) == bytes
    }

    /// Whether the parenthesised list that starts at `start` (just after its `(`) has a comma
    /// outside nested parentheses and quotes.
    private static func hasTopLevelComma(from start: Int, in characters: [UInt8]) -> Bool {
        var depth = 0
        var quote: UInt8? = nil
        var index = start
        while index < characters.count {
            let byte = characters[index]
            if let open = quote {
                if byte == open { quote = nil }
            } else {
                switch byte {
                case UInt8(ascii: "'"), UInt8(ascii: "\""): quote = byte
                case UInt8(ascii: "("): depth += 1
                case UInt8(ascii: ")"):
                    if depth == 0 { return false }
                    depth -= 1
                case UInt8(ascii: ","): if depth == 0 { return true }
                default: break
                }
            }
            index += 1
        }
        return false
    }

    private static func isWordCharacter(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
            || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: "_")
    }

    /// A migration's schema SQL, written for SQLite, in PostgreSQL's types: `INTEGER` columns become
    /// `BIGINT` (the store keeps milliseconds and minor units in them), an `INTEGER PRIMARY KEY`
    /// (SQLite's row id, assigned when left out) `BIGSERIAL PRIMARY KEY`, `BLOB` `BYTEA`, and
    /// `WITHOUT ROWID` and `AUTOINCREMENT` go (PostgreSQL has neither a row id nor its reuse).
    static func schema(_ sql: String) -> String {
        var result = sql
        let replacements: [(String, String)] = [
            ("INTEGER PRIMARY KEY AUTOINCREMENT", "BIGSERIAL PRIMARY KEY"),
            ("INTEGER PRIMARY KEY", "BIGSERIAL PRIMARY KEY"),
            (" WITHOUT ROWID", ""),
            (" INTEGER", " BIGINT"),
            (" BLOB", " BYTEA"),
        ]
        for (from, to) in replacements { result = result.replacing(from, with: to) }
        return result
    }
}

/// A statement in PostgreSQL's spelling whose placeholders are numbered when its arguments are
/// known (see ``PostgresSQL``).
struct StatementTemplate {
    enum Part {
        case text(String)
        /// A placeholder: the (1-based) number of its argument.
        case parameter(Int)
        /// `?N IS NULL` (`isNull`) or `?N IS NOT NULL`.
        case nullTest(Int, isNull: Bool)
    }

    let parts: [Part]
    /// How many arguments the statement takes (the highest placeholder number).
    let parameterCount: Int

    /// Whether any placeholder is tested for NULL (the rendering then depends on the arguments).
    var hasNullTests: Bool {
        parts.contains { if case .nullTest = $0 { true } else { false } }
    }

    /// The SQL for arguments whose NULL-ness is `nulls` (by argument number - 1), and which argument
    /// each `$k` binds.
    func render(nulls: [Bool]) -> (sql: String, arguments: [Int]) {
        var sql = ""
        var numbers: [Int: Int] = [:]
        var arguments: [Int] = []
        for part in parts {
            switch part {
            case .text(let text): sql += text
            case .parameter(let number):
                let assigned: Int
                if let known = numbers[number] {
                    assigned = known
                } else {
                    arguments.append(number - 1)
                    assigned = arguments.count
                    numbers[number] = assigned
                }
                sql += "$\(assigned)"
            case .nullTest(let number, let isNull):
                let argumentIsNull = number - 1 < nulls.count ? nulls[number - 1] : true
                sql += argumentIsNull == isNull ? "TRUE" : "FALSE"
            }
        }
        return (sql, arguments)
    }
}
