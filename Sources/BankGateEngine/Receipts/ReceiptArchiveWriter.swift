import BankGateArchive
public import BankGateCore
import BankGateCrypto
public import BankGateTransport
import Glibc

/// Why a receipt export's ZIP was not written.
public enum ReceiptArchiveError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A receipt's kept file is missing, or its bytes do not hash to what was kept (`problem`):
    /// nothing is exported rather than wrong bytes.
    case receiptFile(receiptId: String, problem: String, detail: String)
    /// Writing was stopped (a shutdown); the export runs again.
    case cancelled
    /// The file system or the ZIP library failed.
    case write(String)

    /// The export's error code: `receipt_file_missing`, `receipt_file_altered`, `receipt_file_unreadable`,
    /// `cancelled`, `write_failed`.
    public var code: String {
        switch self {
        case .receiptFile(_, let problem, _): "receipt_file_\(problem)"
        case .cancelled: "cancelled"
        case .write: "write_failed"
        }
    }

    public var description: String {
        switch self {
        case .receiptFile(let receiptId, let problem, let detail): "the file of receipt \(receiptId) is \(problem): \(detail)"
        case .cancelled: "the export was stopped"
        case .write(let message): message
        }
    }
}

/// Writes a receipt export's ZIP with libzip (``ZipFileWriter``): `index.csv` and `index.json`
/// (deflated) and `documents/<receipt id>.<ext>` per receipt (stored: PDFs and images are
/// compressed already), each document streamed from the kept file and checked against its SHA-256
/// as it is read — a file missing or altered stops the export naming the receipt, and no ZIP is
/// left. Memory does not grow with the bytes exported (64 KB read at a time, per entry only its
/// name and hash). Blocking: run it on a thread of its own.
public struct ReceiptArchiveWriter: Sendable {
    /// What was written: the receipts, and the ZIP's size and SHA-256.
    public struct Summary: Sendable, Hashable {
        public var receiptCount: Int
        public var bytes: Int64
        public var sha256: String
    }

    let files: ContentAddressedFiles
    /// The entries' modification time (seconds since 1970).
    let modified: Int64

    public init(files: ContentAddressedFiles, modified: Timestamp) {
        self.files = files
        self.modified = modified.milliseconds / 1000
    }

    /// Writes `contents` into the ZIP `path` (through a temporary file renamed when complete), then
    /// reads it back once for its SHA-256 and fsyncs it.
    /// - Parameters:
    ///   - progress: the fraction written, 0…1, about every percent (from the writing thread).
    ///   - shouldCancel: asked as it writes; `true` stops it (``ReceiptArchiveError/cancelled``).
    public func write(_ contents: ReceiptArchiveContents, to path: String, progress: @escaping (Double) -> Void = { _ in },
                      shouldCancel: @escaping () -> Bool = { false }) throws(ReceiptArchiveError) -> Summary {
        do {
            let zip = try ZipFileWriter(path: path)
            try zip.addFile(name: "index.csv", filePath: contents.csvPath, modified: modified, compression: .deflate)
            try zip.addFile(name: "index.json", filePath: contents.jsonPath, modified: modified, compression: .deflate)
            for document in contents.documents {
                try zip.addEntry(name: document.name, size: document.size, modified: modified, compression: .store,
                                 source: KeptFileSource(files: files, sha256: document.sha256))
            }
            try zip.close(progress: progress, shouldCancel: shouldCancel)
        } catch {
            throw classify(error, contents)
        }
        let (bytes, sha256) = try Self.hashAndSync(path)
        return Summary(receiptCount: contents.documents.count, bytes: bytes, sha256: sha256)
    }

    private func classify(_ error: ZipWriteError, _ contents: ReceiptArchiveContents) -> ReceiptArchiveError {
        switch error.code {
        case .cancelled:
            return .cancelled
        case .entrySource:
            guard let document = contents.documents.first(where: { $0.name == error.entry }) else { return .write(error.description) }
            let problem: String
            switch try? files.check(document.sha256) {
            case .missing: problem = "missing"
            case .altered: problem = "altered"
            case .intact, nil: problem = "unreadable"
            }
            return .receiptFile(receiptId: document.receiptId, problem: problem, detail: error.sourceError ?? error.message)
        case .create, .addEntry, .write:
            return .write(error.description)
        }
    }

    /// The size and SHA-256 of the file at `path`, read in 1 MB pieces; the file is fsynced.
    static func hashAndSync(_ path: String) throws(ReceiptArchiveError) -> (Int64, String) {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw ReceiptArchiveError.write("cannot open \(path): errno \(errno)") }
        defer { close(descriptor) }
        var hasher = SHA256.Hasher()
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        var total: Int64 = 0
        while true {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw ReceiptArchiveError.write("cannot read \(path): errno \(errno)")
            }
            if count == 0 { break }
            buffer.withUnsafeBytes { hasher.update(UnsafeRawBufferPointer(rebasing: $0[..<count])) }
            total += Int64(count)
        }
        guard fsync(descriptor) == 0 else { throw ReceiptArchiveError.write("cannot fsync \(path): errno \(errno)") }
        return (total, hasher.finalizeHex())
    }
}

/// A receipt's kept file as a ZIP entry's source: opened when libzip writes the entry, read in
/// pieces and checked against its hash (``ContentAddressedFiles/StreamedFile``).
final class KeptFileSource: ZipEntrySource {
    let files: ContentAddressedFiles
    let sha256: String
    private var file: ContentAddressedFiles.StreamedFile?

    init(files: ContentAddressedFiles, sha256: String) {
        self.files = files
        self.sha256 = sha256
    }

    func open() throws {
        file = try files.openForStreaming(sha256)
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard let file else { throw NotOpened(sha256: sha256) }
        return try file.read(into: buffer)
    }

    func close() {
        file?.close()
        file = nil
    }

    struct NotOpened: Error, CustomStringConvertible {
        var sha256: String
        var description: String { "\(sha256) read before it was opened" }
    }
}
