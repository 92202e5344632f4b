import BankGateCore
import BankGateStore
import XCTest

/// What de-duplication kept for a statement is checked against its balances; a statement that does
/// not add up is quarantined until an operator accepts it or a consistent one replaces it.
extension AccountReportStoreTests {
    func testEntriesFoldedByDeduplicationQuarantineAStatementThatLooksConsistent() async throws {
        // Two entries of one statement under one identity: the file adds up (0 + 30 + 30 = 60),
        // but the store would keep one of them. The statement must not pass as consistent.
        let (inserted, outcome) = try await importStatement("S1", sequence: 1, date: "2026-11-20", opening: 0, closing: 6000,
                                                            entries: [entry("A1", 3000), entry("A1", 3000)])
        XCTAssertEqual(inserted.inserted.count, 1)
        XCTAssertEqual(inserted.duplicates, 1)
        XCTAssertEqual(outcome.integrity, .inconsistent)
        XCTAssertEqual(outcome.review, .quarantined)
        XCTAssertTrue(outcome.reviewReason?.contains("de-duplication") ?? false, "\(outcome.reviewReason ?? "-")")
        let record = try await statements.statement(id: "stm_1")
        XCTAssertEqual(record?.completion?.expectedClosing, 3000)
        XCTAssertEqual(record?.review, .quarantined)
        let events = try await eventTypes()
        XCTAssertTrue(events.contains("statement.inconsistent"))
        // Held: not offered to matching, no balance recorded.
        let offered = try await reconciliation.unmatchedTransactions(accountId: "acme-eur")
        XCTAssertEqual(offered.count, 0)
        let balances = try await statements.balances(accountId: "acme-eur")
        XCTAssertEqual(balances.count, 0)
        let held = try await statements.quarantinedStatements(accountId: "acme-eur")
        XCTAssertEqual(held.map(\.id), ["stm_1"])
    }

    func testAnAcceptedStatementCountsAndIsAudited() async throws {
        try await importStatement("S1", sequence: 1, date: "2026-11-20", opening: 0, closing: 9999,
                                  entries: [entry("A1", 3000), entry("A2", -1000)])
        let before = try await reconciliation.unmatchedTransactions(accountId: "acme-eur")
        XCTAssertEqual(before.count, 0)
        let accepted = try await statements.acceptStatement(id: "stm_1", actor: "ops", reason: "bank confirmed by phone", at: t0)
        XCTAssertEqual(accepted.review, .accepted)
        let after = try await reconciliation.unmatchedTransactions(accountId: "acme-eur")
        XCTAssertEqual(after.map(\.draft.amount.minorUnits), [3000, -1000])
        let balances = try await statements.balances(accountId: "acme-eur")
        XCTAssertEqual(balances.first { $0.type == "CLBD" }?.amount.minorUnits, 9999)
        let audit = try await reconciliation.auditEntries(subjectKind: "statement", subjectId: "stm_1")
        XCTAssertTrue(audit.contains { $0.action == "statement.accepted" && $0.actor == "ops" }, "\(audit)")
        do {
            _ = try await statements.acceptStatement(id: "stm_1", actor: "ops", reason: nil, at: t0)
            XCTFail("a statement is accepted once")
        } catch StoreError.invalidState {}
    }

    func testAConsistentStatementReplacesAQuarantinedOneOfTheSameDay() async throws {
        try await importStatement("S1", sequence: 1, date: "2026-11-20", opening: 0, closing: 9999,
                                  entries: [entry("A1", 3000), entry("BOGUS", 500)])
        let (_, corrected) = try await importStatement("S1-corrected", sequence: 1, date: "2026-11-20", opening: 0, closing: 3000,
                                                       entries: [entry("A1", 3000)])
        XCTAssertEqual(corrected.integrity, .consistent)
        XCTAssertEqual(corrected.review, .none)
        let replaced = try await statements.statement(id: "stm_1")
        XCTAssertEqual(replaced?.review, .replaced)
        // The entry the corrected statement vouches for counts; the one only the bad statement had stays held.
        let offered = try await reconciliation.unmatchedTransactions(accountId: "acme-eur")
        XCTAssertEqual(offered.map(\.draft.amount.minorUnits), [3000])
        let held = try await statements.quarantinedStatements(accountId: nil)
        XCTAssertEqual(held, [])
    }
}

extension AccountReportStoreTests {
    /// An old statement whose number comes after today's (a file from another channel, numbered
    /// its own way) opens no gap: a hole dated from it would lie after today, and be pulled.
    func testAStatementNumberedAfterALaterOneOpensNoGap() async throws {
        try await importStatement("TODAY", sequence: 300, date: "2026-12-03", opening: 0, closing: 1000, entries: [entry("T1", 1000)])
        let (_, outcome) = try await importStatement("OLD", sequence: 500, date: "2026-06-30", opening: 0, closing: 2000,
                                                     entries: [entry("O1", 2000)])
        XCTAssertEqual(outcome.continuity, .sequenceDateConflict)
        XCTAssertNil(outcome.gap)
        let gaps = try await statements.openGaps()
        XCTAssertEqual(gaps, [])
        let audit = try await reconciliation.auditEntries(subjectKind: "statement", subjectId: "stm_2")
        XCTAssertTrue(audit.contains { $0.action == "statement.sequence_date_conflict" }, "\(audit)")
    }
}
