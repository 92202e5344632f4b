import BankGateCore
import BankGateStore
import Foundation
import XCTest

/// `PaymentStore.throughput`: transitions counted per interval, the window's first row found by
/// binary search over the transition ids.
final class ThroughputTests: XCTestCase {
    var directory: URL!
    var store: PaymentStore!
    let eur = Currency(code: "EUR")!
    let hour: Int64 = 3_600_000
    let t0 = Timestamp(milliseconds: 1_795_000_000_000 / 3_600_000 * 3_600_000)

    override func setUp() async throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("bankgate-throughput-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        store = try PaymentStore(path: directory.appendingPathComponent("store.sqlite").path)
    }

    override func tearDown() async throws {
        store.close()
        try? FileManager.default.removeItem(at: directory)
    }

    private func accept(_ n: Int, at: Timestamp) async throws {
        let draft = PaymentDraft(id: "pay_\(n)", batchId: nil, submissionId: "s\(n)", debtorAccountId: "acme-eur", bankId: "sim",
                                 amount: Money(minorUnits: Int64(100 * n), currency: eur),
                                 creditor: Party(name: "Creditor \(n)", account: "GB82WEST12345698765432", bankCode: "WESTGB2L"),
                                 remittanceInfo: nil, endToEndId: "E2E-\(n)", instructionId: "I-\(n)", requestedExecutionDate: "2026-11-23")
        let submission = SubmissionDraft(id: "s\(n)", bankId: "sim", debtorAccountId: "acme-eur", messageId: "MSG-\(n)",
                                         paymentInfoId: "PMT-\(n)", messageKind: "pain.001.001.09", requestedExecutionDate: "2026-11-23")
        _ = try await store.accept([draft], submissions: [submission],
                                   claim: IdempotencyClaim(client: "treasury", key: "k\(n)", fingerprint: "f\(n)"), at: at)
    }

    func testPaymentsAreCountedInTheirIntervalAndTheWindowLeavesOlderOnesOut() async throws {
        // Two before the window, then 1, 0, 3 and 1 in the window's four hours.
        let times: [Int64] = [0, 30 * 60_000, hour + 5 * 60_000, 3 * hour, 3 * hour + 1, 3 * hour + 59 * 60_000, 4 * hour + 10]
        for (n, offset) in times.enumerated() { try await accept(n + 1, at: t0.adding(milliseconds: offset)) }
        let buckets = try await store.throughput(since: t0.adding(milliseconds: hour), until: t0.adding(milliseconds: 4 * hour + 20),
                                                 bucketMilliseconds: hour)
        XCTAssertEqual(buckets.map(\.start), (1...4).map { t0.adding(milliseconds: Int64($0) * hour) })
        XCTAssertEqual(buckets.map(\.accepted), [1, 0, 3, 1])
        XCTAssertEqual(buckets.map(\.completed), [0, 0, 0, 0])
    }

    func testAWindowAfterEveryTransitionIsEmptyAndAnEmptyStoreAnswersZeros() async throws {
        let empty = try await store.throughput(since: t0, until: t0.adding(milliseconds: 2 * hour), bucketMilliseconds: hour)
        XCTAssertEqual(empty.map(\.accepted), [0, 0, 0])
        try await accept(1, at: t0)
        let later = try await store.throughput(since: t0.adding(milliseconds: hour), until: t0.adding(milliseconds: 2 * hour),
                                               bucketMilliseconds: hour)
        XCTAssertEqual(later.map(\.accepted), [0, 0])
        let covering = try await store.throughput(since: t0, until: t0.adding(milliseconds: 10), bucketMilliseconds: hour)
        XCTAssertEqual(covering.map(\.accepted), [1])
    }
}
