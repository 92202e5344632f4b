import BankGateCore
import BankGateStore
import BankGateTestSupport
import Foundation
import XCTest

/// Several instances on one PostgreSQL store: work is leased to the instance that takes it, a live
/// instance's sends are never taken for interrupted, and a dead instance's are taken over once its
/// leases ran out. Runs against the PostgreSQL of `BANKGATE_TEST_POSTGRES` (skipped without it).
final class WorkLeaseTests: XCTestCase {
    let eur = Currency(code: "EUR")!
    let t0 = Timestamp(milliseconds: 1_795_000_000_000)
    var location: PostgresLocation!
    var first: PaymentStore!
    var second: PaymentStore!

    override func setUp() async throws {
        guard let url = TestStoreBackend.postgresURL, let server = PostgresLocation(url: url) else {
            throw XCTSkip("needs PostgreSQL: set BANKGATE_TEST_POSTGRES")
        }
        location = server.inSchema("leases_\(UInt32.random(in: 0...UInt32.max))_\(UInt32.random(in: 0...UInt32.max))")
        first = try open(owner: "instance-a")
        second = try open(owner: "instance-b")
    }

    override func tearDown() async throws {
        first?.close()
        second?.close()
    }

    private func open(owner: String) throws -> PaymentStore {
        try PaymentStore(location: .postgres(location), directory: NSTemporaryDirectory(),
                         leasing: WorkLeasing(owner: owner, durationMilliseconds: 30_000))
    }

    private func accept(_ n: Int, into store: PaymentStore) async throws {
        let draft = PaymentDraft(id: "pay_\(n)", batchId: nil, submissionId: "s\(n)", debtorAccountId: "acme-eur", bankId: "sim",
                                 amount: Money(minorUnits: Int64(100 * n), currency: eur),
                                 creditor: Party(name: "Creditor \(n)", account: "GB82WEST12345698765432", bankCode: "WESTGB2L"),
                                 remittanceInfo: nil, endToEndId: "E2E-\(n)", instructionId: "I-\(n)", requestedExecutionDate: "2026-11-23")
        let submission = SubmissionDraft(id: "s\(n)", bankId: "sim", debtorAccountId: "acme-eur", messageId: "MSG-s\(n)",
                                         paymentInfoId: "PMT-s\(n)", messageKind: "pain.001.001.09", requestedExecutionDate: "2026-11-23")
        _ = try await store.accept([draft], submissions: [submission],
                                   claim: IdempotencyClaim(client: "treasury", key: "k\(n)", fingerprint: "f"), at: t0)
    }

    private func claim(_ store: PaymentStore, at time: Timestamp, limit: Int = 10) async throws -> [String] {
        try await store.claimDueSubmissions(bankId: "sim", states: [.unknown, .queued], now: time, limit: limit).map(\.id).sorted()
    }

    private func send(_ submission: String, payment: String, by store: PaymentStore, at time: Timestamp) async throws -> Int? {
        try await store.beginSend(submissionId: submission, paymentIds: [payment],
                                  message: MessageToArchive(direction: .outbound, kind: "pain.001.001.09", bytes: Array("x".utf8)), at: time)
    }

    func testWorkTakenByOneInstanceIsNotHandedToAnotherWhileItsLeaseRuns() async throws {
        for n in 1...4 { try await accept(n, into: first) }
        let a = try await claim(first, at: t0, limit: 3)
        XCTAssertEqual(a.count, 3)
        let b = try await claim(second, at: t0.adding(milliseconds: 1_000))
        XCTAssertEqual(b.count, 1, "only the one the first instance did not take")
        XCTAssertTrue(Set(a).isDisjoint(with: b))
        let lease = try await first.lease(submissionId: a[0])
        XCTAssertEqual(lease?.owner, "instance-a")
        XCTAssertEqual(lease?.expiresAt, t0.adding(milliseconds: 30_000))
        // The same instance claims its own work again (it may take a second look at it).
        let again = try await claim(first, at: t0.adding(milliseconds: 2_000))
        XCTAssertEqual(Set(again), Set(a))
        // After the lease ran out, nobody renewed it: the other instance may take the work.
        let later = try await claim(second, at: t0.adding(milliseconds: 2_000 + 30_001))
        XCTAssertEqual(Set(later), Set(a + b))
    }

    func testALiveInstancesSendIsNotTakenForInterruptedButADeadOnesIsAfterItsLease() async throws {
        try await accept(1, into: first)
        try await accept(2, into: first)
        _ = try await claim(first, at: t0)
        let attempt1 = try await send("s1", payment: "pay_1", by: first, at: t0)
        let attempt2 = try await send("s2", payment: "pay_2", by: first, at: t0)
        XCTAssertEqual(attempt1, 1)
        XCTAssertEqual(attempt2, 1)
        // The other instance starts (or looks for stranded sends) while the first is sending.
        let recoveredEarly = try await second.recoverInterruptedSends(at: t0.adding(milliseconds: 10_000))
        XCTAssertEqual(recoveredEarly.count, 0, "a live instance's sends are its own")
        let stillSending = try await second.payment(id: "pay_1")?.status
        XCTAssertEqual(stillSending, .sending)

        // The first renews its leases while it lives; then it dies (no more renewals).
        let renewed = try await first.renewLeases(now: t0.adding(milliseconds: 20_000))
        XCTAssertEqual(renewed, 2)
        let recoveredBeforeExpiry = try await second.recoverInterruptedSends(at: t0.adding(milliseconds: 45_000))
        XCTAssertEqual(recoveredBeforeExpiry.count, 0, "renewed until 50 s")
        let recovered = try await second.recoverInterruptedSends(at: t0.adding(milliseconds: 50_001))
        XCTAssertEqual(recovered.map(\.submission.id).sorted(), ["s1", "s2"])
        XCTAssertEqual(recovered.flatMap(\.paymentIds).sorted(), ["pay_1", "pay_2"])
        let status = try await second.payment(id: "pay_1")?.status
        XCTAssertEqual(status, .unknown, "never resent blindly: the bank is asked first")
        // The instance that took them over asks the bank about them; nobody may resend them from queued.
        let taken = try await claim(second, at: t0.adding(milliseconds: 50_001))
        XCTAssertEqual(taken, ["s1", "s2"])
        let resend = try await send("s1", payment: "pay_1", by: second, at: t0.adding(milliseconds: 50_002))
        XCTAssertNil(resend, "an unknown send is not begun again")
    }

    func testAnInstanceRestartedUnderItsNameTakesBackItsOwnSendsAtOnce() async throws {
        try await accept(1, into: first)
        _ = try await claim(first, at: t0)
        _ = try await send("s1", payment: "pay_1", by: first, at: t0)
        first.close()
        first = try open(owner: "instance-a")
        let recovered = try await first.recoverInterruptedSends(at: t0.adding(milliseconds: 1_000))
        XCTAssertEqual(recovered.map(\.submission.id), ["s1"], "its own send, from before the restart, without waiting for the lease")
    }
}
