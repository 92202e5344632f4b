import BankGateCore
import BankGateEngine
import BankGateStore
import Foundation

/// `bankgate-bench store --dir DIR [--count 10000] [--concurrency 32]`: the intake transaction
/// alone, in-process: `PaymentStore.accept` for `count` single-payment requests (identifiers made
/// before the clock starts, as ``GatewayEngine`` makes them) from `concurrency` tasks, on a fresh
/// database in DIR (WAL, synchronous=FULL). Reports accepted payments per second and the CPU time
/// of the whole process per payment (user and system), which is steadier than wall time on a
/// shared machine.
enum StoreBench {
    static func run(_ options: Options) async throws {
        let count = try options.int("count", default: 10_000)
        let concurrency = try options.int("concurrency", default: 32)
        let directory = try options.string("dir")
        try? FileManager.default.removeItem(atPath: directory)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let store = try PaymentStore(path: directory + "/bench.sqlite")
        defer { store.close() }
        let now = Timestamp(milliseconds: 1_767_225_600_000)
        let requests = (0..<count).map { index in request(index, at: now) }
        let shared = Requests(requests)

        let cpuBefore = cpuMicroseconds()
        let start = Stats.nanos()
        let next = NextIndex()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<concurrency {
                group.addTask {
                    while let index = next.take(below: shared.items.count) {
                        let item = shared.items[index]
                        let outcome = try await store.accept([item.payment], submissions: [item.submission],
                                                             claim: item.claim, at: now)
                        guard case .created = outcome else { throw HTTPClientError(description: "not created: \(outcome)") }
                    }
                }
            }
            try await group.waitForAll()
        }
        let seconds = Double(Stats.nanos() - start) / 1e9
        let cpu = cpuMicroseconds()
        let user = Double(cpu.user - cpuBefore.user) / Double(count)
        let system = Double(cpu.system - cpuBefore.system) / Double(count)
        print("store: \(count) accepts from \(concurrency) tasks in \(String(format: "%.3f", seconds)) s = "
              + "\(Stats.grouped(Double(count) / seconds))/s; CPU per payment \(Int(user)) µs user + \(Int(system)) µs system")
    }

    struct Item: Sendable {
        var payment: PaymentDraft
        var submission: SubmissionDraft
        var claim: IdempotencyClaim
    }

    static func request(_ index: Int, at now: Timestamp) -> Item {
        let creditor = SampleData.creditors[index % SampleData.creditors.count]
        let messageId = IdentifierFactory.make("BGM")
        let submission = SubmissionDraft(
            id: IdentifierFactory.make("sub_"), bankId: "bench-bank", debtorAccountId: SampleData.debtorAccountId,
            messageId: messageId, paymentInfoId: messageId + "-1", messageKind: "pain.001.001.09",
            requestedExecutionDate: now.dateString)
        let payment = PaymentDraft(
            id: IdentifierFactory.make("pay_"), batchId: nil, submissionId: submission.id,
            debtorAccountId: SampleData.debtorAccountId, bankId: "bench-bank",
            amount: Money(minorUnits: SampleData.amountCents(index), currency: Currency(code: "EUR")!),
            creditor: Party(name: creditor.name, account: creditor.iban, bankCode: creditor.bic),
            remittanceInfo: SampleData.remittance(index), endToEndId: IdentifierFactory.make("BGE"),
            instructionId: IdentifierFactory.make("BGI"), requestedExecutionDate: now.dateString)
        let claim = IdempotencyClaim(client: "bench", key: "store-\(index)",
                                     fingerprint: String(repeating: "0", count: 48) + String(format: "%016x", index))
        return Item(payment: payment, submission: submission, claim: claim)
    }

    /// Process CPU time so far, in microseconds.
    static func cpuMicroseconds() -> (user: Int64, system: Int64) {
        var usage = rusage()
        getrusage(Int32(RUSAGE_SELF.rawValue), &usage)
        return (Int64(usage.ru_utime.tv_sec) * 1_000_000 + Int64(usage.ru_utime.tv_usec),
                Int64(usage.ru_stime.tv_sec) * 1_000_000 + Int64(usage.ru_stime.tv_usec))
    }
}

/// The prepared requests, read-only.
final class Requests: Sendable {
    let items: [StoreBench.Item]
    init(_ items: [StoreBench.Item]) { self.items = items }
}
