import BankGateAdapters
import BankGateCore
import BankGateCrypto
import BankGateEngine
import BankGateReceipts
import BankGateStatements
import BankGateStore
import BankGateTransport
import Foundation
import Logging

/// The receipt export at scale, in two processes so that the export's peak memory is its own:
///
/// - `receipts-export-setup --dir DIR [--count 100000] [--distinct 300]`: renders `distinct` receipts
///   to PDF with the default template, then keeps `count` files under `DIR/receipts` (each rendered
///   PDF with a comment line after `%%EOF` naming its number, so every file has its own hash; written
///   straight into the content-addressed layout, without fsync: set-up, not measured) and stores their
///   metadata through ``ReceiptStore`` (256 inserts in flight, one link each) in `DIR/bankgate.sqlite`.
/// - `receipts-export --dir DIR`: one export of all of them (``ReceiptExportService``, as the daemon
///   runs it) into `DIR/exports`; prints seconds, receipts/s, ZIP bytes/s, whether the ZIP has ZIP64
///   end records, and the process's peak RSS (VmHWM).
enum ReceiptExportBench {
    static let account = "cmb-sim-sz"

    static func setup(_ options: Options) async throws {
        let directory = try options.string("dir")
        let count = try options.int("count", default: 100_000)
        let distinct = try options.int("distinct", default: 300)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let cny = Currency(code: "CNY")!
        let receiptAccount = ReceiptAccount(name: "深圳示例科技有限公司", bankName: "招商银行深圳分行")
        var start = Stats.nanos()
        let pdfs = try (0..<distinct).map { (index: Int) -> [UInt8] in
            let number = String(index)
            let receipt = BankReceipt(receiptNumber: "HD20261203" + number, bankSerial: "SIM" + number,
                                      clientReference: "BGI20261203" + number, accountNumber: "755912345610001",
                                      bookingDate: "2026-12-03", amount: Money(minorUnits: Int64(100_000 + index * 37), currency: cny),
                                      direction: .debit, counterparty: Counterparty(name: "上海某某贸易有限公司", account: "31001234567" + number),
                                      counterpartyBankName: "招商银行上海分行", purpose: "货款 合同 " + number, kind: "转账回单")
            return try ReceiptPDF.render(receipt, account: receiptAccount, template: .default)
        }
        print("rendered \(distinct) PDFs in \(Stats.milliseconds(Stats.nanos() - start)) ms, \(pdfs.map(\.count).reduce(0, +) / distinct) bytes each")

        start = Stats.nanos()
        let root = directory + "/receipts"
        var drafts: [ReceiptDraft] = []
        drafts.reserveCapacity(count)
        var total = 0
        for index in 0..<count {
            let bytes = pdfs[index % distinct] + Array("%bankgate-bench \(index)\n".utf8)
            let sha = SHA256.hex(bytes)
            let folder = root + "/" + sha.prefix(2)
            if !FileManager.default.fileExists(atPath: folder) {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            }
            let path = folder + "/" + sha
            guard FileManager.default.createFile(atPath: path, contents: Data(bytes), attributes: [.posixPermissions: 0o444]) else {
                throw BenchError(description: "cannot write \(path)")
            }
            total += bytes.count
            let day = 1 + index % 28
            drafts.append(ReceiptDraft(bankId: "cmb", accountId: account, bookingDate: "2026-11-\(day < 10 ? "0" : "")\(day)",
                                       amount: Money(minorUnits: Int64(100_000 + index), currency: cny), direction: "debit",
                                       counterpartyName: "上海某某贸易有限公司", counterpartyAccount: "31001234567\(index)",
                                       counterpartyBank: "招商银行上海分行", receiptNumber: "HD\(index)", bankSerial: "SIM\(index)",
                                       clientReference: "BGI\(index)", kind: "转账回单", purpose: "货款, 合同 \(index)",
                                       contentType: "application/pdf", sha256: sha, size: Int64(bytes.count), origin: .rendered))
        }
        print("kept \(count) files, \(total) bytes, in \(Stats.milliseconds(Stats.nanos() - start)) ms")

        start = Stats.nanos()
        let store = try PaymentStore(path: directory + "/bankgate.sqlite")
        defer { store.close() }
        let receipts = ReceiptStore(sharing: store)
        let at = Timestamp(milliseconds: 1_795_000_000_000)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (index, draft) in drafts.enumerated() {
                if index >= 256 { try await group.next() }
                group.addTask {
                    _ = try await receipts.insert(draft, links: [ReceiptLinkDraft(paymentId: "pay_bench_\(index)", method: .clientReference,
                                                                                  confirmed: true)], at: at)
                }
            }
            try await group.waitForAll()
        }
        print("stored \(count) receipts in \(Stats.milliseconds(Stats.nanos() - start)) ms")
    }

    static func export(_ options: Options) async throws {
        let directory = try options.string("dir")
        let store = try PaymentStore(path: directory + "/bankgate.sqlite")
        defer { store.close() }
        var logger = Logger(label: "bench")
        logger.logLevel = .warning
        let files = try ContentAddressedFiles(directory: directory + "/receipts")
        let service = try ReceiptExportService(exports: ReceiptExportStore(sharing: store), receipts: ReceiptStore(sharing: store),
                                               files: files, directory: directory + "/exports", accountIds: [account],
                                               limits: .init(maxReceipts: 1_000_000), clock: SystemClock(), logger: logger)
        let start = Stats.nanos()
        let requested = try await service.request(ReceiptExportRequest(accountIds: [account], fromDate: "2026-11-01", toDate: "2026-11-30"),
                                                  requestedBy: "bench")
        await service.runQueued()
        let seconds = Double(Stats.nanos() - start) / 1e9
        let export = try await service.export(id: requested.id)
        guard export.state == .ready, let bytes = export.bytes, let fileName = export.fileName else {
            throw BenchError(description: "export \(export.id) ended \(export.state.rawValue): \(export.errorMessage ?? "")")
        }
        let zip64 = try hasZIP64EndRecord(directory + "/exports/" + fileName)
        print("receipts-export: \(export.receiptCount) receipts, ZIP \(bytes) bytes in \(String(format: "%.2f", seconds)) s: "
              + "\(Stats.grouped(Double(export.receiptCount) / seconds)) receipts/s, "
              + "\(String(format: "%.1f", Double(bytes) / seconds / 1_048_576)) MiB/s; ZIP64 end records: \(zip64 ? "yes" : "no"); "
              + "peak RSS \(peakRSS()); sha256 \(export.sha256 ?? "-")")
    }

    /// Whether the file's last 1 KB holds the ZIP64 end of central directory locator (`PK\u{6}\u{7}`).
    static func hasZIP64EndRecord(_ path: String) throws -> Bool {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw BenchError(description: "cannot open \(path)") }
        defer { try? handle.close() }
        let size = try handle.seekToEnd()
        try handle.seek(toOffset: size > 1024 ? size - 1024 : 0)
        let tail = handle.readDataToEndOfFile()
        return tail.range(of: Data([0x50, 0x4B, 0x06, 0x07])) != nil
    }

    /// `VmHWM` of /proc/self/status: the process's peak resident memory.
    static func peakRSS() -> String {
        let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
        return status.split(separator: "\n").first { $0.hasPrefix("VmHWM:") }
            .map { $0.dropFirst(6).trimmingCharacters(in: .whitespaces) } ?? "?"
    }

    struct BenchError: Error, CustomStringConvertible {
        var description: String
    }
}
