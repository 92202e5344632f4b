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

    /// The next line without its line break and trailing blanks, or nil at the end.
    func next() throws(StatementError) -> [UInt8]? {
        while true {
            if let newline = buffer[position...].firstIndex(of: 0x0A) {
                let line = trimmed(buffer[position..<newline])
                position = newline + 1
                lineNumber += 1
                return line
            }
            if atEnd {
                guard position < buffer.count else { return nil }
                let line = trimmed(buffer[position...])
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

    private func trimmed(_ slice: ArraySlice<UInt8>) -> [UInt8] {
        var end = slice.endIndex
        while end > slice.startIndex, [0x0D, 0x20, 0x09].contains(slice[end - 1]) { end -= 1 }
        var line = Array(slice[slice.startIndex..<end])
        if lineNumber == 0, line.starts(with: [0xEF, 0xBB, 0xBF]) { line.removeFirst(3) }
        return line
    }
}

extension String {
    /// Decodes a line of an MT file: UTF-8 when valid, else ISO 8859-1 (common in German MT940
    /// exports), so that no byte is lost or replaced.
    init(mtLine bytes: some Collection<UInt8>) {
        if let text = String(validating: bytes, as: UTF8.self) {
            self = text
        } else {
            var scalars = String.UnicodeScalarView()
            for byte in bytes { scalars.append(Unicode.Scalar(byte)) }
            self = String(scalars)
        }
    }
}
