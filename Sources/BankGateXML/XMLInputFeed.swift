#if canImport(Glibc)
internal import Glibc
#elseif canImport(Darwin)
internal import Darwin
#endif

/// The bytes of one XML document, handed to libxml2 in chunks, with the prolog watched for a DTD.
///
/// Before the first `<` the feed drops what banks put there and XML does not allow before an XML
/// declaration: a UTF-8 byte order mark and whitespace or blank lines (each noted in
/// ``prologWarnings``; the lines dropped are counted in ``lineOffset`` so that every line reported
/// stays the file's). It reads the declaration's `encoding`: UTF-8 (or US-ASCII) as camt requires,
/// ISO-8859-1, ISO-8859-15 and windows-1252 with a warning (libxml2 converts them to UTF-8), anything
/// else refused.
///
/// Its refusals are ``XMLError``s: `dtdRefused`, `unsupportedEncoding` and `io`.
package final class XMLInputFeed {
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
    var lastLine: Int { newlines + lineOffset + 1 }
    /// Still before the first `<`: a byte order mark and whitespace are dropped.
    private var leading = true
    /// The first bytes were looked at for a byte order mark.
    private var startChecked = false
    /// Line breaks dropped before the first `<`: add to libxml2's line numbers.
    private(set) var lineOffset = 0
    /// What the feed accepted before the root element (a byte order mark, leading whitespace, a
    /// declared 8-bit encoding).
    private(set) var prologNotes: [XMLPrologNote] = []
    /// Why the feed stopped the input (a DTD, an unsupported encoding, a read error).
    private(set) var refusal: XMLError?
    /// What an encoding refusal says is expected instead, e.g. `camt files are UTF-8`.
    private let encodingRequirement: String

    /// Reads the file at `path`; `encodingRequirement` ends the message of an encoding refusal.
    package init(path: String, encodingRequirement: String = "documents are read as UTF-8") throws(XMLError) {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else {
            throw XMLError("cannot open \(path): \(String(cString: strerror(errno)))", code: .io)
        }
        source = .file(fd)
        self.encodingRequirement = encodingRequirement
    }

    /// Reads `bytes`; `encodingRequirement` ends the message of an encoding refusal.
    package init(bytes: [UInt8], encodingRequirement: String = "documents are read as UTF-8") {
        source = .bytes(bytes, offset: 0)
        self.encodingRequirement = encodingRequirement
    }

    deinit {
        if case .file(let fd) = source { close(fd) }
    }

    /// Fills `buffer` with up to `length` bytes; 0 at the end, -1 to stop the parser.
    func read(into buffer: UnsafeMutablePointer<CChar>, _ length: Int32) -> Int32 {
        guard refusal == nil else { return -1 }
        var count = readSource(into: buffer, Int(length))
        while leading && count > 0 {
            count = dropLeading(UnsafeMutableRawBufferPointer(start: buffer, count: count))
            if count == 0 { count = readSource(into: buffer, Int(length)) }
        }
        guard count >= 0 else { return -1 }
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

    /// Up to `length` bytes of the source; -1 (with ``refusal`` set) on a read error.
    private func readSource(into buffer: UnsafeMutablePointer<CChar>, _ length: Int) -> Int {
        var count: Int
        switch source {
        case .file(let fd):
            repeat { count = systemRead(fd, buffer, Int(length)) } while count < 0 && errno == EINTR
            if count < 0 {
                refusal = XMLError("read error: \(String(cString: strerror(errno)))", code: .io)
                return -1
            }
            return count
        case .bytes(let bytes, let offset):
            count = min(Int(length), bytes.count - offset)
            bytes.withUnsafeBufferPointer { all in
                UnsafeMutableRawPointer(buffer).copyMemory(from: all.baseAddress! + offset, byteCount: count)
            }
            source = .bytes(bytes, offset: offset + count)
            return count
        }
    }

    /// Drops a UTF-8 byte order mark and whitespace before the first `<` from the chunk, moving the
    /// rest to its start; returns what is left (0: read on), or -1 when the input is refused.
    private func dropLeading(_ chunk: UnsafeMutableRawBufferPointer) -> Int {
        var start = 0
        if !startChecked {
            startChecked = true
            if chunk.count >= 2, (chunk[0] == 0xFE && chunk[1] == 0xFF) || (chunk[0] == 0xFF && chunk[1] == 0xFE) {
                refusal = XMLError("UTF-16 documents are not supported: \(encodingRequirement)", line: 1,
                                   code: .unsupportedEncoding)
                return -1
            }
            if chunk.count >= 3, chunk[0] == 0xEF, chunk[1] == 0xBB, chunk[2] == 0xBF {
                prologNotes.append(XMLPrologNote(.byteOrderMark, line: 1))
                start = 3
            }
        }
        let whitespaceStart = start
        while start < chunk.count, [0x20, 0x09, 0x0D, 0x0A].contains(chunk[start]) {
            if chunk[start] == 0x0A { lineOffset += 1 }
            start += 1
        }
        if start > whitespaceStart { noteLeadingWhitespace() }
        guard start < chunk.count else { return 0 }
        leading = false
        let count = chunk.count - start
        if start > 0 { chunk.baseAddress!.copyMemory(from: chunk.baseAddress! + start, byteCount: count) }
        return checkDeclaredEncoding(UnsafeRawBufferPointer(rebasing: chunk[0..<count])) ? count : -1
    }

    private func noteLeadingWhitespace() {
        guard !prologNotes.contains(where: { $0.kind == .leadingWhitespace }) else { return }
        prologNotes.append(XMLPrologNote(.leadingWhitespace, line: 1))
    }

    /// Encodings read besides UTF-8, by their upper-cased names.
    static let eightBitEncodings: Set<String> = [
        "ISO-8859-1", "ISO8859-1", "ISO_8859-1", "LATIN1", "ISO-8859-15", "ISO8859-15", "LATIN-9",
        "WINDOWS-1252", "CP1252",
    ]

    /// Reads `encoding="…"` from an XML declaration at the start of `chunk`: UTF-8 and US-ASCII pass,
    /// the 8-bit encodings above pass with a warning, anything else is refused.
    private func checkDeclaredEncoding(_ chunk: UnsafeRawBufferPointer) -> Bool {
        guard chunk.starts(with: "<?xml".utf8),
              let end = chunk.prefix(512).firstIndex(of: UInt8(ascii: ">")) else { return true }
        let declaration = String(decoding: chunk[0..<end], as: UTF8.self)
        guard let key = declaration.firstRange(of: "encoding") else { return true }
        let rest = declaration[key.upperBound...].drop { $0 == " " || $0 == "=" || $0 == "\t" }
        guard let quote = rest.first, quote == "\"" || quote == "'" else { return true }
        let name = rest.dropFirst().prefix { $0 != quote }
        let upper = name.uppercased()
        if upper == "UTF-8" || upper == "UTF8" || upper == "US-ASCII" || upper == "ASCII" { return true }
        if prologNotes.contains(where: { $0.kind == .byteOrderMark }) && Self.eightBitEncodings.contains(upper) {
            // Which bytes mean what would be a guess: names and references could be read wrong.
            refusal = XMLError("a UTF-8 byte order mark, but the XML declares encoding \"\(name)\": the encoding "
                                   + "is ambiguous", line: lineOffset + 1, code: .unsupportedEncoding)
            return false
        }
        guard Self.eightBitEncodings.contains(upper) else {
            refusal = XMLError("encoding \"\(name)\" is not read: \(encodingRequirement) (ISO-8859-1, ISO-8859-15 "
                                   + "and windows-1252 are read with a warning)", line: lineOffset + 1,
                               code: .unsupportedEncoding)
            return false
        }
        prologNotes.append(XMLPrologNote(.declaredEncoding(String(name)), line: lineOffset + 1))
        return true
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
        if seen == 0 { line = lineOffset + 1 }
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
        refusal = XMLError("document type declarations (DTD) and entities are refused", line: line, code: .dtdRefused)
        return false
    }
}

/// `read(2)`, under a name that does not clash with ``XMLInputFeed``'s own method.
private func systemRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int {
    read(fd, buffer, count)
}

/// Something the feed accepted before the root element although XML does not allow it there, or a
/// declared encoding other than UTF-8: for the reader to turn into a warning of its own.
package struct XMLPrologNote: Hashable, Sendable {
    /// What was accepted.
    package enum Kind: Hashable, Sendable {
        /// A UTF-8 byte order mark, skipped.
        case byteOrderMark
        /// Whitespace or blank lines before the XML declaration, skipped.
        case leadingWhitespace
        /// An 8-bit encoding declared (named as written), which libxml2 converts to UTF-8.
        case declaredEncoding(String)
    }

    /// What was accepted.
    package var kind: Kind
    /// The line it is on.
    package var line: Int

    init(_ kind: Kind, line: Int) {
        self.kind = kind
        self.line = line
    }
}
