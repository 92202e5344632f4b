/// A row of a query result, valid only inside the mapping closure. Columns are read by the name
/// the query gives them (alias expressions with `AS`); a name the query lacks throws
/// ``StoreError/database(_:)``. The same accessors read SQLite's dynamic values and PostgreSQL's
/// typed ones: an integer column may be `BIGINT`, `INTEGER`, `NUMERIC` (a `SUM`) or `BOOLEAN` (a
/// comparison), a text column `TEXT` or any integer.
public struct StoreRow {
    enum Storage {
        case sqlite(SQLiteRow)
        case postgres(PostgresResultRow)
    }

    let storage: Storage

    /// The column as an integer (0 for NULL).
    public func int(_ name: String) throws(StoreError) -> Int64 {
        switch storage {
        case .sqlite(let row): try row.int(name)
        case .postgres(let row): try row.optionalInt(name) ?? 0
        }
    }

    /// The column as an integer, or `nil` for NULL.
    public func optionalInt(_ name: String) throws(StoreError) -> Int64? {
        switch storage {
        case .sqlite(let row): try row.optionalInt(name)
        case .postgres(let row): try row.optionalInt(name)
        }
    }

    /// The column as text ("" for NULL).
    public func text(_ name: String) throws(StoreError) -> String {
        switch storage {
        case .sqlite(let row): try row.text(name)
        case .postgres(let row): try row.optionalText(name) ?? ""
        }
    }

    /// The column as text, or `nil` for NULL.
    public func optionalText(_ name: String) throws(StoreError) -> String? {
        switch storage {
        case .sqlite(let row): try row.optionalText(name)
        case .postgres(let row): try row.optionalText(name)
        }
    }

    /// The column as bytes.
    public func blob(_ name: String) throws(StoreError) -> [UInt8] {
        switch storage {
        case .sqlite(let row): try row.blob(name)
        case .postgres(let row): try row.blob(name)
        }
    }

    /// The column as stored, in the type it has (integer, text, bytes or NULL): how a store is
    /// copied between databases without knowing its tables (``StoreDump``).
    public func storedValue(_ name: String) throws(StoreError) -> SQLValue {
        switch storage {
        case .sqlite(let row): try row.storedValue(name)
        case .postgres(let row): try row.storedValue(name)
        }
    }

    /// Whether the column is NULL.
    public func isNull(_ name: String) throws(StoreError) -> Bool {
        switch storage {
        case .sqlite(let row): try row.isNull(name)
        case .postgres(let row): try row.isNull(name)
        }
    }

    /// The column as one of a closed set stored by its raw value; any other text throws
    /// ``StoreError/database(_:)`` naming the column (not the value).
    public func value<Value: RawRepresentable>(_ name: String, as type: Value.Type = Value.self) throws(StoreError) -> Value
        where Value.RawValue == String {
        guard let value = Value(rawValue: try text(name)) else { throw StoreError.database("unexpected value in column \(name)") }
        return value
    }
}
