import Foundation
import Synchronization

/// An append-only, named schema migration.
public struct Migration: Sendable {
    public var name: String
    public var sql: String

    public init(name: String, sql: String) {
        self.name = name
        self.sql = sql
    }
}

/// An SQLite database with one writer thread that commits in groups, and reader threads.
///
/// Group commit: concurrent ``write(_:)`` calls that arrive while the writer is busy are run
/// together in one transaction, each inside its own savepoint (so one failing body rolls back
/// only its own changes), and every caller is resumed only after the shared COMMIT has returned,
/// that is after the WAL was fsynced (`synchronous=FULL`). Many requests then share one fsync,
/// and nothing is acknowledged before it is durable.
public final class SQLiteDatabase: Sendable {
    private let writer: DatabaseThread
    private let readers: [DatabaseThread]
    private let nextReader = LockedCounter()
    /// The database file.
    public let path: String

    /// Opens the database at `path`, applies `migrations` not applied yet, and starts the threads.
    public init(path: String, migrations: [Migration], readerCount: Int = 2, maxGroupSize: Int = 512) throws {
        self.path = path
        let connection = try SQLiteConnection(path: path)
        try Self.migrate(connection, migrations)
        // The writer checkpoints the WAL into the database file every 10,000 pages (~40 MiB) instead
        // of SQLite's 1,000: each checkpoint copies the pages changed since the last one and fsyncs
        // the file, and the pages every intake changes (index interiors, the ends of the tables)
        // are then copied once per 10,000 pages rather than ten times. A WAL grown larger by one
        // big transaction is cut back to 64 MiB after the next checkpoint.
        try connection.execute("PRAGMA wal_autocheckpoint=10000; PRAGMA journal_size_limit=67108864;")
        writer = DatabaseThread(name: "bankgate-sqlite-writer", connection: connection, maxGroupSize: maxGroupSize, transactional: true)
        var readers: [DatabaseThread] = []
        for index in 0..<max(1, readerCount) {
            let reader = try SQLiteConnection(path: path)
            readers.append(DatabaseThread(name: "bankgate-sqlite-reader-\(index)", connection: reader, maxGroupSize: 16, transactional: false))
        }
        self.readers = readers
    }

    /// Runs `body` in a write transaction, grouped with concurrent writes; returns after the commit.
    /// A thrown error rolls back this body's changes only and is rethrown.
    public func write<T: Sendable>(_ body: @escaping @Sendable (SQLiteConnection) throws -> T) async throws -> T {
        try await writer.submit(body)
    }

    /// Runs `body` on a reader connection (a consistent snapshot per call).
    public func read<T: Sendable>(_ body: @escaping @Sendable (SQLiteConnection) throws -> T) async throws -> T {
        let index = nextReader.next() % readers.count
        return try await readers[index].submit(body)
    }

    /// Stops the threads after the work already submitted.
    public func close() {
        writer.stop()
        for reader in readers { reader.stop() }
    }

    private static func migrate(_ db: SQLiteConnection, _ migrations: [Migration]) throws {
        try db.execute("CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at INTEGER NOT NULL)")
        let applied = Set(try db.query("SELECT name FROM schema_migrations") { $0.text(0) })
        for migration in migrations where !applied.contains(migration.name) {
            try db.execute("BEGIN IMMEDIATE")
            do {
                try db.execute(migration.sql)
                try db.run("INSERT INTO schema_migrations (name, applied_at) VALUES (?, ?)",
                           [.text(migration.name), .integer(Int64(Date().timeIntervalSince1970 * 1000))])
                try db.execute("COMMIT")
            } catch {
                try? db.execute("ROLLBACK")
                throw error
            }
        }
    }
}

/// A counter behind a lock, for round-robin choices.
final class LockedCounter: Sendable {
    private let value = Mutex(0)
    func next() -> Int { value.withLock { $0 += 1; return $0 } }
}

/// A thread owning one connection, running submitted jobs in groups.
final class DatabaseThread: Sendable {
    /// Runs a body against the connection and returns how to finish once the group's fate is known.
    typealias Job = @Sendable (SQLiteConnection) -> @Sendable (_ committed: (any Error)?) -> Void

    private struct State {
        var jobs: [Job] = []
        var stopped = false
    }

    private let state = Mutex(State())
    private let wakeUp = DispatchSemaphore(value: 0)
    private let done = DispatchSemaphore(value: 0)

    init(name: String, connection: SQLiteConnection, maxGroupSize: Int, transactional: Bool) {
        let box = ConnectionBox(connection)
        let thread = Thread { [self] in
            let connection = box.take()
            while true {
                wakeUp.wait()
                let (group, stop) = self.state.withLock { state -> ([Job], Bool) in
                    let count = min(state.jobs.count, maxGroupSize)
                    let group = Array(state.jobs.prefix(count))
                    state.jobs.removeFirst(count)
                    return (group, state.stopped && state.jobs.isEmpty)
                }
                // Consume the extra wake-ups of the jobs taken in this group.
                for _ in 1..<max(group.count, 1) { _ = wakeUp.wait(timeout: .now()) }
                if !group.isEmpty {
                    DatabaseThread.runGroup(group, on: connection, transactional: transactional)
                }
                if stop && self.state.withLock({ $0.jobs.isEmpty }) { break }
            }
            done.signal()
        }
        thread.name = name
        thread.start()
    }

    private static func runGroup(_ group: [Job], on connection: SQLiteConnection, transactional: Bool) {
        guard transactional else {
            for job in group { job(connection)(nil) }
            return
        }
        // Transaction control goes through `run`, whose prepared statements are cached, rather than
        // `execute`, which would parse the SQL again for every group and every job.
        do {
            try connection.run("BEGIN IMMEDIATE")
        } catch {
            for job in group { job(connection)(error) }
            return
        }
        var finishers: [@Sendable ((any Error)?) -> Void] = []
        finishers.reserveCapacity(group.count)
        for job in group { finishers.append(job(connection)) }
        var commitError: (any Error)?
        do {
            try connection.run("COMMIT")
        } catch {
            commitError = error
            _ = try? connection.run("ROLLBACK")
        }
        for finish in finishers { finish(commitError) }
    }

    func submit<T: Sendable>(_ body: @escaping @Sendable (SQLiteConnection) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            let job: Job = { connection in
                let result: Result<T, any Error>
                do {
                    try connection.run("SAVEPOINT job")
                    do {
                        result = .success(try body(connection))
                        try connection.run("RELEASE job")
                    } catch {
                        _ = try? connection.run("ROLLBACK TO job")
                        _ = try? connection.run("RELEASE job")
                        throw error
                    }
                } catch {
                    return { _ in continuation.resume(throwing: error) }
                }
                return { commitError in
                    if let commitError {
                        continuation.resume(throwing: commitError)
                    } else {
                        continuation.resume(with: result)
                    }
                }
            }
            let accepted = state.withLock { state -> Bool in
                guard !state.stopped else { return false }
                state.jobs.append(job)
                return true
            }
            if accepted {
                wakeUp.signal()
            } else {
                continuation.resume(throwing: SQLiteError(code: 21, message: "database is closed"))
            }
        }
    }

    func stop() {
        let wasRunning = state.withLock { state -> Bool in
            defer { state.stopped = true }
            return !state.stopped
        }
        guard wasRunning else { return }
        wakeUp.signal()
        done.wait()
    }
}

/// Hands a connection to the thread that will own it. Sendable because the connection is used by
/// exactly one thread after `take()`; the box itself is never used again.
private final class ConnectionBox: @unchecked Sendable {
    private var connection: SQLiteConnection?
    init(_ connection: SQLiteConnection) { self.connection = connection }
    func take() -> SQLiteConnection {
        defer { connection = nil }
        return connection!
    }
}
