import BankGateCore
import BankGateStatements
import Foundation

/// `bankgate-bench statements-gen --format camt053|mt940 --entries N --out FILE` writes a statement
/// file of N entries (several statements of at most 10,000 entries each, balances that chain),
/// streaming, so a file of any size is written in bounded memory.
///
/// `bankgate-bench statements-parse --file FILE [--runs R]` parses it with bankgate's streaming parser into
/// a visitor that only counts and sums (the parser's own cost), and prints entries/s, MB/s and the
/// process's peak resident memory (`VmHWM`).
enum StatementBench {
    static let eur = Currency(code: "EUR")!

    static func generate(_ options: Options) throws {
        let format = options.string("format", default: "camt053")
        let entries = try options.int("entries", default: 10_000)
        let out = try options.string("out")
        let perStatement = try options.int("per-statement", default: 10_000)
        _ = FileManager.default.createFile(atPath: out, contents: nil)
        guard let handle = FileHandle(forWritingAtPath: out) else { throw Options.UsageError(description: "cannot write \(out)") }
        defer { try? handle.close() }
        var camt = try CamtStatementWriter(format: .camt053, version: .v08)
        var mt940 = MT940Writer(narrative: .subfields)
        if format == "camt053" { camt.beginDocument(messageId: "BENCH-CAMT053", createdAt: "2026-11-20T18:00:00") }
        var balance: Int64 = 1_000_000_000
        var written = 0
        var statementIndex = 0
        var random = SplitMix(seed: 42)
        while written < entries {
            statementIndex += 1
            let count = min(perStatement, entries - written)
            let day = String(format: "2026-%02d-%02d", 1 + (statementIndex / 28) % 12, 1 + statementIndex % 28)
            var amounts: [Int64] = []
            amounts.reserveCapacity(count)
            var net: Int64 = 0
            for _ in 0..<count {
                let amount = Int64(random.next() % 500_000) + 1
                let signed = random.next() % 3 == 0 ? amount : -amount
                amounts.append(signed)
                net += signed
            }
            let account = StatementAccount(identifier: "DE89370400440532013000", currency: "EUR")
            let header = StatementHeader(
                format: format == "camt053" ? .camt053 : .mt940, messageId: "BENCH-\(statementIndex)", statementId: "STMT-\(statementIndex)",
                electronicSequence: Int64(statementIndex), account: account, createdAt: "\(day)T18:00:00",
                balances: [StatementBalance(type: "OPBD", amount: Money(minorUnits: balance, currency: eur), date: day),
                           StatementBalance(type: "CLBD", amount: Money(minorUnits: balance + net, currency: eur), date: day)])
            if format == "camt053" { try camt.beginStatement(header) } else { try mt940.beginStatement(header) }
            for (index, signed) in amounts.enumerated() {
                let n = written + index
                let transaction = StatementTransaction(
                    account: account, statementId: header.statementId, sequence: index + 1, bookingDate: day, valueDate: day,
                    amount: Money(minorUnits: abs(signed), currency: eur), creditDebit: signed < 0 ? .debit : .credit,
                    status: .booked, bankReference: "NTRY\(n)", accountServicerReference: "ASR\(n)", endToEndId: "E2E-\(n)",
                    counterparty: Counterparty(name: SampleNames.pick(n), account: "GB82WEST12345698765432", bankCode: "WESTGB2L"),
                    remittanceInformation: "Invoice \(n) for services rendered",
                    transactionCode: BankTransactionCode(domain: "PMNT", family: signed < 0 ? "ICDT" : "RCDT", subFamily: "ESCT",
                                                         proprietary: "NTRF"),
                    source: SourcePosition(line: 0, path: ""))
                if format == "camt053" { try camt.entry(transaction) } else { try mt940.entry(transaction) }
                if index % 256 == 255 {
                    handle.write(Data(format == "camt053" ? camt.takeOutput() : mt940.takeOutput()))
                }
            }
            if format == "camt053" { camt.endStatement() } else { try mt940.endStatement(header.balances) }
            handle.write(Data(format == "camt053" ? camt.takeOutput() : mt940.takeOutput()))
            balance += net
            written += count
        }
        if format == "camt053" {
            camt.endDocument()
            handle.write(Data(camt.takeOutput()))
        }
        let size = (try? FileManager.default.attributesOfItem(atPath: out)[.size] as? Int) ?? 0
        print("statements-gen: \(format), \(entries) entries in \(statementIndex) statements, \(size) bytes → \(out)")
    }

    /// Counts entries and sums amounts; keeps nothing.
    struct CountingVisitor: StatementVisitor {
        var statements = 0
        var entries = 0
        var sum: Int64 = 0
        var inconsistent = 0
        mutating func beginStatement(_ header: StatementHeader) throws { statements += 1 }
        mutating func transaction(_ transaction: StatementTransaction) throws {
            entries += 1
            sum &+= transaction.signedMinorUnits
        }
        mutating func endStatement(_ header: StatementHeader, summary: StatementSummary) throws {
            if case .inconsistent = summary.integrity { inconsistent += 1 }
        }
    }

    static func parse(_ options: Options) throws {
        let path = try options.string("file")
        let runs = try options.int("runs", default: 3)
        let size = (try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        var seconds: [Double] = []
        var last = CountingVisitor()
        for _ in 0..<runs {
            var visitor = CountingVisitor()
            let start = Stats.nanos()
            try StatementParser.parse(file: path, visitor: &visitor)
            seconds.append(Double(Stats.nanos() - start) / 1e9)
            last = visitor
        }
        let best = seconds.min() ?? 0
        let median = Stats.median(seconds)
        let megabytes = Double(size) / 1_048_576
        print("statements-parse: \(path): \(size) bytes, \(last.statements) statements, \(last.entries) entries, "
              + "\(last.inconsistent) inconsistent, net \(last.sum) minor units")
        print("statements-parse: best \(Stats.grouped(Double(last.entries) / best)) entries/s, "
              + String(format: "%.1f MB/s (%.3f s); median %.3f s over %d runs", megabytes / best, best, median, runs))
        print("statements-parse: peak resident memory \(peakResidentKilobytes() / 1024) MiB (VmHWM)")
    }

    static func peakResidentKilobytes() -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
        for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            return Int(line.split(separator: " ").dropFirst().first ?? "0") ?? 0
        }
        return 0
    }
}

enum SampleNames {
    static let names = ["Müller GmbH", "Dupont et Fils SARL", "Van Dijk Handel BV", "Suministros García SL", "Globex Ltd",
                        "Initech AG", "Umbrella Corp", "Stark Industries"]
    static func pick(_ n: Int) -> String { names[n % names.count] }
}

/// A small deterministic generator (SplitMix64).
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
