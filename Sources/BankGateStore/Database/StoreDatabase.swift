public import BankGateCore
import Foundation
import Synchronization

/// An append-only, named schema migration.
///
/// Its SQL is written for SQLite; on PostgreSQL it is translated (``PostgresSQL/schema(_:)``: types,
/// keys), or replaced by `postgresSQL` where the two differ beyond that.
public struct Migration: Sendable {
    public var name: String
    public var sql: String
    /// The migration's SQL for PostgreSQL, when the translation of `sql` will not do.
    public var postgresSQL: String?
    /// Text replacements in the translation of `sql` for PostgreSQL (what SQLite alone accepts:
    /// a subquery without an alias, `strftime`, a comparison stored as an integer).
    public var postgresEdits: [(String, String)] = []
    /// Work SQL cannot do (hashing, say), run after `sql` in the same transaction.
    public var then: (@Sendable (StoreConnection) throws -> Void)?

    public init(name: String, sql: String, postgresSQL: String? = nil, postgresEdits: [(String, String)] = [],
                then: (@Sendable (StoreConnection) throws -> Void)? = nil) {
        self.name = name
        self.sql = sql
        self.postgresSQL = postgresSQL
        self.postgresEdits = postgresEdits
        self.then = then
    }

    /// The SQL to run on a database of `dialect`.
    func sql(for dialect: SQLDialect) -> String {
        switch dialect {
        case .sqlite: sql
        case .postgres:
            postgresSQL ?? postgresEdits.reduce(PostgresSQL.schema(sql)) { sql, edit in sql.replacing(edit.0, with: edit.1) }
        }
    }
}

/// Where a store's database is: an SQLite file, or a schema in a PostgreSQL database.
public enum StoreLocation: Sendable, Equatable {
    case sqlite(path: String)
    case postgres(PostgresLocation)
}

/// The store's database (SQLite or PostgreSQL) with one writer thread that commits in groups, and
/// reader threads.
///
/// Group commit: concurrent ``write(_:)`` calls that arrive while the writer is busy are run
/// together in one transaction, each inside its own savepoint (so one failing body rolls back
/// only its own changes), and every caller is resumed only after the shared COMMIT has returned,
/// that is after the WAL was fsynced (`synchronous=FULL`). Many requests then share one fsync,
/// and nothing is acknowledged before it is durable.
public final class StoreDatabase: Sendable {
    private let writer: DatabaseThread
    private let readers: [DatabaseThread]
    private let nextReader = LockedCounter()
    /// Where the database is.
    public let location: StoreLocation
    /// Whether the last write that reached the disk, or failed to, failed for storage reasons.
    private let writesFailing = Atomic<Bool>(false)
    /// Test seam: while set, every write fails with this error without running (see ``injectWriteFailure(_:)``).
    private let injectedFailure = Mutex<(failure: DatabaseError, passing: Int)?>(nil)
    private let injectionArmed = Atomic<Bool>(false)
    private let injectedFailures = Atomic<Int>(0)

    /// Opens the SQLite database at `path`, applies `migrations` not applied yet, and starts the threads.
    public convenience init(path: String, migrations: [Migration], readerCount: Int = 2, maxGroupSize: Int = 512) throws {
        try self.init(location: .sqlite(path: path), migrations: migrations, readerCount: readerCount, maxGroupSize: maxGroupSize)
    }

    /// Opens the database at `location`, applies `migrations` not applied yet, and starts the threads.
    public init(location: StoreLocation, migrations: [Migration], readerCount: Int = 2, maxGroupSize: Int = 512) throws {
        self.location = location
        let open: () throws -> StoreConnection
        switch location {
        case .sqlite(let path):
            open = { try StoreConnection(path: path) }
        case .postgres(let postgres):
            open = { StoreConnection(.postgres(try PostgresSession(location: postgres, preparesStatements: true))) }
        }
        let connection = try open()
        try Self.migrate(connection, migrations)
        if case .sqlite = location {
            // The writer checkpoints the WAL into the database file every 10,000 pages (~40 MiB) instead
            // of SQLite's 1,000: each checkpoint copies the pages changed since the last one and fsyncs
            // the file, and the pages every intake changes (index interiors, the ends of the tables)
            // are then copied once per 10,000 pages rather than ten times. A WAL grown larger by one
            // big transaction is cut back to 64 MiB after the next checkpoint.
            try connection.execute("PRAGMA wal_autocheckpoint=10000; PRAGMA journal_size_limit=67108864;")
        }
        // On PostgreSQL each job of a group keeps its savepoint open to the COMMIT (one round trip
        // less per job, ``StoreConnection/releaseJob()``): a group's nesting stays within 64.
        let groupSize = if case .postgres = location { min(maxGroupSize, 64) } else { maxGroupSize }
        writer = DatabaseThread(name: "bankgate-store-writer", connection: connection, maxGroupSize: groupSize, transactional: true)
        var readers: [DatabaseThread] = []
        for index in 0..<max(1, readerCount) {
            readers.append(DatabaseThread(name: "bankgate-store-reader-\(index)", connection: try open(), maxGroupSize: 16, transactional: false))
        }
        self.readers = readers
    }

    /// Runs `body` in a write transaction, grouped with concurrent writes; returns after the commit.
    /// A thrown error rolls back this body's changes only and is rethrown.
    ///
    /// Returns only when the write is durable, and throws only when it is not: when the group's
    /// transaction cannot begin (the body then never runs), is rolled back by SQLite, or fails to
    /// commit, every write of the group throws. `body` must not end the transaction itself.
    ///
    /// The outcome is remembered for ``writesAreFailing``: a storage failure (``DatabaseError/isStorageFailure``)
    /// sets it, a write that changed rows and committed clears it.
    ///
    /// `rerunnable`: the body changes nothing but the database, and its result depends only on the
    /// database and on what it captured, so that it may run a second time after its group was rolled
    /// back. It then runs without a savepoint of its own (no copy of every page it changes is kept
    /// for a rollback that almost never comes); when it throws, the whole group is rolled back and
    /// run again, every body in its own savepoint, so that each caller still learns the outcome of
    /// its own body alone.
    public func write<T: Sendable>(rerunnable: Bool = false,
                                   _ body: @escaping @Sendable (StoreConnection) throws -> T) async throws -> T {
        if injectionArmed.load(ordering: .acquiring), let failure = injectedFailure.withLock({ injected -> DatabaseError? in
            guard let armed = injected else { return nil }
            guard armed.passing == 0 else {
                injected?.passing -= 1
                return nil
            }
            return armed.failure
        }) {
            injectedFailures.add(1, ordering: .relaxed)
            if failure.isStorageFailure { writesFailing.store(true, ordering: .releasing) }
            throw failure
        }
        do {
            let (result, wrote) = try await writer.submit(rerunnable: rerunnable) { db -> (T, Bool) in
                let before = db.totalChanges
                let result = try body(db)
                return (result, db.totalChanges != before)
            }
            // A transaction that changed nothing proves nothing about the disk.
            if wrote { writesFailing.store(false, ordering: .releasing) }
            return result
        } catch let error as DatabaseError where error.isStorageFailure {
            writesFailing.store(true, ordering: .releasing)
            throw error
        }
    }

    /// Whether the last write that changed something failed for storage reasons (a full disk…),
    /// with no write succeeding since.
    public var writesAreFailing: Bool { writesFailing.load(ordering: .acquiring) }

    /// Test seam: after `passing` more writes, makes every write fail with `failure` (e.g.
    /// ``DatabaseError/diskFull``) without running it, until called with nil. Production code never
    /// calls it.
    package func injectWriteFailure(_ failure: DatabaseError?, passing: Int = 0) {
        injectedFailure.withLock { $0 = failure.map { ($0, max(0, passing)) } }
        injectionArmed.store(failure != nil, ordering: .releasing)
    }

    /// How many writes the injected failure has refused.
    package var injectedFailureCount: Int { injectedFailures.load(ordering: .acquiring) }

    /// How many writes wait for the writer thread (lets a test gather a group of a known size).
    var queuedWriteCount: Int { writer.queuedJobCount }

    /// Runs `body` on a reader connection (a consistent snapshot per call).
    public func read<T: Sendable>(_ body: @escaping @Sendable (StoreConnection) throws -> T) async throws -> T {
        let index = nextReader.next() % readers.count
        return try await readers[index].submit(body)
    }

    /// Stops the threads after the work already submitted.
    public func close() {
        writer.stop()
        for reader in readers { reader.stop() }
    }

    private static func migrate(_ db: StoreConnection, _ migrations: [Migration]) throws {
        switch db.dialect {
        case .sqlite:
            try db.execute("CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at INTEGER NOT NULL)")
            let applied = Set(try db.query("SELECT name FROM schema_migrations") { try $0.text("name") })
            for migration in migrations where !applied.contains(migration.name) {
                try db.execute("BEGIN IMMEDIATE")
                do {
                    try apply(migration, on: db)
                    try db.execute("COMMIT")
                } catch {
                    try? db.execute("ROLLBACK")
                    throw error
                }
            }
        case .postgres:
            // All pending migrations in one transaction, under the store's write lock: instances
            // starting together against one database migrate one at a time, and a failed
            // migration leaves the schema as it was.
            try db.beginWriteTransaction()
            defer { db.endWriteTransaction() }
            do {
                try db.execute("CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at BIGINT NOT NULL)")
                let applied = Set(try db.query("SELECT name FROM schema_migrations") { try $0.text("name") })
                for migration in migrations where !applied.contains(migration.name) {
                    try apply(migration, on: db)
                }
                try db.execute("COMMIT")
            } catch {
                try? db.execute("ROLLBACK")
                throw error
            }
        }
    }

    private static func apply(_ migration: Migration, on db: StoreConnection) throws {
        do {
            try db.execute(migration.sql(for: db.dialect))
        } catch {
            throw DatabaseError(code: error.code, sqlState: error.sqlState, message: "migration \(migration.name): \(error.message)")
        }
        try migration.then?(db)
        try db.run("INSERT INTO schema_migrations (name, applied_at) VALUES (?, ?)",
                   [.text(migration.name), .integer(Int64(Date().timeIntervalSince1970 * 1000))])
    }
}

/// A counter behind a lock, for round-robin choices.
final class LockedCounter: Sendable {
    private let value = Mutex(0)
    func next() -> Int { value.withLock { $0 += 1; return $0 } }
}

/// A submitted body, as the thread that runs it sees it.
struct DatabaseJob: Sendable {
    /// Resumes the caller once the fate of the group's transaction is known: `nil` when it
    /// committed, else the error that kept it from committing.
    typealias Finish = @Sendable (_ groupError: (any Error)?) -> Void

    /// Runs the body in its own savepoint and returns how to resume the caller.
    let run: @Sendable (StoreConnection) -> Finish
    /// For a rerunnable body (``StoreDatabase/write(rerunnable:_:)``): runs it without a savepoint
    /// and returns how to resume the caller, or `nil` when it threw (its changes are then mixed
    /// with the group's, which must be rolled back whole and run again with ``run``).
    let runUnguarded: (@Sendable (StoreConnection) -> Finish?)?
    /// Resumes the caller with an error without running the body.
    let fail: @Sendable (any Error) -> Void
}

/// A thread owning one connection, running submitted jobs in groups.
final class DatabaseThread: Sendable {
    private struct State {
        var jobs: [DatabaseJob] = []
        var stopped = false
    }

    private let state = Mutex(State())
    private let wakeUp = DispatchSemaphore(value: 0)
    private let done = DispatchSemaphore(value: 0)

    init(name: String, connection: StoreConnection, maxGroupSize: Int, transactional: Bool) {
        let box = ConnectionBox(connection)
        let thread = Thread { [self] in
            let connection = box.take()
            while true {
                wakeUp.wait()
                let (group, stop) = self.state.withLock { state -> ([DatabaseJob], Bool) in
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

    /// How many submitted jobs wait for the thread (for tests that need a group of a known size).
    var queuedJobCount: Int { state.withLock { $0.jobs.count } }

    /// Runs a group in one transaction. Each caller learns the truth about its own write: success
    /// only after a COMMIT that included it; an error when it was rolled back or never ran.
    private static func runGroup(_ group: [DatabaseJob], on connection: StoreConnection, transactional: Bool) {
        guard transactional else {
            for job in group { job.run(connection)(nil) }
            return
        }
        // Transaction control goes through `run`, whose prepared statements are cached, rather than
        // `execute`, which would parse the SQL again for every group and every job.
        defer { connection.endWriteTransaction() }
        do {
            try connection.beginWriteTransaction()
        } catch {
            // No body may run: outside a transaction each savepoint is a transaction of its own,
            // which its RELEASE commits, and its caller would be told it failed.
            for job in group { job.fail(error) }
            return
        }
        if group.contains(where: { $0.runUnguarded != nil }) {
            switch runUnguardedFirst(group, on: connection) {
            case .ran(let finishers):
                let outcome = commit(on: connection)
                for finish in finishers { finish(outcome) }
                return
            case .rolledBack(let ran, let notRun):
                for finish in ran { finish(DatabaseError.transactionRolledBack) }
                for job in notRun { job.fail(DatabaseError.transactionRolledBack) }
                return
            case .runAgain:
                break
            }
            // A rerunnable body threw: everything of the group is undone, and it runs again as a
            // group of guarded bodies.
            if !connection.isAutocommit { _ = try? connection.run("ROLLBACK") }
            connection.endWriteTransaction()
            do {
                try connection.beginWriteTransaction()
            } catch {
                for job in group { job.fail(error) }
                return
            }
        }
        var finishers: [DatabaseJob.Finish] = []
        finishers.reserveCapacity(group.count)
        for (index, job) in group.enumerated() {
            // SQLite rolls the whole transaction back on its own after some errors (SQLITE_FULL,
            // SQLITE_IOERR, SQLITE_NOMEM, some SQLITE_BUSY). What ran is undone, and the rest must
            // not run outside the transaction for the same reason as above.
            guard !connection.isAutocommit else {
                for finish in finishers { finish(DatabaseError.transactionRolledBack) }
                for job in group[index...] { job.fail(DatabaseError.transactionRolledBack) }
                return
            }
            finishers.append(job.run(connection))
        }
        let outcome = commit(on: connection)
        for finish in finishers { finish(outcome) }
    }

    /// What became of a group whose rerunnable bodies ran first, without savepoints.
    private enum UnguardedRun {
        /// Every body ran (the guarded ones each in its own savepoint): commit, then finish them.
        case ran([DatabaseJob.Finish])
        /// A rerunnable body threw, or the transaction ended before any guarded body ran: roll back
        /// and run the group again, guarded.
        case runAgain
        /// The transaction ended under a guarded body (SQLite rolled it back after `SQLITE_FULL`…):
        /// these ran and are undone, the rest never ran.
        case rolledBack(ran: [DatabaseJob.Finish], notRun: [DatabaseJob])
    }

    /// Runs the group's rerunnable bodies without savepoints, then the others each in its own.
    ///
    /// Running the rerunnable bodies first changes no caller's outcome: bodies of one group were
    /// submitted concurrently, and none can have waited for another's commit. A guarded body never
    /// runs twice: once one has run, the group is not run again.
    private static func runUnguardedFirst(_ group: [DatabaseJob], on connection: StoreConnection) -> UnguardedRun {
        var finishers: [DatabaseJob.Finish] = []
        finishers.reserveCapacity(group.count)
        for job in group {
            guard let runUnguarded = job.runUnguarded else { continue }
            guard !connection.isAutocommit, let finish = runUnguarded(connection) else { return .runAgain }
            finishers.append(finish)
        }
        let guarded = group.filter { $0.runUnguarded == nil }
        for (index, job) in guarded.enumerated() {
            guard !connection.isAutocommit else {
                return index == 0 ? .runAgain : .rolledBack(ran: finishers, notRun: Array(guarded[index...]))
            }
            finishers.append(job.run(connection))
        }
        return .ran(finishers)
    }

    /// Commits the group's transaction: `nil` once it is durable, else why none of it is.
    private static func commit(on connection: StoreConnection) -> (any Error)? {
        guard !connection.isAutocommit else { return DatabaseError.transactionRolledBack }
        do {
            try connection.run("COMMIT")
            return nil
        } catch {
            // A failed COMMIT leaves the transaction open (SQLITE_BUSY) or rolls it back itself.
            if !connection.isAutocommit { _ = try? connection.run("ROLLBACK") }
            return error
        }
    }

    /// Undoes a failed body's changes. When its savepoint cannot be rolled back alone, the whole
    /// transaction is, so that no part of the failed body is ever committed.
    private static func rollBackJob(on connection: StoreConnection) {
        // Already rolled back by SQLite, or by a body that ended the transaction.
        guard !connection.isAutocommit else { return }
        connection.rollBackJob()
    }

    func submit<T: Sendable>(rerunnable: Bool = false,
                             _ body: @escaping @Sendable (StoreConnection) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            @Sendable func finish(_ result: T) -> DatabaseJob.Finish {
                { groupError in
                    if let groupError {
                        continuation.resume(throwing: groupError)
                    } else {
                        continuation.resume(returning: result)
                    }
                }
            }
            @Sendable func runUnguarded(_ connection: StoreConnection) -> DatabaseJob.Finish? {
                let result: T
                do {
                    result = try body(connection)
                } catch {
                    return nil
                }
                return finish(result)
            }
            let job = DatabaseJob(
                run: { connection in
                    do {
                        try connection.beginJob()
                    } catch {
                        return { _ in continuation.resume(throwing: error) }
                    }
                    let result: T
                    do {
                        result = try body(connection)
                        try connection.releaseJob()
                    } catch {
                        DatabaseThread.rollBackJob(on: connection)
                        return { _ in continuation.resume(throwing: error) }
                    }
                    return finish(result)
                },
                runUnguarded: rerunnable ? runUnguarded : nil,
                fail: { error in continuation.resume(throwing: error) })
            let accepted = state.withLock { state -> Bool in
                guard !state.stopped else { return false }
                state.jobs.append(job)
                return true
            }
            if accepted {
                wakeUp.signal()
            } else {
                continuation.resume(throwing: DatabaseError.closed)
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
    private var connection: StoreConnection?
    init(_ connection: StoreConnection) { self.connection = connection }
    func take() -> StoreConnection {
        defer { connection = nil }
        return connection!
    }
}
