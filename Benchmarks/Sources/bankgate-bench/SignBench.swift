import BankGateCrypto
import Foundation

/// `bankgate-bench sign [--seconds 3] [--runs 3] [--size 1024]`: signatures and verifications per
/// second on one thread, RSA-2048 PKCS#1 v1.5 with SHA-256 and SM2 with SM3 (default user id), of a
/// `size`-byte message, through `SigningKey`/`VerifyingKey` as the bank adapters will call them (each
/// call sets up its own OpenSSL contexts). Each figure counts the calls completed in `seconds`, `runs`
/// times after a warm-up; best and median. Compare with `openssl speed -seconds 3 rsa2048 sm2`.
enum SignBench {
    static func run(_ options: Options) throws {
        let seconds = try options.int("seconds", default: 3)
        let runs = try options.int("runs", default: 3)
        let size = try options.int("size", default: 1024)
        let message = (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        print("sign: \(size)-byte message, 1 thread, \(runs) runs of \(seconds) s after a 1 s warm-up")

        let cases: [(String, SigningKey, SignatureScheme)] = [
            ("RSA-2048 SHA-256", try SigningKey.generateRSA(bits: 2048), .rsaPKCS1SHA256),
            ("SM2 SM3", try SigningKey.generateSM2(), .sm2SM3),
        ]
        for (name, key, scheme) in cases {
            let publicKey = key.verifyingKey
            let signature = try key.signature(for: message, scheme: scheme)
            let valid = try publicKey.isValidSignature(signature, for: message, scheme: scheme)
            precondition(valid, "\(name): the signature does not verify")
            report(name, "sign", try measure(seconds: seconds, runs: runs) {
                _ = try key.signature(for: message, scheme: scheme)
            })
            report(name, "verify", try measure(seconds: seconds, runs: runs) {
                let valid = try publicKey.isValidSignature(signature, for: message, scheme: scheme)
                precondition(valid, "\(name): a verification failed")
            })
        }
    }

    /// Calls per second of `work`, one figure per run.
    static func measure(seconds: Int, runs: Int, _ work: () throws -> Void) throws -> [Double] {
        _ = try count(for: 1_000_000_000, work)
        var rates: [Double] = []
        for _ in 0..<runs {
            let (calls, nanos) = try count(for: UInt64(seconds) * 1_000_000_000, work)
            rates.append(Double(calls) * 1e9 / Double(nanos))
        }
        return rates
    }

    /// Calls of `work` until `budget` nanoseconds have passed, and the nanoseconds they took.
    private static func count(for budget: UInt64, _ work: () throws -> Void) throws -> (Int, UInt64) {
        let start = Stats.nanos()
        var calls = 0
        var elapsed: UInt64 = 0
        repeat {
            try work()
            calls += 1
            elapsed = Stats.nanos() - start
        } while elapsed < budget
        return (calls, elapsed)
    }

    static func report(_ name: String, _ operation: String, _ rates: [Double]) {
        let best = rates.max() ?? 0
        let median = Stats.median(rates)
        let label = "\(name) \(operation)".padding(toLength: 26, withPad: " ", startingAt: 0)
        print("  \(label) best \(Stats.grouped(best))/s, median \(Stats.grouped(median))/s "
              + "(\(Stats.grouped(1e6 / median)) µs each), runs: \(rates.map { Stats.grouped($0) }.joined(separator: ", "))")
    }
}
