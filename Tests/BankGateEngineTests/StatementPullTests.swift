import BankGateAdapters
import BankGateConfig
import BankGateCore
import BankGateCrypto
@testable import BankGateEngine
import BankGateStatements
import BankGateStore
import Foundation
import Logging
import Synchronization
import XCTest
import BankGateTestSupport

/// A bank that answers camt.060 report requests with camt.053 statements of a scripted ledger:
/// day N of `days` has sequence N, one debit of N euros, and balances that chain.
final class ReportingBank: BankTransport {
    let account = "DE89370400440532013000"
    let eur = Currency(code: "EUR")!
    /// Dates of day 1, 2, … .
    let days: [String]
    /// Days left out of the first answer that covers them (a statement lost in transmission).
    private let state: Mutex<(withheld: Set<String>, requests: [(from: String, to: String, message: String)])>
    /// Requests refused as if the bank were unreachable, before it answers.
    private let unreachable: Mutex<Int>

    init(days: [String], withholdOnce: Set<String> = [], unreachableFirst: Int = 0) {
        self.days = days
        state = Mutex((withholdOnce, []))
        unreachable = Mutex(unreachableFirst)
    }

    var requests: [(from: String, to: String, message: String)] { state.withLock { $0.requests } }

    func report(_ message: EncodedMessage) async -> TransportOutcome {
        let refuse = unreachable.withLock { count -> Bool in
            defer { count = max(0, count - 1) }
            return count > 0
        }
        if refuse { return .notSent("connection refused") }
        guard let request = try? ISO20022Adapter.decodeReportRequest(message.bytes) else { return .answered(status: 400, body: []) }
        let wanted = days.enumerated().filter { $0.element >= request.fromDate && $0.element <= request.toDate }
        let delivered = state.withLock { state -> [(offset: Int, element: String)] in
            state.requests.append((request.fromDate, request.toDate, request.messageName))
            let kept = wanted.filter { !state.withheld.contains($0.element) }
            for day in wanted { state.withheld.remove(day.element) }
            return kept
        }
        guard let first = delivered.first else { return .answered(status: 200, body: Array(Self.empty.utf8)) }
        var writer = try! CamtStatementWriter(format: .camt053, version: .v08)
        writer.beginDocument(messageId: "ANS-\(request.requestId)", createdAt: "\(first.element)T20:00:00")
        for (index, day) in delivered {
            var paidBefore: Int64 = 0
            for earlier in 0..<index { paidBefore += Int64(earlier + 1) * 100 }
            let opening: Int64 = 100_000 - paidBefore
            let debit = Int64(index + 1) * 100
            let header = StatementHeader(
                format: .camt053, messageId: "ANS-\(request.requestId)", statementId: "STMT-\(day)", electronicSequence: Int64(index + 1),
                account: StatementAccount(identifier: account, currency: "EUR"), createdAt: "\(day)T20:00:00",
                balances: [StatementBalance(type: "OPBD", amount: Money(minorUnits: opening, currency: eur), date: day),
                           StatementBalance(type: "CLBD", amount: Money(minorUnits: opening - debit, currency: eur), date: day)])
            try! writer.beginStatement(header)
            try! writer.entry(StatementTransaction(
                account: header.account, statementId: header.statementId, sequence: 1, bookingDate: day, valueDate: day,
                amount: Money(minorUnits: debit, currency: eur), creditDebit: .debit, status: .booked,
                accountServicerReference: "ASR-\(day)", endToEndId: "E2E-\(day)",
                transactionCode: BankTransactionCode(domain: "PMNT", family: "ICDT", subFamily: "ESCT"),
                source: SourcePosition(line: 0, path: "")))
            writer.endStatement()
        }
        writer.endDocument()
        return .answered(status: 200, body: writer.takeOutput())
    }

    static let empty = """
        <?xml version="1.0" encoding="UTF-8"?>
        <Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"><BkToCstmrStmt><GrpHdr><MsgId>EMPTY</MsgId>\
        <CreDtTm>2026-01-01T00:00:00</CreDtTm></GrpHdr></BkToCstmrStmt></Document>
        """

    func submit(_ message: EncodedMessage) async -> TransportOutcome { .notSent("not used") }
    func query(_ message: EncodedMessage) async -> TransportOutcome { .notSent("not used") }
    func pickUp() async throws -> [InboundFile] { [] }
    func settle(_ file: InboundFile, failureReason: String?) async throws {}
}

final class StatementPullTests: XCTestCase {
    var directory: URL!
    var store: PaymentStore!
    let clock = ManualClock(start: Timestamp.parseDate("2026-03-05")!.adding(milliseconds: 5 * 3_600_000))

    override func setUp() async throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("bankgate-pull-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        store = try PaymentStore(path: directory.appendingPathComponent("store.sqlite").path)
    }

    override func tearDown() async throws {
        store.close()
        try? FileManager.default.removeItem(at: directory)
    }

    func service(bank: ReportingBank) throws -> (StatementPullService, AccountReports) {
        let configuration = try OneAccountConfiguration.parse(directory: directory, accountKeys: #"end_of_day_pull_at = "06:00""#)
        let bankConfig = try XCTUnwrap(configuration.bank(id: "bank"))
        let connection = BankConnection(config: bankConfig, adapter: ISO20022Adapter(painVersion: .v09), transport: bank,
                                        accounts: ["acme-eur": configuration.accounts[0].debtorAccount()])
        let reports = AccountReports(store: store, accounts: configuration.accounts.map { $0.debtorAccount() }, clock: clock,
                                     logger: Logger(label: "test"), webhookSecrets: try SecretBox(key: SecureRandom.bytes(32)))
        return (StatementPullService(configuration: configuration, connections: [connection], reports: reports, clock: clock,
                                     logger: Logger(label: "test")), reports)
    }

    func testEndOfDayPullWaitsForItsTimeThenCatchesUp() async throws {
        let bank = ReportingBank(days: ["2026-03-02", "2026-03-03", "2026-03-04", "2026-03-05", "2026-03-06", "2026-03-07"])
        let (pulls, reports) = try service(bank: bank)
        await pulls.tick()
        XCTAssertTrue(bank.requests.isEmpty, "05:00 is before the 06:00 pull time")

        clock.advance(milliseconds: 3_600_000) // 2026-03-05 06:00
        await pulls.tick()
        XCTAssertEqual(bank.requests.map { "\($0.from)…\($0.to)" }, ["2026-03-04…2026-03-04"], "nothing stored: yesterday only")
        XCTAssertEqual(bank.requests.first?.message, "camt.053.001.08")
        await pulls.tick()
        XCTAssertEqual(bank.requests.count, 1, "yesterday is stored: nothing to pull until tomorrow")

        clock.advance(milliseconds: 3 * 86_400_000) // 2026-03-08 06:00: three days to catch up
        await pulls.tick()
        XCTAssertEqual(bank.requests.last.map { "\($0.from)…\($0.to)" }, "2026-03-05…2026-03-07")
        let statements = try await reports.statements.statements(accountId: "acme-eur", limit: 10)
        XCTAssertEqual(statements.map(\.draft.statementId).sorted(),
                       ["STMT-2026-03-04", "STMT-2026-03-05", "STMT-2026-03-06", "STMT-2026-03-07"])
        XCTAssertEqual(statements.map(\.continuity.rawValue).sorted(), ["first", "ok", "ok", "ok"])
        let gaps = try await reports.statements.openGaps()
        XCTAssertTrue(gaps.isEmpty)
    }

    func testAFailedPullIsTriedAgainAMinuteLater() async throws {
        let bank = ReportingBank(days: ["2026-03-04"], unreachableFirst: 1)
        let (pulls, reports) = try service(bank: bank)
        clock.advance(milliseconds: 3_600_000) // 06:00
        await pulls.tick()
        var statements = try await reports.statements.statements(accountId: "acme-eur", limit: 10)
        XCTAssertTrue(statements.isEmpty, "the bank could not be reached")
        clock.advance(milliseconds: 59_000)
        await pulls.tick()
        XCTAssertEqual(bank.requests.count, 0, "not before a minute has passed")
        clock.advance(milliseconds: 1_000)
        await pulls.tick()
        statements = try await reports.statements.statements(accountId: "acme-eur", limit: 10)
        XCTAssertEqual(statements.map(\.draft.statementId), ["STMT-2026-03-04"])
    }

    func testAGapIsFoundWhateverOrderTheStatementsArriveIn() async throws {
        let bank = ReportingBank(days: ["2026-03-02", "2026-03-03", "2026-03-04"])
        let (pulls, reports) = try service(bank: bank)
        // Day 3 first, then day 1: the hole (day 2) lies after the statement imported last.
        _ = try await pulls.pull(accountId: "acme-eur", kind: .endOfDay, from: "2026-03-04", to: "2026-03-04")
        let first = try await pulls.pull(accountId: "acme-eur", kind: .endOfDay, from: "2026-03-02", to: "2026-03-02")
        XCTAssertEqual(first.first?.continuity, .first)
        let gaps = try await reports.statements.openGaps()
        XCTAssertEqual(gaps.map(\.fromSequence), [2])
        XCTAssertEqual(gaps.map(\.toSequence), [2])
    }

    func testAGapFoundOnImportIsPulledAgainAndClosed() async throws {
        let bank = ReportingBank(days: ["2026-03-02", "2026-03-03", "2026-03-04"], withholdOnce: ["2026-03-03"])
        let (pulls, reports) = try service(bank: bank)
        // Day 1, then days 2–3 with day 2 lost in transmission: day 3 (seq 3) follows seq 1.
        _ = try await pulls.pull(accountId: "acme-eur", kind: .endOfDay, from: "2026-03-02", to: "2026-03-02")
        let second = try await pulls.pull(accountId: "acme-eur", kind: .endOfDay, from: "2026-03-03", to: "2026-03-04")
        XCTAssertEqual(second.map(\.bankStatementId), ["STMT-2026-03-04"])
        XCTAssertEqual(second.first?.continuity, .gap)
        var gaps = try await reports.statements.openGaps()
        XCTAssertEqual(gaps.map(\.fromSequence), [2])
        XCTAssertEqual(gaps.first?.fromDate, "2026-03-03")
        XCTAssertEqual(gaps.first?.toDate, "2026-03-03")

        clock.advance(milliseconds: 60_000)
        await pulls.tick()
        XCTAssertEqual(bank.requests.last.map { "\($0.from)…\($0.to)" }, "2026-03-03…2026-03-03", "the gap is asked for again")
        gaps = try await reports.statements.openGaps()
        XCTAssertTrue(gaps.isEmpty, "the missing statement closed the gap")
        let events = try await store.events(after: 0, limit: 100).map(\.type)
        XCTAssertEqual(events.filter { $0 == "statement.gap" }.count, 1)
        XCTAssertEqual(events.filter { $0 == "transaction.booked" }.count, 3)
    }
}
