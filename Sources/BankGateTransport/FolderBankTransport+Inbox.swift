public import BankGateCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension FolderBankTransport {
    /// The inbox's files in name order. A file over `maximumInboundFileBytes` is returned partial
    /// (its first 64 KiB and its path) so that a large statement can be read as a stream; the lane
    /// settles anything else that large as failed.
    public func pickUp() async throws -> [InboundFile] {
        try await workers.run { _ in
            Result { () throws(FolderTransportError) in
                do throws(FileOperationError) { return try readInbox() } catch { throw FolderTransportError(error.description) }
            }
        }.get()
    }

    /// Moves a picked-up file to `processed/`, or to `failed/` with `<name>.reason.txt` holding
    /// `failureReason`. A file already there under that name is kept: the new one gets a numeric
    /// suffix (`report.1.xml`).
    public func settle(_ file: InboundFile, failureReason: String?) async throws {
        try await workers.run { _ in
            Result { () throws(FolderTransportError) in
                do throws(FileOperationError) { try move(file.name, failureReason: failureReason) } catch {
                    throw FolderTransportError(error.description)
                }
            }
        }.get()
    }

    func readInbox() throws(FileOperationError) -> [InboundFile] {
        var files: [InboundFile] = []
        for entry in try inbox.entries() {
            if entry.rawName.first == UInt8(ascii: ".") || entry.kind == .directory { continue }
            guard let name = entry.name else {
                let shown = "name-" + Hex.encode(entry.rawName)
                files.append(try refuse(entry, as: shown, reason: "the file name is not valid UTF-8"))
                continue
            }
            switch entry.kind {
            case .symbolicLink:
                files.append(try refuse(entry, as: name, reason: "a symbolic link: refused, not followed"))
                continue
            case .other:
                files.append(try refuse(entry, as: name, reason: "not a regular file"))
                continue
            case .regular(let linkCount) where linkCount != 1:
                files.append(try refuse(entry, as: name, reason: "the file has \(linkCount) names (a hard link): refused unread"))
                continue
            case .regular, .directory:
                break
            }
            let read: BoundedRead
            do {
                read = try inbox.readFile(name, limit: maximumInboundFileBytes)
                if case .tooLarge = read {
                    // Streamed later from its path: only its beginning is read now.
                    if case .bytes(let prefix) = try inbox.readFile(name, limit: Int.max, prefix: 64 * 1024) {
                        files.append(InboundFile(name: name, bytes: prefix, path: inboxDirectory + "/" + name, isPartial: true))
                    }
                    continue
                }
            } catch {
                // Changed between the listing and the open (a link or a second name put in its place).
                files.append(try refuse(entry, as: name, reason: error.description))
                continue
            }
            if case .bytes(let bytes) = read {
                files.append(InboundFile(name: name, bytes: bytes, path: inboxDirectory + "/" + name))
            }
        }
        return files
    }

    /// Moves a refused inbox entry (by its raw name) to `failed/` under `shownName`, with the reason
    /// beside it, and returns what the lane reports.
    private func refuse(_ entry: DirectoryHandle.Entry, as shownName: String, reason: String) throws(FileOperationError) -> InboundFile {
        let movedName = try moveWithoutReplacing(.raw(entry.rawName), name: shownName, to: failed, companionSuffix: Self.reasonSuffix)
        try writeReason(reason, beside: movedName)
        return InboundFile(name: shownName, bytes: [], refusal: reason + " (moved to failed/\(movedName))")
    }

    static let reasonSuffix = ".reason.txt"

    /// Moves `inbox/<name>` to `processed/`, or to `failed/` and writes the reason beside it.
    func move(_ name: String, failureReason: String?) throws(FileOperationError) {
        guard Self.isPlainFileName(name) else {
            throw FileOperationError(description: "invalid file name \"\(name)\"")
        }
        guard let failureReason else {
            _ = try moveWithoutReplacing(.name(name), name: name, to: processed, companionSuffix: "")
            return
        }
        let movedName = try moveWithoutReplacing(.name(name), name: name, to: failed, companionSuffix: Self.reasonSuffix)
        try writeReason(failureReason, beside: movedName)
    }

    /// Writes `failed/<movedName>.reason.txt` through a temporary file created afresh.
    private func writeReason(_ reason: String, beside movedName: String) throws(FileOperationError) {
        let reasonName = movedName + Self.reasonSuffix
        let temporaryName = "." + reasonName + ".tmp"
        try failed.createFile(temporaryName, bytes: Array((reason + "\n").utf8))
        try failed.rename(temporaryName, to: failed, as: reasonName)
        try failed.sync()
    }

    /// An inbox entry, by a name that is valid UTF-8 or by its raw bytes.
    enum InboxEntryName {
        case name(String)
        case raw([UInt8])
    }

    /// Moves the inbox entry into `directory` under `name`, or under `name` with a numeric suffix
    /// (`report.1.xml`, `report.2.xml`, …) when that name is taken: an existing file is never
    /// replaced. A name is taken too when `name + companionSuffix` exists, so that a companion
    /// file (a reason) can be written beside it. Both directories are fsynced. Returns the name used.
    ///
    /// `linkat` + `unlinkat` makes "create only if absent" atomic. A crash between the two leaves
    /// the file in both places, i.e. it is picked up again: the at-least-once reading that inbox
    /// processing has anyway. Where hard links are not supported (and for names that are not
    /// UTF-8), an existence check + `renameat` is used instead (safe with one settler per inbox).
    func moveWithoutReplacing(_ entry: InboxEntryName, name: String, to directory: DirectoryHandle,
                              companionSuffix: String) throws(FileOperationError) -> String {
        for attempt in 0..<100_000 {
            let candidate = attempt == 0 ? name : DurableFiles.suffixed(name, attempt)
            if !companionSuffix.isEmpty && directory.exists(candidate + companionSuffix) { continue }
            switch entry {
            case .name(let source):
                let failure = inbox.link(source, to: directory, as: candidate)
                if failure == 0 {
                    try inbox.remove(source)
                } else if failure == EEXIST {
                    continue
                } else if [EPERM, EOPNOTSUPP, EXDEV, EMLINK, ENOSYS].contains(failure) {
                    if directory.exists(candidate) { continue }
                    try inbox.rename(source, to: directory, as: candidate)
                } else {
                    throw FileOperationError("cannot move", inbox.path + "/" + source, code: failure)
                }
            case .raw(let rawName):
                if directory.exists(candidate) { continue }
                try inbox.rename(rawName: rawName, to: directory, as: candidate)
            }
            try directory.sync()
            try inbox.sync()
            return candidate
        }
        throw FileOperationError(description: "no free name for \(name) in \(directory.path)")
    }
}
