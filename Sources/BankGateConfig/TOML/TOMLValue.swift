/// A value read from a TOML document, with the line it starts on so that configuration errors
/// can point at it.
package struct TOMLValue: Sendable, Equatable {
    /// The kinds of value bankgate's TOML subset knows.
    package enum Kind: Sendable, Equatable {
        case string(String)
        case integer(Int)
        case boolean(Bool)
        /// `[a, b, c]`; elements keep their own lines.
        case array([TOMLValue])
        /// A `[name]` section.
        case table(TOMLTable)
        /// The elements of a `[[name]]` array of tables, in document order.
        case tableArray([TOMLTable])
    }

    /// What the value is.
    package var kind: Kind
    /// 1-based line where the value (or the section header) starts.
    package var line: Int

    /// A value of `kind` starting on `line`.
    package init(_ kind: Kind, line: Int) {
        self.kind = kind
        self.line = line
    }

    /// The kind in words with its article, for messages such as "must be a string, not an integer".
    package var typeDescription: String {
        switch kind {
        case .string: "a string"
        case .integer: "an integer"
        case .boolean: "a boolean"
        case .array: "an array"
        case .table: "a table"
        case .tableArray: "an array of tables"
        }
    }
}

/// A TOML table: keys in the order they were written, each with its value.
package struct TOMLTable: Sendable, Equatable {
    /// Line of the table's header (`[name]` or `[[name]]`); 1 for the document's root table.
    package var line: Int
    /// Keys in document order.
    package private(set) var keys: [String] = []
    private var storage: [String: TOMLValue] = [:]

    /// An empty table whose header is on `line`.
    package init(line: Int) {
        self.line = line
    }

    /// The value stored under `key`, if any.
    package subscript(key: String) -> TOMLValue? {
        storage[key]
    }

    /// Whether the table has no keys.
    package var isEmpty: Bool { keys.isEmpty }

    /// Stores `value` under a new `key`; returns the value already there (and stores nothing)
    /// when the key is taken.
    @discardableResult
    package mutating func insert(_ value: TOMLValue, for key: String) -> TOMLValue? {
        if let existing = storage[key] { return existing }
        keys.append(key)
        storage[key] = value
        return nil
    }

    /// Appends `table` to the array of tables under `key`, creating it at `line` when absent.
    /// Returns `false` when `key` holds something other than an array of tables.
    package mutating func append(_ table: TOMLTable, toArrayOf key: String, line: Int) -> Bool {
        guard let existing = storage[key] else {
            insert(TOMLValue(.tableArray([table]), line: line), for: key)
            return true
        }
        guard case .tableArray(var tables) = existing.kind else { return false }
        tables.append(table)
        storage[key] = TOMLValue(.tableArray(tables), line: existing.line)
        return true
    }
}

/// Why a TOML document was refused, with the line of the problem.
package struct TOMLError: Error, Sendable, Equatable, CustomStringConvertible {
    /// 1-based line of the problem.
    package var line: Int
    /// What is wrong, in words.
    package var message: String

    /// An error at `line` saying `message`.
    package init(line: Int, _ message: String) {
        self.line = line
        self.message = message
    }

    /// `line N: message`.
    package var description: String { "line \(line): \(message)" }
}
