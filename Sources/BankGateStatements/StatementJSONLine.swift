import BankGateCore

/// The bytes of one JSON line being written by ``StatementLinePrinter``: keys arrive pre-escaped as
/// static literals (with their quotes, colon and leading comma), values are escaped a run at a time,
/// and the storage (memory of its own, grown when a line needs more) is reused from line to line, so
/// printing an entry allocates nothing.
///
/// It writes exactly what ``JSONWriter`` writes for the same fields (`null` for absent values, the
/// same escapes); `StatementLinePrinterBytesTests` compares the two.
final class StatementJSONLine {
    private var storage: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    /// Bytes written to the current line.
    private(set) var count = 0

    init(capacity: Int) {
        self.capacity = max(capacity, 64)
        storage = .allocate(capacity: self.capacity)
    }

    deinit {
        storage.deallocate()
    }

    /// The line so far, UTF-8, valid until the next write.
    var bytes: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: storage, count: count) }

    /// Starts a new line, keeping the storage.
    func reset() {
        count = 0
    }

    /// Makes room for `extra` more bytes.
    @inline(__always)
    private func reserve(_ extra: Int) {
        guard count + extra > capacity else { return }
        grow(to: count + extra)
    }

    private func grow(to needed: Int) {
        var newCapacity = capacity * 2
        while newCapacity < needed { newCapacity *= 2 }
        let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        grown.update(from: storage, count: count)
        storage.deallocate()
        storage = grown
        capacity = newCapacity
    }

    @inline(__always)
    private func append(_ byte: UInt8) {
        reserve(1)
        storage[count] = byte
        count += 1
    }

    @inline(__always)
    private func append(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard bytes.count > 0 else { return }
        reserve(bytes.count)
        (storage + count).update(from: bytes.baseAddress!, count: bytes.count)
        count += bytes.count
    }

    /// Appends `literal` as it is: JSON punctuation and keys that need no escaping, such as `,"amount":`.
    func literal(_ literal: StaticString) {
        append(UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount))
    }

    /// A JSON string, or `null`.
    func string(_ value: String?) {
        guard var text = value else { return literal("null") }
        text.withUTF8 { appendQuoted($0) }
    }

    /// A JSON integer, or `null`.
    func integer<T: BinaryInteger>(_ value: T?) {
        guard let value else { return literal("null") }
        decimal(Int64(value))
    }

    func bool(_ value: Bool) {
        if value { literal("true") } else { literal("false") }
    }

    /// `minorUnits` as a JSON string with the currency's decimals, as ``Money/decimalString`` writes it.
    func amount(_ minorUnits: Int64, exponent: Int) {
        append(UInt8(ascii: "\""))
        if minorUnits < 0 { append(UInt8(ascii: "-")) }
        let magnitude = minorUnits.magnitude
        if exponent <= 0 {
            unsigned(magnitude)
        } else {
            var divisor: UInt64 = 1
            for _ in 0..<exponent { divisor *= 10 }
            unsigned(magnitude / divisor)
            append(UInt8(ascii: "."))
            var fraction = magnitude % divisor
            reserve(exponent)
            for digit in (0..<exponent).reversed() {
                storage[count + digit] = UInt8(ascii: "0") + UInt8(fraction % 10)
                fraction /= 10
            }
            count += exponent
        }
        append(UInt8(ascii: "\""))
    }

    private func decimal(_ value: Int64) {
        if value < 0 { append(UInt8(ascii: "-")) }
        unsigned(value.magnitude)
    }

    private func unsigned(_ value: UInt64) {
        var digits = 1
        var rest = value / 10
        while rest > 0 { digits += 1; rest /= 10 }
        reserve(digits)
        var value = value
        for digit in (0..<digits).reversed() {
            storage[count + digit] = UInt8(ascii: "0") + UInt8(value % 10)
            value /= 10
        }
        count += digits
    }

    private static let hexDigits: StaticString = "0123456789abcdef"

    /// `utf8` quoted, escaping as ``JSONWriter`` does: `\"`, `\\`, `\n`, `\r`, `\t`, and `\u00XX` for
    /// the other control characters and DEL. Runs without any of these are copied whole.
    private func appendQuoted(_ utf8: UnsafeBufferPointer<UInt8>) {
        reserve(utf8.count + 2)
        append(UInt8(ascii: "\""))
        var runStart = 0
        for index in 0..<utf8.count {
            let byte = utf8[index]
            guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte == 0x7F else { continue }
            if runStart < index { append(UnsafeBufferPointer(rebasing: utf8[runStart..<index])) }
            runStart = index + 1
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"): append(UInt8(ascii: "\\")); append(byte)
            case 0x0A: append(UInt8(ascii: "\\")); append(UInt8(ascii: "n"))
            case 0x0D: append(UInt8(ascii: "\\")); append(UInt8(ascii: "r"))
            case 0x09: append(UInt8(ascii: "\\")); append(UInt8(ascii: "t"))
            default:
                literal("\\u00")
                let hex = Self.hexDigits.utf8Start
                append(hex[Int(byte >> 4)])
                append(hex[Int(byte & 0x0F)])
            }
        }
        if runStart < utf8.count { append(UnsafeBufferPointer(rebasing: utf8[runStart...])) }
        append(UInt8(ascii: "\""))
    }
}
