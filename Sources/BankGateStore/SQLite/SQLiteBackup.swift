import CSQLite
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Copies of a live database through SQLite's online backup API (`sqlite3_backup_*`), and the
/// checks a copy must pass before it may replace a database.
public enum SQLiteBackup {
    /// What a backup wrote.
    public struct Copy: Sendable {
        /// Pages copied (of `pageSize` bytes).
        public var pages: Int
        public var pageSize: Int
        /// The copy's size in bytes.
        public var bytes: Int64 { Int64(pages) * Int64(pageSize) }
    }

    /// Copies the database at `source` to a new file `destination` (which must not exist), safe
    /// while another process reads and writes `source`: the copy is taken in one read transaction,
    /// so it holds exactly what was committed when it began (in WAL mode writers go on meanwhile).
    /// The copy is a single self-contained file (rollback journal, not WAL), fsynced, created 0600.
    public static func copy(from source: String, to destination: String) throws(DatabaseError) -> Copy {
        guard !FileManager.default.fileExists(atPath: destination) else {
            throw DatabaseError(code: SQLITE_CANTOPEN, message: "backup: \(destination) exists; choose a new file")
        }
        guard FileManager.default.fileExists(atPath: source) else {
            throw DatabaseError(code: SQLITE_CANTOPEN, message: "backup: no database at \(source)")
        }
        let from = try open(source, flags: SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX)
        defer { sqlite3_close_v2(from) }
        sqlite3_busy_timeout(from, 10_000)
        let previousMask = umask(0o077)
        let opened = Result { () throws(DatabaseError) in
            try open(destination, flags: SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX)
        }
        umask(previousMask)
        let to = try opened.get()
        defer { sqlite3_close_v2(to) }
        do throws(DatabaseError) {
            try copyPages(from: from, to: to)
            // Out of WAL mode, so that the copy is one file that can be moved and verified alone.
            try execute(to, "PRAGMA journal_mode=DELETE; PRAGMA synchronous=FULL;")
            let pages = try integer(to, "PRAGMA page_count")
            let pageSize = try integer(to, "PRAGMA page_size")
            return Copy(pages: Int(pages), pageSize: Int(pageSize))
        } catch {
            try? FileManager.default.removeItem(atPath: destination)
            throw error
        }
    }

    /// The problems `PRAGMA integrity_check` (or `quick_check` when `quick`) finds in the database
    /// at `path`; empty when it is sound. The file is opened read-only.
    public static func integrityProblems(of path: String, quick: Bool = false) throws(DatabaseError) -> [String] {
        let db = try open(path, flags: SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX)
        defer { sqlite3_close_v2(db) }
        sqlite3_busy_timeout(db, 10_000)
        let lines = try texts(db, quick ? "PRAGMA quick_check" : "PRAGMA integrity_check")
        return lines == ["ok"] ? [] : lines
    }

    /// Whether a process holds the database at `path` open in WAL mode (a running daemon): such a
    /// process keeps a lock on the shared-memory file `path-shm` for as long as it has the
    /// database open. Locks of this process are not seen (POSIX record locks are per process).
    public static func isInUse(_ path: String) -> Bool {
        let descriptor = Glibc.open(path + "-shm", O_RDONLY)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        var lock = flock()
        lock.l_type = Int16(F_WRLCK)
        lock.l_whence = Int16(SEEK_SET)
        lock.l_start = 0
        lock.l_len = 0
        guard fcntl(descriptor, F_GETLK, &lock) == 0 else { return true }
        return lock.l_type != Int16(F_UNLCK)
    }

    private static func copyPages(from: OpaquePointer, to: OpaquePointer) throws(DatabaseError) {
        guard let backup = sqlite3_backup_init(to, "main", from, "main") else {
            throw DatabaseError(code: sqlite3_errcode(to), message: "backup: \(String(cString: sqlite3_errmsg(to)))")
        }
        // One step of every page: the source stays in one read transaction, so a write by another
        // process cannot restart the copy (which smaller steps would, again and again under load).
        var rc: Int32
        repeat {
            rc = sqlite3_backup_step(backup, -1)
            if rc == SQLITE_BUSY || rc == SQLITE_LOCKED { usleep(50_000) }
        } while rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED
        let finished = sqlite3_backup_finish(backup)
        guard rc == SQLITE_DONE, finished == SQLITE_OK else {
            throw DatabaseError(code: rc == SQLITE_DONE ? finished : rc, message: "backup: \(String(cString: sqlite3_errmsg(to)))")
        }
    }

    private static func open(_ path: String, flags: Int32) throws(DatabaseError) -> OpaquePointer {
        var db: OpaquePointer?
        let rc = sqlite3_open_v2(path, &db, flags, nil)
        guard rc == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "cannot open"
            sqlite3_close(db)
            throw DatabaseError(code: rc, message: "open \(path): \(message)")
        }
        sqlite3_extended_result_codes(db, 1)
        return db
    }

    private static func execute(_ db: OpaquePointer, _ sql: String) throws(DatabaseError) {
        var error: UnsafeMutablePointer<CChar>?
        let rc = sqlite3_exec(db, sql, nil, nil, &error)
        guard rc == SQLITE_OK else {
            let message = error.map { String(cString: $0) } ?? "exec failed"
            sqlite3_free(error)
            throw DatabaseError(code: rc, message: message)
        }
    }

    private static func texts(_ db: OpaquePointer, _ sql: String) throws(DatabaseError) -> [String] {
        var statement: OpaquePointer?
        var rc = sqlite3_prepare_v2(db, sql, -1, &statement, nil)
        guard rc == SQLITE_OK, let statement else {
            throw DatabaseError(code: rc, message: "\(sql): \(String(cString: sqlite3_errmsg(db)))")
        }
        defer { sqlite3_finalize(statement) }
        var lines: [String] = []
        while true {
            rc = sqlite3_step(statement)
            if rc == SQLITE_DONE { return lines }
            guard rc == SQLITE_ROW else { throw DatabaseError(code: rc, message: "\(sql): \(String(cString: sqlite3_errmsg(db)))") }
            lines.append(sqlite3_column_text(statement, 0).map { String(cString: $0) } ?? "")
        }
    }

    private static func integer(_ db: OpaquePointer, _ sql: String) throws(DatabaseError) -> Int64 {
        Int64(try texts(db, sql).first ?? "0") ?? 0
    }
}
