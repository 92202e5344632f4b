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

/// Folder set-up and names for the folder transport; the file operations themselves go through
/// ``DirectoryHandle`` (relative to folders opened once, links never followed).
enum DurableFiles {
    /// Creates `path` (and its parents) when missing; refuses anything there but a directory (a
    /// symbolic link included).
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

    /// `report.xml` → `report.1.xml`; `report` → `report.1`.
    static func suffixed(_ name: String, _ number: Int) -> String {
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return "\(name).\(number)" }
        return "\(name[..<dot]).\(number)\(name[dot...])"
    }
}
