import BankGateAdapters
import BankGateConfig
import BankGateCore
import BankGateEngine
import BankGateStore
import Foundation
import Logging
import Synchronization
import XCTest
import BankGateTestSupport

/// The real dispatcher, engine, store (a temporary SQLite file) and ISO 20022 adapter, with a
/// scripted transport and a manual clock. Time only moves when the test moves it; the lane polls
/// every 10 ms of real time, so it reacts at once.
final class DispatcherHarness: Sendable {
    static let bankId = "fake"
    static let accountId = "acme-eur"
    static let eur = Currency(code: "EUR")!

    /// Bank settings unless a test overrides them: fast status queries, a circuit that stays closed.
    static let defaultBankKeys: [String: Int] = [
        "max_in_flight": 4, "max_attempts": 8, "backoff_base_ms": 1000, "backoff_max_ms": 8000,
        "circuit_failure_threshold": 100, "circuit_cooldown_ms": 5000, "status_query_interval_ms": 1000,
    ]

    let directory: URL
    let clock = ManualClock()
    let transport: ScriptedTransport
    let store: PaymentStore
    let service: DispatcherService
    let engine: GatewayEngine
    /// The configuration the harness was built from.
    let configuration: BankGateConfiguration
    private let running = Mutex<Task<Void, any Error>?>(nil)

    /// `recoveryIntervalMilliseconds`: the dispatcher's periodic recovery (by default too slow to
    /// run during a test). The store is retried every 2–20 ms when it cannot write.
    /// `adapter` and `signer` replace the plain ISO 20022 adapter (which signs nothing).
    /// `bankTOML` is added to the `[[banks]]` entry and `extraTOML` to the end of the configuration.
    init(bank overrides: [String: Int] = [:], recoveryIntervalMilliseconds: Int = 3_600_000,
         adapter: (any BankAdapter)? = nil, signer: (any MessageSigner)? = nil, logger testLogger: Logger? = nil,
         bankTOML: String = "", extraTOML: String = "") throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("bankgate-engine-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let keys = Self.defaultBankKeys.merging(overrides) { $1 }
        let toml = """
            [server]
            listen = "127.0.0.1:0"
            data_dir = "\(directory.path)"

            [[tokens]]
            name = "tests"
            token = "engine-tests-token-0123456789"
            scopes = ["payments:write"]

            [[banks]]
            id = "\(Self.bankId)"
            adapter = "iso20022"
            transport = "http"
            url = "http://127.0.0.1:9"
            \(keys.sorted { $0.key < $1.key }.map { "\($0.key) = \($0.value)" }.joined(separator: "\n"))
            \(bankTOML)

            [[accounts]]
            id = "\(Self.accountId)"
            bank = "\(Self.bankId)"
            number = "DE89370400440532013000"
            bank_code = "COBADEFFXXX"
            name = "ACME Trading GmbH"
            currency = "EUR"

            [dispatch]
            poll_interval_ms = 10

            \(extraTOML)
            """
        let configuration = try BankGateConfiguration.parse(toml, fileName: "engine-tests.toml", baseDirectory: directory.path)
        self.configuration = configuration
        transport = ScriptedTransport(clock: clock)
        var accounts: [String: DebtorAccount] = [:]
        for account in configuration.accounts { accounts[account.id] = account.debtorAccount() }
        let connection = BankConnection(config: configuration.banks[0], adapter: adapter ?? ISO20022Adapter(painVersion: .v09),
                                        transport: transport, accounts: accounts, signer: signer)
        store = try PaymentStore(path: directory.appendingPathComponent("bankgate.sqlite").path)
        var logger = Logger(label: "engine-tests")
        logger.logLevel = ProcessInfo.processInfo.environment["BANKGATE_TEST_LOG"].flatMap(Logger.Level.init(rawValue:)) ?? .critical
        if let testLogger { logger = testLogger }
        service = DispatcherService(connections: [connection], store: store, clock: clock, logger: logger,
                                    pollIntervalMilliseconds: configuration.dispatch.pollIntervalMilliseconds,
                                    recoveryIntervalMilliseconds: recoveryIntervalMilliseconds,
                                    storeRetry: StoreRetryPolicy(baseMilliseconds: 2, maxMilliseconds: 20))
        engine = GatewayEngine(configuration: configuration, connections: [connection], store: store,
                               dispatcher: service, clock: clock, logger: logger)
    }

    /// Runs the dispatcher in a task until ``stop()``.
    func start() {
        let service = service
        running.withLock { $0 = Task { try await service.run() } }
    }

    /// Stops the dispatcher, waits for it, closes the store and removes the files.
    func stop() async {
        store.injectWriteFailure(nil)  // a failed test may leave the store refusing writes
        await transport.openGate()  // a failed test may leave sends waiting; the lane waits for them
        service.stop()
        if let task = running.withLock({ $0 }) { _ = try? await task.value }
        store.close()
        try? FileManager.default.removeItem(at: directory)
    }

    // MARK: - Intake

    static func request(minorUnits: Int64 = 12_345, endToEndId: String? = nil) -> PaymentRequest {
        PaymentRequest(debtorAccountId: accountId, amount: Money(minorUnits: minorUnits, currency: eur),
                       creditor: Party(name: "Dupont & Fils SARL", account: "FR1420041010050500013M02606", bankCode: "BNPAFRPPXXX"),
                       remittanceInfo: "Invoice 42", endToEndId: endToEndId, requestedExecutionDate: nil)
    }

    /// Accepts `requests` through the engine (each its own message unless `asBatch`).
    func submit(_ requests: [PaymentRequest], asBatch: Bool = false) async throws -> [PaymentRecord] {
        let key = UUID().uuidString
        switch try await engine.submit(requests, idempotencyKey: key, fingerprint: key, client: "tests", asBatch: asBatch) {
        case .created(let payments): return payments
        case .replayed: throw HarnessFailure("a fresh idempotency key was replayed")
        }
    }

    /// Accepts one payment.
    func submitOne(_ request: PaymentRequest = DispatcherHarness.request()) async throws -> PaymentRecord {
        try await submit([request])[0]
    }

    // MARK: - Observation

    func payment(_ id: String) async throws -> PaymentRecord {
        guard let payment = try await store.payment(id: id) else { throw HarnessFailure("no payment \(id)") }
        return payment
    }

    func submission(of payment: PaymentRecord) async throws -> SubmissionRecord {
        guard let submission = try await store.submission(messageId: payment.messageId) else {
            throw HarnessFailure("no submission for \(payment.messageId)")
        }
        return submission
    }

    /// The statuses a payment went through, in order.
    func statuses(_ id: String) async throws -> [PaymentStatus] {
        try await store.history(paymentId: id).map(\.to)
    }

    /// Asserts the statuses the payment went through, in order.
    func assertHistory(_ id: String, _ expected: [PaymentStatus], file: StaticString = #filePath, line: UInt = #line) async throws {
        let actual = try await statuses(id)
        XCTAssertEqual(actual.map(\.rawValue), expected.map(\.rawValue), file: file, line: line)
    }

    func assertSubmissionState(_ payment: PaymentRecord, _ expected: SubmissionState,
                               file: StaticString = #filePath, line: UInt = #line) async throws {
        let actual = try await submission(of: payment).state
        XCTAssertEqual(actual, expected, file: file, line: line)
    }

    var circuit: String { service.laneSnapshots()[Self.bankId]?.circuit ?? "?" }
    var lanesInFlight: Int { service.laneSnapshots()[Self.bankId]?.inFlight ?? -1 }

    // MARK: - Waiting (real time, with a generous deadline; polls, never asserts on elapsed time)

    func waitUntil(_ what: String, seconds: Int = 10, _ condition: () async throws -> Bool) async throws {
        let deadline = ContinuousClock.now.advanced(by: .seconds(seconds))
        while try await !condition() {
            guard ContinuousClock.now < deadline else { throw HarnessFailure("timed out waiting until \(what)") }
            try await Task.sleep(for: .milliseconds(2))
        }
    }

    /// Waits until the payment is in `status` and returns it.
    @discardableResult
    func waitForStatus(_ id: String, _ status: PaymentStatus, attempts: Int? = nil) async throws -> PaymentRecord {
        var last: PaymentRecord?
        do {
            try await waitUntil("payment \(id) is \(status.rawValue)") {
                last = try await payment(id)
                return last?.status == status && (attempts == nil || last?.attempts == attempts)
            }
        } catch {
            throw HarnessFailure("\(error); it is \(last?.status.rawValue ?? "?") after \(last?.attempts ?? -1) attempts")
        }
        return last!
    }

    /// Waits until the lane has gone round its loop `turns` more times: every claim it makes from
    /// now on sees the current manual time. Used to show that something did *not* happen.
    func waitForLaneTurns(_ turns: Int = 3) async throws {
        let start = await transport.pickUps
        try await waitUntil("the lane turned \(turns) times") { await transport.pickUps >= start + turns }
    }
}

extension DispatcherHarness {
    /// Waits until the lane has turned a few times and has nothing in flight: every claim it could
    /// make at the current manual time has then reached the transport (or it made none).
    func waitForQuietLane(turns: Int = 3) async throws {
        try await waitForLaneTurns(turns)
        try await waitUntil("the lane has nothing in flight") { lanesInFlight == 0 }
    }
}

struct HarnessFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Runs `body` with a harness (started unless `start` is false) and always stops it.
func withHarness(bank: [String: Int] = [:], start: Bool = true, recoveryIntervalMilliseconds: Int = 3_600_000,
                 adapter: (any BankAdapter)? = nil, signer: (any MessageSigner)? = nil, logger: Logger? = nil,
                 _ body: (DispatcherHarness) async throws -> Void) async throws {
    let harness = try DispatcherHarness(bank: bank, recoveryIntervalMilliseconds: recoveryIntervalMilliseconds,
                                        adapter: adapter, signer: signer, logger: logger)
    if start { harness.start() }
    do {
        try await body(harness)
    } catch {
        await harness.stop()
        throw error
    }
    await harness.stop()
}
