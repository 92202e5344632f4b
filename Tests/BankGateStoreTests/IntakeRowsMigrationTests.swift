@testable import BankGateStore
import BankGateCore
import BankGateTestSupport
import Foundation
import XCTest

/// Issue 12, intake closer to the floor: intake writes one history row for its two steps (the
/// arrival is shown from it), and migration 024 stores the idempotency keys WITHOUT ROWID and
/// indexes only `payment.completed` events by type. Payments and keys from before keep working.
final class IntakeRowsMigrationTests: XCTestCase {
    var directory: URL!
    let eur = Currency(code: "EUR")!
    let t0 = Timestamp(milliseconds: 1_795_000_000_000 / 3_600_000 * 3_600_000)

    override func setUp() {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("bankgate-intake-rows-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDown() {
        try? FileManager.default.removeItem(at: directory)
    }

    private func draft(_ n: Int) -> PaymentDraft {
        PaymentDraft(id: "pay_\(n)", batchId: nil, submissionId: "sub_\(n)", debtorAccountId: "acme-eur", bankId: "bank",
                     amount: Money(minorUnits: Int64(100 * n), currency: eur),
                     creditor: Party(name: "Creditor \(n)", account: "GB82WEST12345698765432", bankCode: "WESTGB2L"),
                     remittanceInfo: nil, endToEndId: "E2E-\(n)", instructionId: "I-\(n)", requestedExecutionDate: "2026-11-23")
    }

    private func submission(_ n: Int) -> SubmissionDraft {
        SubmissionDraft(id: "sub_\(n)", bankId: "bank", debtorAccountId: "acme-eur", messageId: "BGM\(n)",
                        paymentInfoId: "BGM\(n)-1", messageKind: "pain.001.001.09", requestedExecutionDate: "2026-11-23")
    }

    private func count(_ store: PaymentStore, _ sql: String) async throws -> Int64 {
        try await store.database.read { db in try db.queryFirst(sql) { try $0.int("n") } ?? -1 }
    }

    func testIntakeWritesOneHistoryRowAndTheArrivalIsShownFromIt() async throws {
        let store = try PaymentStore(path: directory.appendingPathComponent("store.sqlite").path)
        defer { store.close() }
        _ = try await store.accept([draft(1)], submissions: [submission(1)],
                                   claim: IdempotencyClaim(client: "treasury", key: "k1", fingerprint: "f1"), at: t0)
        let rows = try await count(store, "SELECT count(*) AS n FROM payment_transitions WHERE payment_id = 'pay_1'")
        XCTAssertEqual(rows, 1)
        let history = try await store.history(paymentId: "pay_1")
        XCTAssertEqual(history, [
            PaymentTransition(from: nil, to: .received, at: t0, cause: .api, reason: "accepted from treasury", attempt: 0,
                              bankStatus: nil, reasonCode: nil),
            PaymentTransition(from: .received, to: .queued, at: t0, cause: .api, reason: nil, attempt: 0,
                              bankStatus: nil, reasonCode: nil),
        ])
        // Still one audit record for both steps.
        let audited = try await count(store, "SELECT count(*) AS n FROM audit_log WHERE subject_id = 'pay_1'")
        XCTAssertEqual(audited, 1)
    }

    func testPaymentsAndKeysFromBeforeMigration024KeepTheirHistoryAndReplay() async throws {
        try TestStoreBackend.requireSQLite("opens an SQLite store at an old migration (StoreDatabase(path:migrations:)) to migrate its data")
        let path = directory.appendingPathComponent("store.sqlite").path
        let before024 = Array(Schema.migrations.prefix { $0.name != "024_intake_indexes" })
        XCTAssertEqual(before024.count + 3, Schema.migrations.count, "024, 025 and 026 come last")
        let released = try StoreDatabase(path: path, migrations: before024)
        let at = t0.milliseconds
        try await released.write { db in
            try db.run("""
                INSERT INTO submissions (id, bank_id, debtor_account_id, message_id, payment_info_id, message_kind, created_at,
                                         requested_execution_date, state, next_attempt_at)
                VALUES ('sub_1', 'bank', 'acme-eur', 'BGM1', 'BGM1-1', 'pain.001.001.09', ?1, '2026-11-23', 'queued', ?1)
                """, [.integer(at)])
            try db.run("""
                INSERT INTO payments (id, submission_id, debtor_account_id, bank_id, amount_minor, currency, creditor_name,
                                      creditor_account, end_to_end_id, instruction_id, requested_execution_date, status,
                                      created_at, updated_at, submitted_by)
                VALUES ('pay_1', 'sub_1', 'acme-eur', 'bank', 100, 'EUR', 'Creditor 1', 'GB82WEST12345698765432', 'E2E-1', 'I-1',
                        '2026-11-23', 'queued', ?1, ?1, 'treasury')
                """, [.integer(at)])
            // The two rows intake wrote before: the arrival, then the step to `queued`.
            try db.run("""
                INSERT INTO payment_transitions (payment_id, from_status, to_status, at, cause, reason, attempt)
                VALUES ('pay_1', NULL, 'received', ?1, 'api', 'accepted from treasury', 0),
                       ('pay_1', 'received', 'queued', ?1, 'api', NULL, 0)
                """, [.integer(at)])
            try db.run("""
                INSERT INTO idempotency_keys (client, key, fingerprint, payment_ids, created_at)
                VALUES ('treasury', 'k1', 'f1', 'pay_1', ?1)
                """, [.integer(at)])
            try db.run("INSERT INTO outbox_events (type, payment_id, at, payload) VALUES ('payment.completed', 'pay_1', ?1, '{}')",
                       [.integer(at)])
        }
        released.close()

        let store = try PaymentStore(path: path)
        defer { store.close() }
        let old = try await store.history(paymentId: "pay_1")
        XCTAssertEqual(old.map(\.from), [nil, .received])
        XCTAssertEqual(old.map(\.to), [.received, .queued])
        XCTAssertEqual(old.first?.reason, "accepted from treasury")

        // The key stored before the migration still replays, and still refuses another body.
        let replay = try await store.accept([draft(9)], submissions: [submission(9)],
                                            claim: IdempotencyClaim(client: "treasury", key: "k1", fingerprint: "f1"), at: t0)
        guard case .replayed(let replayed) = replay else { return XCTFail("not replayed: \(replay)") }
        XCTAssertEqual(replayed.map(\.id), ["pay_1"])
        let conflict = try await store.accept([draft(9)], submissions: [submission(9)],
                                              claim: IdempotencyClaim(client: "treasury", key: "k1", fingerprint: "other"), at: t0)
        guard case .idempotencyConflict = conflict else { return XCTFail("no conflict: \(conflict)") }

        // A new payment, one row, accepted once in the throughput as the old one is.
        _ = try await store.accept([draft(2)], submissions: [submission(2)],
                                   claim: IdempotencyClaim(client: "treasury", key: "k2", fingerprint: "f2"), at: t0.adding(milliseconds: 10))
        let new = try await store.history(paymentId: "pay_2")
        XCTAssertEqual(new.map(\.from), [nil, .received])
        XCTAssertEqual(new.first?.reason, "accepted from treasury")
        let buckets = try await store.throughput(since: t0, until: t0.adding(milliseconds: 3_599_999), bucketMilliseconds: 3_600_000)
        XCTAssertEqual(buckets.map(\.accepted), [2])

        // The schema after 024.
        let withoutRowId = try await count(store, """
            SELECT count(*) AS n FROM sqlite_master WHERE name = 'idempotency_keys' AND sql LIKE '%WITHOUT ROWID%'
            """)
        XCTAssertEqual(withoutRowId, 1)
        let typeIndexes = try await store.database.read { db in
            try db.query("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'outbox_events' ORDER BY name") {
                try $0.text("name")
            }
        }
        XCTAssertEqual(typeIndexes, ["outbox_events_completed"])
        let plan = try await store.database.read { db in
            try db.query("""
                EXPLAIN QUERY PLAN SELECT e.seq FROM outbox_events e WHERE e.seq > 0 AND e.type = 'payment.completed' ORDER BY e.seq
                """) { try $0.text("detail") }
        }
        XCTAssertTrue(plan.contains { $0.contains("outbox_events_completed") }, "\(plan)")
    }

    /// A single payment's reads before its write are one statement, whose resemblance subquery
    /// searches the resemblance index rather than walking every payment of the account: in `seq`
    /// order (SQLite's choice for `ORDER BY seq` in a scalar subquery) or by account and day
    /// (PostgreSQL's, in the generic plan of the statement prepared on a young table, without
    /// statistics). Either made intake slower with every payment stored.
    func testASinglePaymentsReadsUseTheResemblanceIndex() async throws {
        let store = try PaymentStore(path: directory.appendingPathComponent("plan.sqlite").path)
        defer { store.close() }
        let (sql, arguments) = PaymentStore.SinglePaymentReads.statement(
            draft(1), claim: IdempotencyClaim(client: "treasury", key: "k1", fingerprint: "f"),
            check: DuplicateCheck(windowMilliseconds: 600_000, sameRemittance: true), at: t0)
        if case .postgres = store.database.location {
            // The generic plan (what a statement the store prepared runs with): on the empty
            // tables, and again with payments of the same account and creditor to choose from.
            for stored in [0, 300] {
                for n in 2..<(2 + stored) {
                    _ = try await store.accept([draft(n)], submissions: [submission(n)],
                                               claim: IdempotencyClaim(client: "treasury", key: "k\(n)", fingerprint: "f"), at: t0)
                }
                let plan = try await store.database.read { db in try Self.postgresGenericPlan(sql, arguments, db) }
                XCTAssertTrue(plan.contains { $0.contains("using payments_resemblance") }, "\(stored) payments stored: \(plan)")
                XCTAssertFalse(plan.contains { $0.contains("payments_account") || $0.contains("payments_debtor") }, "\(plan)")
                XCTAssertTrue(plan.contains { $0.contains("using idempotency_keys") }, "\(plan)")
            }
            return
        }
        // Payments of the same account and creditor to choose from.
        for n in 2...301 {
            _ = try await store.accept([draft(n)], submissions: [submission(n)],
                                       claim: IdempotencyClaim(client: "treasury", key: "k\(n)", fingerprint: "f"), at: t0)
        }
        let plan = try await store.database.read { db in try db.query("EXPLAIN QUERY PLAN " + sql, arguments) { try $0.text("detail") } }
        XCTAssertTrue(plan.contains { $0.contains("USING INDEX payments_resemblance") }, "\(plan)")
        XCTAssertFalse(plan.contains { $0.contains("payments_account") }, "\(plan)")  // nor payments_account_day
        XCTAssertTrue(plan.contains { $0.contains("SEARCH k USING PRIMARY KEY") }, "\(plan)")
    }

    /// PostgreSQL's generic plan of `sql` (the store's spelling, `?` placeholders), lines lowercased:
    /// prepared and explained with `plan_cache_mode = force_generic_plan` for this transaction only.
    private static func postgresGenericPlan(_ sql: String, _ arguments: [SQLValue], _ db: StoreConnection) throws -> [String] {
        let statement = PostgresSQL.template(sql).render(nulls: arguments.map { $0 == .null })
        let values = statement.arguments.map { index -> String in
            switch arguments[index] {
            case .integer(let value): "\(value)"
            case .text(let value): "'" + value.replacingOccurrences(of: "'", with: "''") + "'"
            case .null, .blob: "NULL"
            }
        }
        try db.execute("SET LOCAL plan_cache_mode = force_generic_plan")
        try db.execute("PREPARE single_payment_reads AS " + statement.sql)
        defer { try? db.execute("DEALLOCATE single_payment_reads") }
        return try db.query("EXPLAIN EXECUTE single_payment_reads(\(values.joined(separator: ", ")))") {
            try $0.text("QUERY PLAN").lowercased()
        }
    }
}
