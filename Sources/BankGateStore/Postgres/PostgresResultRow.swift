import Foundation
import NIOCore
import PostgresNIO

/// The positions of a result's columns by name, read once per result.
final class PostgresResultColumns {
    /// Position by name; a name that two columns share maps to `nil` (ambiguous).
    private let positions: [String: Int?]

    init(_ row: PostgresRow) {
        var positions: [String: Int?] = [:]
        for (index, cell) in row.enumerated() {
            positions[cell.columnName] = positions[cell.columnName] == nil ? .some(index) : .some(nil)
        }
        self.positions = positions
    }

    func position(_ name: String) throws(StoreError) -> Int {
        switch positions[name] {
        case .some(.some(let index)): index
        case .some(.none): throw StoreError.database("column \(name) is ambiguous in the query")
        case .none: throw StoreError.database("no column \(name) in the query")
        }
    }
}

/// A row of a PostgreSQL result, read the way ``StoreRow`` reads SQLite's: integers from any integer,
/// numeric or boolean column, text from text or integer columns.
struct PostgresResultRow {
    let cells: [PostgresCell]
    let columns: PostgresResultColumns

    private func cell(_ name: String) throws(StoreError) -> PostgresCell { cells[try columns.position(name)] }

    func isNull(_ name: String) throws(StoreError) -> Bool { try cell(name).bytes == nil }

    func optionalInt(_ name: String) throws(StoreError) -> Int64? {
        let cell = try cell(name)
        guard cell.bytes != nil else { return nil }
        do {
            switch cell.dataType {
            case .int2, .int4, .int8: return try cell.decode(Int64.self)
            case .bool: return try cell.decode(Bool.self) ? 1 : 0
            case .numeric:
                let value = try cell.decode(Decimal.self)
                return NSDecimalNumber(decimal: value).int64Value
            case .float4, .float8: return Int64(try cell.decode(Double.self))
            default:
                guard let value = Int64(try cell.decode(String.self)) else { throw StoreError.database("column \(name) is not an integer") }
                return value
            }
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError.database("column \(name) is not an integer")
        }
    }

    func optionalText(_ name: String) throws(StoreError) -> String? {
        let cell = try cell(name)
        guard let bytes = cell.bytes else { return nil }
        switch cell.dataType {
        case .int2, .int4, .int8, .bool, .numeric:
            return try optionalInt(name).map(String.init)
        case .bytea:
            return String(decoding: bytes.readableBytesView, as: UTF8.self)
        default:
            do {
                return try cell.decode(String.self)
            } catch {
                throw StoreError.database("column \(name) is not text")
            }
        }
    }

    /// The column in the type SQLite would store it as: integers (and booleans) as integers,
    /// `BYTEA` as bytes, everything else as text.
    func storedValue(_ name: String) throws(StoreError) -> SQLValue {
        let cell = try cell(name)
        guard cell.bytes != nil else { return .null }
        switch cell.dataType {
        case .int2, .int4, .int8, .bool: return .integer(try optionalInt(name) ?? 0)
        case .bytea: return .blob(try blob(name))
        default: return .text(try optionalText(name) ?? "")
        }
    }

    func blob(_ name: String) throws(StoreError) -> [UInt8] {
        let cell = try cell(name)
        guard let bytes = cell.bytes else { return [] }
        switch cell.dataType {
        case .bytea: return Array(bytes.readableBytesView)
        default: return Array((try optionalText(name) ?? "").utf8)
        }
    }
}
