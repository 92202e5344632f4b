import BankGateAdapters
public import BankGateCore
import BankGateStore
import BankGateXML
import Foundation
public import Logging
import Synchronization

/// A simulated bank: a durable ledger, the fault generator and the clock, shared by every profile.
/// Each profile (``SimulatorProfile``) reads requests and writes answers in its bank's format in an
/// extension of its own (`SimulatedBank+ISO20022.swift`: pain.001 in, pain.002.001.10 out, status
/// queries, folder mode; `SimulatedBank+CMB.swift`: CMB's front-end XML), and leaves the money to
/// ``PaymentExecution``.
///
/// Transport-free: the HTTP server and the folder worker hand it bytes and deliver its ``BankAnswer``.
/// The clock and the fault generator are injected, so a test drives it deterministically.
public final class SimulatedBank: Sendable {
    let database: StoreDatabase
    let clock: any WallClock
    let faults: FaultInjector
    private let startedAt: Timestamp
    let accountsListed: Bool
    private let reportCounter = Mutex(0)
    let logger: Logger
    /// The first statement day and the seed the ledger was created with.
    let statementOrigin: SimulatorLedger.StatementOrigin

    /// The name of the ledger file inside the data directory.
    public static let databaseFileName = "sim.sqlite"

    /// The seed of the fault generator (printed at start so a run can be replayed).
    public var seed: UInt64 { faults.seed }

    /// Opens (creating if needed) the ledger in `dataDirectory` and loads `accounts` into it.
    ///
    /// - Parameters:
    ///   - accounts: accounts from an accounts file, upserted (balances and statuses reset to the file's);
    ///     `nil` means no file: every syntactically valid debtor account is opened on first use with
    ///     1,000,000,000.00 in the payment's currency.
    ///   - openAccounts: accounts opened now when the ledger does not have them yet (balances of
    ///     accounts it has are kept); without an accounts file, others still open on first use.
    ///   - faults: fault injection settings.
    ///   - profile: the `--profile` the ledger is used with; a data directory serves one profile only
    ///     (their duplicate-check keys share one table), so opening it with another throws.
    ///   - clock: the time source for execution times, report times and the maintenance window.
    public static func open(dataDirectory: String, accounts: [SimulatedAccount]?, openAccounts: [SimulatedAccount] = [],
                            faults: FaultSettings, profile: String = "iso20022",
                            clock: any WallClock = SystemClock(), logger: Logger) async throws -> SimulatedBank {
        try FileManager.default.createDirectory(atPath: dataDirectory, withIntermediateDirectories: true)
        let path = URL(fileURLWithPath: dataDirectory).appendingPathComponent(databaseFileName).path
        let database = try StoreDatabase(path: path, migrations: SimulatorLedger.migrations, readerCount: 2)
        let injector = FaultInjector(settings: faults)
        let origin: SimulatorLedger.StatementOrigin
        do {
            // The ISO 20022 bank's variants (hsbc, bochk) keep the same ledger as `iso20022`.
            let format = SimulatorProfiles.named(profile)?.ledgerFormat ?? profile
            let owner = try await database.write { db in try SimulatorLedger.claim(profile: format, on: db) }
            guard owner == format else {
                throw BankSimulatorOptionsError(
                    "the data directory \(dataDirectory) holds a ledger of profile \(owner), not \(profile): give another --data-dir")
            }
            if let accounts, !accounts.isEmpty {
                try await database.write { db in try SimulatorLedger.upsert(accounts, on: db) }
            }
            if !openAccounts.isEmpty {
                try await database.write { db in try SimulatorLedger.insertMissing(openAccounts, on: db) }
            }
            let (now, seed) = (clock.now(), injector.seed)
            origin = try await database.write { db in try SimulatorLedger.statementOrigin(now: now, seed: seed, on: db) }
        } catch {
            database.close()
            throw error
        }
        return SimulatedBank(database: database, clock: clock, faults: injector, accountsListed: accounts != nil,
                             statementOrigin: origin, logger: logger)
    }

    private init(database: StoreDatabase, clock: any WallClock, faults: FaultInjector, accountsListed: Bool,
                 statementOrigin: SimulatorLedger.StatementOrigin, logger: Logger) {
        self.database = database
        self.clock = clock
        self.faults = faults
        self.accountsListed = accountsListed
        self.statementOrigin = statementOrigin
        self.logger = logger
        startedAt = clock.now()
    }

    /// Stops the database threads after the work already submitted. Call once, when done.
    public func close() {
        database.close()
    }

    // MARK: - Ledger views

    /// Executed transfers in execution order, of one message or of all.
    public func transfers(messageId: String? = nil) async throws -> [LedgerTransfer] {
        await executeDuePayments()
        return try await database.read { db in try SimulatorLedger.transfers(messageId: messageId, on: db) }
    }

    /// Every account with its current balance and status.
    public func accounts() async throws -> [SimulatedAccount] {
        try await database.read { db in try SimulatorLedger.allAccounts(on: db) }
    }

    // MARK: - Internals

    /// Whether the maintenance window is open now: every profile refuses everything then, in its own form.
    var isInMaintenance: Bool {
        faults.settings.isMaintenance(elapsedMilliseconds: clock.now().milliseconds - startedAt.milliseconds)
    }

    /// The ISO 20022 profile's maintenance answer (503), or `nil` outside the window.
    func maintenanceRefusal() -> BankAnswer? {
        guard isInMaintenance else { return nil }
        return .text(503, "bank in maintenance: try again later", effect: .refusedForNow)
    }

    /// Waits the configured latency, then hands the answer back.
    func delayed(_ answer: BankAnswer) async -> BankAnswer {
        let latency = faults.settings.latencyMilliseconds
        if latency > 0 { try? await Task.sleep(for: .milliseconds(latency)) }
        return answer
    }

    /// A report id unique across restarts: `SIM`, the time in milliseconds, and a counter.
    func nextReportId(_ now: Timestamp) -> String {
        let count = reportCounter.withLock { value -> Int in
            value += 1
            return value
        }
        return "SIM\(now.milliseconds)-\(count)"
    }
}
