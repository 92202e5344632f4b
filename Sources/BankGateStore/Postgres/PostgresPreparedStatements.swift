import Dispatch
import Logging
import NIOCore
import NIOPosix
import PostgresNIO
import Synchronization

/// The event loop of the store's PostgreSQL connections: a thread of their own, not one the HTTP
/// server also serves requests on, so that the writer's answers are read the moment they arrive.
enum PostgresStoreEventLoop {
    static let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    /// Runs tasks on that thread (a prepared run's task, ``PostgresConnection/runPrepared(name:sql:argumentTypes:bindings:logger:)``),
    /// where their statements are written and their rows read without a hop to Swift's pool.
    static let executor = EventLoopTaskExecutor(group.next())
}

/// A task executor that runs its jobs on one event loop.
final class EventLoopTaskExecutor: TaskExecutor {
    private let eventLoop: any EventLoop

    init(_ eventLoop: any EventLoop) { self.eventLoop = eventLoop }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        eventLoop.execute { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}

/// Which of a session's statements are prepared on the server, under which names.
///
/// An unnamed statement is parsed, analysed and planned by PostgreSQL every time it runs: for the
/// store's intake (a three-way lookup and a seven-part `WITH` of inserts) that is more than half of
/// the server's time per payment, and the writer waits for all of it. A statement this session has
/// run ``preparedAfterRuns`` times is prepared under a name of its own and from then on only bound
/// and run; after a few runs PostgreSQL may keep a generic plan for it.
///
/// A generic plan is chosen without the arguments' values, for the tables as they are then (empty,
/// in a new store, with no statistics), and kept until the server invalidates it (a schema change,
/// an `ANALYZE`). A statement whose good plan depends on them must leave the planner no other
/// choice: see ``DuplicateCheck/query(for:at:)``.
///
/// Bounded: at most ``capacity`` names per connection (the server keeps each prepared statement
/// for the connection's life); past it, new statements run unnamed and named ones keep their name.
struct PreparedStatementNames {
    /// The statement text as rendered, and which arguments are bytes (their type is part of the
    /// prepared statement; every other argument is untyped text).
    struct Key: Hashable {
        var sql: String
        var byteArguments: [Int]
    }

    private enum Entry {
        /// Run unnamed `runs` times since its last failed preparation, of which there were `failures`.
        case counting(runs: Int, failures: Int)
        /// Prepared under this name; `confirmed` once a run of it succeeded (its preparation did).
        case named(String, confirmed: Bool, failures: Int)
        /// Its preparation failed too often: it runs unnamed from now on.
        case unnamed
    }

    static let preparedAfterRuns = 3
    static let capacity = 256
    /// Failed first runs of a prepared statement (which may have been its preparation failing,
    /// say inside an aborted transaction) before it is left unnamed for good.
    static let preparationAttempts = 3

    private var entries: [Key: Entry] = [:]
    /// Names given on this connection (never given twice).
    private(set) var namesGiven = 0

    /// The name to run `key` under, or `nil` to run it unnamed this time.
    mutating func name(for key: Key) -> String? {
        let runs: Int, failures: Int
        switch entries[key] {
        case .named(let name, _, _): return name
        case .unnamed: return nil
        case .counting(let counted, let failed): (runs, failures) = (counted + 1, failed)
        case nil: (runs, failures) = (1, 0)
        }
        guard runs >= Self.preparedAfterRuns, namesGiven < Self.capacity else {
            entries[key] = .counting(runs: runs, failures: failures)
            return nil
        }
        namesGiven += 1
        let name = "bankgate_\(namesGiven)"
        entries[key] = .named(name, confirmed: false, failures: failures)
        return name
    }

    /// A run of `key` under its name succeeded.
    mutating func succeeded(_ key: Key) {
        if case .named(let name, false, let failures) = entries[key] { entries[key] = .named(name, confirmed: true, failures: failures) }
    }

    /// A run of `key` under its name failed. When no run of that name has succeeded yet, the
    /// failure may have been its preparation, which the connection then remembers as failed for
    /// that name: the name is never used again.
    mutating func failed(_ key: Key) {
        guard case .named(_, false, let failed) = entries[key] else { return }
        let failures = failed + 1
        entries[key] = failures >= Self.preparationAttempts ? .unnamed : .counting(runs: 0, failures: failures)
    }

    /// The connection was opened again: nothing is prepared on the new one.
    mutating func forgetAll() {
        entries = [:]
        namesGiven = 0
    }
}

extension PostgresConnection {
    /// Runs `sql` as the prepared statement `name` (preparing it on first use) and returns its rows,
    /// blocking the calling thread until the server has answered.
    ///
    /// Call it only from a thread of its own (the store's writer and readers), never from the
    /// connection's event loop: the statement runs in a task on ``PostgresStoreEventLoop`` while the
    /// caller waits.
    func runPrepared(name: String, sql: String, argumentTypes: [PostgresDataType], bindings: PostgresBindings,
                     logger: Logger) throws -> [PostgresRow] {
        let statement = DynamicPreparedStatement(bindings: bindings)
        let text = DynamicPreparedStatement.Text(name: name, sql: sql, argumentTypes: argumentTypes)
        let outcome = Mutex<Result<[PostgresRow], any Error>?>(nil)
        let answered = DispatchSemaphore(value: 0)
        Task(executorPreference: PostgresStoreEventLoop.executor) {
            let result: Result<[PostgresRow], any Error>
            do {
                result = .success(try await DynamicPreparedStatement.$text.withValue(text) {
                    var rows: [PostgresRow] = []
                    for try await row in try await self.execute(statement, logger: logger) { rows.append(row) }
                    return rows
                })
            } catch {
                result = .failure(error)
            }
            outcome.withLock { $0 = result }
            answered.signal()
        }
        answered.wait()
        return try outcome.withLock { $0! }.get()
    }
}

/// A statement whose text is known only at run time, for postgres-nio's prepared-statement API,
/// which takes the name and the SQL from the statement's type: they are read from a task-local
/// value set around each run (``PostgresConnection/runPrepared(name:sql:argumentTypes:bindings:logger:)``).
/// The connection prepares a name the first time it sees it, and only binds and runs it after.
private struct DynamicPreparedStatement: PostgresPreparedStatement {
    struct Text: Sendable {
        var name: String
        var sql: String
        var argumentTypes: [PostgresDataType]
    }

    @TaskLocal static var text = Text(name: "", sql: "", argumentTypes: [])

    static var name: String { text.name }
    static var sql: String { text.sql }
    static var bindingDataTypes: [PostgresDataType] { text.argumentTypes }

    let bindings: PostgresBindings

    func makeBindings() throws -> PostgresBindings { bindings }
    func decodeRow(_ row: PostgresRow) throws -> PostgresRow { row }
}
