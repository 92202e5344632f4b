public import BankGateCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A folder transport failed to set up or to settle a file.
public struct FolderTransportError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What went wrong, with the path and the system's reason.
    public var message: String

    /// An error with its explanation.
    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}

/// Host-to-host exchange through folders shared with the bank's file agent (SFTP, a bank's
/// client software, a mounted share): messages go to the outbox, answers arrive in the inbox.
///
/// Outbox: a message is written to `.<fileName>.tmp`, fsynced, renamed to `<fileName>` and the
/// directory fsynced, so the agent never sees a partial file (dot files are skipped by agents).
/// Inbox: regular files not starting with "." are picked up in name order and, once handled,
/// moved to `processed/` or to `failed/` (with `<name>.reason.txt` beside), never overwriting.
///
/// The four folders are opened once, at start, and every file is reached through them by name
/// (``DirectoryHandle``): whoever can write into the shared folders cannot make bankgate follow a
/// link, write through a planted one, or send a file elsewhere by swapping `processed/` or
/// `failed/` while it runs. Symbolic links, hard-linked files, other special files and names that
/// are not UTF-8 are moved to `failed/` with the reason, unread.
///
/// One process is assumed to write a given outbox file name and to settle a given inbox.
/// File operations block, so they run on the transport's own threads.
public struct FolderBankTransport: BankTransport {
    /// Where messages for the bank are written.
    public let outboxDirectory: String
    /// Where the bank's files arrive.
    public let inboxDirectory: String
    /// Inbox files larger than this are not read into memory: they are handed on partial.
    public let maximumInboundFileBytes: Int
    let workers: BlockingWorkerPool<Void>
    let outbox: DirectoryHandle
    let inbox: DirectoryHandle
    let processed: DirectoryHandle
    let failed: DirectoryHandle

    /// Creates the outbox, the inbox and its `processed/` and `failed/` folders when missing, and
    /// opens them (a symbolic link in their place is refused).
    public init(outboxDirectory: String, inboxDirectory: String,
                maximumInboundFileBytes: Int = 64 * 1024 * 1024) throws(FolderTransportError) {
        self.outboxDirectory = Self.trimmingSlash(outboxDirectory)
        self.inboxDirectory = Self.trimmingSlash(inboxDirectory)
        self.maximumInboundFileBytes = max(1, maximumInboundFileBytes)
        self.workers = BlockingWorkerPool(name: "bankgate-folder", maximumThreads: 2, makeContext: {})
        do throws(FileOperationError) {
            try DurableFiles.ensureDirectory(self.outboxDirectory)
            try DurableFiles.ensureDirectory(self.inboxDirectory)
            outbox = try DirectoryHandle(path: self.outboxDirectory)
            inbox = try DirectoryHandle(path: self.inboxDirectory)
            processed = try DirectoryHandle(in: inbox, name: "processed")
            failed = try DirectoryHandle(in: inbox, name: "failed")
        } catch {
            throw FolderTransportError(error.description)
        }
    }

    /// Where settled files go.
    public var processedDirectory: String { processed.path }
    /// Where files that could not be handled go, each with a `.reason.txt`.
    public var failedDirectory: String { failed.path }

    /// Writes a payment message to the outbox (see `deliver`).
    public func submit(_ message: EncodedMessage) async -> TransportOutcome {
        await workers.run { _ in deliver(message) }
    }

    /// Writes a status query to the outbox (see `deliver`).
    public func query(_ message: EncodedMessage) async -> TransportOutcome {
        await workers.run { _ in deliver(message) }
    }

    /// Writes a message to the outbox. `.delivered` once the file is durably in place, or was
    /// already there with the same bytes (a resend); `.notSent` if it could not be written or
    /// another file holds its name; `.unknown` if it was renamed into place but the directory
    /// could not be synced (the agent may already have taken it).
    func deliver(_ message: EncodedMessage) -> TransportOutcome {
        let name = message.fileName
        guard Self.isPlainFileName(name) else { return .notSent("invalid file name \"\(name)\"") }
        let temporaryName = "." + name + ".tmp"
        do throws(FileOperationError) {
            switch try outbox.readFile(name, limit: message.bytes.count) {
            case .bytes(let existing) where existing == message.bytes:
                return syncOutbox(afterPublishing: name)
            case .bytes, .tooLarge:
                return .notSent("a different file named \(name) is already in the outbox")
            case .missing:
                break
            }
            try outbox.createFile(temporaryName, bytes: message.bytes)
            try outbox.rename(temporaryName, to: outbox, as: name)
        } catch {
            try? outbox.remove(temporaryName)
            return .notSent(error.description)
        }
        return syncOutbox(afterPublishing: name)
    }

    private func syncOutbox(afterPublishing name: String) -> TransportOutcome {
        do throws(FileOperationError) {
            try outbox.sync()
            return .delivered
        } catch {
            return .unknown("\(name) is in the outbox but may not survive a crash: \(error.description)")
        }
    }

    /// A single path component that is not hidden: no "/", no NUL, no leading ".".
    static func isPlainFileName(_ name: String) -> Bool {
        !name.isEmpty && !name.hasPrefix(".") && !name.utf8.contains(UInt8(ascii: "/")) && !name.utf8.contains(0)
    }

    private static func trimmingSlash(_ path: String) -> String {
        path.count > 1 && path.hasSuffix("/") ? String(path.dropLast()) : path
    }
}
