import BankGateCore
import BankGateCrypto
import BankGateStore
import Foundation
import XCTest

/// Statements, transactions, balances, gaps, expected payments, matches and webhooks in the store.
final class AccountReportStoreTests: XCTestCase {
    var directory: URL!
    var payments: PaymentStore!
    var statements: StatementStore!
    var reconciliation: ReconciliationStore!
    var webhooks: WebhookStore!
    let eur = Currency(code: "EUR")!
    let t0 = Timestamp(milliseconds: 1_795_000_000_000)

    override func setUp() async throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("bankgate-reports-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        payments = try PaymentStore(path: directory.appendingPathComponent("store.sqlite").path)
        statements = StatementStore(sharing: payments)
        reconciliation = ReconciliationStore(sharing: payments)
        webhooks = WebhookStore(sharing: payments, secrets: try SecretBox(key: SecureRandom.bytes(32)))
    }

    override func tearDown() async throws {
        payments.close()
        try? FileManager.default.removeItem(at: directory)
    }

    func statementDraft(_ id: String, sequence: Int64?, date: String, kind: StatementReportKind = .endOfDay) -> StatementDraft {
        StatementDraft(accountId: "acme-eur", format: kind == .endOfDay ? "camt.053" : "camt.052", reportKind: kind,
                       messageId: "MSG-\(id)", statementId: id, electronicSequence: sequence, legalSequence: nil, page: nil,
                       bankCreatedAt: nil, fromDate: date, toDate: date, statementDate: date, currency: eur, source: .upload,
                       sourceName: "\(id).xml")
    }

    func entry(_ identity: String, _ minor: Int64, status: String = "booked", date: String = "2026-11-20",
               e2e: String? = nil) -> BankTransactionDraft {
        BankTransactionDraft(identity: identity, statementId: "S", sequence: 1, bookingDate: date, valueDate: date,
                             amount: Money(minorUnits: minor, currency: eur), status: status, reversal: false, bankReference: nil,
                             accountServicerReference: identity, endToEndId: e2e, instructionId: nil, messageId: nil,
                             paymentInfoId: nil, uetr: nil, counterpartyName: "Müller GmbH", counterpartyAccount: nil,
                             counterpartyBank: nil, remittanceInfo: "Invoice 1", structuredReference: nil, codeDomain: "PMNT",
                             codeFamily: "ICDT", codeSubFamily: "ESCT", codeProprietary: nil, balanceAfter: nil,
                             additionalInfo: nil, sourceLine: 10, sourcePath: "Stmt[1]/Ntry[1]")
    }

    func completion(opening: Int64, credits: Int64, debits: Int64, closing: Int64, date: String) -> StatementCompletion {
        let expected = opening + credits - debits
        return StatementCompletion(
            entries: 1, bookedCredits: credits, bookedDebits: debits, openingBalance: opening, closingBalance: closing,
            closingAvailable: nil, integrity: expected == closing ? .consistent : .inconsistent, expectedClosing: expected,
            balances: [BalanceDraft(type: "OPBD", date: date, amount: Money(minorUnits: opening, currency: eur)),
                       BalanceDraft(type: "CLBD", date: date, amount: Money(minorUnits: closing, currency: eur))])
    }

    /// Imports one statement with `entries` and returns its outcome.
    @discardableResult
    func importStatement(_ id: String, sequence: Int64?, date: String, opening: Int64, closing: Int64,
                         entries: [BankTransactionDraft]) async throws -> (StatementStore.InsertResult, StatementStore.Outcome) {
        let registration = try await statements.beginStatement(statementDraft(id, sequence: sequence, date: date), at: t0)
        let inserted = try await statements.insertTransactions(entries, accountId: "acme-eur", statementRow: registration.row, at: t0)
        let credits = entries.filter { $0.amount.minorUnits > 0 }.reduce(0) { $0 + $1.amount.minorUnits }
        let debits = entries.filter { $0.amount.minorUnits < 0 }.reduce(0) { $0 - $1.amount.minorUnits }
        let outcome = try await statements.finishStatement(
            row: registration.row, completion: completion(opening: opening, credits: credits, debits: debits, closing: closing, date: date), at: t0)
        return (inserted, outcome)
    }

    func eventTypes() async throws -> [String] {
        try await payments.events(after: 0, limit: 1000).map(\.type)
    }

    func testTheSameTransactionReportedTwiceIsStoredOnce() async throws {
        let (first, _) = try await importStatement("S1", sequence: 1, date: "2026-11-20", opening: 0, closing: 5000,
                                                   entries: [entry("A1", 3000), entry("A2", 2000)])
        XCTAssertEqual(first.inserted.count, 2)
        // The same file again, and an overlapping statement.
        let (again, _) = try await importStatement("S1", sequence: 1, date: "2026-11-20", opening: 0, closing: 5000,
                                                   entries: [entry("A1", 3000), entry("A2", 2000)])
        XCTAssertEqual(again.inserted.count, 0)
        XCTAssertEqual(again.duplicates, 2)
        let all = try await statements.transactions(accountId: "acme-eur", from: nil, to: nil, after: nil, limit: 100)
        XCTAssertEqual(all.map(\.draft.identity), ["A1", "A2"])
        let value1 = try await eventTypes().filter { $0 == "transaction.booked" }.count
        XCTAssertEqual(value1, 2)
        let booked = try await payments.events(after: 0, limit: 1000).first { $0.type == "transaction.booked" }
        let payload = try XCTUnwrap(booked?.payloadJSON)
        XCTAssertTrue(payload.contains(#""remittance_info":"#), payload)
        XCTAssertFalse(payload.contains("remittance_information"), payload)
    }

    func testAPendingEntryBookedLaterIsOneTransactionAndOneBookedEvent() async throws {
        try await importStatement("I1", sequence: nil, date: "2026-11-20", opening: 0, closing: 0,
                                  entries: [entry("P1", -700, status: "pending")])
        let value2 = try await eventTypes().filter { $0 == "transaction.booked" }.count
        XCTAssertEqual(value2, 0)
        let (result, _) = try await importStatement("S1", sequence: 1, date: "2026-11-20", opening: 700, closing: 0,
                                                    entries: [entry("P1", -700)])
        XCTAssertEqual(result.nowBooked.count, 1)
        let all = try await statements.transactions(accountId: "acme-eur", from: nil, to: nil, after: nil, limit: 100)
        XCTAssertEqual(all.count, 1)
        XCTAssertEqual(all.first?.draft.status, "booked")
        let value3 = try await eventTypes().filter { $0 == "transaction.booked" }.count
        XCTAssertEqual(value3, 1)
    }

    func testInconsistentStatementIsStoredAndFlagged() async throws {
        let (_, outcome) = try await importStatement("S1", sequence: 1, date: "2026-11-20", opening: 1000, closing: 9999,
                                                     entries: [entry("A1", 500)])
        XCTAssertEqual(outcome.integrity, .inconsistent)
        let value4 = try await eventTypes().contains("statement.inconsistent")
        XCTAssertTrue(value4)
        let stored = try await statements.statements(accountId: "acme-eur", limit: 10)
        XCTAssertEqual(stored.first?.completion?.integrity, .inconsistent)
        XCTAssertEqual(stored.first?.completion?.expectedClosing, 1500)
        let value5 = try await statements.transactions(accountId: "acme-eur", from: nil, to: nil, after: nil, limit: 10).count
        XCTAssertEqual(value5, 1)
    }

    func testSequenceGapOpensAGapThatTheMissingStatementCloses() async throws {
        try await importStatement("S1", sequence: 1, date: "2026-11-18", opening: 0, closing: 100, entries: [entry("A", 100)])
        let (_, gapOutcome) = try await importStatement("S3", sequence: 3, date: "2026-11-20", opening: 300, closing: 400,
                                                        entries: [entry("C", 100)])
        XCTAssertEqual(gapOutcome.continuity, .gap)
        XCTAssertEqual(gapOutcome.gap?.fromSequence, 2)
        XCTAssertEqual(gapOutcome.gap?.toSequence, 2)
        XCTAssertEqual(gapOutcome.gap?.fromDate, "2026-11-19")
        let value6 = try await statements.openGaps().count
        XCTAssertEqual(value6, 1)
        let value7 = try await eventTypes().contains("statement.gap")
        XCTAssertTrue(value7)
        let (_, fill) = try await importStatement("S2", sequence: 2, date: "2026-11-19", opening: 100, closing: 300,
                                                  entries: [entry("B", 200)])
        XCTAssertEqual(fill.continuity, .ok)
        XCTAssertEqual(fill.closedGaps, [gapOutcome.gap!.id])
        let value8 = try await statements.openGaps().count
        XCTAssertEqual(value8, 0)
    }

    func testOpeningBalanceMustEqualThePreviousClosing() async throws {
        try await importStatement("S1", sequence: 1, date: "2026-11-18", opening: 0, closing: 100, entries: [entry("A", 100)])
        let (_, outcome) = try await importStatement("S2", sequence: 2, date: "2026-11-19", opening: 150, closing: 250,
                                                     entries: [entry("B", 100)])
        XCTAssertEqual(outcome.continuity, .openingMismatch)
        XCTAssertEqual(outcome.gap?.reason, "opening_mismatch")
    }

    func testLatestBalancesPerType() async throws {
        try await importStatement("S1", sequence: 1, date: "2026-11-18", opening: 0, closing: 100, entries: [entry("A", 100)])
        try await importStatement("S2", sequence: 2, date: "2026-11-19", opening: 100, closing: 300, entries: [entry("B", 200)])
        let balances = try await statements.balances(accountId: "acme-eur")
        XCTAssertEqual(balances.map(\.type), ["CLBD", "OPBD"])
        XCTAssertEqual(balances.first?.amount.minorUnits, 300)
        XCTAssertEqual(balances.first?.date, "2026-11-19")
        let closing = try await statements.closingBalance(accountId: "acme-eur", onOrBefore: "2026-11-18")
        XCTAssertEqual(closing?.amount.minorUnits, 100)
    }

    // MARK: - Matches

    func expected(_ id: String, min: Int64, max: Int64) -> ExpectedPaymentRecord {
        ExpectedPaymentRecord(id: id, accountId: "acme-eur", currency: eur, amountMin: min, amountMax: max, counterpartyName: "Müller",
                              counterpartyAccount: nil, reference: "INV-1", windowFrom: "2026-11-18", windowTo: "2026-11-22",
                              status: .open, client: "treasury", createdAt: t0, updatedAt: t0)
    }

    func testExactMatchConfirmsAtOnceAndOnlyOnce() async throws {
        try await importStatement("S1", sequence: 1, date: "2026-11-20", opening: 0, closing: 5000, entries: [entry("A1", 5000)])
        _ = try await reconciliation.createExpectedPayment(expected("exp_1", min: 5000, max: 5000), at: t0)
        let proposal = MatchProposal(transactionId: "btx_1", target: .expectedPayment("exp_1"), kind: "exact", scorePermille: 1000,
                                     reasons: ["reference_found"])
        let recorded = try await reconciliation.record([proposal, proposal], at: t0)
        XCTAssertEqual(recorded.count, 1)
        XCTAssertEqual(recorded.first?.state, .confirmed)
        let value9 = try await reconciliation.expectedPayment(id: "exp_1")?.status
        XCTAssertEqual(value9, .matched)
        let value10 = try await statements.transaction(id: "btx_1")?.matchState
        XCTAssertEqual(value10, .matched)
        let types = try await eventTypes()
        XCTAssertTrue(types.contains("transaction.matched"))
        XCTAssertTrue(types.contains("expected_payment.matched"))
        let value11 = try await reconciliation.unmatchedTransactions(accountId: "acme-eur").isEmpty
        XCTAssertTrue(value11)
    }

    func testSuggestionConfirmRejectAndUnmatchAreAudited() async throws {
        try await importStatement("S1", sequence: 1, date: "2026-11-20", opening: 0, closing: 8000,
                                  entries: [entry("A1", 5000), entry("A2", 3000)])
        _ = try await reconciliation.createExpectedPayment(expected("exp_1", min: 4000, max: 6000), at: t0)
        let suggestions = try await reconciliation.record([
            MatchProposal(transactionId: "btx_1", target: .expectedPayment("exp_1"), kind: "suggested", scorePermille: 800, reasons: ["amount_in_range"]),
            MatchProposal(transactionId: "btx_2", target: .expectedPayment("exp_1"), kind: "suggested", scorePermille: 500, reasons: ["date_within_window"]),
        ], at: t0)
        XCTAssertEqual(suggestions.map(\.state), [.suggested, .suggested])
        let value12 = try await reconciliation.pendingSuggestions(accountId: nil, limit: 10).count
        XCTAssertEqual(value12, 2)

        let rejected = try await reconciliation.reject(matchId: suggestions[1].id, actor: "ops", at: t0)
        XCTAssertEqual(rejected.state, .rejected)
        let value13 = try await statements.transaction(id: "btx_2")?.matchState
        XCTAssertEqual(value13, .unmatched)
        // A rejected suggestion is not proposed again.
        let again = try await reconciliation.record([
            MatchProposal(transactionId: "btx_2", target: .expectedPayment("exp_1"), kind: "suggested", scorePermille: 500, reasons: []),
        ], at: t0)
        XCTAssertTrue(again.isEmpty)

        let confirmed = try await reconciliation.confirm(matchId: suggestions[0].id, actor: "ops", at: t0)
        XCTAssertEqual(confirmed.state, .confirmed)
        XCTAssertEqual(confirmed.decidedBy, "ops")
        // Confirming twice is refused.
        do {
            _ = try await reconciliation.confirm(matchId: suggestions[0].id, actor: "ops", at: t0)
            XCTFail("confirmed twice")
        } catch StoreError.invalidState {}

        let undone = try await reconciliation.unmatch(matchId: confirmed.id, actor: "ops", at: t0)
        XCTAssertEqual(undone.state, .unmatched)
        let value14 = try await reconciliation.expectedPayment(id: "exp_1")?.status
        XCTAssertEqual(value14, .open)
        let value15 = try await statements.transaction(id: "btx_1")?.matchState
        XCTAssertEqual(value15, .unmatched)

        let manual = try await reconciliation.matchManually(transactionId: "btx_2", target: .expectedPayment("exp_1"), actor: "ops", at: t0)
        XCTAssertEqual(manual.kind, "manual")
        let audit = try await reconciliation.auditEntries(subjectKind: "match", subjectId: suggestions[0].id).map(\.action)
        XCTAssertEqual(audit, ["match.suggested", "match.confirmed", "match.unmatched"])
    }

    func testOverdueExpectedPaymentsAreMarkedOnce() async throws {
        _ = try await reconciliation.createExpectedPayment(expected("exp_1", min: 100, max: 100), at: t0)
        let value16 = try await reconciliation.markOverdue(before: "2026-11-22", at: t0).count
        XCTAssertEqual(value16, 0)
        let value17 = try await reconciliation.markOverdue(before: "2026-11-23", at: t0).map(\.id)
        XCTAssertEqual(value17, ["exp_1"])
        let value18 = try await reconciliation.markOverdue(before: "2026-11-24", at: t0).count
        XCTAssertEqual(value18, 0)
        let value19 = try await eventTypes().filter { $0 == "expected_payment.overdue" }.count
        XCTAssertEqual(value19, 1)
    }

    // MARK: - Webhooks

    func testWebhookCursorFailuresDisableAndRedeliver() async throws {
        _ = try await reconciliation.createExpectedPayment(expected("exp_1", min: 100, max: 100), at: t0)
        let subscription = try await webhooks.create(id: "whk_1", url: "http://127.0.0.1:1/hook", eventTypes: ["expected_payment.*"],
                                                     secret: "s3cret", fromSequence: 1, actor: "ops", at: t0)
        XCTAssertEqual(subscription.cursor, 0)
        let (events, _) = try await webhooks.nextEvents(for: subscription, limit: 10)
        XCTAssertEqual(events.map(\.type), ["expected_payment.created"])
        try await webhooks.recordDelivered(id: "whk_1", through: events[0].sequence, delivered: true, at: t0)
        let moved = try await webhooks.subscription(id: "whk_1")!
        XCTAssertEqual(moved.cursor, events[0].sequence)
        let value20 = try await webhooks.nextEvents(for: moved, limit: 10).events.isEmpty
        XCTAssertTrue(value20)

        for attempt in 1...3 {
            let state = try await webhooks.recordFailure(id: "whk_1", error: "HTTP 500", nextAttemptAt: t0, disableAfter: 3, at: t0)
            XCTAssertEqual(state?.state, attempt < 3 ? "active" : "disabled")
        }
        let value21 = try await webhooks.due(at: t0).isEmpty
        XCTAssertTrue(value21)
        let enabled = try await webhooks.setEnabled(id: "whk_1", true, actor: "ops", at: t0)
        XCTAssertEqual(enabled.consecutiveFailures, 0)
        let value22 = try await webhooks.due(at: t0).map(\.id)
        XCTAssertEqual(value22, ["whk_1"])

        let redelivered = try await webhooks.redeliver(from: 1, subscriptionId: nil, actor: "ops", at: t0)
        XCTAssertEqual(redelivered.first?.cursor, 0)
        let value23 = try await webhooks.nextEvents(for: redelivered[0], limit: 10).events.count
        XCTAssertEqual(value23, 1)
    }
}

extension AccountReportStoreTests {
    /// An MT940 statement split over pages (`:28C:` n/1, n/2 with `:60M:`/`:62M:`) chains page to page.
    func testPagesOfOneStatementNumberChainWithoutAFalseMismatch() async throws {
        func page(_ id: String, sequence: Int64, page: Int, opening: Int64, closing: Int64, entries: [BankTransactionDraft])
            async throws -> StatementStore.Outcome {
            var draft = statementDraft(id, sequence: sequence, date: "2026-11-20")
            draft.page = page
            let registration = try await statements.beginStatement(draft, at: t0)
            _ = try await statements.insertTransactions(entries, accountId: "acme-eur", statementRow: registration.row, at: t0)
            let credits = entries.reduce(0) { $0 + $1.amount.minorUnits }
            return try await statements.finishStatement(
                row: registration.row, completion: completion(opening: opening, credits: credits, debits: 0, closing: closing, date: "2026-11-20"),
                at: t0)
        }
        _ = try await page("P1", sequence: 7, page: 1, opening: 0, closing: 100, entries: [entry("A", 100)])
        let second = try await page("P2", sequence: 7, page: 2, opening: 100, closing: 300, entries: [entry("B", 200)])
        XCTAssertEqual(second.continuity, .ok)
        let next = try await page("Q1", sequence: 8, page: 1, opening: 300, closing: 350, entries: [entry("C", 50)])
        XCTAssertEqual(next.continuity, .ok, "the next number follows the last page")
        let wrong = try await page("Q2", sequence: 8, page: 2, opening: 999, closing: 999, entries: [])
        XCTAssertEqual(wrong.continuity, .openingMismatch)
        let gaps = try await statements.openGaps()
        XCTAssertEqual(gaps.map(\.reason), ["opening_mismatch"])
    }
}

extension AccountReportStoreTests {
    func testTheChangeMarkerMovesOnlyWhenReconciliationInputsChange() async throws {
        let empty = try await reconciliation.changeMarker()
        let again = try await reconciliation.changeMarker()
        XCTAssertEqual(empty, again)
        try await importStatement("S1", sequence: 1, date: "2026-11-20", opening: 0, closing: 100, entries: [entry("A", 100)])
        let afterImport = try await reconciliation.changeMarker()
        XCTAssertNotEqual(afterImport, empty)
        _ = try await reconciliation.createExpectedPayment(expected("exp_1", min: 100, max: 100), at: t0)
        let afterExpected = try await reconciliation.changeMarker()
        XCTAssertNotEqual(afterExpected, afterImport)
        let unchanged = try await reconciliation.changeMarker()
        XCTAssertEqual(unchanged, afterExpected)
    }
}
