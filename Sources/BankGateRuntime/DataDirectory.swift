import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The data folder (`[server] data_dir`): whether it can be used, or made, by this user, and why
/// not in words an operator can act on. `bankgate doctor` reports it; `bankgate serve` refuses to
/// start with it instead of a file system error.
public enum DataDirectory {
    /// Why the data folder cannot be used or made.
    public struct Problem: Error, CustomStringConvertible, Equatable {
        /// What is wrong, naming the folder at fault.
        public var what: String
        /// How to fix it.
        public var fix: String
        public var description: String { "data_dir: \(what) — \(fix)" }
    }

    /// Why `path` can neither be used as the data folder nor created, or `nil` when it can: an
    /// existing folder must be writable and on a writable file system; a missing one needs its
    /// nearest existing ancestor to be such a folder.
    public static func problem(_ path: String) -> Problem? {
        if let kind = kind(of: path) {
            guard kind == .folder else {
                return Problem(what: "\(path) is a file, not a folder", fix: "point data_dir at a folder, or move the file away")
            }
            return writability(of: path, creating: nil)
        }
        var ancestor = path
        repeat {
            ancestor = parent(of: ancestor)
        } while kind(of: ancestor) == nil && ancestor != "/" && ancestor != "."
        guard kind(of: ancestor) == .folder else {
            return Problem(what: "\(ancestor) is a file, so \(path) cannot be created under it",
                           fix: "point data_dir at a folder outside it")
        }
        return writability(of: ancestor, creating: path)
    }

    private enum Kind { case folder, other }

    private static func kind(of path: String) -> Kind? {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else { return nil }
        return isFolder.boolValue ? .folder : .other
    }

    private static func parent(of path: String) -> String {
        let parent = (path as NSString).deletingLastPathComponent
        return parent.isEmpty ? (path.hasPrefix("/") ? "/" : ".") : parent
    }

    /// `folder` (the data folder, or the ancestor `creating` would be made in) as writability goes.
    private static func writability(of folder: String, creating: String?) -> Problem? {
        let suffix = creating.map { ", so \($0) cannot be created" } ?? ""
        var fileSystem = statvfs()
        if statvfs(folder, &fileSystem) == 0, fileSystem.f_flag & UInt(ST_RDONLY) != 0 {
            return Problem(what: "\(folder) is on a read-only file system\(suffix)",
                           fix: "point data_dir at a writable file system (with systemd, add it to ReadWritePaths=)")
        }
        guard access(folder, W_OK | X_OK) == 0 else {
            return Problem(what: "\(folder) is not writable by this user\(suffix)",
                           fix: creating.map { "create \($0) as root and chown bankgate: it" } ?? "chown -R bankgate: \(folder)")
        }
        return nil
    }
}
