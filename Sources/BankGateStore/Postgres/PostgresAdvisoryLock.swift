public import BankGateCore
import BankGateCrypto
import Logging
import NIOCore
import NIOPosix
import PostgresNIO
import Synchronization

/// A PostgreSQL session-level advisory lock held on a connection of its own: what makes a singleton
/// job (schedules, statement pulls, the webhook sender…) run on one instance at a time. The lock is
/// the server's: it is released when its connection ends, so an instance that dies loses it at
/// once and another takes it.
public final class PostgresAdvisoryLock: Sendable {
    /// The lock's name (the service's), for logs.
    public let name: String
    private let key: Int64
    private let location: PostgresLocation
    private let connection = Mutex<PostgresConnection?>(nil)

    private static let logger = Logger(label: "bankgate.store.postgres.lock", factory: { _ in SwiftLogNoOpLogHandler() })

    /// The lock `name` in the store at `location` (its schema is part of the key, so stores in two
    /// schemas of one database never share a lock).
    public init(name: String, location: PostgresLocation) {
        self.name = name
        self.location = location
        let digest = SHA256.digest(Array("bankgate-singleton|\(location.schema ?? "public")|\(name)".utf8))
        key = digest.prefix(8).reduce(Int64(0)) { ($0 << 8) | Int64($1) }
    }

    /// Tries to take the lock; true when this instance holds it (now or already).
    public func tryAcquire() async -> Bool {
        if await isHeld() { return true }
        await release()
        do {
            let configuration = PostgresConnection.Configuration(
                host: location.host, port: location.port, username: location.username, password: location.password,
                database: location.database, tls: .disable)
            let opened = try await PostgresConnection.connect(on: MultiThreadedEventLoopGroup.singleton.any(), configuration: configuration,
                                                              id: 0, logger: Self.logger)
            let rows = try await opened.query(PostgresQuery(unsafeSQL: "SELECT pg_try_advisory_lock(\(key)) AS taken"), logger: Self.logger)
            var taken = false
            for try await row in rows { taken = try row.decode(Bool.self) }
            if taken {
                connection.withLock { $0 = opened }
            } else {
                try? await opened.close()
            }
            return taken
        } catch {
            return false
        }
    }

    /// Whether the lock is still held: its connection answers.
    public func isHeld() async -> Bool {
        guard let held = connection.withLock({ $0 }) else { return false }
        guard !held.isClosed else { return false }
        do {
            let rows = try await held.query(PostgresQuery(unsafeSQL: "SELECT 1 AS alive"), logger: Self.logger)
            for try await _ in rows {}
            return true
        } catch {
            return false
        }
    }

    /// Gives the lock up (closes its connection).
    public func release() async {
        guard let held = connection.withLock({ current -> PostgresConnection? in defer { current = nil }; return current }) else { return }
        try? await held.close()
    }
}
