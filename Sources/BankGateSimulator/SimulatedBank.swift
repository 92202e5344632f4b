import BankGateAdapters
public import BankGateCore
import BankGateStore
import BankGateXML
import Foundation
public import Logging
import Synchronization

/// A simulated bank speaking ISO 20022: it executes pain.001 messages against a durable ledger,
/// answers with pain.002.001.10 status reports, answers status queries, and injects faults.
///
/// Transport-free: the HTTP server and the folder worker hand it bytes and deliver its ``BankAnswer``.
/// The clock and the fault generator are injected, so a test drives it deterministically.
public final class SimulatedBank: Sendable {
    let database: SQLiteDatabase
    let clock: any WallClock
    let faults: FaultInjector
    private let startedAt: Timestamp
    private let accountsListed: Bool
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
    ///   - clock: the time source for execution times, report times and the maintenance window.
    public static func open(dataDirectory: String, accounts: [SimulatedAccount]?, openAccounts: [SimulatedAccount] = [],
                            faults: FaultSettings, clock: any WallClock = SystemClock(), logger: Logger) async throws -> SimulatedBank {
        try FileManager.default.createDirectory(atPath: dataDirectory, withIntermediateDirectories: true)
        let path = URL(fileURLWithPath: dataDirectory).appendingPathComponent(databaseFileName).path
        let database = try SQLiteDatabase(path: path, migrations: SimulatorLedger.migrations, readerCount: 2)
        let injector = FaultInjector(settings: faults)
        let origin: SimulatorLedger.StatementOrigin
        do {
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

    private init(database: SQLiteDatabase, clock: any WallClock, faults: FaultInjector, accountsListed: Bool,
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

    // MARK: - Messages

    /// Receives a pain.001 (`POST /payments`): executes it unless a fault or the maintenance window says
    /// otherwise, and returns the answer to deliver.
    public func receivePayment(_ bytes: [UInt8]) async -> BankAnswer {
        if let refusal = maintenanceRefusal() { return await delayed(refusal) }
        switch parse(bytes) {
        case .failure(let error):
            return await delayed(.text(400, "message refused: \(error.message)", effect: .unreadable(reason: error.message)))
        case .success(let root):
            guard ISO20022BankCodec.kind(of: root) == .paymentInitiation else {
                let reason = "not a pain.001 document (Document/CstmrCdtTrfInitn)"
                return await delayed(.text(400, "message refused: \(reason)", effect: .unreadable(reason: reason)))
            }
            return await delayed(await executePayment(root))
        }
    }

    /// Answers a status query (`POST /status`): the stored pain.002 of a received message (200), or a
    /// pain.002 with group status RJCT and reason NOTFOUND (404). Never subject to injected failures,
    /// drops or malformed answers; only the maintenance window refuses it.
    public func answerStatusQuery(_ bytes: [UInt8]) async -> BankAnswer {
        if let refusal = maintenanceRefusal() { return await delayed(refusal) }
        return await delayed(await statusAnswer(bytes))
    }

    /// Receives a message of either kind (folder mode), telling them apart by their root element.
    public func receive(_ bytes: [UInt8]) async -> BankAnswer {
        if let refusal = maintenanceRefusal() { return await delayed(refusal) }
        switch parse(bytes) {
        case .failure(let error):
            return await delayed(.text(400, "message refused: \(error.message)", effect: .unreadable(reason: error.message)))
        case .success(let root):
            switch ISO20022BankCodec.kind(of: root) {
            case .paymentInitiation: return await delayed(await executePayment(root))
            case .statusQuery: return await delayed(await statusAnswer(bytes))
            case nil:
                let reason = "neither a pain.001 nor a status query"
                return await delayed(.text(400, "message refused: \(reason)", effect: .unreadable(reason: reason)))
            }
        }
    }

    // MARK: - Ledger views

    /// Executed transfers in execution order, of one message or of all.
    public func transfers(messageId: String? = nil) async throws -> [LedgerTransfer] {
        try await database.read { db in try SimulatorLedger.transfers(messageId: messageId, on: db) }
    }

    /// Every account with its current balance and status.
    public func accounts() async throws -> [SimulatedAccount] {
        try await database.read { db in try SimulatorLedger.allAccounts(on: db) }
    }

    /// The stored answer to a received message, or `nil` when the bank never received `messageId`.
    public func storedAnswer(messageId: String) async throws -> [UInt8]? {
        try await database.read { db in try SimulatorLedger.storedAnswer(messageId: messageId, on: db) }
    }

    // MARK: - Internals

    private func executePayment(_ root: XMLNode) async -> BankAnswer {
        let initiation: PaymentInitiation
        do {
            initiation = try ISO20022BankCodec.readPaymentInitiation(root)
        } catch {
            return .text(400, "message refused: \(error.message)", effect: .unreadable(reason: error.message))
        }
        let decision = faults.nextDecision()
        if decision == .fail {
            return .text(500, "injected failure: the message was not executed", effect: .refusedForNow)
        }
        let now = clock.now()
        let context = PaymentExecution.Context(accountsListed: accountsListed, receivedAt: now,
                                               reportId: nextReportId(now))
        let result: ExecutionResult
        do {
            result = try await database.write { db in try PaymentExecution.run(initiation, context: context, on: db) }
        } catch {
            logger.error("bank simulator ledger write failed", metadata: ["error": "\(error)"])
            return .text(500, "ledger error: the message was not executed", effect: .refusedForNow)
        }
        var answer: BankAnswer
        switch result {
        case .duplicate:
            logger.info("duplicate message refused", metadata: ["msg_id": "\(initiation.messageId)"])
            answer = .report(ISO20022BankCodec.groupRejection(
                reportId: context.reportId, createdAt: now, originalMessageId: initiation.messageId,
                originalMessageNameId: initiation.messageNameId,
                reason: StatusReason(code: "DUPL", text: "message id already received")),
                subject: initiation.messageId)
        case .processed(let body, let groupStatus, let executed, let rejected):
            logger.info("message executed", metadata: [
                "msg_id": "\(initiation.messageId)", "group_status": "\(groupStatus)",
                "executed": "\(executed)", "rejected": "\(rejected)", "fault": "\(decision)",
            ])
            answer = .report(body, subject: initiation.messageId)
        }
        switch decision {
        case .dropAfterExecute: answer.delivery = .dropConnection
        case .malformed: answer.body = ISO20022BankCodec.malformed(answer.body)
        case .none, .fail: break
        }
        return answer
    }

    private func statusAnswer(_ bytes: [UInt8]) async -> BankAnswer {
        let query: (queryId: String, originalMessageId: String)
        do {
            query = try ISO20022Adapter.decodeStatusQuery(bytes)
        } catch {
            return .text(400, "status query refused: \(error.description)", effect: .unreadable(reason: error.description))
        }
        let stored: [UInt8]?
        do {
            stored = try await storedAnswer(messageId: query.originalMessageId)
        } catch {
            logger.error("bank simulator ledger read failed", metadata: ["error": "\(error)"])
            return .text(500, "ledger error", effect: .refusedForNow)
        }
        if let stored { return .report(stored, subject: query.queryId) }
        let now = clock.now()
        let body = ISO20022BankCodec.groupRejection(
            reportId: nextReportId(now), createdAt: now, originalMessageId: query.originalMessageId,
            originalMessageNameId: "pain.001.001.09",
            reason: StatusReason(code: ISO20022Adapter.notFoundReason, proprietary: true,
                                 text: "no message with this id was received"))
        return .report(body, status: 404, subject: query.queryId)
    }

    func parse(_ bytes: [UInt8]) -> Result<XMLNode, BankCodecError> {
        do {
            return .success(try HardenedXML.parse(bytes, maxBytes: ISO20022BankCodec.maxMessageBytes))
        } catch {
            return .failure(BankCodecError(error.description))
        }
    }

    func maintenanceRefusal() -> BankAnswer? {
        let elapsed = clock.now().milliseconds - startedAt.milliseconds
        guard faults.settings.isMaintenance(elapsedMilliseconds: elapsed) else { return nil }
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
