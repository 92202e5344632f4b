#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Files to and from a bank's client through its folder mounted here (`file_directory`).
///
/// The folder is opened afresh for each transfer (a remount is picked up) and never through a
/// link. A file is written under a temporary name, fsynced, renamed to its name and the folder
/// fsynced, so the client never sees half a file; a file is read only when it is a regular file
/// with one name and not larger than the caller accepts.
public struct DirectoryFileTransfer: BankFileTransfer {
    public let directory: String
    private let workers: BlockingWorkerPool<Void>

    public init(directory: String, maximumConcurrentTransfers: Int = 2) {
        self.directory = directory
        workers = BlockingWorkerPool(name: "bankgate-files", maximumThreads: maximumConcurrentTransfers, makeContext: {})
    }

    public var description: String { "folder \(directory)" }

    public func download(_ name: String, maximumBytes: Int) async throws(FileTransferError) -> [UInt8] {
        try BankFileName.check(name)
        let directory = directory
        let limit = max(0, maximumBytes)
        return try await workers.run { _ -> Result<[UInt8], FileTransferError> in
            let folder: DirectoryHandle
            do {
                folder = try DirectoryHandle(path: directory)
            } catch {
                return .failure(FileTransferError(.unreachable, "\(error)"))
            }
            do {
                switch try folder.readFile(name, limit: limit) {
                case .bytes(let bytes): return .success(bytes)
                case .missing: return .failure(FileTransferError(.notFound, "\(directory)/\(name): no such file"))
                case .tooLarge(let size):
                    return .failure(FileTransferError(.tooLarge, "\(directory)/\(name) has \(size) bytes, more than \(limit)"))
                }
            } catch {
                return .failure(FileTransferError(.failed, "\(error)"))
            }
        }.get()
    }

    public func upload(_ name: String, bytes: [UInt8]) async throws(FileTransferError) {
        try BankFileName.check(name)
        let directory = directory
        try await workers.run { _ -> Result<Void, FileTransferError> in
            let folder: DirectoryHandle
            do {
                folder = try DirectoryHandle(path: directory)
            } catch {
                return .failure(FileTransferError(.unreachable, "\(error)"))
            }
            // A leading dot: a name no transfer accepts, so it never collides with a real file.
            let temporary = ".\(name).bankgate-\(UInt32.random(in: .min ... .max))"
            do {
                try folder.createFile(temporary, bytes: bytes)
                try folder.rename(temporary, to: folder, as: name)
                try folder.sync()
                return .success(())
            } catch {
                _ = try? folder.remove(temporary)
                return .failure(FileTransferError(.failed, "\(error)"))
            }
        }.get()
    }
}
