import BankGateAdapters
import BankGateCore
import Foundation

/// `bankgate-bench pain001 --transfers 10000 --runs 9 [--out FILE]`: encodes one pain.001.001.09
/// message of N credit transfers in-process, `runs` times after one warm-up, and reports the best
/// and median transfers per second. `--out` keeps the encoded file (for XSD validation).
enum Pain001Bench {
    static func run(_ options: Options) throws {
        let count = try options.int("transfers", default: 10_000)
        let runs = try options.int("runs", default: 9)
        let adapter = ISO20022Adapter(painVersion: .v09)
        let messageId = "BENCH-PAIN001-\(count)"
        let message = PaymentMessage(
            messageId: messageId, paymentInfoId: messageId + "-1", createdAt: Timestamp(milliseconds: 1_767_225_600_000),
            requestedExecutionDate: "2026-01-01", debtor: SampleData.debtor,
            initiatingPartyName: SampleData.debtor.name,
            transfers: SampleData.transfers(count: count, messageId: messageId))

        let warmUp = try adapter.encodePayment(message)
        var seconds: [Double] = []
        for _ in 0..<runs {
            let start = Stats.nanos()
            let encoded = try adapter.encodePayment(message)
            let elapsed = Stats.nanos() - start
            precondition(encoded.bytes.count == warmUp.bytes.count, "encoding is not deterministic")
            seconds.append(Double(elapsed) / 1e9)
        }
        let best = seconds.min() ?? 0
        let median = Stats.median(seconds)
        print("pain001: \(count) transfers, \(warmUp.bytes.count) bytes, \(runs) runs after 1 warm-up")
        print("pain001: best \(Stats.grouped(Double(count) / best)) tx/s (\(String(format: "%.1f", best * 1000)) ms), "
              + "median \(Stats.grouped(Double(count) / median)) tx/s (\(String(format: "%.1f", median * 1000)) ms)")
        if let out = options.string("out", default: "").nilIfEmpty {
            try Data(warmUp.bytes).write(to: URL(fileURLWithPath: out))
            print("pain001: wrote \(out)")
        }
    }
}

extension String {
    var nilIfEmpty: String? { isEmpty ? nil : self }
}
