import BankGateCore

/// The bytes of one JSON line being written by ``StatementLinePrinter``: keys arrive pre-escaped as
/// static literals (with their quotes, colon and leading comma), values are escaped a run at a time,
/// and the storage is reused from line to line, so printing an entry allocates nothing.
///
/// It writes exactly what ``JSONWriter`` writes for the same fields (`null` for absent values, the
/// same escapes); `StatementLinePrinterBytesTests` compares the two.
struct StatementJSONLine {
    /// The line so far, UTF-8.
    private(set) var bytes: [UInt8] = []

    init(capacity: Int) {
        bytes.reserveCapacity(capacity)
    }

    /// Starts a new line, keeping the storage.
    mutating func reset() {
        bytes.removeAll(keepingCapacity: true)
    }

    /// Appends `literal` as it is: JSON punctuation and keys that need no escaping, such as `,"amount":`.
    mutating func literal(_ literal: StaticString) {
        bytes.append(contentsOf: UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount))
    }

    /// A JSON string, or `null`.
    mutating func string(_ value: String?) {
        guard var text = value else { return literal("null") }
        text.withUTF8 { appendQuoted($0) }
    }

    /// A JSON integer, or `null`.
    mutating func integer<T: BinaryInteger>(_ value: T?) {
        guard let value else { return literal("null") }
        decimal(Int64(value))
    }

    mutating func bool(_ value: Bool) {
        if value { literal("true") } else { literal("false") }
    }

    /// `minorUnits` as a JSON string with the currency's decimals, as ``Money/decimalString`` writes it.
    mutating func amount(_ minorUnits: Int64, exponent: Int) {
        bytes.append(UInt8(ascii: "\""))
        if minorUnits < 0 { bytes.append(UInt8(ascii: "-")) }
        let magnitude = minorUnits.magnitude
        if exponent <= 0 {
            unsigned(magnitude)
        } else {
            var divisor: UInt64 = 1
            for _ in 0..<exponent { divisor *= 10 }
            unsigned(magnitude / divisor)
            bytes.append(UInt8(ascii: "."))
            var fraction = magnitude % divisor
            let start = bytes.count
            for _ in 0..<exponent {
                bytes.append(UInt8(ascii: "0") + UInt8(fraction % 10))
                fraction /= 10
            }
            bytes[start...].reverse()
        }
        bytes.append(UInt8(ascii: "\""))
    }

    private mutating func decimal(_ value: Int64) {
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        unsigned(value.magnitude)
    }

    private mutating func unsigned(_ value: UInt64) {
        var value = value
        let start = bytes.count
        repeat {
            bytes.append(UInt8(ascii: "0") + UInt8(value % 10))
            value /= 10
        } while value > 0
        bytes[start...].reverse()
    }

    private static let hexDigits: StaticString = "0123456789abcdef"

    /// `utf8` quoted, escaping as ``JSONWriter`` does: `\"`, `\\`, `\n`, `\r`, `\t`, and `\u00XX` for
    /// the other control characters and DEL. Runs without any of these are copied whole.
    private mutating func appendQuoted(_ utf8: UnsafeBufferPointer<UInt8>) {
        bytes.append(UInt8(ascii: "\""))
        var runStart = 0
        for index in 0..<utf8.count {
            let byte = utf8[index]
            guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte == 0x7F else { continue }
            if runStart < index { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<index])) }
            runStart = index + 1
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"): bytes.append(UInt8(ascii: "\\")); bytes.append(byte)
            case 0x0A: bytes.append(UInt8(ascii: "\\")); bytes.append(UInt8(ascii: "n"))
            case 0x0D: bytes.append(UInt8(ascii: "\\")); bytes.append(UInt8(ascii: "r"))
            case 0x09: bytes.append(UInt8(ascii: "\\")); bytes.append(UInt8(ascii: "t"))
            default:
                literal("\\u00")
                let hex = Self.hexDigits.utf8Start
                bytes.append(hex[Int(byte >> 4)])
                bytes.append(hex[Int(byte & 0x0F)])
            }
        }
        if runStart < utf8.count { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart...])) }
        bytes.append(UInt8(ascii: "\""))
    }
}
