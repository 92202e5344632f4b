import BankGateEngine
import Foundation

/// `bankgate-bench json [--count 100000] [--batch 10000] [--runs 5]`: the A/B behind "one JSON input
/// path" — the same request bodies parsed (A) by the intake reader (`PaymentRequestBody.parse(json:)`,
/// `PaymentBatchBody.parse(json:)`) and (B) by Foundation: `JSONDecoder` with the `Decodable`
/// conformances, and `JSONSerialization.jsonObject`. One payment body `count` times, and one batch
/// body of `batch` payments; each `runs` times after one warm-up, best and median reported.
enum JSONBench {
    static func run(_ options: Options) throws {
        let count = try options.int("count", default: 100_000)
        let batch = try options.int("batch", default: 10_000)
        let runs = try options.int("runs", default: 5)
        let single = Array(body(0).utf8)
        let batchBody = Array("{\"payments\":[\((0..<batch).map(body).joined(separator: ","))]}".utf8)
        print("json: one payment body of \(single.count) bytes ×\(count); one batch body of \(batch) payments, "
              + "\(batchBody.count) bytes; \(runs) runs after 1 warm-up")

        let singleCases: [(String, ([UInt8]) throws -> Int)] = [
            ("A intake reader", { bytes in
                try bytes.withUnsafeBytes { try PaymentRequestBody.parse(json: $0) }.amount?.utf8.count ?? 0 }),
            ("B JSONDecoder", { bytes in
                try JSONDecoder().decode(PaymentRequestBody.self, from: Data(bytes)).amount?.utf8.count ?? 0 }),
            ("B JSONSerialization", { bytes in
                ((try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])?["amount"] as? String)?.utf8.count ?? 0 }),
        ]
        for (name, parse) in singleCases {
            let seconds = try measure(runs: runs) {
                var total = 0
                for _ in 0..<count { total &+= try parse(single) }
                return total
            }
            report("single", name, seconds: seconds, items: count, unit: "bodies")
        }

        let batchCases: [(String, ([UInt8]) throws -> Int)] = [
            ("A intake reader", { bytes in
                try bytes.withUnsafeBytes { try PaymentBatchBody.parse(json: $0) }.payments?.count ?? 0 }),
            ("B JSONDecoder", { bytes in
                try JSONDecoder().decode(PaymentBatchBody.self, from: Data(bytes)).payments?.count ?? 0 }),
            ("B JSONSerialization", { bytes in
                ((try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])?["payments"] as? [Any])?.count ?? 0 }),
        ]
        for (name, parse) in batchCases {
            let seconds = try measure(runs: runs) {
                let parsed = try parse(batchBody)
                precondition(parsed == batch, "\(name) read \(parsed) payments, not \(batch)")
                return parsed
            }
            report("batch", name, seconds: seconds, items: batch, unit: "payments")
        }
    }

    /// A payment body with every field (about 400 bytes).
    static func body(_ index: Int) -> String {
        let creditor = SampleData.creditors[index % SampleData.creditors.count]
        return "{\"debtor_account\":\"\(SampleData.debtorAccountId)\",\"amount\":\"\(SampleData.decimal(SampleData.amountCents(index)))\","
            + "\"currency\":\"EUR\",\"creditor\":{\"name\":\"\(creditor.name)\",\"account\":\"\(creditor.iban)\","
            + "\"bank_code\":\"\(creditor.bic)\"},\"remittance_info\":\"\(SampleData.remittance(index)), "
            + "order 2026-\(100_000 + index), customer reference ACME/\(index), period 2026-11, cost centre 4711-SALES-EMEA, "
            + "contract FR-2026-\(index % 997)\",\"end_to_end_id\":\"\(SampleData.endToEndId(index))\","
            + "\"requested_execution_date\":\"2026-12-31\"}"
    }

    /// Wall seconds of each of `runs` calls of `work`, after one warm-up call.
    static func measure(runs: Int, _ work: () throws -> Int) throws -> [Double] {
        let expected = try work()
        var seconds: [Double] = []
        for _ in 0..<runs {
            let start = Stats.nanos()
            let result = try work()
            seconds.append(Double(Stats.nanos() - start) / 1e9)
            precondition(result == expected, "the parse is not deterministic")
        }
        return seconds
    }

    static func report(_ input: String, _ name: String, seconds: [Double], items: Int, unit: String) {
        let best = seconds.min() ?? 0
        let median = Stats.median(seconds)
        print("json \(input), \(name): best \(String(format: "%.1f", best * 1000)) ms "
              + "(\(Stats.grouped(Double(items) / best)) \(unit)/s), median \(String(format: "%.1f", median * 1000)) ms "
              + "(\(Stats.grouped(Double(items) / median)) \(unit)/s)")
    }
}
