#if canImport(Glibc)
internal import Glibc
#elseif canImport(Darwin)
internal import Darwin
#endif

/// Reads a statement file of any supported format, streaming it into a ``StatementVisitor``.
///
/// ```swift
/// var printer = StatementLinePrinter(mode: .jsonLines) { print($0) }
/// try StatementParser.parse(file: "statement.xml", visitor: &printer)
/// printer.finish()
/// ```
public enum StatementParser {
    /// The syntax to read: detected from the first bytes, or fixed.
    public enum Format: String, Sendable, Hashable, CaseIterable {
        /// camt when the input starts with `<`, MT940/MT942 when it starts with `:`, `{`, `-`, SOH or a
        /// bank's header lines before `:20:` (``StatementFormatDetector``).
        case auto
        /// ISO 20022 camt.052, camt.053 or camt.054.
        case camt
        /// SWIFT MT940 or MT942.
        case mt940
    }

    /// Reads the file at `path`.
    /// - Throws: ``StatementError`` for the file, or whatever the visitor throws.
    public static func parse(file path: String, format: Format = .auto, visitor: inout some StatementVisitor) throws {
        var syntax = format
        if syntax == .auto {
            let prefix = try readPrefix(path)
            guard let detected = StatementFormatDetector.detect(prefix) else {
                throw StatementError(.unsupportedFormat, "\(path) is neither camt XML nor MT940/MT942", line: 1)
            }
            syntax = detected
        }
        switch syntax {
        case .camt, .auto: try CamtReader().read(file: path, visitor: &visitor)
        case .mt940: try MT940Reader().read(file: path, visitor: &visitor)
        }
    }

    /// Reads a file held in memory.
    public static func parse(bytes: [UInt8], format: Format = .auto, visitor: inout some StatementVisitor) throws {
        var syntax = format
        if syntax == .auto {
            let prefix = bytes.prefix(StatementFormatDetector.prefixLength)
            guard let detected = StatementFormatDetector.detect(prefix) else {
                throw StatementError(.unsupportedFormat, "the input is neither camt XML nor MT940/MT942", line: 1)
            }
            syntax = detected
        }
        switch syntax {
        case .camt, .auto: try CamtReader().read(bytes: bytes, visitor: &visitor)
        case .mt940: try MT940Reader().read(bytes: bytes, visitor: &visitor)
        }
    }

    /// The first bytes of a file, for detection.
    private static func readPrefix(_ path: String) throws(StatementError) -> [UInt8] {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw StatementError(.io, "cannot open \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var bytes = [UInt8](repeating: 0, count: StatementFormatDetector.prefixLength)
        let count = bytes.withUnsafeMutableBytes { systemRead(fd, $0.baseAddress!, $0.count) }
        guard count >= 0 else { throw StatementError(.io, "cannot read \(path): \(String(cString: strerror(errno)))") }
        return Array(bytes.prefix(count))
    }
}

/// Tells camt XML from MT940/MT942 by the first bytes, looking past a bank's header lines.
public enum StatementFormatDetector {
    /// How many leading bytes ``detect(_:)`` looks at.
    public static let prefixLength = 4096

    /// `.camt` for XML (`<?xml`, `<Document`, a comment); `.mt940` for a SWIFT block (`{1:`), a tag
    /// (`:20:`, Rabobank's `:940:`), a `-` separator or DOS-PCC SOH (0x01) first, or for a field line
    /// (`:20:`) after lines a bank writes before its messages (capital letters, digits and blanks: `ABNANL2A`,
    /// `940 00`, `0000 01INGBNL2AXXXX00001`); nil otherwise. A UTF-8 byte order mark and blank lines
    /// are skipped.
    public static func detect(_ prefix: some Collection<UInt8>) -> StatementParser.Format? {
        var bytes = prefix[...]
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
        guard let first = bytes.first(where: { ![0x20, 0x09, 0x0D, 0x0A].contains($0) }) else { return nil }
        switch first {
        case UInt8(ascii: "<"): return .camt
        case UInt8(ascii: ":"), UInt8(ascii: "{"), UInt8(ascii: "-"), 0x01: return .mt940
        default: return headerLinesThenField(bytes) ? .mt940 : nil
        }
    }

    /// `:NN` at the start of a line: a field such as `:20:` or `:25:`.
    private static func isField(_ line: [UInt8]) -> Bool {
        line.count >= 4 && line[0] == UInt8(ascii: ":") && (0x30...0x39).contains(line[1])
            && (0x30...0x39).contains(line[2])
    }

    /// Whether up to eight header lines are followed by a field (`:20:`) or a SWIFT block.
    private static func headerLinesThenField(_ bytes: some Collection<UInt8>) -> Bool {
        var lines = 0
        var line: [UInt8] = []
        for byte in bytes {
            guard byte == 0x0A else {
                line.append(byte)
                if line.count > 64 { return false }
                continue
            }
            while let last = line.last, last == 0x0D || last == 0x20 || last == 0x09 { line.removeLast() }
            if isField(line) || line.starts(with: Array("{1:".utf8)) { return true }
            let isHeader = line.allSatisfy { ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x20 }
            guard isHeader else { return false }
            lines += 1
            if lines > 8 { return false }
            line.removeAll(keepingCapacity: true)
        }
        return false
    }
}
