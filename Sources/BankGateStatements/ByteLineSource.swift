#if canImport(Glibc)
internal import Glibc
#elseif canImport(Darwin)
internal import Darwin
#endif

/// Lines of a text file or buffer, read 64 KiB at a time, numbered from 1.
///
/// Accepts LF and CRLF (and a lone CR at the end of a line); removes the line break and trailing
/// spaces and tabs. A line longer than ``maxLineBytes`` is refused so a file without line breaks
/// cannot grow the buffer without bound.
final class ByteLineSource {
    private let fd: Int32?
    private var buffer: [UInt8]
    private var position = 0
    private var atEnd: Bool
    private(set) var lineNumber = 0
    /// Whether the first line started with a UTF-8 byte order mark (dropped).
    private(set) var skippedByteOrderMark = false
    let maxLineBytes: Int

    private static let chunk = 64 << 10

    /// Lines of the file at `path`.
    init(path: String, maxLineBytes: Int = 8192) throws(StatementError) {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else {
            throw StatementError(.io, "cannot open \(path): \(String(cString: strerror(errno)))")
        }
        self.fd = fd
        buffer = []
        atEnd = false
        self.maxLineBytes = maxLineBytes
    }

    /// Lines of `bytes`.
    init(bytes: [UInt8], maxLineBytes: Int = 8192) {
        fd = nil
        buffer = bytes
        atEnd = true
        self.maxLineBytes = maxLineBytes
    }

    deinit {
        if let fd { close(fd) }
    }

    /// The next line without its line break and trailing blanks, decoded as ``String/init(mtLine:)``,
    /// or nil at the end.
    func next() throws(StatementError) -> String? {
        while true {
            if let newline = firstNewline() {
                let line = text(from: position, to: newline)
                position = newline + 1
                lineNumber += 1
                return line
            }
            if atEnd {
                guard position < buffer.count else { return nil }
                let line = text(from: position, to: buffer.count)
                position = buffer.count
                lineNumber += 1
                return line
            }
            guard buffer.count - position <= maxLineBytes else {
                throw StatementError(.limitExceeded, "a line is longer than \(maxLineBytes) bytes",
                                     line: lineNumber + 1)
            }
            try fill()
        }
    }

    /// The index of the next line feed at or after ``position``.
    private func firstNewline() -> Int? {
        buffer.withUnsafeBytes { bytes in
            guard position < bytes.count, let base = bytes.baseAddress,
                  let hit = memchr(base + position, 0x0A, bytes.count - position) else { return nil }
            return base.distance(to: UnsafeRawPointer(hit))
        }
    }

    /// Drops the consumed bytes and reads the next chunk.
    private func fill() throws(StatementError) {
        guard let fd else { atEnd = true; return }
        if position > 0 {
            buffer.removeSubrange(0..<position)
            position = 0
        }
        let start = buffer.count
        buffer.append(contentsOf: repeatElement(0, count: Self.chunk))
        var count: Int
        repeat {
            count = buffer.withUnsafeMutableBytes { systemRead(fd, $0.baseAddress! + start, Self.chunk) }
        } while count < 0 && errno == EINTR
        guard count >= 0 else {
            throw StatementError(.io, "read error: \(String(cString: strerror(errno)))")
        }
        buffer.removeLast(Self.chunk - count)
        if count == 0 { atEnd = true }
    }

    /// The bytes `start..<end` without trailing CR, spaces and tabs (and the first line without a
    /// UTF-8 byte order mark), as text.
    private func text(from start: Int, to end: Int) -> String {
        buffer.withUnsafeBufferPointer { bytes in
            var start = start
            var end = end
            while end > start, bytes[end - 1] == 0x0D || bytes[end - 1] == 0x20 || bytes[end - 1] == 0x09 { end -= 1 }
            if lineNumber == 0, end - start >= 3, bytes[start] == 0xEF, bytes[start + 1] == 0xBB,
               bytes[start + 2] == 0xBF {
                start += 3
                skippedByteOrderMark = true
            }
            return String(mtLine: UnsafeBufferPointer(rebasing: bytes[start..<end]))
        }
    }
}

extension String {
    /// Decodes a line of an MT file: UTF-8 when valid, else ISO 8859-1 (common in German MT940
    /// exports), so that no byte is lost or replaced.
    init(mtLine bytes: UnsafeBufferPointer<UInt8>) {
        // Decoding repairs invalid UTF-8, so the bytes come back unchanged exactly when they were valid.
        var text = String(decoding: bytes, as: UTF8.self)
        let unchanged = text.withUTF8 { decoded in
            guard decoded.count == bytes.count else { return false }
            guard let start = bytes.baseAddress, let copy = decoded.baseAddress else { return true }
            return memcmp(copy, start, bytes.count) == 0
        }
        if unchanged {
            self = text
        } else {
            var scalars = String.UnicodeScalarView()
            for byte in bytes { scalars.append(Unicode.Scalar(byte)) }
            self = String(scalars)
        }
    }
}

/// `read(2)`, under a name that does not clash with a reader's own `read` method.
func systemRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int {
    read(fd, buffer, count)
}
