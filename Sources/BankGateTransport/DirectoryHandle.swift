#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A directory opened once (`O_DIRECTORY | O_NOFOLLOW`), through which files are listed, read,
/// created, moved and removed by name relative to it (`openat`, `renameat`, `linkat`, `unlinkat`).
///
/// Whoever can write into a folder shared with a bank's file agent can plant symbolic links, hard
/// links or a swapped sub-folder there. Through a handle no path is resolved again after it was
/// opened, and no link is followed: a file is opened with `O_NOFOLLOW` and checked on its own
/// descriptor (a regular file with one name), temporary files are created with
/// `O_CREAT | O_EXCL | O_NOFOLLOW`, and a symbolic link is refused, never dereferenced.
///
/// `@unchecked Sendable`: the descriptor is immutable and only passed to system calls that are
/// safe to make from several threads.
final class DirectoryHandle: @unchecked Sendable {
    /// The path it was opened by, for messages.
    let path: String
    private let descriptor: Int32

    /// Opens the directory at `path` (a symbolic link there is refused).
    init(path: String) throws(FileOperationError) {
        self.path = path
        descriptor = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard descriptor >= 0 else { throw FileOperationError("cannot open directory (links are not followed)", path) }
    }

    /// Opens the sub-directory `name` of `parent`, creating it (0755) when missing.
    init(in parent: DirectoryHandle, name: String) throws(FileOperationError) {
        path = parent.path + "/" + name
        if mkdirat(parent.descriptor, name, 0o755) != 0 && errno != EEXIST {
            throw FileOperationError("cannot create directory", path)
        }
        descriptor = openat(parent.descriptor, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard descriptor >= 0 else { throw FileOperationError("cannot open directory (links are not followed)", path) }
    }

    deinit { close(descriptor) }

    /// One name in the directory, as the system gave it.
    struct Entry {
        /// The name's bytes (a file name need not be UTF-8).
        var rawName: [UInt8]
        /// The name, when it is valid UTF-8.
        var name: String?
        /// What the name is, without following a link.
        var kind: Kind

        enum Kind: Equatable {
            case regular(linkCount: Int)
            case directory
            case symbolicLink
            case other
        }
    }

    /// Every entry but `.` and `..`, in byte order of their names.
    func entries() throws(FileOperationError) -> [Entry] {
        let listing = dup(descriptor)
        guard listing >= 0, let directory = fdopendir(listing) else {
            if listing >= 0 { close(listing) }
            throw FileOperationError("cannot list", path)
        }
        defer { closedir(directory) }
        rewinddir(directory)
        var entries: [Entry] = []
        while let record = readdir(directory) {
            let rawName = withUnsafeBytes(of: record.pointee.d_name) { buffer in
                Array(buffer.prefix { $0 != 0 })
            }
            if rawName == [UInt8(ascii: ".")] || rawName == [UInt8(ascii: "."), UInt8(ascii: ".")] { continue }
            var info = stat()
            let kind: Entry.Kind
            let found = (rawName + [0]).withUnsafeBufferPointer { name in
                name.withMemoryRebound(to: CChar.self) { fstatat(descriptor, $0.baseAddress!, &info, AT_SYMLINK_NOFOLLOW) }
            }
            if found != 0 { continue } // gone since it was listed
            switch info.st_mode & S_IFMT {
            case S_IFREG: kind = .regular(linkCount: Int(info.st_nlink))
            case S_IFDIR: kind = .directory
            case S_IFLNK: kind = .symbolicLink
            default: kind = .other
            }
            entries.append(Entry(rawName: rawName, name: String(validating: rawName, as: UTF8.self), kind: kind))
        }
        return entries.sorted { $0.rawName.lexicographicallyPrecedes($1.rawName) }
    }

    /// Reads the regular file `name`, or reports it larger than `limit` bytes without reading it
    /// all. A symbolic link, anything but a regular file, or a file with another name elsewhere (a
    /// hard link) is refused.
    func readFile(_ name: String, limit: Int, prefix: Int? = nil) throws(FileOperationError) -> BoundedRead {
        let fd = openat(descriptor, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else {
            if errno == ENOENT { return .missing }
            if errno == ELOOP { throw FileOperationError(description: "\(path)/\(name) is a symbolic link: refused, not followed") }
            throw FileOperationError("cannot open", path + "/" + name)
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw FileOperationError("cannot stat", path + "/" + name) }
        try Self.checkPlainFile(info, path + "/" + name)
        if Int64(info.st_size) > Int64(limit) { return .tooLarge(size: Int64(info.st_size)) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw FileOperationError("cannot read", path + "/" + name)
            }
            if count == 0 { return .bytes(bytes) }
            bytes.append(contentsOf: chunk[..<count])
            if let prefix, bytes.count >= prefix { return .bytes(Array(bytes.prefix(prefix))) }
            if bytes.count > limit { return .tooLarge(size: Int64(bytes.count)) } // grew meanwhile
        }
    }

    /// Opens the regular file `name` to read it piece by piece — a symbolic link, anything but a
    /// regular file, or a file with another name elsewhere is refused — with its size; `nil` when
    /// there is none. The caller closes the descriptor.
    func openForReading(_ name: String) throws(FileOperationError) -> (descriptor: Int32, size: Int64)? {
        let fd = openat(descriptor, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else {
            if errno == ENOENT { return nil }
            if errno == ELOOP { throw FileOperationError(description: "\(path)/\(name) is a symbolic link: refused, not followed") }
            throw FileOperationError("cannot open", path + "/" + name)
        }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            close(fd)
            throw FileOperationError("cannot stat", path + "/" + name)
        }
        do {
            try Self.checkPlainFile(info, path + "/" + name)
        } catch {
            close(fd)
            throw error
        }
        return (fd, Int64(info.st_size))
    }

    /// A regular file with exactly one name; otherwise why not.
    static func checkPlainFile(_ info: stat, _ path: String) throws(FileOperationError) {
        guard info.st_mode & S_IFMT == S_IFREG else {
            throw FileOperationError(description: "\(path) is not a regular file: refused")
        }
        guard info.st_nlink == 1 else {
            throw FileOperationError(description: "\(path) has \(info.st_nlink) names (a hard link): refused")
        }
    }

    /// Creates `name` afresh (`O_CREAT | O_EXCL | O_NOFOLLOW`, after removing a stale entry of that
    /// name — a planted link is removed, never written through), writes `bytes` and fsyncs it.
    func createFile(_ name: String, bytes: [UInt8], mode: mode_t = 0o644) throws(FileOperationError) {
        if unlinkat(descriptor, name, 0) != 0 && errno != ENOENT {
            throw FileOperationError("cannot remove the stale", path + "/" + name)
        }
        let fd = openat(descriptor, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode)
        guard fd >= 0 else { throw FileOperationError("cannot create", path + "/" + name) }
        var failure: FileOperationError?
        var written = 0
        while written < bytes.count && failure == nil {
            let count = bytes[written...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if count > 0 { written += count } else if count < 0 && errno == EINTR { continue } else {
                failure = FileOperationError("cannot write", path + "/" + name)
            }
        }
        if failure == nil && fsync(fd) != 0 { failure = FileOperationError("cannot fsync", path + "/" + name) }
        if close(fd) != 0 && failure == nil { failure = FileOperationError("cannot close", path + "/" + name) }
        if let failure {
            _ = unlinkat(descriptor, name, 0)
            throw failure
        }
    }

    /// Whether an entry `name` exists (a link counts; it is not followed).
    func exists(_ name: String) -> Bool {
        var info = stat()
        return fstatat(descriptor, name, &info, AT_SYMLINK_NOFOLLOW) == 0
    }

    /// Renames `name` to `newName` in `destination`, replacing an entry there.
    func rename(_ name: String, to destination: DirectoryHandle, as newName: String) throws(FileOperationError) {
        guard renameat(descriptor, name, destination.descriptor, newName) == 0 else {
            throw FileOperationError("cannot rename", path + "/" + name)
        }
    }

    /// Renames the entry whose name is `rawName` (any bytes) to `newName` in `destination`.
    func rename(rawName: [UInt8], to destination: DirectoryHandle, as newName: String) throws(FileOperationError) {
        let moved = (rawName + [0]).withUnsafeBufferPointer { name in
            name.withMemoryRebound(to: CChar.self) { renameat(descriptor, $0.baseAddress!, destination.descriptor, newName) }
        }
        guard moved == 0 else { throw FileOperationError("cannot rename an entry of", path) }
    }

    /// Gives `name` the second name `newName` in `destination`, failing with `EEXIST` when that is taken.
    /// - Returns: 0, or the `errno` of the failure.
    func link(_ name: String, to destination: DirectoryHandle, as newName: String) -> Int32 {
        linkat(descriptor, name, destination.descriptor, newName, 0) == 0 ? 0 : errno
    }

    /// Removes the entry `name` (a link itself, not what it points at).
    func remove(_ name: String) throws(FileOperationError) {
        guard unlinkat(descriptor, name, 0) == 0 else { throw FileOperationError("cannot remove", path + "/" + name) }
    }

    /// Makes the directory's entries (creations, renames, removals) durable.
    func sync() throws(FileOperationError) {
        guard fsync(descriptor) == 0 else { throw FileOperationError("cannot fsync directory", path) }
    }
}
