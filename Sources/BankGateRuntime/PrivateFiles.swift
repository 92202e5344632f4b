#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Files that hold secrets (keys, certificates that go with them): created mode 0600 with `O_EXCL`
/// and `O_NOFOLLOW`, so an existing file or a planted link is never written through, written whole,
/// `fsync`ed, and removed again when anything fails.
public enum PrivateFiles {
    /// Why the files could not be created.
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
        /// The file does not exist (reading only).
        public var isMissing = false
    }

    /// The bytes of the regular file at `path` (`what` names it in errors), at most `limit`. With
    /// `ownerOnly`, refuses a file others than its owner may read; without `followLinks`, a link.
    public static func contents(of path: String, what: String, ownerOnly: Bool, followLinks: Bool = true,
                            limit: Int = 1 << 20) throws(Failure) -> [UInt8] {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC | (followLinks ? 0 : O_NOFOLLOW))
        guard descriptor >= 0 else {
            throw Failure(description: "cannot open the \(what) \(path): \(String(cString: strerror(errno)))", isMissing: errno == ENOENT)
        }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG else {
            throw Failure(description: "the \(what) \(path) is not a regular file")
        }
        if ownerOnly, status.st_mode & 0o077 != 0 {
            throw Failure(description: "the \(what) \(path) may be read by others (mode \(String(status.st_mode & 0o777, radix: 8))); make it 0600")
        }
        guard status.st_size <= limit else { throw Failure(description: "the \(what) \(path) is larger than \(limit) bytes") }
        var bytes = [UInt8](repeating: 0, count: Int(status.st_size))
        var offset = 0
        while offset < bytes.count {
            let count = bytes.withUnsafeMutableBytes { read(descriptor, $0.baseAddress! + offset, $0.count - offset) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { throw Failure(description: "cannot read the \(what) \(path)") }
            offset += count
        }
        return bytes
    }

    /// Creates every file or none: on a failure the files already created are removed.
    public static func create(_ files: [(path: String, bytes: [UInt8])]) throws(Failure) {
        var created: [String] = []
        for file in files {
            let descriptor = open(file.path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
            guard descriptor >= 0 else {
                let reason = String(cString: strerror(errno))
                created.forEach { _ = unlink($0) }
                throw Failure(description: "cannot create \(file.path): \(reason)")
            }
            created.append(file.path)
            let written = fchmod(descriptor, 0o600) == 0 && writeAll(descriptor, file.bytes) && fsync(descriptor) == 0
            guard close(descriptor) == 0, written else {
                created.forEach { _ = unlink($0) }
                throw Failure(description: "cannot write \(file.path)")
            }
        }
    }

    /// Writes all of `bytes`, retrying short writes and interrupted calls.
    static func writeAll(_ descriptor: Int32, _ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let count = write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if count < 0 && errno == EINTR { continue }
                guard count > 0 else { return false }
                offset += count
            }
            return true
        }
    }
}
