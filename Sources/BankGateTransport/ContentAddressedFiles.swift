import BankGateCrypto
import Foundation

/// Files kept by their content: each under the hex SHA-256 of its bytes (`ab/abcdef…`), written once
/// — a temporary file, fsynced, renamed into place, the folder fsynced — read-only (0444) and never
/// changed; storing the same bytes again finds the file there. Reading checks the bytes against the
/// name, so a file altered on disk is reported, never served. What electronic receipts are kept in.
public final class ContentAddressedFiles: Sendable {
    /// What a store or a check found.
    public enum FileState: Hashable, Sendable {
        case intact
        case missing
        /// The file's bytes hash to `actualHash`, not to its name.
        case altered(actualHash: String)
    }

    /// A file kept: its hash (its name) and size, and whether this call wrote it.
    public struct StoredFile: Hashable, Sendable {
        public var sha256: String
        public var size: Int
        public var isNew: Bool
    }

    /// A failure of the file system, or a file found altered: its path and what went wrong.
    public struct FileStoreError: Error, Hashable, Sendable, CustomStringConvertible {
        public var description: String
    }

    /// The folder, as given.
    public let directory: String
    private let root: DirectoryHandle
    /// The largest file read back (a bound against a planted huge file).
    public let maximumFileBytes: Int

    /// Opens (creating) the folder `directory`; a symbolic link there is refused.
    public init(directory: String, maximumFileBytes: Int = 256 << 20) throws(FileStoreError) {
        self.directory = directory
        self.maximumFileBytes = maximumFileBytes
        do {
            try DurableFiles.ensureDirectory(directory)
            root = try DirectoryHandle(path: directory)
        } catch {
            throw FileStoreError(description: error.description)
        }
    }

    /// The hex SHA-256 of `bytes`: the name they are kept under.
    public static func hash(_ bytes: [UInt8]) -> String {
        SHA256.hex(bytes)
    }

    /// Keeps `bytes`; when a file of that hash is already there and intact, it is kept as it is.
    /// - Throws: ``FileStoreError`` when the file system fails, or when the file under that name
    ///   is altered (it is left for an operator, not overwritten).
    public func store(_ bytes: [UInt8]) throws(FileStoreError) -> StoredFile {
        let hash = Self.hash(bytes)
        let (folder, name) = try place(hash)
        switch try check(folder, name) {
        case .intact:
            return StoredFile(sha256: hash, size: bytes.count, isNew: false)
        case .altered(let actual):
            throw FileStoreError(description: "\(directory)/\(hash.prefix(2))/\(name) is altered (its bytes hash to \(actual)): "
                                 + "left as it is for an operator")
        case .missing:
            break
        }
        let temporary = ".\(name).\(UInt32.random(in: 0...UInt32.max)).tmp"
        do {
            try folder.createFile(temporary, bytes: bytes, mode: 0o444)
            try folder.rename(temporary, to: folder, as: name)
            try folder.sync()
        } catch {
            try? folder.remove(temporary)
            throw FileStoreError(description: error.description)
        }
        return StoredFile(sha256: hash, size: bytes.count, isNew: true)
    }

    /// The bytes kept under `sha256`, checked against it.
    /// - Throws: ``FileStoreError`` when the file is missing, altered or unreadable.
    public func read(_ sha256: String) throws(FileStoreError) -> [UInt8] {
        let (folder, name) = try place(sha256)
        let bytes = try bytes(folder, name)
        guard let bytes else { throw FileStoreError(description: "\(directory)/\(sha256.prefix(2))/\(name) is missing") }
        let actual = Self.hash(bytes)
        guard actual == sha256 else {
            throw FileStoreError(description: "\(directory)/\(sha256.prefix(2))/\(name) is altered (its bytes hash to \(actual))")
        }
        return bytes
    }

    /// Whether the file kept under `sha256` is there and intact.
    public func check(_ sha256: String) throws(FileStoreError) -> FileState {
        let (folder, name) = try place(sha256)
        return try check(folder, name)
    }

    private func check(_ folder: DirectoryHandle, _ name: String) throws(FileStoreError) -> FileState {
        guard let bytes = try bytes(folder, name) else { return .missing }
        let actual = Self.hash(bytes)
        return actual == name ? .intact : .altered(actualHash: actual)
    }

    private func bytes(_ folder: DirectoryHandle, _ name: String) throws(FileStoreError) -> [UInt8]? {
        do {
            switch try folder.readFile(name, limit: maximumFileBytes) {
            case .bytes(let bytes): return bytes
            case .missing: return nil
            case .tooLarge(let size):
                throw FileStoreError(description: "\(folder.path)/\(name) is \(size) bytes, over \(maximumFileBytes): not read")
            }
        } catch let error as FileStoreError {
            throw error
        } catch {
            throw FileStoreError(description: "\(error)")
        }
    }

    /// The sub-folder (the hash's first two characters) and the file name of `hash`.
    func place(_ hash: String) throws(FileStoreError) -> (DirectoryHandle, String) {
        guard hash.utf8.count == 64, hash.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }) else {
            throw FileStoreError(description: "\(hash) is not a lower-case hex SHA-256")
        }
        do {
            return (try DirectoryHandle(in: root, name: String(hash.prefix(2))), hash)
        } catch {
            throw FileStoreError(description: error.description)
        }
    }
}
