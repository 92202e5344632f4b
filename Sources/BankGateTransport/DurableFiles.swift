import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A failed file operation, with the system's reason.
struct FileOperationError: Error, CustomStringConvertible {
    var description: String

    init(_ action: String, _ path: String, code: Int32 = errno) {
        description = "\(action) \(path): \(String(cString: strerror(code)))"
    }

    init(description: String) {
        self.description = description
    }
}

/// The outcome of reading a file with a size limit.
enum BoundedRead: Equatable {
    case bytes([UInt8])
    case tooLarge(size: Int64)
    case missing
}

/// Blocking POSIX file operations with the durability steps spelled out: data is fsynced before
/// a rename publishes it, and the directory is fsynced after, so that a crash cannot leave a
/// published name pointing at missing data or lose the rename itself.
enum DurableFiles {
    static func ensureDirectory(_ path: String) throws(FileOperationError) {
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw FileOperationError(description: "cannot create directory \(path): \(error.localizedDescription)")
        }
        var info = stat()
        guard lstat(path, &info) == 0 else { throw FileOperationError("cannot create directory", path) }
        guard info.st_mode & S_IFMT == S_IFDIR else { throw FileOperationError("not a directory:", path, code: ENOTDIR) }
    }

    /// Creates or truncates `path`, writes `bytes` and fsyncs the file.
    static func writeAndSync(_ bytes: [UInt8], to path: String) throws(FileOperationError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw FileOperationError("cannot create", path) }
        var failure: FileOperationError?
        var written = 0
        while written < bytes.count && failure == nil {
            let count = bytes[written...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if count > 0 { written += count } else if count < 0 && errno == EINTR { continue } else {
                failure = FileOperationError("cannot write", path)
            }
        }
        if failure == nil && fsync(fd) != 0 { failure = FileOperationError("cannot fsync", path) }
        if close(fd) != 0 && failure == nil { failure = FileOperationError("cannot close", path) }
        if let failure { throw failure }
    }

    /// Makes the entries of a directory (creations, renames, removals) durable.
    static func syncDirectory(_ path: String) throws(FileOperationError) {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw FileOperationError("cannot open directory", path) }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw FileOperationError("cannot fsync directory", path) }
    }

    /// Renames atomically, replacing any file at `destination`.
    static func move(_ source: String, to destination: String) throws(FileOperationError) {
        guard rename(source, destination) == 0 else { throw FileOperationError("cannot rename", source) }
    }

    static func exists(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0
    }

    /// Reads a whole file, or reports it larger than `limit` bytes without reading it all.
    static func readFile(_ path: String, limit: Int, prefix: Int? = nil) throws(FileOperationError) -> BoundedRead {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            if errno == ENOENT { return .missing }
            throw FileOperationError("cannot open", path)
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw FileOperationError("cannot stat", path) }
        if Int64(info.st_size) > Int64(limit) { return .tooLarge(size: Int64(info.st_size)) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw FileOperationError("cannot read", path)
            }
            if count == 0 { return .bytes(bytes) }
            bytes.append(contentsOf: chunk[..<count])
            if let prefix, bytes.count >= prefix { return .bytes(Array(bytes.prefix(prefix))) }
            if bytes.count > limit { return .tooLarge(size: Int64(bytes.count)) } // grew meanwhile
        }
    }

    /// Names of the regular files directly in `directory` not starting with ".", in byte order.
    static func regularFileNames(in directory: String) throws(FileOperationError) -> [String] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory)
        } catch {
            throw FileOperationError(description: "cannot list \(directory): \(error.localizedDescription)")
        }
        return names.filter { name in
            var info = stat()
            return !name.hasPrefix(".") && lstat(directory + "/" + name, &info) == 0
                && info.st_mode & S_IFMT == S_IFREG
        }.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    /// Moves `source` into `directory` under `name`, or under `name` with a numeric suffix
    /// (`report.1.xml`, `report.2.xml`, …) when that name is taken: an existing file is never
    /// replaced. A name is taken too when `name + companionSuffix` exists, so that a companion
    /// file (a reason) can be written beside it. Both directories are fsynced. Returns the name used.
    ///
    /// `link` + `unlink` makes "create only if absent" atomic. A crash between the two leaves the
    /// file in both places, i.e. it is picked up again: the at-least-once reading that inbox
    /// processing has anyway. Where hard links are not supported, an existence check + `rename`
    /// is used instead (safe with one settler per inbox).
    static func moveWithoutReplacing(_ source: String, toDirectory directory: String, name: String,
                                     companionSuffix: String = "") throws(FileOperationError) -> String {
        for attempt in 0..<100_000 {
            let candidate = attempt == 0 ? name : suffixed(name, attempt)
            let destination = directory + "/" + candidate
            if !companionSuffix.isEmpty && exists(destination + companionSuffix) { continue }
            if link(source, destination) == 0 {
                guard unlink(source) == 0 else { throw FileOperationError("cannot remove", source) }
            } else if errno == EEXIST {
                continue
            } else if [EPERM, EOPNOTSUPP, EXDEV, EMLINK, ENOSYS].contains(errno) {
                if exists(destination) { continue }
                try move(source, to: destination)
            } else {
                throw FileOperationError("cannot move", source)
            }
            try syncDirectory(directory)
            try syncDirectory(parentDirectory(of: source))
            return candidate
        }
        throw FileOperationError(description: "no free name for \(name) in \(directory)")
    }

    static func parentDirectory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    /// `report.xml` → `report.1.xml`; `report` → `report.1`.
    static func suffixed(_ name: String, _ number: Int) -> String {
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return "\(name).\(number)" }
        return "\(name[..<dot]).\(number)\(name[dot...])"
    }
}
