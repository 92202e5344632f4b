import BankGateAdapters
import BankGateConfig
import BankGateCore
import BankGateEngine
import BankGateSimulator
import BankGateStore
import Foundation
import Logging
import Synchronization
import XCTest
import BankGateTestSupport

/// Hands each message straight to an in-process simulated bank, as its HTTP routes would.
private final class SimulatorTransport: BankTransport {
    let bank: SimulatedBank
    let submits = Mutex(0)

    init(bank: SimulatedBank) { self.bank = bank }

    func submit(_ message: EncodedMessage) async -> TransportOutcome {
        submits.withLock { $0 += 1 }
        let answer = await bank.receivePayment(message.bytes)
        return .answered(status: answer.httpStatus, body: answer.body)
    }

    func query(_ message: EncodedMessage) async -> TransportOutcome {
        let answer = await bank.answerStatusQuery(message.bytes)
        return .answered(status: answer.httpStatus, body: answer.body)
    }

    func pickUp() async throws -> [InboundFile] { [] }
    func settle(_ file: InboundFile, failureReason: String?) async throws {}
}

/// A bank that honours the requested execution date gets a later-dated payment at once, with the
/// date in the pain.001's `ReqdExctnDt`; the simulated bank executes it on that date, not before:
/// until then the payment is accepted and pending.
final class SimulatedExecutionDateTests: XCTestCase {
    func testTheSimulatorExecutesAHonouredLaterDatedPaymentOnItsDate() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("bankgate-execdate-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let clock = ManualClock()  // Monday 2026-03-02 09:00 UTC
        var logger = Logger(label: "execution-date-tests")
        logger.logLevel = .critical
        let toml = """
            [server]
            listen = "127.0.0.1:0"
            data_dir = "\(directory.path)"

            [[tokens]]
            name = "tests"
            token = "engine-tests-token-0123456789"
            scopes = ["payments:write"]

            [[banks]]
            id = "sim"
            adapter = "iso20022"
            transport = "http"
            url = "http://127.0.0.1:9"
            status_query_interval_ms = 1000
            honours_execution_date = true

            [[accounts]]
            id = "acme-eur"
            bank = "sim"
            number = "DE89370400440532013000"
            bank_code = "COBADEFFXXX"
            name = "ACME Trading GmbH"
            currency = "EUR"

            [dispatch]
            poll_interval_ms = 10
            """
        let configuration = try BankGateConfiguration.parse(toml, fileName: "execdate.toml", baseDirectory: directory.path)
        let bank = try await SimulatedBank.open(dataDirectory: directory.appendingPathComponent("sim").path, accounts: nil,
                                                faults: FaultSettings(seed: 1), clock: clock, logger: logger)
        defer { bank.close() }
        let transport = SimulatorTransport(bank: bank)
        var accounts: [String: DebtorAccount] = [:]
        for account in configuration.accounts { accounts[account.id] = account.debtorAccount() }
        let connection = BankConnection(config: configuration.banks[0], adapter: ISO20022Adapter(painVersion: .v09),
                                        transport: transport, accounts: accounts)
        let store = try PaymentStore(path: directory.appendingPathComponent("bankgate.sqlite").path)
        defer { store.close() }
        let service = DispatcherService(connections: [connection], store: store, clock: clock, logger: logger,
                                        pollIntervalMilliseconds: 10, recoveryIntervalMilliseconds: 3_600_000)
        let engine = GatewayEngine(configuration: configuration, connections: [connection], store: store,
                                   dispatcher: service, clock: clock, logger: logger)
        let running = Task { try await service.run() }

        func status(_ id: String) async throws -> PaymentStatus? { try await store.payment(id: id)?.status }
        func waitUntil(_ what: String, _ condition: () async throws -> Bool) async throws {
            let deadline = ContinuousClock.now.advanced(by: .seconds(10))
            while try await !condition() {
                guard ContinuousClock.now < deadline else { throw HarnessFailure("timed out waiting until \(what)") }
                try await Task.sleep(for: .milliseconds(2))
            }
        }

        let request = PaymentRequest(
            debtorAccountId: "acme-eur", amount: Money(minorUnits: 12_345, currency: Currency(code: "EUR")!),
            creditor: Party(name: "Dupont & Fils SARL", account: "FR1420041010050500013M02606", bankCode: "BNPAFRPPXXX"),
            remittanceInfo: "Invoice 42", endToEndId: "E2E-LATER", requestedExecutionDate: "2026-03-05")
        guard case .created(let payments) = try await engine.submit([request], idempotencyKey: "k1", fingerprint: "f1", client: "tests",
                                                                   asBatch: false) else { return XCTFail("replayed") }
        let id = payments[0].id
        XCTAssertEqual(payments[0].status, .queued, "sent at once: the bank honours the date")
        try await waitUntil("the bank has the message") { transport.submits.withLock { $0 } == 1 }
        try await waitUntil("the payment is pending at the bank") { try await status(id) == .processing }
        let before = try await bank.transfers()
        XCTAssertTrue(before.isEmpty, "accepted, pending: nothing executed before the date")
        let archived = try await store.messages(paymentId: id).first { $0.direction == .outbound }
        XCTAssertTrue(BusinessCalendarDispatchTests.compact(archived?.bytes ?? []).contains("<ReqdExctnDt><Dt>2026-03-05</Dt></ReqdExctnDt>"))

        clock.advance(to: Timestamp.parseDate("2026-03-04")!.adding(milliseconds: 23 * 3_600_000))
        clock.advance(milliseconds: 5_000)
        let stillPending = try await bank.transfers()
        XCTAssertTrue(stillPending.isEmpty)
        let statusTheDayBefore = try await status(id)
        XCTAssertEqual(statusTheDayBefore, .processing)

        clock.advance(to: Timestamp.parseDate("2026-03-05")!.adding(milliseconds: 60_000))
        try await waitUntil("the payment is completed") { try await status(id) == .completed }
        let executed = try await bank.transfers()
        XCTAssertEqual(executed.map(\.endToEndId), ["E2E-LATER"])
        XCTAssertEqual(executed.first.map { CalendarDay($0.executedAt).description }, "2026-03-05")
        XCTAssertEqual(transport.submits.withLock { $0 }, 1, "sent once")

        service.stop()
        _ = try? await running.value
    }
}
