import CLibZip
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The bytes of one entry of an archive being written, read when ``ZipFileWriter/close(progress:shouldCancel:)``
/// writes it (not when it is added): a source that throws stops the archive, which is then not written.
public protocol ZipEntrySource: AnyObject {
    /// Prepares to read from the start (opens a file).
    func open() throws
    /// Fills the start of `buffer`; 0 at the end. May throw at any read, the last included (bytes
    /// found wrong when all were read).
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int
    /// Releases what ``open()`` took; called after the last read and after a failure.
    func close()
}

/// Why an archive was not written: ``code``, what went wrong, and the entry at fault when one was.
public struct ZipWriteError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Code: String, Sendable, Hashable {
        /// The archive file could not be created.
        case create
        /// An entry could not be added (a name refused, a source the library would not take).
        case addEntry = "add_entry"
        /// An entry's source failed while it was written (``entry`` names it).
        case entrySource = "entry_source"
        /// Writing stopped because ``ZipFileWriter/close(progress:shouldCancel:)`` was asked to stop.
        case cancelled
        /// The library failed writing or renaming the archive.
        case write
    }

    public var code: Code
    public var message: String
    /// The entry at fault, as named in the archive.
    public var entry: String?
    /// The error the entry's source threw, when it threw one.
    public var sourceError: String?

    public var description: String {
        (entry.map { "entry \"\($0)\": " } ?? "") + message
    }
}

/// A ZIP archive written with libzip: entries are added (their bytes not read yet), then
/// ``close(progress:shouldCancel:)`` writes every entry in one pass and the central directory once,
/// into a temporary file in the archive's folder renamed to the archive's name when complete — so
/// a reader never sees half an archive, and time and memory grow linearly with the entries. ZIP64
/// records are written by the library where they are needed (past 65,535 entries or 4 GiB).
///
/// Not `Sendable`: one writer is used by one thread from creation to close, and ``close`` blocks
/// while it writes (run it off the cooperative thread pool).
public final class ZipFileWriter {
    /// How an entry is kept.
    public enum Compression: Sendable {
        /// As is: for documents compressed already (PDF, images).
        case store
        /// Deflated: for text (indexes).
        case deflate
    }

    /// The archive's path, as given.
    public let path: String
    private var archive: OpaquePointer?
    private let failures = FailureBox()
    /// The entries added so far.
    public private(set) var entryCount = 0

    /// Creates the archive `path` (replacing a file of that name only when ``close`` succeeds).
    public init(path: String) throws(ZipWriteError) {
        self.path = path
        var code: Int32 = 0
        guard let opened = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &code) else {
            var error = zip_error_t()
            zip_error_init_with_code(&error, code)
            defer { zip_error_fini(&error) }
            throw ZipWriteError(code: .create, message: "cannot create \(path): \(String(cString: zip_error_strerror(&error)))")
        }
        archive = opened
    }

    deinit {
        if let archive { zip_discard(archive) }
    }

    /// Adds the entry `name` whose `size` bytes `source` gives when the archive is written, last
    /// modified at `modified` (seconds since 1970).
    public func addEntry(name: String, size: Int64, modified: Int64, compression: Compression,
                         source: any ZipEntrySource) throws(ZipWriteError) {
        let archive = try openArchive()
        let box = SourceBox(name: name, size: size, modified: modified, source: source, failures: failures)
        let userData = Unmanaged.passRetained(box).toOpaque()
        var error = zip_error_t()
        zip_error_init(&error)
        defer { zip_error_fini(&error) }
        guard let zipSource = zip_source_function_create(sourceCallback, userData, &error) else {
            Unmanaged<SourceBox>.fromOpaque(userData).release()
            throw ZipWriteError(code: .addEntry, message: "cannot create its source: \(String(cString: zip_error_strerror(&error)))",
                                entry: name)
        }
        try add(name: name, zipSource: zipSource, modified: modified, compression: compression, archive: archive)
    }

    /// Adds the entry `name` with the bytes of the file at `filePath`, read when the archive is written.
    public func addFile(name: String, filePath: String, modified: Int64, compression: Compression) throws(ZipWriteError) {
        let archive = try openArchive()
        guard let zipSource = zip_source_file(archive, filePath, 0, -1) else {
            throw ZipWriteError(code: .addEntry, message: "cannot read \(filePath): \(String(cString: zip_strerror(archive)))", entry: name)
        }
        try add(name: name, zipSource: zipSource, modified: modified, compression: compression, archive: archive)
    }

    /// Writes the archive: every entry, then the central directory; the temporary file is renamed
    /// to ``path`` when all is written. `progress` is called with the fraction written (0…1, at
    /// every percent or so); `shouldCancel` is asked as it goes, and `true` stops the writing (the
    /// archive is then not written). Either way the writer is done afterwards.
    /// - Throws: ``ZipWriteError`` naming the entry whose source failed, ``ZipWriteError/Code/cancelled``,
    ///   or the library's failure; no archive is left at ``path`` (nor a temporary file) then.
    public func close(progress: @escaping (Double) -> Void = { _ in },
                      shouldCancel: @escaping () -> Bool = { false }) throws(ZipWriteError) {
        let archive = try openArchive()
        self.archive = nil
        let callbacks = Unmanaged.passRetained(CloseCallbacks(progress: progress, shouldCancel: shouldCancel)).toOpaque()
        defer { Unmanaged<CloseCallbacks>.fromOpaque(callbacks).release() }
        zip_register_progress_callback_with_state(archive, 0.01, progressCallback, nil, callbacks)
        zip_register_cancel_callback_with_state(archive, cancelCallback, nil, callbacks)
        guard zip_close(archive) != 0 else { return }
        let message = String(cString: zip_strerror(archive))
        let cancelled = Unmanaged<CloseCallbacks>.fromOpaque(callbacks).takeUnretainedValue().cancelled
        zip_discard(archive)
        if let failure = failures.first {
            throw ZipWriteError(code: .entrySource, message: "its bytes could not be written: \(failure.error)",
                                entry: failure.entry, sourceError: "\(failure.error)")
        }
        if cancelled { throw ZipWriteError(code: .cancelled, message: "writing \(path) was stopped") }
        throw ZipWriteError(code: .write, message: "cannot write \(path): \(message)")
    }

    /// Gives the archive up without writing anything.
    public func discard() {
        if let archive { zip_discard(archive) }
        archive = nil
    }

    private func openArchive() throws(ZipWriteError) -> OpaquePointer {
        guard let archive else { throw ZipWriteError(code: .write, message: "\(path) is closed already") }
        return archive
    }

    private func add(name: String, zipSource: OpaquePointer, modified: Int64, compression: Compression,
                     archive: OpaquePointer) throws(ZipWriteError) {
        let index = zip_file_add(archive, name, zipSource, zip_flags_t(ZIP_FL_ENC_UTF_8))
        guard index >= 0 else {
            let message = String(cString: zip_strerror(archive))
            zip_source_free(zipSource)
            throw ZipWriteError(code: .addEntry, message: message, entry: name)
        }
        let method: Int32 = compression == .store ? ZIP_CM_STORE : ZIP_CM_DEFLATE
        guard zip_set_file_compression(archive, zip_uint64_t(index), method, 0) == 0,
              zip_file_set_mtime(archive, zip_uint64_t(index), time_t(modified), 0) == 0 else {
            throw ZipWriteError(code: .addEntry, message: String(cString: zip_strerror(archive)), entry: name)
        }
        entryCount += 1
    }
}

/// The first entry whose source failed, shared by the sources of one writer.
private final class FailureBox {
    var first: (entry: String, error: any Error)?
}

/// What ``ZipFileWriter/close(progress:shouldCancel:)`` calls back, behind the library's state pointer.
private final class CloseCallbacks {
    let progress: (Double) -> Void
    let shouldCancel: () -> Bool
    var cancelled = false

    init(progress: @escaping (Double) -> Void, shouldCancel: @escaping () -> Bool) {
        self.progress = progress
        self.shouldCancel = shouldCancel
    }
}

private func progressCallback(_ archive: OpaquePointer?, _ fraction: Double, _ state: UnsafeMutableRawPointer?) {
    guard let state else { return }
    Unmanaged<CloseCallbacks>.fromOpaque(state).takeUnretainedValue().progress(fraction)
}

private func cancelCallback(_ archive: OpaquePointer?, _ state: UnsafeMutableRawPointer?) -> Int32 {
    guard let state else { return 0 }
    let callbacks = Unmanaged<CloseCallbacks>.fromOpaque(state).takeUnretainedValue()
    if callbacks.shouldCancel() { callbacks.cancelled = true }
    return callbacks.cancelled ? 1 : 0
}

/// One entry's source behind libzip's user-data pointer: its stat, and the Swift source it reads.
private final class SourceBox {
    let name: String
    let size: Int64
    let modified: Int64
    let source: any ZipEntrySource
    let failures: FailureBox
    var error = zip_error_t()
    var isOpen = false

    init(name: String, size: Int64, modified: Int64, source: any ZipEntrySource, failures: FailureBox) {
        self.name = name
        self.size = size
        self.modified = modified
        self.source = source
        self.failures = failures
        zip_error_init(&error)
    }

    deinit {
        if isOpen { source.close() }
        zip_error_fini(&error)
    }

    /// Records `error` as this entry's failure (the first of the archive is reported).
    func fail(_ error: any Error) -> zip_int64_t {
        if failures.first == nil { failures.first = (name, error) }
        zip_error_set(&self.error, ZIP_ER_READ, EIO)
        return -1
    }
}

/// libzip's source callback (`zip_source_callback`), for a ``SourceBox``.
private func sourceCallback(_ userData: UnsafeMutableRawPointer?, _ data: UnsafeMutableRawPointer?, _ length: zip_uint64_t,
                            _ command: zip_source_cmd_t) -> zip_int64_t {
    guard let userData else { return -1 }
    let box = Unmanaged<SourceBox>.fromOpaque(userData).takeUnretainedValue()
    switch command {
    case ZIP_SOURCE_OPEN:
        do {
            try box.source.open()
            box.isOpen = true
            return 0
        } catch {
            return box.fail(error)
        }
    case ZIP_SOURCE_READ:
        guard let data else { return 0 }
        do {
            return zip_int64_t(try box.source.read(into: UnsafeMutableRawBufferPointer(start: data, count: Int(length))))
        } catch {
            return box.fail(error)
        }
    case ZIP_SOURCE_CLOSE:
        if box.isOpen { box.source.close() }
        box.isOpen = false
        return 0
    case ZIP_SOURCE_STAT:
        guard let data, length >= MemoryLayout<zip_stat_t>.size else { return -1 }
        let stat = data.assumingMemoryBound(to: zip_stat_t.self)
        zip_stat_init(stat)
        stat.pointee.size = zip_uint64_t(box.size)
        stat.pointee.mtime = time_t(box.modified)
        stat.pointee.valid |= zip_uint64_t(ZIP_STAT_SIZE) | zip_uint64_t(ZIP_STAT_MTIME)
        return zip_int64_t(MemoryLayout<zip_stat_t>.size)
    case ZIP_SOURCE_ERROR:
        return zip_error_to_data(&box.error, data, length)
    case ZIP_SOURCE_FREE:
        Unmanaged<SourceBox>.fromOpaque(userData).release()
        return 0
    case ZIP_SOURCE_SUPPORTS:
        return bankgate_zip_readable_commands()
    default:
        zip_error_set(&box.error, ZIP_ER_OPNOTSUPP, 0)
        return -1
    }
}
