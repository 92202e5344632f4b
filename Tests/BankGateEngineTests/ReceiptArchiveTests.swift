import BankGateCore
import BankGateCrypto
import BankGateEngine
import BankGateStore
import BankGateTestSupport
import BankGateTransport
import Foundation
import Logging
import XCTest

/// A receipt export's ZIP, read back with Info-ZIP's `unzip`: the documents as kept, the index in CSV
/// and JSON listing every receipt with its links and hash; a kept file altered or missing fails the
/// export naming the receipt; an export a crash left running is run again at start.
final class ReceiptArchiveTests: XCTestCase {
    var directory: URL!
    var payments: PaymentStore!
    var receipts: ReceiptStore!
    var files: ContentAddressedFiles!
    let cny = Currency(code: "CNY")!
    let t0 = Timestamp(milliseconds: 1_795_000_000_000)

    override func setUp() async throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("bankgate-rexport-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        payments = try PaymentStore(path: directory.appendingPathComponent("store.sqlite").path)
        receipts = ReceiptStore(sharing: payments)
        files = try ContentAddressedFiles(directory: directory.appendingPathComponent("receipts").path)
    }

    override func tearDown() async throws {
        payments.close()
        try? FileManager.default.removeItem(at: directory)
    }

    /// Stores a receipt whose kept file is `bytes`.
    @discardableResult
    func store(_ number: String, bytes: [UInt8], contentType: String = "application/pdf", account: String = "cmb-cny",
               date: String = "2026-12-03", minor: Int64 = 123_456, purpose: String = "货款",
               links: [ReceiptLinkDraft] = []) async throws -> ReceiptRecord {
        let kept = try files.store(bytes)
        let draft = ReceiptDraft(bankId: "cmb", accountId: account, bookingDate: date, amount: Money(minorUnits: minor, currency: cny),
                                 direction: "debit", counterpartyName: "上海某某贸易有限公司", counterpartyAccount: "31001234567890123",
                                 counterpartyBank: "招商银行上海分行", receiptNumber: number, bankSerial: "SER-" + number,
                                 clientReference: "BGI-" + number, kind: "转账回单", purpose: purpose, contentType: contentType,
                                 sha256: kept.sha256, size: Int64(kept.size), origin: .rendered)
        return try await receipts.insert(draft, links: links, at: t0).receipt
    }

    /// Indexes `records` and writes the ZIP; returns its path and summary.
    func export(_ records: [ReceiptRecord], id: String = "rex_1") throws -> (URL, ReceiptArchiveWriter.Summary) {
        let index = try ReceiptArchiveIndex(directory: directory.path, exportId: id, accountIds: ["cmb-cny"], fromDate: "2026-12-01",
                                            toDate: "2026-12-31")
        defer { index.remove() }
        for record in records { try index.append(record) }
        let contents = try index.finish()
        let zip = directory.appendingPathComponent("\(id).zip")
        let summary = try ReceiptArchiveWriter(files: files, modified: t0).write(contents, to: zip.path)
        return (zip, summary)
    }

    /// A receipt's text that a spreadsheet would run as a formula is written inert in `index.csv`
    /// (prefixed with `'`), and as it is in `index.json`.
    func testAFormulaInTheCSVIndexIsNotRunBySpreadsheets() async throws {
        let receipt = try await store("HD-F", bytes: Array("%PDF-1.7 formula".utf8), purpose: "=HYPERLINK(\"http://evil\",\"pay\")")
        let (archive, _) = try export([receipt])
        let out = directory.appendingPathComponent("out-formula")
        try Unzip.extract(archive, into: out)
        let csv = csvRecords(try String(contentsOf: out.appendingPathComponent("index.csv"), encoding: .utf8))
        let row = Dictionary(uniqueKeysWithValues: zip(ReceiptArchiveIndex.csvColumns, csv[1]))
        XCTAssertEqual(row["purpose"], "'=HYPERLINK(\"http://evil\",\"pay\")")
        XCTAssertEqual(row["amount"], "1234.56")
        let json = try String(contentsOf: out.appendingPathComponent("index.json"), encoding: .utf8)
        XCTAssertTrue(json.contains("\"=HYPERLINK("), json)
    }

    func testTheZIPHoldsEachDocumentAsKeptAndAnIndexOfEveryReceipt() async throws {
        let pdf = Array("%PDF-1.7 回单 one".utf8) + [UInt8](repeating: 7, count: 30_000)
        let first = try await store("HD001", bytes: pdf, links: [
            ReceiptLinkDraft(paymentId: "pay_1", method: .clientReference, confirmed: true),
            ReceiptLinkDraft(transactionId: "btx_4", method: .bankSerial, confirmed: true),
        ])
        let second = try await store("HD002", bytes: Array("receipt, \"two\"\n".utf8), contentType: "text/plain; charset=utf-8",
                                     minor: 5, purpose: "合同 \"A\", 第二行\n第三行",
                                     links: [ReceiptLinkDraft(paymentId: "pay_2", method: .amountDateCounterparty, confirmed: false),
                                             ReceiptLinkDraft(paymentId: "pay_3", method: .amountDateCounterparty, confirmed: false)])
        let (archive, summary) = try export([first, second])

        XCTAssertEqual(summary.receiptCount, 2)
        let bytes = try Data(contentsOf: archive)
        XCTAssertEqual(summary.bytes, Int64(bytes.count))
        XCTAssertEqual(summary.sha256, SHA256.hex(Array(bytes)))
        XCTAssertEqual(try Unzip.names(archive), ["index.csv", "index.json", "documents/\(first.id).pdf", "documents/\(second.id).txt"])
        XCTAssertEqual(try Unzip.method(of: "documents/\(first.id).pdf", in: archive), "none (stored)")
        XCTAssertEqual(try Unzip.method(of: "index.json", in: archive), "deflated")
        let out = directory.appendingPathComponent("out")
        try Unzip.extract(archive, into: out)
        XCTAssertEqual(Array(try Data(contentsOf: out.appendingPathComponent("documents/\(first.id).pdf"))), pdf)

        // CSV: a header, one record per receipt, quoting undone by an independent reader.
        let csv = csvRecords(try String(contentsOf: out.appendingPathComponent("index.csv"), encoding: .utf8))
        XCTAssertEqual(csv.first, ReceiptArchiveIndex.csvColumns)
        XCTAssertEqual(csv.count, 3)
        let rows = csv.dropFirst().map { Dictionary(uniqueKeysWithValues: zip(ReceiptArchiveIndex.csvColumns, $0)) }
        XCTAssertEqual(rows.map { $0["receipt_id"] }, [first.id, second.id])
        XCTAssertEqual(rows[0]["amount"], "1234.56")
        XCTAssertEqual(rows[1]["amount"], "0.05")
        XCTAssertEqual(rows[0]["currency"], "CNY")
        XCTAssertEqual(rows[0]["counterparty_name"], "上海某某贸易有限公司")
        XCTAssertEqual(rows[1]["purpose"], "合同 \"A\", 第二行\n第三行")
        XCTAssertEqual(rows[0]["payment_ids"], "pay_1")
        XCTAssertEqual(rows[0]["transaction_ids"], "btx_4")
        XCTAssertEqual(rows[0]["links"], "pay_1 client_reference confirmed;btx_4 bank_serial confirmed")
        XCTAssertEqual(rows[1]["payment_ids"], "pay_2;pay_3")
        XCTAssertEqual(rows[1]["links"], "pay_2 amount_date_counterparty suggested;pay_3 amount_date_counterparty suggested")
        XCTAssertEqual(rows[1]["content_type"], "text/plain; charset=utf-8")
        for row in rows {
            let file = try Data(contentsOf: out.appendingPathComponent(try XCTUnwrap(row["file"])))
            XCTAssertEqual(SHA256.hex(Array(file)), row["sha256"], "the file in the ZIP hashes to the index's sha256")
            XCTAssertEqual(String(file.count), row["size"])
        }

        // JSON: the same receipts, links as objects.
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("index.json")))
                                    as? [String: Any])
        XCTAssertEqual(json["receipt_count"] as? Int, 2)
        XCTAssertEqual((json["export"] as? [String: Any])?["id"] as? String, "rex_1")
        let listed = try XCTUnwrap(json["receipts"] as? [[String: Any]])
        XCTAssertEqual(listed.compactMap { $0["receipt_id"] as? String }, [first.id, second.id])
        XCTAssertEqual(listed[1]["purpose"] as? String, "合同 \"A\", 第二行\n第三行")
        XCTAssertEqual(listed[0]["sha256"] as? String, first.draft.sha256)
        let links = try XCTUnwrap(listed[0]["links"] as? [[String: Any]])
        XCTAssertEqual(links.count, 2)
        XCTAssertEqual(links[1]["transaction_id"] as? String, "btx_4")
        XCTAssertEqual(links[1]["confirmed"] as? Bool, true)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasPrefix(".rex_1") }, [],
                       "the index files beside the ZIP are removed")
    }

    func testAnEmptyExportHoldsTheIndexesOnly() throws {
        let (archive, summary) = try export([])
        XCTAssertEqual(summary.receiptCount, 0)
        XCTAssertEqual(try Unzip.names(archive), ["index.csv", "index.json"])
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(try Unzip.contents(of: "index.json", in: archive))) as? [String: Any])
        XCTAssertEqual((json["receipts"] as? [Any])?.count, 0)
    }

    func testAnAlteredOrMissingKeptFileFailsTheExportNamingTheReceipt() async throws {
        let good = try await store("HD001", bytes: Array("good".utf8))
        let bad = try await store("HD002", bytes: Array("this one will change".utf8))
        let path = directory.appendingPathComponent("receipts/\(bad.draft.sha256.prefix(2))/\(bad.draft.sha256)").path
        chmod(path, 0o644)
        try Data("this one has changed".utf8).write(to: URL(fileURLWithPath: path))
        XCTAssertThrowsError(try export([good, bad])) { error in
            guard case .receiptFile(let receiptId, let problem, _)? = error as? ReceiptArchiveError else {
                return XCTFail("\(error)")
            }
            XCTAssertEqual(receiptId, bad.id)
            XCTAssertEqual(problem, "altered")
            XCTAssertEqual((error as? ReceiptArchiveError)?.code, "receipt_file_altered")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: directory.appendingPathComponent("rex_1.zip").path), "no ZIP is left")

        try FileManager.default.removeItem(atPath: path)
        XCTAssertThrowsError(try export([good, bad])) { error in
            XCTAssertEqual((error as? ReceiptArchiveError)?.code, "receipt_file_missing", "\(error)")
            XCTAssertTrue("\(error)".contains(bad.id), "\(error)")
        }
    }

    /// Before its ZIP is written an export cannot be downloaded: 409 `export_not_ready`; a bounded request.
    func testAQueuedExportIsNotReadyAndRequestsAreBounded() async throws {
        try await store("HD001", bytes: Array("one".utf8))
        try await store("HD002", bytes: Array("two".utf8), date: "2026-12-04")
        let service = try ReceiptExportService(exports: ReceiptExportStore(sharing: payments), receipts: receipts, files: files,
                                               directory: directory.appendingPathComponent("exports").path, accountIds: ["cmb-cny"],
                                               limits: .init(maxReceipts: 1), clock: FixedClock(instant: t0), logger: Logger(label: "test"))
        do {
            _ = try await service.request(ReceiptExportRequest(accountIds: ["cmb-cny"], fromDate: "2026-12-01", toDate: "2026-12-31"),
                                          requestedBy: "finance")
            XCTFail("two receipts, over the limit of one")
        } catch {
            XCTAssertEqual(error.code, .invalidRange)
            XCTAssertEqual(error.field, "to")
        }
        let queued = try await service.request(ReceiptExportRequest(accountIds: ["cmb-cny", "cmb-cny"], fromDate: "2026-12-03",
                                                                    toDate: "2026-12-03"), requestedBy: "finance")
        XCTAssertEqual(queued.state, .queued)
        XCTAssertEqual(queued.accountIds, ["cmb-cny"], "an account named twice is exported once")
        do {
            _ = try await service.download(id: queued.id)
            XCTFail("not written yet")
        } catch {
            XCTAssertEqual(error.code, .exportNotReady)
            XCTAssertEqual(error.kind, .conflict)
        }
    }

    /// An export left `running` (the daemon crashed while writing it) is queued again and written at start.
    func testAnExportLeftRunningIsRunAgainAtStart() async throws {
        let record = try await store("HD001", bytes: Array("one".utf8))
        let exports = ReceiptExportStore(sharing: payments)
        let created = try await exports.create(accountIds: ["cmb-cny"], fromDate: "2026-12-01", toDate: "2026-12-31", receiptCount: 1,
                                               requestedBy: "finance", at: t0)
        let started = try await exports.startNext(at: t0)
        XCTAssertEqual(started?.state, .running)
        let service = try ReceiptExportService(exports: exports, receipts: receipts, files: files,
                                               directory: directory.appendingPathComponent("exports").path, accountIds: ["cmb-cny"],
                                               clock: FixedClock(instant: t0), logger: Logger(label: "test"))
        let running = Task { try await service.run() }
        var found = try await exports.export(id: created.id)
        for _ in 0..<200 where found?.state != .ready {
            try await Task.sleep(for: .milliseconds(25))
            found = try await exports.export(id: created.id)
        }
        running.cancel()
        _ = try? await running.value
        XCTAssertEqual(found?.state, .ready, "\(String(describing: found))")
        XCTAssertEqual(found?.receiptCount, 1)
        let archive = directory.appendingPathComponent("exports/\(created.id).zip")
        XCTAssertEqual(found?.sha256, SHA256.hex(Array(try Data(contentsOf: archive))))
        XCTAssertEqual(try Unzip.names(archive), ["index.csv", "index.json", "documents/\(record.id).pdf"])
        let audit = try await ReconciliationStore(sharing: payments).auditEntries(subjectKind: "receipt_export", subjectId: created.id)
        XCTAssertEqual(audit.map(\.action), ["receipt_export.created", "receipt_export.started", "receipt_export.requeued", "receipt_export.started",
                               "receipt_export.ready"])
    }

    /// The exporter runs as a singleton: stopped when its instance loses the lock, run again when it
    /// takes it back. An outside check saw the second run return at once (its wake-up stream was
    /// finished for good), which ended the whole daemon. It must run again and write what is asked.
    func testTheExporterRunsAgainAfterItWasStopped() async throws {
        try await store("HD001", bytes: Array("one".utf8))
        let exports = ReceiptExportStore(sharing: payments)
        let service = try ReceiptExportService(exports: exports, receipts: receipts, files: files,
                                               directory: directory.appendingPathComponent("exports").path, accountIds: ["cmb-cny"],
                                               clock: FixedClock(instant: t0), logger: Logger(label: "test"))
        let first = Task { try await service.run() }
        try await Task.sleep(for: .milliseconds(50))
        first.cancel()
        _ = try? await first.value

        let second = Task { try await service.run() }
        let queued = try await service.request(ReceiptExportRequest(accountIds: ["cmb-cny"], fromDate: "2026-12-01", toDate: "2026-12-31"),
                                               requestedBy: "finance")
        var found = try await exports.export(id: queued.id)
        for _ in 0..<200 where found?.state != .ready {
            try await Task.sleep(for: .milliseconds(25))
            found = try await exports.export(id: queued.id)
        }
        second.cancel()
        _ = try? await second.value
        XCTAssertEqual(found?.state, .ready, "the second run wrote the export: \(String(describing: found))")
    }
}
