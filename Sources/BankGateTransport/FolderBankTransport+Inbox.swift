public import BankGateCore

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
        for name in try DurableFiles.regularFileNames(in: inboxDirectory) {
            switch try DurableFiles.readFile(inboxDirectory + "/" + name, limit: maximumInboundFileBytes) {
            case .bytes(let bytes):
                files.append(InboundFile(name: name, bytes: bytes, path: inboxDirectory + "/" + name))
            case .tooLarge:
                switch try DurableFiles.readFile(inboxDirectory + "/" + name, limit: Int.max, prefix: 64 * 1024) {
                case .bytes(let prefix):
                    files.append(InboundFile(name: name, bytes: prefix, path: inboxDirectory + "/" + name, isPartial: true))
                case .tooLarge, .missing:
                    continue
                }
            case .missing:
                continue // taken away since listing
            }
        }
        return files
    }

    /// Moves `inbox/<name>` to `processed/`, or to `failed/` and writes the reason beside it.
    func move(_ name: String, failureReason: String?) throws(FileOperationError) {
        guard Self.isPlainFileName(name) else {
            throw FileOperationError(description: "invalid file name \"\(name)\"")
        }
        let source = inboxDirectory + "/" + name
        guard let failureReason else {
            _ = try DurableFiles.moveWithoutReplacing(source, toDirectory: processedDirectory, name: name)
            return
        }
        let reasonSuffix = ".reason.txt"
        let movedName = try DurableFiles.moveWithoutReplacing(
            source, toDirectory: failedDirectory, name: name, companionSuffix: reasonSuffix)
        let reasonName = movedName + reasonSuffix
        let temporaryPath = failedDirectory + "/." + reasonName + ".tmp"
        try DurableFiles.writeAndSync(Array((failureReason + "\n").utf8), to: temporaryPath)
        try DurableFiles.move(temporaryPath, to: failedDirectory + "/" + reasonName)
        try DurableFiles.syncDirectory(failedDirectory)
    }
}
