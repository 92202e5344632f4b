import BankGateCore
import BankGateEngine
import BankGateStatements
import BankGateStore
import BankGateTestSupport
import Foundation
import XCTest

/// Issue 8.4, "kill -9 during a statement import leaves a half-imported statement live": an import
/// is all or nothing as seen from outside, and start-up rolls back an import a crash interrupted.
///
/// The crash is modelled faithfully and deterministically: the store refuses every write after the
/// first chunk of entries (so what earlier chunk transactions committed stays on disk and nothing
/// after, not even the importer's own clean-up), then the store is closed and opened again as a
/// restarted daemon would.
final class InterruptedImportTests: XCTestCase {
    var directory: URL!
    var path: String { directory.appendingPathComponent("bankgate.sqlite").path }
    let clock = ManualClock()
    let eur = Currency(code: "EUR")!
    let accountNumber = "DE89370400440532013000"

    override func setUp() async throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("bankgate-interrupted-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDown() async throws {
        try? FileManager.default.removeItem(at: directory)
    }

    func ingestor(_ store: PaymentStore) throws -> StatementIngestor {
        let accounts = try OneAccountConfiguration.parse(directory: directory).accounts.map { $0.debtorAccount() }
        return StatementIngestor(store: StatementStore(sharing: store), accounts: accounts, clock: clock, chunkSize: 2)
    }

    /// A consistent camt.053 with `count` booked credits of 1.00 each.
    func statementFile(entries count: Int) throws -> [UInt8] {
        let day = "2026-03-02"
        var writer = try CamtStatementWriter(format: .camt053, version: .v08)
        writer.beginDocument(messageId: "MSG-1", createdAt: "\(day)T20:00:00")
        let header = StatementHeader(
            format: .camt053, messageId: "MSG-1", statementId: "STMT-1", electronicSequence: 1,
            account: StatementAccount(identifier: accountNumber, currency: "EUR"), createdAt: "\(day)T20:00:00",
            balances: [StatementBalance(type: "OPBD", amount: Money(minorUnits: 0, currency: eur), date: day),
                       StatementBalance(type: "CLBD", amount: Money(minorUnits: Int64(count) * 100, currency: eur), date: day)])
        try writer.beginStatement(header)
        for index in 1...count {
            try writer.entry(StatementTransaction(
                account: header.account, statementId: header.statementId, sequence: index, bookingDate: day, valueDate: day,
                amount: Money(minorUnits: 100, currency: eur), creditDebit: .credit, status: .booked,
                accountServicerReference: "ASR-\(index)", endToEndId: "E2E-\(index)",
                transactionCode: BankTransactionCode(domain: "PMNT", family: "RCDT", subFamily: "ESCT"),
                source: SourcePosition(line: 0, path: "")))
        }
        writer.endStatement()
        writer.endDocument()
        return writer.takeOutput()
    }

    func bookedEvents(_ store: PaymentStore) async throws -> [String] {
        try await store.events(after: 0, limit: 1000).filter { $0.type == "transaction.booked" }.map(\.payloadJSON)
    }

    func testAnImportKilledAfterItsFirstChunkIsNeverVisibleAndIsRolledBackAtStartUp() async throws {
        let file = try statementFile(entries: 5)
        let first = try PaymentStore(path: path)
        // Writes that pass: the start-up rollback (nothing to do), the statement's registration, the
        // first chunk of two entries. The second chunk is where the process dies.
        first.injectWriteFailure(.diskFull, passing: 3)
        do {
            _ = try await ingestor(first).importBytes(file, format: .auto, source: .upload, sourceName: "stmt.xml")
            XCTFail("the import cannot have completed")
        } catch {
            XCTAssertEqual((error as? StatementImportError)?.code, .store)
        }
        first.close()

        // The restarted daemon, before recovery: nothing of the statement is visible anywhere.
        let store = try PaymentStore(path: path)
        defer { store.close() }
        let statements = StatementStore(sharing: store)
        let reconciliation = ReconciliationStore(sharing: store)
        let interrupted = try await statements.statement(id: "stm_1")
        XCTAssertEqual(interrupted?.state, "importing", "the crash left the statement importing")
        let listed = try await statements.transactions(accountId: "acme-eur", from: nil, to: nil, after: nil, limit: 100)
        XCTAssertEqual(listed.count, 0, "no entry of an unfinished statement is listed")
        let byId = try await statements.transaction(id: "btx_1")
        XCTAssertNil(byId)
        let byEndToEnd = try await statements.transactions(endToEndId: "E2E-1")
        XCTAssertEqual(byEndToEnd.count, 0)
        let events = try await bookedEvents(store)
        XCTAssertEqual(events.count, 0, "no transaction.booked event before the statement completes")
        let unmatched = try await reconciliation.unmatchedTransactions(accountId: nil)
        XCTAssertEqual(unmatched.count, 0, "matching does not see them")
        let balances = try await statements.balances(accountId: "acme-eur")
        XCTAssertEqual(balances.count, 0)

        // Start-up recovery rolls the import back, audited.
        let restarted = try ingestor(store)
        let rolledBack = try await restarted.recoverInterruptedImports()
        XCTAssertEqual(rolledBack, ["stm_1"])
        let failed = try await statements.statement(id: "stm_1")
        XCTAssertEqual(failed?.state, "failed")
        let audit = try await reconciliation.auditEntries(subjectKind: "statement", subjectId: "stm_1")
        let rollback = try XCTUnwrap(audit.first { $0.action == "statement.rolled_back" })
        XCTAssertTrue(rollback.details?.contains("2 staged entries removed") ?? false, rollback.details ?? "")
        let secondRun = try await restarted.recoverInterruptedImports()
        XCTAssertNil(secondRun, "recovery runs once per process")

        // The file delivered again imports whole, each entry and its event exactly once.
        let results = try await restarted.importBytes(file, format: .auto, source: .upload, sourceName: "stmt.xml")
        XCTAssertEqual(results.map(\.newEntries), [5])
        XCTAssertEqual(results.first?.integrity, .consistent)
        let imported = try await statements.statement(id: "stm_1")
        XCTAssertEqual(imported?.state, "complete")
        var all = try await statements.transactions(accountId: "acme-eur", from: nil, to: nil, after: nil, limit: 100)
        XCTAssertEqual(all.map(\.draft.accountServicerReference), (1...5).map { "ASR-\($0)" })
        var booked = try await bookedEvents(store)
        XCTAssertEqual(booked.count, 5)
        for transaction in all {
            XCTAssertEqual(booked.filter { $0.contains(#""transaction_id":"\#(transaction.id)""#) }.count, 1, transaction.id)
        }

        // And once more: nothing doubles.
        let again = try await restarted.importBytes(file, format: .auto, source: .upload, sourceName: "stmt.xml")
        XCTAssertEqual(again.first?.alreadyImported, true)
        XCTAssertEqual(again.first?.newEntries, 0)
        all = try await statements.transactions(accountId: "acme-eur", from: nil, to: nil, after: nil, limit: 100)
        XCTAssertEqual(all.count, 5)
        booked = try await bookedEvents(store)
        XCTAssertEqual(booked.count, 5)
    }

    /// What an unfinished statement does to entries stored before is held too: a pending entry it
    /// reports booked stays pending; and the account's listing stops before its first staged entry,
    /// so a client paging with a cursor cannot pass entries that become visible later.
    func testAnUnfinishedStatementHoldsBookingsAndTheListingStopsBeforeIt() async throws {
        let store = try PaymentStore(path: path)
        defer { store.close() }
        let statements = StatementStore(sharing: store)
        let t0 = clock.now()
        func draft(_ id: String, kind: StatementReportKind) -> StatementDraft {
            StatementDraft(accountId: "acme-eur", format: kind == .endOfDay ? "camt.053" : "camt.052", reportKind: kind,
                           messageId: "MSG-\(id)", statementId: id, electronicSequence: nil, legalSequence: nil, page: nil,
                           bankCreatedAt: nil, fromDate: nil, toDate: nil, statementDate: "2026-03-02", currency: eur,
                           source: .upload, sourceName: nil)
        }
        func entry(_ reference: String, _ minor: Int64, status: String) -> BankTransactionDraft {
            BankTransactionDraft(identity: "asr:\(reference)|\(minor)", statementId: "S", sequence: 1, bookingDate: "2026-03-02",
                                 valueDate: "2026-03-02", amount: Money(minorUnits: minor, currency: eur), status: status,
                                 reversal: false, bankReference: nil, accountServicerReference: reference, endToEndId: nil,
                                 instructionId: nil, messageId: nil, paymentInfoId: nil, uetr: nil, counterpartyName: nil,
                                 counterpartyAccount: nil, counterpartyBank: nil, remittanceInfo: nil, structuredReference: nil,
                                 codeDomain: nil, codeFamily: nil, codeSubFamily: nil, codeProprietary: nil, balanceAfter: nil,
                                 additionalInfo: nil, sourceLine: 1, sourcePath: "")
        }
        let none = StatementCompletion(entries: 1, bookedCredits: 0, bookedDebits: 0, openingBalance: nil, closingBalance: nil,
                                       closingAvailable: nil, integrity: .notApplicable, expectedClosing: nil, balances: [])
        // An intraday report with a pending entry, complete.
        let intraday = try await statements.beginStatement(draft("I1", kind: .intraday), at: t0)
        _ = try await statements.insertTransactions([entry("P1", -700, status: "pending")], accountId: "acme-eur",
                                                    statementRow: intraday.row, at: t0)
        _ = try await statements.finishStatement(row: intraday.row, completion: none, at: t0)
        // The end-of-day statement books it and brings a new entry, then the process dies.
        let endOfDay = try await statements.beginStatement(draft("S1", kind: .endOfDay), at: t0)
        let chunk = try await statements.insertTransactions([entry("P1", -700, status: "booked"), entry("N1", 500, status: "booked")],
                                                            accountId: "acme-eur", statementRow: endOfDay.row, at: t0)
        XCTAssertEqual(chunk.nowBooked.count, 1)
        // Meanwhile another report completes with an entry stored after the staged one.
        let later = try await statements.beginStatement(draft("I2", kind: .intraday), at: t0)
        _ = try await statements.insertTransactions([entry("L1", 300, status: "pending")], accountId: "acme-eur",
                                                    statementRow: later.row, at: t0)
        _ = try await statements.finishStatement(row: later.row, completion: none, at: t0)

        var listed = try await statements.transactions(accountId: "acme-eur", from: nil, to: nil, after: nil, limit: 100)
        XCTAssertEqual(listed.map(\.draft.accountServicerReference), ["P1"], "neither the staged entry nor any after it")
        XCTAssertEqual(listed.first?.draft.status, "pending", "the booking waits for its statement")
        let bookedEvents = try await bookedEvents(store)
        XCTAssertEqual(bookedEvents.count, 0)

        let rolledBack = try await statements.rollBackInterruptedImports(at: t0)
        XCTAssertEqual(rolledBack, ["stm_2"])
        listed = try await statements.transactions(accountId: "acme-eur", from: nil, to: nil, after: nil, limit: 100)
        XCTAssertEqual(listed.map(\.draft.accountServicerReference), ["P1", "L1"])
        XCTAssertEqual(listed.first?.draft.status, "pending")
        let afterRollback = try await self.bookedEvents(store)
        XCTAssertEqual(afterRollback.count, 0)
    }
}
