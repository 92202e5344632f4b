#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Output written with `write(2)`, without copying it into `Data` first (the commands that print
/// megabytes: `statements parse`, `messages render`).
enum FileDescriptorOutput {
    /// Writes all of `bytes` to `descriptor`, retrying after interrupts and short writes.
    /// - Returns: `false` when the descriptor refused them (a closed pipe, a full disk).
    static func writeAll(_ descriptor: Int32, _ bytes: UnsafeRawBufferPointer) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let written = write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
            if written < 0, errno == EINTR { continue }
            guard written > 0 else { return false }
            offset += written
        }
        return true
    }

    /// Writes `bytes` to the file at `path`, created or truncated (no atomic replace: no fsync and
    /// rename, which cost more than the write), or to standard output when `path` is `nil`.
    static func store(_ bytes: [UInt8], to path: String?) -> Bool {
        let descriptor = path.map { open($0, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644) } ?? 1
        guard descriptor >= 0 else { return false }
        let written = bytes.withUnsafeBytes { writeAll(descriptor, $0) }
        guard path != nil else { return written }
        return close(descriptor) == 0 && written
    }
}
