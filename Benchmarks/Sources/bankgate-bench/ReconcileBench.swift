import BankGateCore
import BankGateReconciliation

/// `bankgate-bench reconcile [--count 100000] [--runs 5] [--seed 42]`: generates N bank
/// transactions and N payments from a seed — about 80% matching exactly by end-to-end id, 10% only
/// by amount, date and creditor name, 10% matching nothing — and times `Reconciler.reconcile`,
/// `runs` times after one warm-up, reporting the best and median wall time.
enum ReconcileBench {
    static func run(_ options: Options) throws {
        let count = try options.int("count", default: 100_000)
        let runs = try options.int("runs", default: 5)
        let seed = try options.int("seed", default: 42)
        let (transactions, payments) = generate(count: count, seed: UInt64(seed))
        let reconciler = Reconciler()

        let warmUp = reconciler.reconcile(transactions: transactions, payments: payments)
        var nanos: [UInt64] = []
        for _ in 0..<runs {
            let start = Stats.nanos()
            let result = reconciler.reconcile(transactions: transactions, payments: payments)
            nanos.append(Stats.nanos() - start)
            precondition(result == warmUp, "matching is not deterministic")
        }
        let exact = warmUp.exactMatches.count
        let suggested = warmUp.suggestions.count
        let sorted = nanos.sorted()
        let median = sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
        print("reconcile: \(count) transactions × \(count) payments: exact \(exact), suggested \(suggested), "
              + "unmatched \(warmUp.unmatchedTransactionIds.count); best \(Stats.milliseconds(sorted.first ?? 0)) ms, "
              + "median \(Stats.milliseconds(median)) ms over \(runs) runs")
    }

    /// Creditors as we send them and as the bank reports them on a statement (upper case, without
    /// legal form), so that the suggestion-only tenth is found by name.
    private static let creditors: [(sent: String, booked: String, account: String)] = [
        ("Müller GmbH", "MUELLER", "GB82WEST12345698765432"),
        ("Dupont et Fils SARL", "DUPONT ET FILS", "FR1420041010050500013M02606"),
        ("Van Dijk Handel BV", "VAN DIJK HANDEL", "NL91ABNA0417164300"),
        ("Suministros García SL", "SUMINISTROS GARCIA", "ES9121000418450200051332"),
        ("Rossi Forniture SpA", "ROSSI FORNITURE", "IT60X0542811101000000123456"),
        ("Peeters & Co NV", "PEETERS", "BE68539007547034"),
        ("Huber Metallbau GmbH", "HUBER METALLBAU", "AT611904300234573201"),
        ("Schmidt Logistik KG", "SCHMIDT LOGISTIK", "DE89370400440532013000"),
    ]

    /// Payment `i` is executed on one of 25 days in March 2026 with an even amount. Transaction `i`
    /// books it one or two days later: `i % 10 < 8` with its end-to-end id; `i % 10 == 8` without any
    /// identifier or account, by name only; `i % 10 == 9` an odd amount no payment has.
    static func generate(count: Int, seed: UInt64) -> ([BankTransactionCandidate], [PaymentCandidate]) {
        let euro = Currency(code: "EUR")!
        let days = (1...28).map { "2026-03-" + ($0 < 10 ? "0" : "") + String($0) }
        var random = SplitMix64(state: seed)
        var transactions: [BankTransactionCandidate] = []
        var payments: [PaymentCandidate] = []
        transactions.reserveCapacity(count)
        payments.reserveCapacity(count)
        for index in 0..<count {
            let amount = Int64(1_000 + random.next() % 5_000_000) * 2
            let executed = Int(random.next() % 25)
            let booked = days[executed + 1 + Int(random.next() % 2)]
            let creditor = creditors[index % creditors.count]
            let endToEndId = "E2E-\(seed)-\(index)"
            payments.append(PaymentCandidate(
                id: "P\(index)", accountId: "acme-eur", amount: Money(minorUnits: amount, currency: euro),
                endToEndId: endToEndId, instructionId: "INSTR-\(seed)-\(index)", executionDate: days[executed],
                creditorName: creditor.sent, creditorAccount: creditor.account, remittanceInformation: "Invoice \(index)"))
            switch index % 10 {
            case 0..<8:
                transactions.append(BankTransactionCandidate(
                    id: "T\(index)", accountId: "acme-eur", bookingDate: booked, valueDate: days[executed],
                    amount: Money(minorUnits: -amount, currency: euro), endToEndId: endToEndId,
                    bankReference: "BANK\(index)", counterpartyName: creditor.booked, counterpartyAccount: creditor.account,
                    remittanceInformation: "Invoice \(index)"))
            case 8:
                transactions.append(BankTransactionCandidate(
                    id: "T\(index)", accountId: "acme-eur", bookingDate: booked, amount: Money(minorUnits: -amount, currency: euro),
                    endToEndId: "NOTPROVIDED", bankReference: "BANK\(index)", counterpartyName: creditor.booked))
            default:
                transactions.append(BankTransactionCandidate(
                    id: "T\(index)", accountId: "acme-eur", bookingDate: booked,
                    amount: Money(minorUnits: -(amount + 1), currency: euro), bankReference: "BANK\(index)",
                    counterpartyName: "Card fee", remittanceInformation: "Fee \(index)"))
            }
        }
        return (transactions, payments)
    }
}

/// SplitMix64, so the generated data depends on the seed only.
private struct SplitMix64 {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
