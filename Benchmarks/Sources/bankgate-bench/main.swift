#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// bankgate-bench: the in-process and HTTP benchmarks behind docs/benchmarks.md.
// Run them all with `bash Benchmarks/run.sh` (or `make bench`), which also starts the gateway,
// the bank simulator and the Python peers.

let usage = """
    usage: bankgate-bench gen     --out-dir DIR [--count 10000]
           bankgate-bench pain001 [--transfers 10000] [--runs 9] [--out FILE]
           bankgate-bench intake  --port P --token T [--clients 32] [--count 10000] [--batch 1] [--key-prefix K]
           bankgate-bench store   --dir DIR [--count 10000] [--concurrency 32]
           bankgate-bench e2e     --port P --token T [--clients 32] [--count 5000] [--timeout-s 600]
           bankgate-bench reconcile [--count 100000] [--runs 5] [--seed 42]
           bankgate-bench reconcile-store --dir DIR [--count 100000]
           bankgate-bench statements-gen   --format camt053|mt940 --entries N --out FILE [--per-statement 10000]
           bankgate-bench statements-parse --file FILE [--runs 3]
           bankgate-bench json    [--count 100000] [--batch 10000] [--runs 5]
           bankgate-bench sign    [--seconds 3] [--runs 3] [--size 1024]
           bankgate-bench sign-pkcs11 --uri pkcs11:… --module MODULE.so [--pin-env VAR] [--seconds 3] [--runs 3] [--size 1024]
           bankgate-bench adapters [--transfers 1000] [--runs 5]
           bankgate-bench receipts-pdf [--count 500] [--runs 3] [--font FAMILY]
           bankgate-bench receipts-export-setup --dir DIR [--count 100000] [--distinct 300]
           bankgate-bench receipts-export --dir DIR
           bankgate-bench audit-chain-setup --dir DIR [--count 10000000] [--concurrency 64]
           bankgate-bench audit-chain-verify --dir DIR
    """

let arguments = CommandLine.arguments
guard arguments.count >= 2 else {
    print(usage)
    exit(2)
}
do {
    let options = try Options(arguments.dropFirst(2))
    switch arguments[1] {
    case "gen": try Generate.run(options)
    case "pain001": try Pain001Bench.run(options)
    case "intake": try IntakeBench.run(options)
    case "e2e": try EndToEndBench.run(options)
    case "store": try await StoreBench.run(options)
    case "reconcile": try ReconcileBench.run(options)
    case "reconcile-store": try await ReconcileStoreBench.run(options)
    case "statements-gen": try StatementBench.generate(options)
    case "statements-parse": try StatementBench.parse(options)
    case "json": try JSONBench.run(options)
    case "sign": try SignBench.run(options)
    case "sign-pkcs11": try SignBench.runPKCS11(options)
    case "adapters": try AdapterBench.run(options)
    case "receipts-pdf": try ReceiptBench.run(options)
    case "receipts-export-setup": try await ReceiptExportBench.setup(options)
    case "receipts-export": try await ReceiptExportBench.export(options)
    case "audit-chain-setup": try await AuditChainBench.setup(options)
    case "audit-chain-verify": try await AuditChainBench.verify(options)
    default:
        print(usage)
        exit(2)
    }
} catch let error as Options.UsageError {
    print("bankgate-bench: \(error)\n\(usage)")
    exit(2)
} catch {
    print("bankgate-bench: \(error)")
    exit(1)
}
