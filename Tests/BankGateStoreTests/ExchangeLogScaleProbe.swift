import BankGateCore
@testable import BankGateStore
import Foundation
import XCTest

/// A measurement, not a test (no assertion on time): the exchange log's reads on an archive of
/// 200,000 messages (100,000 pulls over 5 banks and 50 accounts), printed as `PROBE` lines. Runs
/// only when asked: `BANKGATE_EXCHANGE_PROBE=1 swift test --skip-build --disable-swift-testing
/// --filter ExchangeLogScaleProbe` (docs/operations.md quotes its figures).
final class ExchangeLogScaleProbe: XCTestCase {
    func testProbe() async throws {
        try XCTSkipUnless(ProcessInfo.processInfo.environment["BANKGATE_EXCHANGE_PROBE"] == "1", "a measurement, run on request")
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("bx-probe-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try PaymentStore(path: directory.appendingPathComponent("s.sqlite").path)
        defer { store.close() }
        let pulls = 100_000
        let t0 = Timestamp(milliseconds: 1_795_000_000_000)
        let body = Array(repeating: UInt8(ascii: "x"), count: 2_000)
        let start = Date()
        for chunk in stride(from: 0, to: pulls, by: 10_000) {
            try await store.database.write { db in
                for n in chunk..<(chunk + 10_000) {
                    let at = t0.adding(milliseconds: Int64(n) * 1000)
                    let account = "acct-\(n % 50)"
                    let request = try PaymentStore.archive(db, bankId: "bank-\(n % 5)", submissionId: nil, attempt: nil, message: MessageToArchive(
                        direction: .outbound, kind: "camt.060.001.05", exchange: n % 3 == 0 ? .balanceRequest : .statementRequest,
                        accountId: account, bytes: Array(body.prefix(300))), at: at)
                    _ = try PaymentStore.archive(db, bankId: "bank-\(n % 5)", submissionId: nil, attempt: nil, message: MessageToArchive(
                        direction: .inbound, kind: "camt.053.001.08", exchange: .statementAnswer, accountId: account, requestId: request,
                        httpStatus: n % 1000 == 0 ? 500 : 200, bytes: body), at: at.adding(milliseconds: 200))
                }
            }
        }
        print("PROBE archived \(pulls * 2) messages in \(Date().timeIntervalSince(start)) s")
        func time(_ label: String, _ filter: BankExchangeFilter, runs: Int = 20) async throws {
            var page = try await store.exchanges(filter)
            let begin = Date()
            for _ in 0..<runs { page = try await store.exchanges(filter) }
            let ms = Date().timeIntervalSince(begin) * 1000 / Double(runs)
            print("PROBE \(label): \(page.exchanges.count) exchanges, next \(page.nextCursor ?? "-"), \(String(format: "%.2f", ms)) ms per page")
        }
        try await time("newest 50", BankExchangeFilter(limit: 50))
        try await time("newest 500", BankExchangeFilter(limit: 500))
        try await time("bank-3 50", BankExchangeFilter(bankId: "bank-3", limit: 50))
        try await time("account acct-7 50", BankExchangeFilter(accountId: "acct-7", limit: 50))
        try await time("kind balance 50", BankExchangeFilter(kind: .balance, limit: 50))
        try await time("outcome error 50 (bounded scan)", BankExchangeFilter(outcome: .error, limit: 50), runs: 5)
        try await time("tenant of 10 accounts 50", BankExchangeFilter(accountIds: (0..<10).map { "acct-\($0)" }, limit: 50))
        try await time("from..to one hour 50", BankExchangeFilter(from: t0.adding(milliseconds: 50_000_000), until: t0.adding(milliseconds: 53_600_000), limit: 50))
        let begin = Date()
        for n in 0..<100 { _ = try await store.exchange(id: "bx_\(2 * (n * 997 % pulls) + 1)") }
        print("PROBE show: \(String(format: "%.2f", Date().timeIntervalSince(begin) * 1000 / 100)) ms per exchange")
    }
}
