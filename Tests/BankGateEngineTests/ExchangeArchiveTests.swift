import BankGateAdapters
import BankGateConfig
import BankGateCore
import BankGateCrypto
@testable import BankGateEngine
import BankGateStatements
import BankGateStore
import BankGateTransport
import Foundation
import Logging
import Synchronization
import XCTest
#if canImport(BankGateTestSupport)
import BankGateTestSupport  // where main keeps ManualClock
#endif

/// A transport in front of another that records every report request exactly as it would go over
/// the wire and every answer exactly as it came back.
final class RecordingReportTransport: BankTransport {
    let bank: any BankTransport
    /// Answers every request with this instead of asking `bank` (HTTP status, body).
    let fixedAnswer: (Int, [UInt8])?
    private let exchanges = Mutex<[(request: [UInt8], answer: TransportOutcome)]>([])

    init(_ bank: any BankTransport, fixedAnswer: (Int, [UInt8])? = nil) {
        self.bank = bank
        self.fixedAnswer = fixedAnswer
    }

    var seen: [(request: [UInt8], answer: TransportOutcome)] { exchanges.withLock { $0 } }

    func report(_ message: EncodedMessage) async -> TransportOutcome {
        let answer: TransportOutcome
        if let (status, body) = fixedAnswer {
            answer = .answered(status: status, body: body)
        } else {
            answer = await bank.report(message)
        }
        exchanges.withLock { $0.append((message.bytes, answer)) }
        return answer
    }

    func submit(_ message: EncodedMessage) async -> TransportOutcome { .notSent("not used") }
    func query(_ message: EncodedMessage) async -> TransportOutcome { .notSent("not used") }
    func pickUp() async throws -> [InboundFile] { [] }
    func settle(_ file: InboundFile, failureReason: String?) async throws {}
}

/// Every exchange with a bank is archived byte for byte, with its exchange, account, size and
/// SHA-256: status queries and their answers, statement and balance pulls, inbox files.
final class ExchangeArchiveTests: XCTestCase {
    var directory: URL!
    var store: PaymentStore!
    let clock = ManualClock(start: Timestamp.parseDate("2026-03-05")!.adding(milliseconds: 5 * 3_600_000))

    override func setUp() async throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("bankgate-archive-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        store = try PaymentStore(path: directory.appendingPathComponent("store.sqlite").path)
    }

    override func tearDown() async throws {
        store.close()
        try? FileManager.default.removeItem(at: directory)
    }

    func testAStatusQueryAndItsAnswerAreArchivedAsTheyWentOverTheWire() async throws {
        try await withHarness(bank: ["status_query_interval_ms": 1000]) { h in
            let answers = Mutex<[[UInt8]]>([])
            await h.transport.scriptSubmits(.outcome(.unknown("timeout after the request was written")))
            await h.transport.scriptQueries(ScriptedReply { message in
                let outcome = ScriptedReply.report("ACSC").answer(message)
                if case .answered(_, let body) = outcome { answers.withLock { $0.append(body) } }
                return outcome
            })
            let payment = try await h.submitOne()
            try await h.waitForStatus(payment.id, .unknown)
            h.clock.advance(milliseconds: 1000)
            try await h.waitForStatus(payment.id, .completed)

            let messages = try await h.store.messages(paymentId: payment.id)
            XCTAssertEqual(messages.map(\.exchange), [.payment, .statusQuery, .statusAnswer])
            let query = try XCTUnwrap(messages.first { $0.exchange == .statusQuery })
            let answer = try XCTUnwrap(messages.first { $0.exchange == .statusAnswer })
            let queries = await h.transport.queries
            let sentQuery = try XCTUnwrap(queries.first)
            XCTAssertEqual(query.bytes, sentQuery.bytes, "the query exactly as handed to the wire")
            XCTAssertEqual(answer.bytes, answers.withLock { $0.first }, "the answer exactly as it came back")
            XCTAssertEqual(answer.httpStatus, 200)
            for message in [query, answer] {
                XCTAssertEqual(message.accountId, DispatcherHarness.accountId)
                XCTAssertEqual(message.submissionId, payment.submissionId)
                XCTAssertEqual(message.size, Int64(message.bytes.count))
                XCTAssertEqual(message.sha256, SHA256.hex(message.bytes))
            }
            XCTAssertEqual(query.direction, .outbound)
            XCTAssertEqual(answer.direction, .inbound)
        }
    }

    func testAStatementPullIsArchivedByteForByteAndLinkedToTheStatementsItBrought() async throws {
        let wire = RecordingReportTransport(ReportingBank(days: ["2026-03-03", "2026-03-04"]))
        let (pulls, reports) = try service(transport: wire)
        let results = try await pulls.pull(accountId: "acme-eur", kind: .endOfDay, from: "2026-03-03", to: "2026-03-04")
        XCTAssertEqual(results.count, 2)
        let exchange = try XCTUnwrap(wire.seen.first)
        guard case .answered(200, let body) = exchange.answer else { return XCTFail("the bank did not answer") }

        for result in results {
            let messages = try await reports.messages(statementId: result.statementId)
            XCTAssertEqual(messages.map(\.exchange), [.statementRequest, .statementAnswer])
            XCTAssertEqual(messages.map(\.direction), [.outbound, .inbound])
            XCTAssertEqual(messages[0].bytes, exchange.request, "the camt.060 exactly as sent")
            XCTAssertEqual(messages[0].kind, "camt.060.001.05")
            XCTAssertEqual(messages[1].bytes, body, "the camt.053 exactly as received")
            XCTAssertEqual(messages[1].kind, "camt.053.001.08")
            XCTAssertEqual(messages[1].requestId, messages[0].id)
            XCTAssertEqual(messages[1].httpStatus, 200)
            XCTAssertEqual(messages.map(\.accountId), ["acme-eur", "acme-eur"])
            XCTAssertEqual(messages[1].sha256, SHA256.hex(body))
            XCTAssertEqual(messages[1].size, Int64(body.count))
        }
        let linked = try await reports.archivedMessageIds(statementIds: results.map(\.statementId))
        XCTAssertEqual(Set(linked.values.flatMap { $0 }).count, 1, "both statements came in one answer")
    }

    func testAnEmptyAnswerAndARefusalAreArchivedToo() async throws {
        let empty = RecordingReportTransport(ReportingBank(days: []), fixedAnswer: (204, []))
        let (pulls, reports) = try service(transport: empty)
        let results = try await pulls.pull(accountId: "acme-eur", kind: .intraday, from: "2026-03-05", to: "2026-03-05")
        XCTAssertTrue(results.isEmpty)
        var archived = try await archivedOfAccount(reports)
        XCTAssertEqual(archived.map(\.exchange), [.statementRequest, .statementAnswer])
        XCTAssertEqual(archived[0].bytes, empty.seen.first?.request)
        XCTAssertEqual(archived[1].kind, "empty")
        XCTAssertEqual(archived[1].httpStatus, 204)
        XCTAssertEqual(archived[1].size, 0)
        XCTAssertEqual(archived[1].sha256, SHA256.hex([UInt8]()), "a zero-byte record with the empty digest")

        let refusing = RecordingReportTransport(ReportingBank(days: []), fixedAnswer: (503, Array("maintenance".utf8)))
        let (refused, _) = try service(transport: refusing)
        do {
            _ = try await refused.refreshBalances(accountId: "acme-eur")
            XCTFail("a refused pull is an error")
        } catch {
            XCTAssertEqual(error.code, .bankRefused)
        }
        archived = try await archivedOfAccount(reports)
        XCTAssertEqual(archived.suffix(2).map(\.exchange), [.balanceRequest, .balanceAnswer])
        XCTAssertEqual(archived.last?.bytes, Array("maintenance".utf8))
        XCTAssertEqual(archived.last?.kind, "http-error")
    }

    /// Inside the bank's maintenance window no report request leaves: a manual pull, a balance
    /// refresh (and the plans that call them) answer 503 `bank_maintenance`; nothing is archived.
    /// An outside check saw both reach the bank during the window.
    func testNothingIsAskedOfABankInItsMaintenanceWindow() async throws {
        let wire = RecordingReportTransport(ReportingBank(days: ["2026-03-03"]))
        let (configuration, account) = try Self.configuration(directory: directory)
        var bank = try XCTUnwrap(configuration.bank(id: "bank"))
        let now = clock.now()
        bank.timetable.maintenance = [.once(from: now.adding(milliseconds: -60_000), until: now.adding(milliseconds: 60_000))]
        let connection = BankConnection(config: bank, adapter: ISO20022Adapter(painVersion: .v09), transport: wire,
                                        accounts: ["acme-eur": account])
        let reports = AccountReports(store: store, accounts: [account], clock: clock, logger: Logger(label: "test"),
                                     webhookSecrets: try SecretBox(key: SecureRandom.bytes(32)))
        let pulls = StatementPullService(configuration: configuration, connections: [connection], reports: reports, clock: clock,
                                         logger: Logger(label: "test"))
        for attempt in ["pull", "refresh"] {
            do {
                if attempt == "pull" {
                    _ = try await pulls.pull(accountId: "acme-eur", kind: .endOfDay, from: "2026-03-03", to: "2026-03-03")
                } else {
                    _ = try await pulls.refreshBalances(accountId: "acme-eur")
                }
                XCTFail("\(attempt): the bank was asked during its maintenance window")
            } catch {
                XCTAssertEqual(error.code, .bankMaintenance, attempt)
                XCTAssertEqual(error.kind, .unavailable, attempt)
            }
        }
        XCTAssertTrue(wire.seen.isEmpty, "nothing reached the bank")
        let archived = try await archivedOfAccount(reports)
        XCTAssertTrue(archived.isEmpty)
    }

    func testInboxStatementFilesAreArchivedWithTheirHashLargeOnesAsAStreamedCopy() async throws {
        let inbox = directory.appendingPathComponent("inbox")
        let outbox = directory.appendingPathComponent("outbox")
        // Files above 2 KiB are not read into memory: the larger statement is imported and
        // archived as a stream.
        let transport = try FolderBankTransport(outboxDirectory: outbox.path, inboxDirectory: inbox.path,
                                                maximumInboundFileBytes: 2048)
        let (configuration, account) = try Self.configuration(directory: directory)
        let connection = BankConnection(config: try XCTUnwrap(configuration.bank(id: "bank")), adapter: ISO20022Adapter(painVersion: .v09),
                                        transport: transport, accounts: ["acme-eur": account])
        let reports = AccountReports(store: store, accounts: [account], clock: clock, logger: Logger(label: "test"),
                                     webhookSecrets: try SecretBox(key: SecureRandom.bytes(32)))
        let dispatcher = DispatcherService(connections: [connection], store: store, clock: clock, logger: Logger(label: "test"),
                                           pollIntervalMilliseconds: 10, statementSink: reports)
        let small = Self.statement(days: ["2026-03-03"])
        let large = Self.statement(days: ["2026-03-04", "2026-03-05", "2026-03-06", "2026-03-07", "2026-03-08"], firstSequence: 2)
        XCTAssertLessThan(small.count, 2048)
        XCTAssertGreaterThan(large.count, 2048)
        try Data(small).write(to: inbox.appendingPathComponent("small.xml"))
        try Data(large).write(to: inbox.appendingPathComponent("large.xml"))

        let running = Task { try await dispatcher.run() }
        let processed = try await waitForListing(in: inbox.appendingPathComponent("processed")) { $0.count == 2 }
        dispatcher.stop()
        _ = try await running.value
        XCTAssertEqual(processed, ["large.xml", "small.xml"])

        let statements = try await reports.statements.statements(accountId: "acme-eur", limit: 10)
        XCTAssertEqual(statements.count, 6)
        for statement in statements {
            let messages = try await reports.messages(statementId: statement.id)
            XCTAssertEqual(messages.count, 1, "the inbox file alone brought it")
            let file = try XCTUnwrap(messages.first)
            XCTAssertEqual(file.exchange, .inboxFile)
            XCTAssertEqual(file.direction, .inbound)
            XCTAssertEqual(file.kind, "camt.053.001.08")
            XCTAssertEqual(file.accountId, "acme-eur", "the account is known once the file is read")
            let original = statement.draft.statementId == "STMT-2026-03-03" ? small : large
            XCTAssertEqual(file.sha256, SHA256.hex(original))
            XCTAssertEqual(file.size, Int64(original.count))
            if original == small {
                XCTAssertNil(file.storedFile)
                XCTAssertEqual(file.bytes, small)
            } else {
                XCTAssertTrue(file.bytes.isEmpty, "a large file is not held in a row")
                let stored = try XCTUnwrap(file.storedFile)
                XCTAssertTrue(stored.hasPrefix("archive/inbox/bank/"), stored)
                let copy = try Data(contentsOf: directory.appendingPathComponent(stored))
                XCTAssertEqual(Array(copy), large, "the copy is byte for byte the file")
            }
        }
    }

    // MARK: - Helpers

    func service(transport: any BankTransport) throws -> (StatementPullService, AccountReports) {
        let (configuration, account) = try Self.configuration(directory: directory)
        let connection = BankConnection(config: try XCTUnwrap(configuration.bank(id: "bank")), adapter: ISO20022Adapter(painVersion: .v09),
                                        transport: transport, accounts: ["acme-eur": account])
        let reports = AccountReports(store: store, accounts: [account], clock: clock, logger: Logger(label: "test"),
                                     webhookSecrets: try SecretBox(key: SecureRandom.bytes(32)))
        return (StatementPullService(configuration: configuration, connections: [connection], reports: reports, clock: clock,
                                     logger: Logger(label: "test")), reports)
    }

    func archivedOfAccount(_ reports: AccountReports) async throws -> [ArchivedMessage] {
        try await store.archivedMessages(accountId: "acme-eur", limit: 100)
    }

    static func configuration(directory: URL) throws -> (BankGateConfiguration, DebtorAccount) {
        let configuration = try OneAccountConfiguration.parse(directory: directory)
        return (configuration, configuration.accounts[0].debtorAccount())
    }

    /// A camt.053.001.08 with one statement per day, each with one debit and chained balances.
    static func statement(days: [String], firstSequence: Int64 = 1) -> [UInt8] {
        let eur = Currency(code: "EUR")!
        let account = StatementAccount(identifier: "DE89370400440532013000", currency: "EUR")
        var writer = try! CamtStatementWriter(format: .camt053, version: .v08)
        writer.beginDocument(messageId: "FILE-\(days[0])", createdAt: "\(days[0])T20:00:00")
        var balance: Int64 = 100_000
        for (index, day) in days.enumerated() {
            let header = StatementHeader(
                format: .camt053, messageId: "FILE-\(days[0])", statementId: "STMT-\(day)",
                electronicSequence: firstSequence + Int64(index), account: account, createdAt: "\(day)T20:00:00",
                balances: [StatementBalance(type: "OPBD", amount: Money(minorUnits: balance, currency: eur), date: day),
                           StatementBalance(type: "CLBD", amount: Money(minorUnits: balance - 100, currency: eur), date: day)])
            try! writer.beginStatement(header)
            try! writer.entry(StatementTransaction(
                account: account, statementId: header.statementId, sequence: 1, bookingDate: day, valueDate: day,
                amount: Money(minorUnits: 100, currency: eur), creditDebit: .debit, status: .booked,
                accountServicerReference: "ASR-\(day)", endToEndId: "E2E-\(day)",
                transactionCode: BankTransactionCode(domain: "PMNT", family: "ICDT", subFamily: "ESCT"),
                source: SourcePosition(line: 0, path: "")))
            writer.endStatement()
            balance -= 100
        }
        writer.endDocument()
        return writer.takeOutput()
    }

}
