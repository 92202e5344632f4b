#if canImport(Glibc)
internal import Glibc
#elseif canImport(Darwin)
internal import Darwin
#endif

/// The bytes of one XML document, handed to libxml2 in chunks, with the prolog watched for a DTD.
final class XMLInputFeed {
    private enum Source {
        case file(Int32)
        case bytes([UInt8], offset: Int)
    }

    /// Where the prolog scan is; ``done`` once the root element has started.
    private enum Prolog {
        case text, lessThan, bang, bangDash, comment(dashes: Int), instruction(question: Bool), done
    }

    private var source: Source
    private var prolog = Prolog.text
    private var line = 1
    private var seen = 0
    /// Line breaks in all bytes handed over, for telling a cut-off document from a malformed one.
    private var newlines = 0
    /// The source has no more bytes.
    private(set) var reachedEnd = false

    /// The last bytes read.
    private var tail: [UInt8] = []
    private static let tailLength = 256

    /// Whether the last bytes read contain `needle`.
    func tailContains(_ needle: [UInt8]) -> Bool {
        guard tail.count >= needle.count else { return false }
        return (0...(tail.count - needle.count)).contains { tail[$0..<($0 + needle.count)].elementsEqual(needle) }
    }

    /// The number of the last line read so far.
    var lastLine: Int { newlines + 1 }
    /// Why the feed stopped the input (a DTD, an unsupported encoding, a read error).
    private(set) var refusal: StatementError?

    /// Reads the file at `path`.
    init(path: String) throws(StatementError) {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else {
            throw StatementError(.io, "cannot open \(path): \(String(cString: strerror(errno)))")
        }
        source = .file(fd)
    }

    /// Reads `bytes`.
    init(bytes: [UInt8]) {
        source = .bytes(bytes, offset: 0)
    }

    deinit {
        if case .file(let fd) = source { close(fd) }
    }

    /// Fills `buffer` with up to `length` bytes; 0 at the end, -1 to stop the parser.
    func read(into buffer: UnsafeMutablePointer<CChar>, _ length: Int32) -> Int32 {
        guard refusal == nil else { return -1 }
        var count: Int
        switch source {
        case .file(let fd):
            repeat { count = systemRead(fd, buffer, Int(length)) } while count < 0 && errno == EINTR
            if count < 0 {
                refusal = StatementError(.io, "read error: \(String(cString: strerror(errno)))")
                return -1
            }
        case .bytes(let bytes, let offset):
            count = min(Int(length), bytes.count - offset)
            bytes.withUnsafeBufferPointer { all in
                UnsafeMutableRawPointer(buffer).copyMemory(from: all.baseAddress! + offset, byteCount: count)
            }
            source = .bytes(bytes, offset: offset + count)
        }
        let raw = UnsafeRawBufferPointer(start: buffer, count: count)
        if case .done = prolog {} else {
            if !scanProlog(raw) { return -1 }
        }
        if count == 0 { reachedEnd = true }
        newlines += Self.countNewlines(raw)
        tail.append(contentsOf: raw.suffix(Self.tailLength))
        if tail.count > Self.tailLength { tail.removeFirst(tail.count - Self.tailLength) }
        seen += count
        return Int32(count)
    }

    /// The line feeds in `chunk`, found with `memchr` (lines are long next to a byte loop).
    private static func countNewlines(_ chunk: UnsafeRawBufferPointer) -> Int {
        guard var cursor = chunk.baseAddress else { return 0 }
        var remaining = chunk.count
        var count = 0
        while remaining > 0, let hit = memchr(cursor, 0x0A, remaining) {
            let next = UnsafeRawPointer(hit) + 1
            count += 1
            remaining -= cursor.distance(to: next)
            cursor = next
        }
        return count
    }

    /// Follows the prolog up to the root element; false (with ``refusal`` set) at a `<!` declaration.
    private func scanProlog(_ chunk: UnsafeRawBufferPointer) -> Bool {
        if seen == 0, chunk.count >= 2,
           (chunk[0] == 0xFE && chunk[1] == 0xFF) || (chunk[0] == 0xFF && chunk[1] == 0xFE) {
            refusal = StatementError(.unsupportedFormat, "UTF-16 documents are not supported: camt files are UTF-8",
                                     line: 1)
            return false
        }
        for byte in chunk {
            if byte == 0x0A { line += 1 }
            switch prolog {
            case .text:
                if byte == UInt8(ascii: "<") { prolog = .lessThan }
            case .lessThan:
                switch byte {
                case UInt8(ascii: "?"): prolog = .instruction(question: false)
                case UInt8(ascii: "!"): prolog = .bang
                default: prolog = .done; return true
                }
            case .bang:
                guard byte == UInt8(ascii: "-") else { return refuseDeclaration() }
                prolog = .bangDash
            case .bangDash:
                guard byte == UInt8(ascii: "-") else { return refuseDeclaration() }
                prolog = .comment(dashes: 0)
            case .comment(let dashes):
                if byte == UInt8(ascii: "-") {
                    prolog = .comment(dashes: dashes + 1)
                } else if byte == UInt8(ascii: ">") && dashes >= 2 {
                    prolog = .text
                } else {
                    prolog = .comment(dashes: 0)
                }
            case .instruction(let question):
                if byte == UInt8(ascii: ">") && question { prolog = .text } else {
                    prolog = .instruction(question: byte == UInt8(ascii: "?"))
                }
            case .done:
                return true
            }
        }
        return true
    }

    private func refuseDeclaration() -> Bool {
        refusal = StatementError(.dtdRefused, "document type declarations (DTD) and entities are refused", line: line)
        return false
    }
}

/// `read(2)`, under a name that does not clash with ``XMLInputFeed``'s own method.
func systemRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int {
    read(fd, buffer, count)
}
