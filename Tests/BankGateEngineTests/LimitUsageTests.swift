import BankGateCore
import BankGateStore
import Foundation
import XCTest

/// The day's running totals behind `[[limits]]` (`limit_usage`) say what the payments table says:
/// payments accepted before the limit first looked count, a cancelled or rejected payment frees its
/// share, a failed one retried takes it again, and a new day starts at zero.
final class LimitUsageTests: XCTestCase {
    var directory: URL!
    var store: PaymentStore!
    let eur = Currency(code: "EUR")!
    /// 2026-03-02T09:00:00Z.
    var now = Timestamp(milliseconds: 1_772_442_000_000)

    override func setUp() async throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("bankgate-limits-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        store = try PaymentStore(path: directory.appendingPathComponent("store.sqlite").path)
    }

    override func tearDown() async throws {
        store.close()
        try? FileManager.default.removeItem(at: directory)
    }

    /// Two a day and 1,000.00 EUR a day for the account.
    var limit: PaymentLimit {
        PaymentLimit(holder: .account("acme-eur"), currency: eur, dailyTotalMinor: 100_000, dailyCount: 2)
    }

    /// Accepts `pay_<n>` under `limits`; the outcome, or the limit that refused it.
    func accept(_ n: Int, amount: Int64, limits: [PaymentLimit]) async throws -> String {
        let draft = PaymentDraft(id: "pay_\(n)", batchId: nil, submissionId: "s\(n)", debtorAccountId: "acme-eur", bankId: "sim",
                                 amount: Money(minorUnits: amount, currency: eur),
                                 creditor: Party(name: "Creditor \(n)", account: "GB82WEST12345698765432", bankCode: "WESTGB2L"),
                                 remittanceInfo: "invoice \(n)", endToEndId: "E2E-\(n)", instructionId: "I-\(n)",
                                 requestedExecutionDate: now.dateString)
        let submission = SubmissionDraft(id: "s\(n)", bankId: "sim", debtorAccountId: "acme-eur", messageId: "MSG-s\(n)",
                                         paymentInfoId: "PMT-s\(n)", messageKind: "pain.001.001.09", requestedExecutionDate: now.dateString)
        let outcome = try await store.accept([draft], submissions: [submission],
                                             claim: IdempotencyClaim(client: "erp", key: "k\(n)", fingerprint: "f\(n)"),
                                             limits: limits, at: now)
        switch outcome {
        case .created: return "created"
        case .limitExceeded(let violation): return violation.limit
        default: return "\(outcome)"
        }
    }

    func testTheRunningTotalsFollowThePayments() async throws {
        // Accepted while no limit looked: counted once the limit first looks at the day.
        let first = try await accept(1, amount: 60_000, limits: [])
        XCTAssertEqual(first, "created")
        let overTotal = try await accept(2, amount: 50_000, limits: [limit])
        XCTAssertEqual(overTotal, "daily_total", "600.00 + 500.00 is over 1,000.00")
        let second = try await accept(3, amount: 30_000, limits: [limit])
        XCTAssertEqual(second, "created")
        let overCount = try await accept(4, amount: 1_000, limits: [limit])
        XCTAssertEqual(overCount, "daily_count", "a third payment today")

        // A cancelled payment no longer counts.
        _ = try await store.cancel(paymentId: "pay_3", cause: .api, actor: "erp", at: now)
        let afterCancel = try await accept(5, amount: 30_000, limits: [limit])
        XCTAssertEqual(afterCancel, "created", "the cancelled one freed its share")
        let stillFull = try await accept(6, amount: 1_000, limits: [limit])
        XCTAssertEqual(stillFull, "daily_count")

        // A payment accepted without the limit in force (another configuration) still adds to the day's row.
        let unlimited = try await accept(7, amount: 1_000, limits: [])
        XCTAssertEqual(unlimited, "created")
        let usage = try await store.limitUsage(holder: .account("acme-eur"), currency: eur, at: now)
        XCTAssertEqual(usage.count, 3)
        XCTAssertEqual(usage.total, 60_000 + 30_000 + 1_000)

        // The next day starts at zero.
        now = now.adding(milliseconds: 86_400_000)
        let tomorrow = try await accept(8, amount: 90_000, limits: [limit])
        XCTAssertEqual(tomorrow, "created")
    }
}
