import BankGateCore
import BankGateStore
import Foundation

/// The audit chain at scale, in two steps so that the walk is measured on its own:
///
/// - `audit-chain-setup --dir DIR [--count 10000000] [--concurrency 64]`: appends `count` chained
///   audit records to `DIR/bankgate.sqlite` through ``PaymentStore/appendAudit`` (as the daemon writes
///   them: one record each, `concurrency` in flight, grouped into shared commits by the store), with
///   payment-transition-like content (actor, action, subject, a short detail). Prints records/s.
/// - Then time `bankgate audit verify --database DIR/bankgate.sqlite` (read-only, the whole chain)
///   or `audit-chain-verify --dir DIR`, which walks it in-process and prints records/s.
enum AuditChainBench {
    static func setup(_ options: Options) async throws {
        let directory = try options.string("dir")
        let count = try options.int("count", default: 10_000_000)
        let concurrency = try options.int("concurrency", default: 64)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let store = try PaymentStore(path: directory + "/bankgate.sqlite")
        defer { store.close() }
        let start = Stats.nanos()
        let base = Timestamp(milliseconds: 1_796_256_000_000)  // 2026-12-03T00:00:00Z
        let perWorker = (count + concurrency - 1) / concurrency
        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in 0..<concurrency {
                group.addTask {
                    let first = worker * perWorker
                    for index in first..<min(count, first + perWorker) {
                        let payment = "pay_" + String(index, radix: 36)
                        try await store.appendAudit(at: base.adding(milliseconds: Int64(index / 10)), actor: index % 3 == 0 ? "dispatcher" : "bank:cmb-sz",
                                                    action: index % 2 == 0 ? "payment.queued" : "payment.completed",
                                                    subject: ("payment", payment),
                                                    details: "received → queued (api) attempt 1 bank status ACSC")
                        if worker == 0, (index - first) % 20_000 == 0, index > first {
                            let done = (index - first) * concurrency
                            print("  ~\(done) records, \(Int(Double(done) / (Double(Stats.nanos() - start) / 1e9)))/s")
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
        let seconds = Double(Stats.nanos() - start) / 1e9
        print("appended \(count) audit records in \(String(format: "%.1f", seconds)) s: \(Int(Double(count) / seconds)) records/s")
    }

    static func verify(_ options: Options) async throws {
        let directory = try options.string("dir")
        let store = try PaymentStore(path: directory + "/bankgate.sqlite")
        defer { store.close() }
        let start = Stats.nanos()
        let result = try await store.verifyAuditTrail()
        let seconds = Double(Stats.nanos() - start) / 1e9
        print("verified \(result.checked) records in \(String(format: "%.2f", seconds)) s: \(Int(Double(result.checked) / seconds)) records/s, "
              + (result.isIntact ? "intact" : "BROKEN at \(result.firstBreak.map { "\($0)" } ?? "?")"))
    }
}
