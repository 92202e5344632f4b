import BankGateCore
import BankGateEngine
import BankGateStore
import Foundation
import Logging

/// `bankgate-bench reconcile-store --dir DIR [--count 100000]`: reconciliation through the engine
/// and the store, not only the matcher: `count` payments that reached the bank and `count` booked
/// bank transactions carrying their end-to-end ids are stored, then one `ReconciliationRunner` pass
/// is timed — loading both sides from SQLite, matching, and recording every match with its audit
/// record and `transaction.matched` event (WAL, synchronous=FULL).
///
/// Set-up shortcut (not timed): the payments are accepted through `PaymentStore.accept` in batches
/// and then set to `completed` with one SQL UPDATE on the database file, instead of being sent to a
/// bank one by one.
enum ReconcileStoreBench {
    static func run(_ options: Options) async throws {
        let count = try options.int("count", default: 100_000)
        let directory = try options.string("dir")
        try? FileManager.default.removeItem(atPath: directory)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let path = directory + "/bench.sqlite"
        let store = try PaymentStore(path: path)
        defer { store.close() }
        let eur = Currency(code: "EUR")!
        let now = Timestamp(milliseconds: 1_767_225_600_000)
        let day = now.dateString

        // Our payments, 500 to a bank message.
        var amounts: [Int64] = []
        var endToEndIds: [String] = []
        for batch in stride(from: 0, to: count, by: 500) {
            let messageId = IdentifierFactory.make("BGM")
            let submission = SubmissionDraft(id: IdentifierFactory.make("sub_"), bankId: "bench-bank",
                                             debtorAccountId: SampleData.debtorAccountId, messageId: messageId,
                                             paymentInfoId: messageId + "-1", messageKind: "pain.001.001.09", requestedExecutionDate: day)
            var drafts: [PaymentDraft] = []
            for index in batch..<min(batch + 500, count) {
                let amount = Int64(100 + (index * 7919) % 9_999_000)
                let e2e = "E2E-\(index)"
                amounts.append(amount)
                endToEndIds.append(e2e)
                let creditor = SampleData.creditors[index % SampleData.creditors.count]
                drafts.append(PaymentDraft(
                    id: IdentifierFactory.make("pay_"), batchId: nil, submissionId: submission.id, debtorAccountId: SampleData.debtorAccountId,
                    bankId: "bench-bank", amount: Money(minorUnits: amount, currency: eur),
                    creditor: Party(name: creditor.name, account: creditor.iban, bankCode: creditor.bic),
                    remittanceInfo: "Invoice \(index)", endToEndId: e2e, instructionId: IdentifierFactory.make("BGI"),
                    requestedExecutionDate: day))
            }
            _ = try await store.accept(drafts, submissions: [submission],
                                       claim: IdempotencyClaim(client: "bench", key: "k\(batch)", fingerprint: "f"), at: now)
        }
        let connection = try StoreConnection(path: path)
        try connection.execute("UPDATE payments SET status = 'completed'")

        // The bank's statement booking each of them.
        let statements = StatementStore(sharing: store)
        let registration = try await statements.beginStatement(StatementDraft(
            accountId: SampleData.debtorAccountId, format: "camt.053", reportKind: .endOfDay, messageId: "BENCH", statementId: "BENCH-1",
            electronicSequence: 1, legalSequence: nil, page: nil, bankCreatedAt: nil, fromDate: day, toDate: day, statementDate: day,
            currency: eur, source: .upload, sourceName: "bench"), at: now)
        for chunk in stride(from: 0, to: count, by: 500) {
            let drafts = (chunk..<min(chunk + 500, count)).map { index in
                BankTransactionDraft(
                    identity: "asr:B\(index)", statementId: "BENCH-1", sequence: index + 1, bookingDate: day, valueDate: day,
                    amount: Money(minorUnits: -amounts[index], currency: eur), status: "booked", reversal: false, bankReference: nil,
                    accountServicerReference: "B\(index)", endToEndId: endToEndIds[index], instructionId: nil, messageId: nil,
                    paymentInfoId: nil, uetr: nil, counterpartyName: nil, counterpartyAccount: nil, counterpartyBank: nil,
                    remittanceInfo: nil, structuredReference: nil, codeDomain: "PMNT", codeFamily: "ICDT", codeSubFamily: "ESCT",
                    codeProprietary: nil, balanceAfter: nil, additionalInfo: nil, sourceLine: 0, sourcePath: "")
            }
            _ = try await statements.insertTransactions(drafts, accountId: SampleData.debtorAccountId, statementRow: registration.row, at: now)
        }

        let runner = ReconciliationRunner(store: ReconciliationStore(sharing: store), clock: FixedClock(instant: now))
        let start = Stats.nanos()
        let summary = try await runner.run(accountId: SampleData.debtorAccountId)
        let seconds = Double(Stats.nanos() - start) / 1e9
        print("reconcile-store: \(count) payments × \(count) booked transactions in SQLite: \(summary.exactMatches) matched, "
              + "\(summary.suggestions) suggested, in \(String(format: "%.2f", seconds)) s "
              + "(load, match, record each match with its audit record and event) = \(Stats.grouped(Double(count) / seconds)) matches/s")
    }
}

/// A clock that stays at one instant.
struct FixedClock: WallClock {
    var instant: Timestamp
    func now() -> Timestamp { instant }
}
